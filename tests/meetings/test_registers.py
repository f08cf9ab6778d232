"""Places and persons of concern (DESIGN §2, §3, §5 section 8).

Create an entry, link it to the children it concerns, record disruption activity; an entry is seen by
whoever recorded it and by anyone who can see one of its linked cases, and a viewer never learns of
links to children they cannot see. New links and activity put the entry on the next agenda.
"""

import html
import itertools
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Category
from meetings import agenda, services
from meetings.models import (
    AgendaItem,
    DisruptionActivity,
    Meeting,
    MeetingStatus,
    PersonLink,
    PersonOfConcern,
    PlaceLink,
    PlaceOfConcern,
    Section,
)
from met.models import Agency, AuditEvent, User

COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"
POLICE = "practitioner.police@example.org"
HEALTH = "practitioner.health@example.org"
SCHOOL = "practitioner.school@example.org"
TODAY = timezone.localdate()

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


def agency(short_name: str) -> Agency:
    return Agency.objects.get(short_name=short_name)


def make_case(*, agencies=("CSC", "Police", "Health"), first_name="Regkid") -> Case:
    coordinator = user(COORDINATOR)
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=coordinator,
        category=category,
        observed_at=timezone.now() - timedelta(hours=2),
        description="Seen with older youths near the station.",
        new_child={
            "first_name": first_name,
            "last_name": "Reg" + _word(next(_numbers)),
            "date_of_birth": date(2010, 9, 1),
        },
    )
    involved = [agency(name) for name in agencies]
    case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=involved[0],
        lead_professional=None,
        agencies_involved=involved,
        categories=[category],
    )
    return Case.objects.select_related("child").get(pk=concern.case_id)


def client_for(email: str) -> Client:
    client = Client()
    client.force_login(user(email))
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def cases(demo_data):
    return SimpleNamespace(
        police=make_case(agencies=("CSC", "Police", "Health"), first_name="Policekid"),
        school=make_case(agencies=("Education",), first_name="Schoolkid"),
    )


# --- creating, linking, disruption ------------------------------------------------------------------


def test_it_creates_a_place_of_concern(cases):
    police = client_for(POLICE)
    response = police.post(
        reverse("place_create"),
        {"name": "Chicken Shop On London Road", "kind": "takeaway", "address": "12 London Road", "description": "x"},
    )
    place = PlaceOfConcern.objects.get()
    assert response.status_code == 302
    assert response.url == place.get_absolute_url()
    assert (place.name, place.kind, place.address, place.created_by.email) == (
        "Chicken Shop On London Road",
        "takeaway",
        "12 London Road",
        POLICE,
    )
    assert AuditEvent.objects.filter(action="place.create", object_id=str(place.pk), actor__email=POLICE).exists()
    page = text(police.get(response.url))
    assert "Chicken Shop On London Road" in page
    assert "Takeaway" in page


def test_it_creates_a_person_of_concern(cases):
    response = client_for(HEALTH).post(
        reverse("person_create"), {"name": "Jay", "aliases": "J-Dog, Jayden", "description": "Drives a blue Golf"}
    )
    person = PersonOfConcern.objects.get()
    assert response.status_code == 302
    assert (person.name, person.aliases, person.created_by.email) == ("Jay", "J-Dog, Jayden", HEALTH)
    assert AuditEvent.objects.filter(action="person.create", object_id=str(person.pk)).exists()


def test_it_links_a_case_the_user_can_see(cases):
    place = services.place_create(actor=user(POLICE), name="Skate Park", kind="park")
    police = client_for(POLICE)
    response = police.post(place.get_absolute_url(), {"form": "link", "case": cases.police.pk, "note": "hangs out"})
    assert response.status_code == 302
    link = PlaceLink.objects.get()
    assert (link.place, link.case, link.note, link.linked_by.email) == (place, cases.police, "hangs out", POLICE)
    event = AuditEvent.objects.get(action="place.link")
    assert event.child_id == cases.police.child_id
    page = text(police.get(place.get_absolute_url()))
    assert cases.police.child.full_name in page
    assert cases.police.reference in page
    assert "hangs out" in page


def test_it_links_a_person_to_a_case(cases):
    person = services.person_create(actor=user(COORDINATOR), name="Uncle Mo")
    response = client_for(COORDINATOR).post(person.get_absolute_url(), {"form": "link", "case": cases.school.pk})
    assert response.status_code == 302
    assert list(PersonLink.objects.values_list("person", "case")) == [(person.pk, cases.school.pk)]
    assert list(cases.school.persons.all()) == [person]


@pytest.mark.parametrize("kind", ["place", "person"])
def test_it_records_disruption_activity(cases, kind):
    coordinator = user(COORDINATOR)
    entry = (
        services.place_create(actor=coordinator, name="Hotel By The Docks", kind="hotel")
        if kind == "place"
        else services.person_create(actor=coordinator, name="Big T")
    )
    services.register_link(actor=coordinator, entry=entry, case=cases.police)
    police = client_for(POLICE)
    response = police.post(
        entry.get_absolute_url(),
        {
            "form": "disruption",
            "what": "Hotel watch visit with staff briefing",
            "agency": agency("Police").pk,
            "happened_on": (TODAY - timedelta(days=2)).isoformat(),
            "outcome": "Staff agreed to report bookings",
        },
    )
    assert response.status_code == 302
    activity = DisruptionActivity.objects.get()
    assert getattr(activity, kind) == entry
    assert (activity.what, activity.agency.short_name, activity.happened_on, activity.outcome) == (
        "Hotel watch visit with staff briefing",
        "Police",
        TODAY - timedelta(days=2),
        "Staff agreed to report bookings",
    )
    assert activity.recorded_by.email == POLICE
    assert AuditEvent.objects.filter(action="disruption.create", object_id=str(activity.pk)).exists()
    page = text(police.get(entry.get_absolute_url()))
    assert "Hotel watch visit with staff briefing" in page
    assert "Outcome: Staff agreed to report bookings" in page


# --- who sees what ------------------------------------------------------------------------------------


def _listed(email: str, name: str = "place_list") -> list[str]:
    response = client_for(email).get(reverse(name))
    assert response.status_code == 200
    return [entry.name for entry in response.context["page"].object_list]


def test_it_lists_entries_by_the_same_rules_as_cases(cases):
    coordinator = user(COORDINATOR)
    on_police = services.place_create(actor=coordinator, name="Alpha Arcade", kind="venue")
    services.register_link(actor=coordinator, entry=on_police, case=cases.police)
    on_school = services.place_create(actor=coordinator, name="Beta Bowling", kind="venue")
    services.register_link(actor=coordinator, entry=on_school, case=cases.school)
    unlinked = services.place_create(actor=coordinator, name="Gamma Garage", kind="address")
    police_own = services.place_create(actor=user(POLICE), name="Delta Diner", kind="takeaway")

    everything = ["Alpha Arcade", "Beta Bowling", "Delta Diner", "Gamma Garage"]
    assert _listed(COORDINATOR) == everything
    assert _listed(CHAIR) == everything
    assert _listed(POLICE) == ["Alpha Arcade", "Delta Diner"]
    assert _listed(HEALTH) == ["Alpha Arcade"]
    assert _listed(SCHOOL) == ["Beta Bowling"]
    # Nor counted: the paginator knows only what the viewer may see.
    assert client_for(HEALTH).get(reverse("place_list")).context["page"].paginator.count == 1
    assert client_for(HEALTH).get(unlinked.get_absolute_url()).status_code == 404
    assert client_for(HEALTH).get(police_own.get_absolute_url()).status_code == 404


def test_it_shows_an_entry_once_it_is_linked_to_a_case_the_user_can_see(cases):
    person = services.person_create(actor=user(SCHOOL), name="Tall Lad")
    assert client_for(HEALTH).get(person.get_absolute_url()).status_code == 404
    assert "Tall Lad" not in _listed(HEALTH, "person_list")
    services.register_link(actor=user(COORDINATOR), entry=person, case=cases.police)
    assert client_for(HEALTH).get(person.get_absolute_url()).status_code == 200
    assert _listed(HEALTH, "person_list") == ["Tall Lad"]


def test_it_hides_an_entry_linked_only_to_a_restricted_case(cases):
    coordinator = user(COORDINATOR)
    case = cases.police
    case_services.case_update(
        actor=coordinator,
        case=case,
        expected_version=Case.objects.get(pk=case.pk).version,
        seen=None,
        is_restricted=True,
        restricted_to=[user(HEALTH)],
    )
    place = services.place_create(actor=coordinator, name="Flat Above The Bookmakers", kind="address")
    services.register_link(actor=coordinator, entry=place, case=case)
    assert client_for(POLICE).get(place.get_absolute_url()).status_code == 404
    assert _listed(POLICE) == []
    assert client_for(HEALTH).get(place.get_absolute_url()).status_code == 200


def test_it_never_shows_or_counts_links_to_children_the_viewer_cannot_see(cases):
    coordinator = user(COORDINATOR)
    place = services.place_create(actor=coordinator, name="Retail Park", kind="other")
    services.register_link(actor=coordinator, entry=place, case=cases.police, note="seen at night")
    services.register_link(actor=coordinator, entry=place, case=cases.school, note="dropped off by car")

    response = client_for(POLICE).get(place.get_absolute_url())
    page = text(response)
    assert response.status_code == 200
    assert [link.case for link in response.context["links"]] == [cases.police]
    assert cases.police.child.full_name in page
    assert cases.school.child.full_name not in page
    assert cases.school.reference not in page
    assert "dropped off by car" not in page

    response = client_for(COORDINATOR).get(place.get_absolute_url())
    assert {link.case for link in response.context["links"]} == {cases.police, cases.school}
    assert cases.school.child.full_name in text(response)


def test_it_says_so_when_none_of_the_links_can_be_seen(cases):
    person = services.person_create(actor=user(POLICE), name="Quiet Man")
    services.register_link(actor=user(COORDINATOR), entry=person, case=cases.school)
    response = client_for(POLICE).get(person.get_absolute_url())  # sees it as its creator
    assert response.status_code == 200
    assert "None that you can see." in text(response)
    assert cases.school.child.full_name not in text(response)


def test_it_lets_anyone_who_sees_an_entry_link_only_the_cases_they_can_see(cases):
    place = services.place_create(actor=user(SCHOOL), name="Bus Shelter", kind="other")
    school = client_for(SCHOOL)
    assert school.post(place.get_absolute_url(), {"form": "link", "case": cases.school.pk}).status_code == 302
    assert school.post(place.get_absolute_url(), {"form": "link", "case": cases.police.pk}).status_code == 404
    assert list(PlaceLink.objects.values_list("case", flat=True)) == [cases.school.pk]


# --- agenda section 8 ---------------------------------------------------------------------------------


@pytest.fixture
def last_meeting(cases):
    """Last week's MEOG: 'since the last meeting' starts after its date."""
    return Meeting.objects.create(
        date=TODAY - timedelta(days=7),
        chair=user(CHAIR),
        created_by=user(COORDINATOR),
        status=MeetingStatus.SIGNED_OFF,
    )


def _section_8(meeting: Meeting) -> dict[str, str]:
    return {
        item.subject_label: item.reason
        for item in AgendaItem.objects.filter(meeting=meeting, section=Section.INTELLIGENCE).select_related(
            "place", "person"
        )
    }


def _next_meeting() -> Meeting:
    meeting = services.meeting_create(actor=user(COORDINATOR), date=TODAY, starts_at=time(10, 0), chair=user(CHAIR))
    services.statement_accept(actor=user(COORDINATOR), meeting=meeting)
    return meeting


def test_it_puts_a_place_with_a_new_link_on_the_next_agenda(cases, last_meeting):
    place = services.place_create(actor=user(POLICE), name="Corner Shop", kind="venue")
    client_for(POLICE).post(place.get_absolute_url(), {"form": "link", "case": cases.police.pk})
    meeting = _next_meeting()
    assert _section_8(meeting) == {"Corner Shop": "1 new link to children"}
    item = AgendaItem.objects.get(meeting=meeting, section=Section.INTELLIGENCE)
    assert (item.place, item.case, item.person, item.is_manual) == (place, None, None, False)


def test_it_puts_a_person_with_new_links_and_disruption_on_the_next_agenda(cases, last_meeting):
    coordinator = user(COORDINATOR)
    person = services.person_create(actor=coordinator, name="Older Cousin")
    for case in (cases.police, cases.school):
        services.register_link(actor=coordinator, entry=person, case=case)
    services.disruption_record(
        actor=coordinator, entry=person, what="Abduction notice", agency=agency("Police"), happened_on=TODAY
    )
    meeting = _next_meeting()
    reason = _section_8(meeting)["Older Cousin"]
    assert reason == f"2 new links to children; disruption activity on {TODAY.day} {TODAY:%b}"


def test_it_leaves_entries_without_new_links_or_activity_off_the_agenda(cases, last_meeting):
    coordinator = user(COORDINATOR)
    old = services.place_create(actor=coordinator, name="Old Haunt", kind="venue")
    link = services.register_link(actor=coordinator, entry=old, case=cases.police)
    PlaceLink.objects.filter(pk=link.pk).update(linked_at=timezone.now() - timedelta(days=10))
    services.disruption_record(
        actor=coordinator, entry=old, what="Visit", agency=agency("Police"), happened_on=last_meeting.date
    )
    services.person_create(actor=coordinator, name="Never Linked")
    assert _section_8(_next_meeting()) == {}


def test_it_adds_new_activity_to_an_existing_agenda_when_it_is_rebuilt(cases, last_meeting):
    meeting = _next_meeting()
    assert _section_8(meeting) == {}
    coordinator = user(COORDINATOR)
    place = services.place_create(actor=coordinator, name="Late Night Cafe", kind="venue")
    services.disruption_record(
        actor=coordinator,
        entry=place,
        what="Licensing review",
        agency=agency("Community Safety"),
        happened_on=TODAY - timedelta(days=1),
    )
    response = client_for(COORDINATOR).post(reverse("meeting_rebuild", args=[meeting.pk]))
    assert response.status_code == 302
    yesterday = TODAY - timedelta(days=1)
    assert _section_8(meeting) == {"Late Night Cafe": f"disruption activity on {yesterday.day} {yesterday:%b}"}
    # Building again does not add it twice.
    agenda.build(meeting)
    assert AgendaItem.objects.filter(meeting=meeting, place=place).count() == 1


def test_it_shows_the_section_8_item_on_the_agenda_page_with_a_link_to_the_record(cases, last_meeting):
    coordinator = user(COORDINATOR)
    place = services.place_create(actor=coordinator, name="Underpass By The Station", kind="other")
    services.register_link(actor=coordinator, entry=place, case=cases.police)
    meeting = _next_meeting()
    item = AgendaItem.objects.get(meeting=meeting, place=place)
    client = client_for(COORDINATOR)
    page = text(client.get(meeting.get_absolute_url()))
    section_8 = page[page.index('id="section-8"') :]
    assert "Underpass By The Station" in section_8
    assert "1 new link to children" in section_8
    item_page = text(client.get(reverse("meeting_item", args=[meeting.pk, item.pk])))
    assert place.get_absolute_url() in item_page


def test_it_puts_a_link_made_after_last_weeks_meeting_on_the_same_day_on_the_next_agenda(cases, last_meeting):
    """The last meeting was at 10:00; a link made that afternoon is new since the meeting, so it
    belongs on this week's agenda (otherwise it would never reach any agenda)."""
    coordinator = user(COORDINATOR)
    place = services.place_create(actor=coordinator, name="Multistorey Car Park", kind="other")
    link = services.register_link(actor=coordinator, entry=place, case=cases.police)
    afternoon = timezone.make_aware(datetime.combine(last_meeting.date, time(15, 0)))
    PlaceLink.objects.filter(pk=link.pk).update(linked_at=afternoon)
    assert _section_8(_next_meeting()) == {"Multistorey Car Park": "1 new link to children"}


def test_it_puts_todays_link_on_next_weeks_agenda_when_there_was_no_meeting_before(cases):
    """No earlier meeting: the coordinator schedules next week's MEOG today, and what was linked
    today must be on it, as the issue's walk-through expects of new concerns."""
    coordinator = user(COORDINATOR)
    place = services.place_create(actor=coordinator, name="Shisha Lounge", kind="venue")
    services.register_link(actor=coordinator, entry=place, case=cases.police)
    meeting = services.meeting_create(
        actor=coordinator, date=TODAY + timedelta(days=7), starts_at=time(10, 0), chair=user(CHAIR)
    )
    services.statement_accept(actor=coordinator, meeting=meeting)
    assert _section_8(meeting) == {"Shisha Lounge": "1 new link to children"}


def test_it_audits_a_read_of_each_child_named_on_a_register_entry(demo_data, login):
    from cases import services as case_services
    from cases.models import Category
    from meetings import services as meeting_services
    from met.models import AuditEvent

    police, coordinator = demo_data["practitioner.police@example.org"], demo_data["coordinator@example.org"]
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=police,
        new_child={"first_name": "Audra", "last_name": "Mossfield"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    case = case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )
    place = meeting_services.place_create(actor=police, name="Example Arcade", kind="venue")
    meeting_services.register_link(actor=police, entry=place, case=case)
    assert login(police).get(place.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(actor=police, action="place.view", child_id=case.child_id).exists()
