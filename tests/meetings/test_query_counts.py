"""The number of database queries a meetings page makes does not grow with the rows it shows.

Each test measures a page with a few rows (FEW), adds many more (MANY in all), measures again and
compares: a page that loads something per row (an N+1) makes more queries the second time.
"""

import itertools
import re
from collections import Counter
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Category
from meetings import services
from meetings.models import AgendaItem, AttendanceStatus, Meeting, Section
from met.models import Agency, AuditEvent, User

COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"
POLICE = "practitioner.police@example.org"
HEALTH = "practitioner.health@example.org"
TODAY = timezone.localdate()
FEW, MANY = 3, 20

_numbers = itertools.count(1)


def _word(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    while True:
        n, r = divmod(n, 26)
        word = letters[r] + word
        if n == 0:
            return word.capitalize() + "z"


def user(email: str) -> User:
    return User.objects.select_related("agency").get(email=email)


def make_case() -> Case:
    coordinator = user(COORDINATOR)
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=coordinator,
        category=category,
        observed_at=timezone.now() - timedelta(hours=2),
        description="Seen with older youths near the station.",
        new_child={
            "first_name": "Countkid",
            "last_name": "Q" + _word(next(_numbers)),
            "date_of_birth": date(2011, 3, 1),
        },
    )
    involved = [Agency.objects.get(short_name=name) for name in ("CSC", "Police", "Health")]
    case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=involved[0],
        lead_professional=user("manager.csc@example.org"),
        agencies_involved=involved,
        categories=[category],
    )
    return Case.objects.select_related("child").get(pk=concern.case_id)


def client_for(email: str) -> Client:
    client = Client()
    client.force_login(user(email))
    return client


def measure(client: Client, url: str, params: dict | None = None):
    client.get(url, params or {})  # warm up: first-request work (session, caches) is not per row
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response


def is_audit_insert(sql: str) -> bool:
    return sql.lstrip().upper().startswith("INSERT") and AuditEvent._meta.db_table in sql


def assert_same(few: list[str], many: list[str], what: str) -> None:
    def kind(sql: str) -> str:
        return re.sub(r"\d+", "N", sql[:70])

    extra = Counter(map(kind, many)) - Counter(map(kind, few))
    assert len(many) == len(few), (
        f"{what}: {len(few)} queries with {FEW} rows, {len(many)} with {MANY}; the extra ones: {dict(extra)}"
    )


@pytest.fixture
def meeting(demo_data) -> Meeting:
    coordinator = user(COORDINATOR)
    meeting = services.meeting_create(actor=coordinator, date=TODAY, starts_at=time(10, 0), chair=user(CHAIR))
    for email in (POLICE, HEALTH):
        services.attendance_set(actor=coordinator, meeting=meeting, user=user(email), status=AttendanceStatus.PRESENT)
    for email in (POLICE, COORDINATOR, CHAIR):
        services.statement_accept(actor=user(email), meeting=meeting)
    return meeting


def grow_agenda(meeting: Meeting, n: int) -> None:
    """n more children on the agenda (new concerns, picked up by a rebuild), each discussed, with a
    decision and an action, and one of them also added by hand to another section."""
    coordinator, police = user(COORDINATOR), user(POLICE)
    cases = [make_case() for _ in range(n)]
    extra = make_case()
    services.agenda_rebuild(actor=coordinator, meeting=meeting)
    for case in cases:
        item = AgendaItem.objects.get(meeting=meeting, case=case, section=Section.NEW_CONCERNS)
        services.item_discussion_save(actor=coordinator, item=item, discussion="Shared what is known.")
        services.decision_other(actor=coordinator, item=item, text="Lead professional to convene a strategy.")
        services.action_create(
            actor=coordinator,
            case=case,
            item=item,
            description="Strategy discussion",
            owner=police,
            due_date=TODAY + timedelta(days=7),
        )
    services.item_add(actor=coordinator, meeting=meeting, section=Section.REVIEWS, case=cases[0], reason="review")
    extra = AgendaItem.objects.get(meeting=meeting, case=extra)
    services.item_remove(actor=coordinator, item=extra, reason="covered at the strategy meeting")


def agenda_size(meeting: Meeting) -> int:
    return AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True, case__isnull=False).count()


# --- the agenda ----------------------------------------------------------------------------------


def test_it_shows_the_agenda_with_the_same_number_of_queries_however_many_children_are_on_it(meeting):
    client = client_for(COORDINATOR)
    url = meeting.get_absolute_url()
    grow_agenda(meeting, FEW)
    assert agenda_size(meeting) == FEW
    few, _ = measure(client, url)
    grow_agenda(meeting, MANY - FEW)
    assert agenda_size(meeting) == MANY
    many, response = measure(client, url)
    assert f"Agenda ({MANY} items)" in response.content.decode()
    assert_same(few, many, "agenda page")


@pytest.mark.parametrize("email", [COORDINATOR, CHAIR, POLICE])
def test_it_reads_the_agenda_with_the_same_number_of_queries_apart_from_the_audit_of_each_child(meeting, email):
    """Reads are bounded, and the audit rows (one per child, DESIGN §8) go in one insert."""
    client = client_for(email)
    url = meeting.get_absolute_url()
    grow_agenda(meeting, FEW)
    few, _ = measure(client, url)
    grow_agenda(meeting, MANY - FEW)
    many, _ = measure(client, url)
    assert sum(map(is_audit_insert, few)) == 1
    assert sum(map(is_audit_insert, many)) == 1
    assert_same(few, many, "reads")


@pytest.mark.parametrize("name", ["meeting_pack_pdf", "meeting_minutes_pdf"])
def test_it_prints_the_pack_and_minutes_reading_the_same_number_of_queries_however_many_children(meeting, name):
    """The PDFs record one audit row per child (a download is a read of each), in one insert; nothing grows."""
    client = client_for(COORDINATOR)
    url = reverse(name, args=[meeting.pk])
    grow_agenda(meeting, FEW)
    few, _ = measure(client, url)
    grow_agenda(meeting, MANY - FEW)
    many, response = measure(client, url)
    assert response["Content-Type"] == "application/pdf"
    assert sum(map(is_audit_insert, many)) == 1
    assert_same(few, many, name)


def test_it_shows_the_statement_page_with_the_same_number_of_queries_however_long_the_agenda(meeting):
    client = client_for(HEALTH)  # invited, has not accepted: sees no children
    grow_agenda(meeting, FEW)
    few, _ = measure(client, meeting.get_absolute_url())
    grow_agenda(meeting, MANY - FEW)
    many, response = measure(client, meeting.get_absolute_url())
    assert "I accept the confidentiality statement" in response.content.decode()
    assert_same(few, many, "statement page")


# --- one item ------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_shows_an_item_with_the_same_number_of_queries_however_long_the_agenda(meeting, email):
    client = client_for(email)
    grow_agenda(meeting, FEW)
    item = AgendaItem.objects.filter(meeting=meeting, section=Section.NEW_CONCERNS).order_by("order").first()
    url = reverse("meeting_item", args=[meeting.pk, item.pk])
    few, _ = measure(client, url)
    grow_agenda(meeting, MANY - FEW)
    many, response = measure(client, url)
    assert "Next item" in response.content.decode()
    assert_same(few, many, "item page")


def test_it_shows_an_item_with_the_same_number_of_queries_however_many_decisions_and_actions(meeting):
    coordinator, police = user(COORDINATOR), user(POLICE)
    grow_agenda(meeting, 1)
    item = AgendaItem.objects.get(meeting=meeting, section=Section.NEW_CONCERNS, removed_at__isnull=True)

    def add(n):
        for _ in range(n):
            services.decision_other(actor=coordinator, item=item, text="Numbered decision.")
            services.action_create(
                actor=coordinator,
                case=item.case,
                item=item,
                description="Numbered action",
                owner=police,
                due_date=TODAY + timedelta(days=3),
            )

    client = client_for(COORDINATOR)
    url = reverse("meeting_item", args=[meeting.pk, item.pk])
    add(FEW)
    few, _ = measure(client, url)
    add(MANY - FEW)
    many, response = measure(client, url)
    page = response.content.decode()
    assert (page.count("Numbered decision."), page.count("Numbered action")) == (MANY, MANY)
    assert_same(few, many, "item page with decisions and actions")


# --- meetings and actions lists ------------------------------------------------------------------


def test_it_lists_meetings_with_the_same_number_of_queries_however_many_there_are(demo_data):
    coordinator, chair = user(COORDINATOR), user(CHAIR)

    def add(n, start):
        for i in range(n):
            services.meeting_create(
                actor=coordinator, date=TODAY + timedelta(weeks=start + i), starts_at=time(10, 0), chair=chair
            )

    client = client_for(COORDINATOR)
    add(FEW, 0)
    few, _ = measure(client, reverse("meeting_list"))
    add(MANY - FEW, FEW)
    many, response = measure(client, reverse("meeting_list"))
    assert response.content.decode().count("Upcoming") == MANY
    assert_same(few, many, "meeting list")


@pytest.mark.parametrize(("email", "name"), [(POLICE, "my_actions"), (COORDINATOR, "agency_actions")])
def test_it_lists_actions_with_the_same_number_of_queries_however_many_there_are(meeting, email, name):
    client = client_for(email)
    grow_agenda(meeting, FEW)
    few, _ = measure(client, reverse(name), {"status": "all"})
    grow_agenda(meeting, MANY - FEW)
    many, response = measure(client, reverse(name), {"status": "all"})
    assert response.content.decode().count("Strategy discussion") == MANY
    assert_same(few, many, name)


def test_it_filters_actions_by_agency_with_the_same_number_of_queries_however_many_match(meeting):
    client = client_for(COORDINATOR)
    police = Agency.objects.get(short_name="Police")
    grow_agenda(meeting, FEW)
    few, _ = measure(client, reverse("agency_actions"), {"agency": police.pk})
    grow_agenda(meeting, MANY - FEW)
    many, response = measure(client, reverse("agency_actions"), {"agency": police.pk})
    assert response.content.decode().count("Strategy discussion") == MANY
    assert_same(few, many, "agency actions for the police")


# --- registers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_lists_places_with_the_same_number_of_queries_however_many_there_are(demo_data, email):
    coordinator = user(COORDINATOR)

    def add(n):
        case = make_case()
        for _ in range(n):
            place = services.place_create(actor=coordinator, name=f"Place {_word(next(_numbers))}", kind="venue")
            services.register_link(actor=coordinator, entry=place, case=case)

    client = client_for(email)
    add(FEW)
    few, _ = measure(client, reverse("place_list"))
    add(MANY - FEW)
    many, response = measure(client, reverse("place_list"))
    assert response.content.decode().count("Place ") >= MANY
    assert_same(few, many, "place list")


def test_it_shows_a_person_with_the_same_number_of_queries_however_many_children_are_linked(demo_data):
    coordinator = user(COORDINATOR)
    person = services.person_create(actor=coordinator, name="Older Boyfriend")

    def add(n):
        for _ in range(n):
            services.register_link(actor=coordinator, entry=person, case=make_case(), note="seen together")
            services.disruption_record(
                actor=coordinator,
                entry=person,
                what="Warning notice served",
                agency=Agency.objects.get(short_name="Police"),
                happened_on=TODAY,
            )

    client = client_for(POLICE)
    add(FEW)
    few, _ = measure(client, person.get_absolute_url())
    add(MANY - FEW)
    many, response = measure(client, person.get_absolute_url())
    assert response.content.decode().count("seen together") == MANY
    assert_same(few, many, "person page")
