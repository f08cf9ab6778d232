"""`Authorization: Bearer met_…` with a personal API token (api/models.py).

Checked on every request: an unknown or revoked token, or one whose account has been deactivated,
is refused with 401 at once, however recently it worked.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from api import services
from api.models import ApiToken

INVALID = "This API token is not valid: it may have been revoked, or its account deactivated."


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # not ours: the session may still authenticate the request
        if len(parts) != 2:
            raise AuthenticationFailed("Send the token as “Authorization: Bearer <token>”, with no spaces in it.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(INVALID) from None
        token: ApiToken | None = services.token_for_key(key)
        if token is None:
            raise AuthenticationFailed(INVALID)
        services.token_touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="MET Hub API"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from Your account → API tokens, sent as `Authorization: Bearer met_…`.",
        }
