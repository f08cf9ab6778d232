from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases.access import cases_visible_to
from cases.missing import overdue_rhi_filter
from cases.models import CaseStatus, Concern, MissingEpisode, RiskLevel
from met.access import users_visible_to
from met.models import Agency


@login_required
@require_safe
def home(request):
    """One page, a section per role the user holds: each shows what that role does here."""
    user = request.user
    context = {}
    if user.has_case_role:
        visible = cases_visible_to(user)
        context["open_cases"] = visible.filter(status=CaseStatus.OPEN).count()
        context["high_risk_cases"] = visible.filter(status=CaseStatus.OPEN, risk_level=RiskLevel.HIGH).count()
        context["overdue_rhis"] = MissingEpisode.objects.filter(
            overdue_rhi_filter(now=timezone.now()), case__in=visible
        ).count()
    if user.sees_all_cases:
        context["untriaged"] = Concern.objects.filter(triaged_at__isnull=True).count()
    if user.is_agency_admin or user.is_system_admin:
        accounts = users_visible_to(user)
        context["active_accounts"] = accounts.filter(is_active=True).count()
        context["inactive_accounts"] = accounts.filter(is_active=False).count()
    if user.is_system_admin:
        context["agency_count"] = Agency.objects.filter(is_active=True).count()
    return render(request, "home.html", context)
