from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
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
