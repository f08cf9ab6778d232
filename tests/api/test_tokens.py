"""Personal API tokens: made and revoked on the account page, shown once, stored hashed; refused at
once when revoked or when their account is deactivated; rate-limited per token; the browser
session works too."""

import hashlib
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from met import services as met_services
from met.models import AuditEvent, User
from tests.cases import HEALTH, POLICE, user

POLICE_ADMIN = "admin.police@example.org"


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _create_on_page(browser, name: str = "Case system") -> str:
    response = browser.post(reverse("api_tokens"), {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return re.search(r'value="(met_[^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_it_shows_a_new_token_once_and_keeps_only_its_hash(demo_data, login):
    browser = login(user(POLICE))
    key = _create_on_page(browser, "Niche RMS")
    token = ApiToken.objects.get()
    assert token.name == "Niche RMS"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith("met_" + token.prefix)
    assert key not in str(ApiToken.objects.values().get())
    page = browser.get(reverse("api_tokens")).content.decode()
    assert "Niche RMS" in page and f"met_{token.prefix}" in page
    assert key not in page
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    assert _bearer(key).get("/api/v1/me/").json()["email"] == POLICE


@pytest.mark.django_db
def test_it_asks_for_a_name_and_limits_how_many_tokens_a_person_holds(demo_data, login):
    browser = login(user(POLICE))
    response = browser.post(reverse("api_tokens"), {"name": "  "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(user=user(POLICE), name=f"t{n}")
    response = browser.post(reverse("api_tokens"), {"name": "one too many"})
    assert response.status_code == 400
    assert "Revoke one you no longer use first" in response.content.decode()
    assert ApiToken.objects.count() == services.MAX_ACTIVE_TOKENS


@pytest.mark.django_db
def test_it_stops_a_revoked_token_at_once(demo_data, login):
    browser = login(user(POLICE))
    key = _create_on_page(browser)
    client = _bearer(key)
    assert client.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get()
    response = browser.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert "revoked" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Revoked tokens" in browser.get(reverse("api_tokens")).content.decode()
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()


@pytest.mark.django_db
def test_it_lets_nobody_revoke_someone_elses_token(demo_data, login):
    token, key = services.token_create(user=user(POLICE), name="mine")
    response = login(user(HEALTH)).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert _bearer(key).get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_it_stops_the_tokens_of_a_deactivated_account_at_once_and_for_good(demo_data):
    police = user(POLICE)
    _, key = services.token_create(user=police, name="RMS")
    client = _bearer(key)
    assert client.get("/api/v1/cases/").status_code == 200

    # Even a deactivation that bypasses the service (and its signal) stops the token on the next request.
    User.objects.filter(pk=police.pk).update(is_active=False)
    assert client.get("/api/v1/cases/").status_code == 401
    User.objects.filter(pk=police.pk).update(is_active=True)
    assert client.get("/api/v1/cases/").status_code == 200

    # Deactivated by their agency admin: refused, and still refused after reactivation.
    met_services.user_deactivate(actor=user(POLICE_ADMIN), user=police)
    assert client.get("/api/v1/cases/").status_code == 401
    met_services.user_reactivate(actor=user(POLICE_ADMIN), user=police)
    assert client.get("/api/v1/cases/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer met_not-a-real-token", "Bearer not-even-the-prefix", "Bearer m\u00e9t_x"],
)
def test_it_answers_a_bad_token_with_401_json(header, demo_data):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.django_db
def test_it_answers_a_request_without_credentials_with_401(demo_data):
    response = APIClient().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
    assert response["WWW-Authenticate"] == 'Bearer realm="MET Hub API"'


@pytest.mark.django_db
def test_it_records_when_a_token_was_last_used(demo_data):
    token, key = services.token_create(user=user(POLICE), name="RMS")
    assert token.last_used_at is None
    _bearer(key).get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_it_accepts_the_browser_session_and_asks_it_for_the_csrf_token_on_writes(demo_data, world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user(POLICE))
    assert browser.get(f"/api/v1/cases/{world.seen.pk}/").status_code == 200
    response = browser.patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": world.seen.version, "voice_of_child": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_it_limits_the_rate_per_token(demo_data, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/minute"}}
    police = user(POLICE)
    _, first = services.token_create(user=police, name="one")
    _, second = services.token_create(user=police, name="two")
    one, two = _bearer(first), _bearer(second)
    assert [one.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    response = one.get("/api/v1/me/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Another token of the same person has its own allowance.
    assert two.get("/api/v1/me/").status_code == 200
