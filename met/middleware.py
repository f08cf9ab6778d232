from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp.plugins.otp_totp.models import TOTPDevice

# Reachable with a password alone: enough to finish signing in, or to leave.
_OPEN_PREFIXES = ("/account/2fa/", "/logout/", "/static/", "/healthz")


def two_factor_required(user) -> bool:
    """Everyone needs a second factor when MET_REQUIRE_2FA is on; anyone who enrolled one always does."""
    if settings.MET_REQUIRE_2FA:
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class TwoFactorMiddleware:
    """Send a signed-in user who has not passed two-factor to enrolment or verification."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.session.get("met_2fa_not_needed")
        ):
            if two_factor_required(user):
                has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                target = reverse("2fa_verify" if has_device else "2fa_setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
            # Remember for this session, so an unenrolled user is not re-checked on every page.
            request.session["met_2fa_not_needed"] = True
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in person sees, and nothing the API answers, is kept by a browser or proxy cache.

    Children's records must not outlive the session in a shared computer's cache or back/forward
    history, so every such response says no-store (and Pragma: no-cache for HTTP/1.0 proxies). The
    rule is by who asks rather than by page, so a new page cannot forget it. Static files are public
    and keep their long cache lifetimes (whitenoise serves them before this runs anyway).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            # A view that already said no-store (the one-time API token page) keeps its exact header.
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
