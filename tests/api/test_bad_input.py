"""Bad input gets a clear JSON error and a 4xx: never HTML, never a 500, never a partial write."""

import pytest

from cases.models import Concern, MissingEpisode
from tests.cases import COORDINATOR, POLICE, user


@pytest.fixture
def client(world, token_client):
    return token_client(user(COORDINATOR))


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] and body["code"]
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=opened", "status"),
        ("risk_level=extreme", "risk_level"),
        ("category=not-a-category", "category"),
        ("flag=vip", "flag"),
        ("agency=abc", "agency"),
        ("agency=999999", "agency"),
        ("lead_professional=-1", "lead_professional"),
        ("ordering=child__last_name", "ordering"),
        ("ordering=-risk_level,password", "ordering"),
        ("category=%00", "category"),
    ],
)
def test_it_refuses_unknown_filter_values_on_the_case_list(query, field, client):
    body = _json_error(client.get(f"/api/v1/cases/?{query}"), 400)
    assert set(body["errors"]) == {field}
    assert body["code"] == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/missing-episodes/?went_missing_after=yesterday",
        "/api/v1/missing-episodes/?went_missing_after=2026-02-30T10:00:00",
        "/api/v1/missing-episodes/?went_missing_before=0001-01-01T00:00:00%2B23:00",
        "/api/v1/missing-episodes/?rhi_overdue=maybe",
        "/api/v1/missing-episodes/?case=1.5",
        "/api/v1/missing-episodes/?case=99999999999999999999999",
        "/api/v1/meetings/?date_from=31/12/2026",
        "/api/v1/children/?date_of_birth=2011-13-01",
        "/api/v1/actions/?status=late",
        "/api/v1/notifications/?unread=perhaps",
    ],
)
def test_it_refuses_bad_filter_values_elsewhere(url, client):
    _json_error(client.get(url), 400)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "999999999999999999999", "0", "-1", "abc"])
def test_it_answers_a_page_that_does_not_exist_with_a_json_404(page, client):
    body = _json_error(client.get(f"/api/v1/cases/?page={page}"), 404)
    assert "There is no page" in body["detail"]


@pytest.mark.django_db
def test_it_caps_the_page_size(client):
    response = client.get("/api/v1/agencies/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 100
    assert client.get("/api/v1/agencies/?page_size=abc").status_code == 200  # falls back to 25


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"case": 1, "went_missing_at": ', "application/json", 400),
        ("not json at all", "application/json", 400),
        ('["a", "list"]', "application/json", 400),
        ('{"case": "\\ud800", "went_missing_at": "2026-01-01T10:00"}', "application/json", 400),
        ("case=1&went_missing_at=2026-01-01T10:00", "application/x-www-form-urlencoded", 415),
        ("<episode/>", "application/xml", 415),
    ],
)
def test_it_refuses_a_body_it_cannot_read(body, content_type, status, client, world):
    before = MissingEpisode.objects.count()
    response = client.generic("POST", "/api/v1/missing-episodes/", body, content_type=content_type)
    error = _json_error(response, status)
    if status == 400:
        assert "non_field_errors" in error["errors"]
    assert MissingEpisode.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"went_missing_at": "31/12/2026 10:00"}, "went_missing_at"),
        ({"went_missing_at": "2026-02-30T10:00:00Z"}, "went_missing_at"),
        ({"went_missing_at": "9999-12-31T23:59:59Z"}, "went_missing_at"),
        ({"went_missing_at": None}, "went_missing_at"),
        ({"kind": "vanished"}, "kind"),
        ({"reported_to_police": "perhaps"}, "reported_to_police"),
        ({"case": "one"}, "case"),
        ({"case": 10**30}, "case"),
        ({"police_reference": "x" * 41}, "police_reference"),
        ({"where_found": "in \x00 the park"}, "where_found"),
    ],
)
def test_it_explains_each_bad_field(change, field, client, world):
    request = {"case": world.seen.pk, "went_missing_at": "2026-01-01T10:00:00Z", **change}
    body = _json_error(client.post("/api/v1/missing-episodes/", request, format="json"), 400)
    assert field in body["errors"]
    assert body["errors"][field][0] in body["detail"]


@pytest.mark.django_db
def test_it_answers_unknown_addresses_under_api_with_json_404s(client):
    body = _json_error(client.get("/api/v1/no-such-thing/"), 404)
    assert body["code"] == "not_found"
    assert "docs" in body["detail"]
    body = _json_error(client.get("/api/v1/cases"), 404)
    assert "end with a slash" in body["detail"]
    _json_error(client.post("/api/v2/cases/", {}, format="json"), 404)
    _json_error(client.get("/api/v1/cases/abc/"), 404)
    _json_error(client.get("/api/v1/cases/123456789012345678901234/"), 404)


@pytest.mark.django_db
def test_it_answers_an_unsupported_method_with_json_405(client, world):
    for method in ("put", "delete"):
        body = _json_error(getattr(client, method)(f"/api/v1/cases/{world.seen.pk}/", {}, format="json"), 405)
        assert body["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_it_refuses_a_concern_without_a_subject_and_writes_nothing(world, token_client):
    before = Concern.objects.count()
    response = token_client(user(POLICE)).post(
        "/api/v1/concerns/",
        {"category": "cse", "observed_at": "2026-01-01T10:00:00Z", "description": "x"},
        format="json",
    )
    body = _json_error(response, 400)
    assert "either “case”" in body["errors"]["non_field_errors"][0]
    assert Concern.objects.count() == before


@pytest.mark.django_db
def test_it_answers_a_server_fault_with_json_too(client, world, monkeypatch):
    from api.views import cases

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cases, "case_queryset", broken)
    body = _json_error(client.get(f"/api/v1/cases/{world.seen.pk}/"), 500)
    assert body["code"] == "server_error"
    assert "boom" not in body["detail"]
