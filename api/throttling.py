from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """A rate limit per API token (per user for the browser session, per address otherwise).

    Per token rather than per user, so one busy integration cannot starve a person's other tools.
    Counts live in Django's default cache: per process unless a shared cache is configured.
    """

    scope = "api"

    def get_rate(self):
        # Read at request time, so that a change of setting (or a test's override) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
