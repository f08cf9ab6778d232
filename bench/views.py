from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@login_required
@require_safe
def empty(request):
    """The baseline: the same middleware as every page (session, 2FA, audit log, no-store), no work."""
    return HttpResponse("", content_type="text/plain")
