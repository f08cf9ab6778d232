"""/account/api-tokens/: a person's own API tokens."""

from django.urls import path

from api import web

urlpatterns = [
    path("", web.tokens, name="api_tokens"),
    path("<int:pk>/revoke/", web.token_revoke, name="api_token_revoke"),
]
