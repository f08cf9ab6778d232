from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from met import registry


@login_required
@require_safe
def home(request):
    """One page, a section per role the user holds: each app registers the panels for its roles
    (met.registry), so this page lists what the apps offer without knowing them."""
    panels = [(panel.template, panel.context(request.user)) for panel in registry.home_panels()]
    return render(request, "home.html", {"panels": [(template, context) for template, context in panels if context]})
