from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from met.access import users_visible_to
from met.models import Agency


@login_required
def home(request):
    """One page, a section per role the user holds: each shows what that role does here."""
    user = request.user
    context = {}
    if user.is_agency_admin or user.is_system_admin:
        accounts = users_visible_to(user)
        context["active_accounts"] = accounts.filter(is_active=True).count()
        context["inactive_accounts"] = accounts.filter(is_active=False).count()
    if user.is_system_admin:
        context["agency_count"] = Agency.objects.filter(is_active=True).count()
    return render(request, "home.html", context)
