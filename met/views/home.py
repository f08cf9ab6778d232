from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from met import registry


@login_required
@require_safe
def home(request):
    """One page, a section per role the user holds: each app registers the panels for its roles
    (met.registry), so this page lists what the apps offer without knowing them."""
    panels, figures = [], {}
    for panel in registry.home_panels():
        context = panel.context(request.user)
        if context is not None:
            panels.append((panel.template, context))
            figures.update(context)
    return render(request, "home.html", {"panels": panels, **figures})
