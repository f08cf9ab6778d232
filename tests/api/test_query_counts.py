"""Each list costs the same number of queries for 3 rows as for 20 (no query per row), audit included."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from meetings import services as meeting_services
from met.notifications import notify
from riskassessment import services as risk_services
from tests.cases import COORDINATOR, HEALTH, POLICE, add_episode, make_case, user

COLLECTIONS = [
    "children",
    "cases",
    "concerns",
    "missing-episodes",
    "risk-assessments",
    "actions",
    "meetings",
    "notifications",
    "risk-tools",
    "categories",
    "agencies",
]


def _add_records(count: int, start: int) -> None:
    coordinator, police, health = user(COORDINATOR), user(POLICE), user(HEALTH)
    for n in range(start, start + count):
        case = make_case(police, agencies=("Police", "Health", "Education"), lead=police, category_code="cce")
        case_services.case_update(
            actor=coordinator,
            case=case,
            expected_version=case.version,
            seen=None,
            categories=[*case.categories.all(), *type(case.categories.first()).objects.filter(code="cse")],
            restricted_to=[health],
            voice_of_child="I am fine.",
        )
        add_episode(case, actor=police, days_ago=3)
        risk_services.assessment_start(actor=health, case=case)
        meeting_services.action_create(
            actor=coordinator, case=case, description="Visit", owner=police, due_date=timezone.localdate()
        )
        meeting = meeting_services.meeting_create(
            actor=coordinator,
            date=timezone.localdate() + timedelta(days=n),
            starts_at=time(10, 0),
            chair=user("chair@example.org"),
        )
        meeting_services.attendance_set(actor=coordinator, meeting=meeting, user=police, status="present")
        notify(recipient=police, subject=f"Note {n}", body="Something happened.")


def _queries(client, url: str) -> tuple[int, int]:
    client.get(url)  # warm Django's per-process caches (content types) first: they are not per-row costs
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(context), len(response.json()["results"])


@pytest.mark.django_db
def test_it_lists_with_a_fixed_number_of_queries(demo_data, token_client):
    client = token_client(user(POLICE))
    client.get("/api/v1/me/")  # the token's first use records last_used_at: not part of a list's cost
    _add_records(3, 0)
    small = {name: _queries(client, f"/api/v1/{name}/?page_size=100") for name in COLLECTIONS}
    _add_records(17, 3)
    large = {name: _queries(client, f"/api/v1/{name}/?page_size=100") for name in COLLECTIONS}
    for name in COLLECTIONS:
        (small_count, small_rows), (large_count, large_rows) = small[name], large[name]
        if name not in {"risk-tools", "categories", "agencies"}:
            assert (small_rows, large_rows) >= (3, 20), name
        assert small_count == large_count, (
            f"{name}: {small_count} queries for {small_rows} rows, {large_count} for {large_rows}"
        )
