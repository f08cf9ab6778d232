import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import services
from met.models import User


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counts live in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client():
    """An API client sending a fresh personal token of `user`, as a partner system would."""

    def _client(user: User, *, name: str = "Test system") -> APIClient:
        _, key = services.token_create(user=user, name=name)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return _client


@pytest.fixture
def world(demo_data):
    from tests.api.world import build_world

    return build_world()
