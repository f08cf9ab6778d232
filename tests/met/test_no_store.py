"""Responses with personal data say Cache-Control: no-store (issue 13 point 7); public ones need not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services as api_services
from cases import services as case_services
from cases.models import Category

POLICE, COORDINATOR = "practitioner.police@example.org", "coordinator@example.org"


def _assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.fixture
def case(demo_data):
    concern = case_services.concern_log(
        actor=demo_data[POLICE],
        new_child={"first_name": "Nora", "last_name": "Nostore"},
        category=Category.objects.get(code="cse"),
        observed_at=timezone.now() - timedelta(hours=1),
        description="x",
    )
    return concern.case


def test_a_case_page_is_never_stored(demo_data, login, case):
    response = login(demo_data[COORDINATOR]).get(case.get_absolute_url())
    assert response.status_code == 200
    assert "Nostore" in response.content.decode()
    _assert_no_store(response)


def test_the_csv_export_is_never_stored(demo_data, login, case):
    response = login(demo_data[COORDINATOR]).get(reverse("case_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    _assert_no_store(response)


def test_api_responses_are_never_stored_even_errors(demo_data, case):
    _, key = api_services.token_create(user=demo_data[COORDINATOR], name="Partner")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    _assert_no_store(response)
    _assert_no_store(APIClient().get("/api/v1/cases/"))  # 401/403 too: the rule is by path


def test_a_signed_in_redirect_and_not_found_are_never_stored(demo_data, login):
    client = login(demo_data[POLICE])
    _assert_no_store(client.get("/cases/999999/"))
    _assert_no_store(client.get(reverse("home")))


@pytest.mark.django_db
def test_public_pages_and_static_files_are_left_to_their_own_caching(rf, demo_data):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from met.middleware import NoStoreMiddleware

    middleware = NoStoreMiddleware(lambda request: HttpResponse("x"))
    for path, user in (("/static/css/met.css", demo_data[POLICE]), ("/password-reset/", AnonymousUser())):
        request = rf.get(path)
        request.user = user
        response = middleware(request)
        assert not response.has_header("Cache-Control") and not response.has_header("Pragma"), path
