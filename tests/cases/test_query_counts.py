"""The number of database queries a page makes does not grow with the number of rows it shows.

Each test measures a page with a few rows, adds many more, measures again and compares: a page
that loads something per row (an N+1) makes more queries the second time.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from tests.cases import (
    COORDINATOR,
    POLICE,
    add_episode,
    category,
    log_referral,
    make_case,
    user,
)

FEW, MANY = 3, 20


def measure(client, url: str, **params) -> tuple[int, object]:
    client.get(url, params)  # warm up: first-request work (session flags, caches) is not per row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def assert_same(few: tuple[int, object], many: tuple[int, object]) -> None:
    assert many[0] == few[0], f"{few[0]} queries for {FEW} rows, {many[0]} for {MANY}"


def police_cases(n: int, **kwargs) -> list:
    police = user(POLICE)
    return [
        make_case(agencies=("Police", "Health"), lead=police, risk_level="medium", category_code="cce", **kwargs)
        for _ in range(n)
    ]


# --- the case list ----------------------------------------------------------------------------


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_lists_cases_with_the_same_number_of_queries_however_many_there_are(demo_data, login, email):
    client = login(demo_data[email])
    police_cases(FEW)
    few = measure(client, reverse("case_list"))
    assert few[1].context["page"].paginator.count == FEW

    police_cases(MANY - FEW)
    many = measure(client, reverse("case_list"))

    assert many[1].context["page"].paginator.count == MANY
    assert f"{MANY} cases" in many[1].content.decode()
    assert_same(few, many)


def test_it_filters_the_case_list_with_the_same_number_of_queries_however_many_match(demo_data, login):
    client = login(demo_data[POLICE])
    filters = {"status": "open", "category": "cce", "risk_level": "medium", "agency": user(POLICE).agency_id}
    police_cases(FEW)
    few = measure(client, reverse("case_list"), **filters)

    police_cases(MANY - FEW)
    many = measure(client, reverse("case_list"), **filters)

    assert many[1].context["page"].paginator.count == MANY
    assert_same(few, many)


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_searches_with_the_same_number_of_queries_however_many_match(demo_data, login, email):
    client = login(demo_data[email])
    police_cases(FEW)
    few = measure(client, reverse("case_search"), q="Testkid")

    police_cases(MANY - FEW)
    many = measure(client, reverse("case_search"), q="Testkid")

    assert many[1].context["page"].paginator.count == MANY
    assert_same(few, many)


def test_it_exports_with_the_same_number_of_queries_however_many_cases_there_are(demo_data, login):
    client = login(demo_data[COORDINATOR])
    police_cases(FEW)
    few = measure(client, reverse("case_export"))

    police_cases(MANY - FEW)
    many = measure(client, reverse("case_export"))

    assert len(many[1].content.decode().strip().splitlines()) == MANY + 1
    assert_same(few, many)


# --- the case page --------------------------------------------------------------------------


def add_timeline(case, n: int, *, start: int) -> None:
    """n concerns (from different agencies), n missing episodes in every RHI state, n notes."""
    loggers = [user(POLICE), user("practitioner.health@example.org"), user(COORDINATOR)]
    categories = [category("cse"), category("cce"), category("missing")]
    for i in range(start, start + n):
        services.concern_log(
            actor=loggers[i % 3],
            child=case.child,
            category=categories[i % 3],
            observed_at=timezone.now() - timedelta(days=i + 1),
            description=f"Sighting number {i}.",
        )
        returned = i % 4 != 0  # some still missing
        went_days_ago = 2 * i + 5
        add_episode(
            case,
            actor=loggers[i % 2],
            days_ago=went_days_ago,
            **({} if returned else {"returned_at": None}),
            rhi_completed_at=timezone.now() - timedelta(days=went_days_ago - 1) if i % 4 == 1 else None,
            rhi_by="RHI Service" if i % 4 == 1 else "",
            rhi_declined=i % 4 == 2,
            kind="absent" if i % 5 == 0 else "missing",
        )
        services.case_note_add(actor=loggers[i % 3], case=case, text=f"Note number {i}.")


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_shows_the_case_page_with_the_same_number_of_queries_however_long_the_timeline(demo_data, login, email):
    client = login(demo_data[email])
    case = make_case(agencies=("Police", "Health", "Education"), lead=user(POLICE))
    add_timeline(case, FEW, start=0)
    few = measure(client, case.get_absolute_url())
    assert few[1].context["timeline_total"] == 1 + FEW * 3  # and the concern that opened the case

    add_timeline(case, MANY - FEW, start=FEW)
    many = measure(client, case.get_absolute_url())

    # The page reads every event (and shows the latest and the open ones: test_case_page_timeline.py).
    assert many[1].context["timeline_total"] == 1 + MANY * 3
    assert "Note number 19." in many[1].content.decode()
    assert_same(few, many)


def test_it_shows_earlier_cases_with_the_same_number_of_queries_however_many_there_are(demo_data, login):
    client = login(demo_data[COORDINATOR])
    first = make_case(agencies=("Police",), status="closed")
    child = first.child

    def another_closed_case():
        concern = services.concern_log(
            actor=user(COORDINATOR),
            child=child,
            category=category("cse"),
            observed_at=timezone.now() - timedelta(days=1),
            description="Referred again.",
        )
        services.case_close(actor=user(COORDINATOR), case=concern.case, reason="nfa")

    for _ in range(FEW - 1):
        another_closed_case()
    live = services.concern_log(
        actor=user(COORDINATOR),
        child=child,
        category=category("cse"),
        observed_at=timezone.now() - timedelta(days=1),
        description="Referred once more.",
    ).case
    few = measure(client, live.get_absolute_url())
    assert len(few[1].context["other_cases"]) == FEW

    # Closed cases cannot be added while one is live, so close it, add more, and re-open a new one.
    services.case_close(actor=user(COORDINATOR), case=live, reason="nfa")
    for _ in range(MANY - FEW - 1):
        another_closed_case()
    live = services.concern_log(
        actor=user(COORDINATOR),
        child=child,
        category=category("cse"),
        observed_at=timezone.now() - timedelta(days=1),
        description="Referred yet again.",
    ).case
    many = measure(client, live.get_absolute_url())

    assert len(many[1].context["other_cases"]) == MANY
    assert_same(few, many)


# --- the triage inbox and overdue interviews --------------------------------------------------


def add_referrals(n: int) -> None:
    loggers = [user(POLICE), user("practitioner.health@example.org"), user("practitioner.school@example.org")]
    for i in range(n):
        case = log_referral(loggers[i % 3], category_code=["cse", "cce", "missing"][i % 3])
        if i % 2:
            # A concern the coordinator must check against a child the logger could not see.
            services.concern_log(
                actor=loggers[i % 3],
                child=case.child,
                category=category("trafficking"),
                observed_at=timezone.now() - timedelta(hours=i + 1),
                description="Another sighting.",
                possible_duplicate_of=case.child,
            )


def test_it_shows_the_triage_inbox_with_the_same_number_of_queries_however_many_concerns_wait(demo_data, login):
    client = login(demo_data[COORDINATOR])
    add_referrals(FEW)
    few = measure(client, reverse("triage_inbox"))
    waiting = few[1].context["page"].paginator.count

    add_referrals(MANY - FEW)
    many = measure(client, reverse("triage_inbox"))

    assert many[1].context["page"].paginator.count > waiting
    assert "Possibly the same child as" in many[1].content.decode()
    assert_same(few, many)


def add_overdue(n: int) -> None:
    police = user(POLICE)
    for _ in range(n):
        case = make_case(agencies=("Police", "Health"), lead=police)
        add_episode(case, days_ago=6, hours_away=10)  # back five days ago, no interview: overdue


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_lists_overdue_interviews_with_the_same_number_of_queries_however_many_there_are(demo_data, login, email):
    client = login(demo_data[email])
    add_overdue(FEW)
    few = measure(client, reverse("rhi_overdue_list"))
    assert few[1].context["page"].paginator.count == FEW

    add_overdue(MANY - FEW)
    many = measure(client, reverse("rhi_overdue_list"))

    assert many[1].context["page"].paginator.count == MANY
    assert "Parker Demo-Officer" in many[1].content.decode()
    assert_same(few, many)
