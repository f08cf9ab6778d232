"""The case list's fast rows (api.serializers.CaseListSerializer) say exactly what CaseSerializer says."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from api.serializers import CaseListSerializer, CaseSerializer
from api.views.cases import case_queryset
from cases.access import cases_visible_to
from cases.models import Case
from tests.factories import AgencyFactory, CaseFactory, CategoryFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _cases_of_every_shape() -> None:
    police, school = AgencyFactory(), AgencyFactory()
    lead, named = UserFactory(agency=police), UserFactory(agency=school)
    plain = CaseFactory(child=ChildFactory(date_of_birth=None))
    full = CaseFactory(
        child=ChildFactory(
            date_of_birth=date(2011, 2, 28),
            known_as="Bee <b>&",
            gender="female",
            police_number="PN-1",
            is_looked_after=True,
            placed_by_other_authority=True,
            placing_authority="Another council",
        ),
        categories=[CategoryFactory(), CategoryFactory()],
        risk_level="high",
        risk_review_due=date(2026, 12, 24),
        lead_agency=police,
        lead_professional=lead,
        is_restricted=True,
        is_frequent_missing=True,
        voice_of_child="I want to stay at my nan's.",
    )
    full.agencies_involved.set([police, school])
    full.restricted_to.set([named])
    closed = CaseFactory(
        status="closed",
        closure_reason="risk_reduced",
        closure_note="Settled at school.",
        closed_at=datetime(2026, 7, 1, 9, 30, tzinfo=LONDON),  # summer time: the offset must survive
    )
    assert {plain.pk, full.pk, closed.pk} <= set(Case.objects.values_list("pk", flat=True))


def test_it_gives_the_same_rows_as_the_case_serializer():
    _cases_of_every_shape()
    cases = list(case_queryset().order_by("pk"))

    fast = CaseListSerializer(cases, many=True).data
    usual = CaseSerializer(cases, many=True).data

    assert json.dumps(fast) == json.dumps(usual)  # the same values, and the fields in the same order


def test_it_reads_related_rows_that_were_not_prefetched():
    _cases_of_every_shape()
    cases = list(Case.objects.select_related("child", "lead_agency", "lead_professional").order_by("pk"))

    assert CaseListSerializer(cases, many=True).data == CaseSerializer(cases, many=True).data


def test_it_covers_every_field_of_the_case_serializer():
    _cases_of_every_shape()
    case = case_queryset().order_by("pk").last()

    assert list(CaseListSerializer(case).data) == list(CaseSerializer.Meta.fields)


def test_it_pages_and_counts_a_practitioners_cases(demo_data, token_client):
    from tests.cases import HEALTH, make_case, user

    make_case(agencies=("Police", "Health"), last_name="Bothagency")
    make_case(agencies=("Education",), last_name="Schoolonly")
    make_case(agencies=("Police", "Health"), restricted_to=[user(HEALTH)], last_name="Namedhealth")
    make_case(agencies=("Police",), restricted_to=[user("practitioner.police@example.org")], last_name="Policeonly")

    body = token_client(user(HEALTH)).get("/api/v1/cases/").json()

    assert [row["child"]["last_name"] for row in body["results"]] == ["Namedhealth", "Bothagency"]
    assert body["count"] == 2


def test_it_flags_a_child_turning_18_within_six_months(demo_data, token_client):
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from tests.cases import COORDINATOR, make_case, user

    soon = make_case(
        agencies=("Police",),
        last_name="Soonadult",
        date_of_birth=timezone.localdate() - relativedelta(years=18, months=-2),
    )
    later = make_case(
        agencies=("Police",), last_name="Stillyoung", date_of_birth=timezone.localdate() - relativedelta(years=16)
    )

    rows = {row["id"]: row for row in token_client(user(COORDINATOR)).get("/api/v1/cases/").json()["results"]}

    assert "turning_18" in rows[soon.pk]["flags"]
    assert "turning_18" not in rows[later.pk]["flags"]


def test_it_lists_through_the_api_exactly_what_the_case_serializer_says(demo_data, token_client):
    # The list reads less of each row (CASE_LIST_FIELDS, the lead agency from the cached lookups): the
    # same JSON as the full case, in the list's order.
    from tests.cases import COORDINATOR, user

    _cases_of_every_shape()
    coordinator = user(COORDINATOR)
    seen = case_queryset().filter(pk__in=cases_visible_to(coordinator)).order_by("-created_at", "-pk")[:100]
    expected = CaseSerializer(seen, many=True).data

    body = token_client(coordinator).get("/api/v1/cases/", {"page_size": 100}).json()

    assert json.dumps(body["results"]) == json.dumps(expected)
    # Every shape made above is among them: lead agency and professional, restricted, closed.
    shown = {row["id"] for row in body["results"]}
    assert set(Case.objects.order_by("-pk").values_list("pk", flat=True)[:3]) <= shown
