"""Each area runs its own MEOG (issue 18, parts 1 and 3, meetings): Southampton's coordinator and chair
see and run Southampton's meetings and actions only (another area's is a 404), the agenda holds the
area's cases plus "placed here by another authority", the responsible area's coordinators hear once
when their placed child is discussed, and escalations go to the coordinators of the case's area.
The police practitioner works across both areas, as before.

The world: Southampton (the installation's first area) and Portsmouth; Southampton CSC in the first,
Portsmouth CSC in the second, the police in both; a coordinator and a chair from each council.
"""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Placement, RiskLevel
from meetings import agenda, services
from meetings.access import actions_visible_to, meetings_visible_to
from meetings.forms import MeetingForm
from meetings.models import Action, AgendaItem, Meeting, Section
from meetings.services.placed_here import KIND as PLACED_DISCUSSED
from met import services as met_services
from met.models import AgencyKind, Area, Notification, Reminder
from tests.factories import ActionFactory, AgencyFactory, CaseFactory, UserFactory

PLACEMENT_REASON = "Foster placement with a Southampton carer, away from the group exploiting her"


@pytest.fixture
def world(db):
    southampton = Area.objects.get()  # the one area the migration made
    southampton.name, southampton.short_name = "Southampton", "Soton"
    southampton.save()
    soton_csc = AgencyFactory(name="Southampton CSC", short_name="SCSC", kind=AgencyKind.CSC)
    police = AgencyFactory(name="Hampshire Constabulary", short_name="Police", kind=AgencyKind.POLICE)
    soton_coordinator = UserFactory(agency=soton_csc, roles=("coordinator",))
    soton_chair = UserFactory(agency=soton_csc, roles=("chair",))
    portsmouth = Area.objects.create(name="Portsmouth", short_name="Pompey")
    pompey_csc = met_services.agency_create(
        actor=None, name="Portsmouth CSC", short_name="PCSC", kind=AgencyKind.CSC, areas=[portsmouth]
    )
    police.areas.set([southampton, portsmouth])
    pompey_coordinator = UserFactory(agency=pompey_csc, roles=("coordinator",))
    pompey_coordinator_2 = UserFactory(agency=pompey_csc, roles=("coordinator",))
    pompey_chair = UserFactory(agency=pompey_csc, roles=("chair",))
    officer = UserFactory(agency=police, roles=("practitioner",))

    soton_case = CaseFactory(area=southampton, risk_level=RiskLevel.HIGH)
    pompey_case = CaseFactory(area=portsmouth, risk_level=RiskLevel.HIGH)
    # A Portsmouth child placed in Southampton: Portsmouth's case, on Southampton's agenda too.
    placed_case = CaseFactory(area=portsmouth, risk_level=RiskLevel.HIGH)
    today = timezone.localdate()
    Placement.objects.create(
        case=placed_case,
        host_area=southampton,
        reason=PLACEMENT_REASON,
        placed_on=today - timedelta(days=20),
        recorded_by=pompey_coordinator,
    )
    day = today + timedelta(days=7)
    # Two areas' MEOGs on one day: at different times (one meeting per date and time is still the model's rule).
    soton_meeting = services.meeting_create(
        actor=soton_coordinator, date=day, starts_at=time(10), chair=soton_chair, area=southampton
    )
    pompey_meeting = services.meeting_create(
        actor=pompey_coordinator, date=day, starts_at=time(14), chair=pompey_chair, area=portsmouth
    )
    return {
        "southampton": southampton,
        "portsmouth": portsmouth,
        "police": police,
        "soton_coordinator": soton_coordinator,
        "soton_chair": soton_chair,
        "pompey_coordinator": pompey_coordinator,
        "pompey_coordinator_2": pompey_coordinator_2,
        "pompey_chair": pompey_chair,
        "officer": officer,
        "soton_case": soton_case,
        "pompey_case": pompey_case,
        "placed_case": placed_case,
        "soton_meeting": soton_meeting,
        "pompey_meeting": pompey_meeting,
    }


def _case_items(meeting: Meeting) -> dict[int, AgendaItem]:
    return {i.case_id: i for i in meeting.items.filter(case__isnull=False)}


def _action(case, owner, meeting=None, *, due: date | None = None) -> Action:
    return ActionFactory(case=case, owner=owner, meeting=meeting, due_date=due or timezone.localdate() + timedelta(7))


def test_it_answers_404_to_southampton_for_every_page_of_a_portsmouth_meeting(world, login):
    meeting = world["pompey_meeting"]
    item = _case_items(meeting)[world["pompey_case"].pk]
    action = _action(world["pompey_case"], world["officer"], meeting)
    pages = [
        reverse("meeting_detail", args=[meeting.pk]),
        reverse("meeting_item", args=[meeting.pk, item.pk]),
        reverse("meeting_pack_pdf", args=[meeting.pk]),
        reverse("meeting_minutes_pdf", args=[meeting.pk]),
        reverse("meeting_attendance", args=[meeting.pk]),
        reverse("meeting_item_add", args=[meeting.pk]),
        reverse("action_detail", args=[action.pk]),
    ]
    for someone in ("soton_coordinator", "soton_chair"):
        client = login(world[someone])
        for url in pages:
            assert client.get(url).status_code == 404, (someone, url)
        for url in (
            reverse("meeting_rebuild", args=[meeting.pk]),
            reverse("meeting_accept", args=[meeting.pk]),
            reverse("action_complete", args=[action.pk]),
            reverse("action_cancel", args=[action.pk]),
        ):
            assert client.post(url, {"note": "x", "reason": "x"}).status_code == 404, (someone, url)
    assert Action.objects.get(pk=action.pk).status == "open"
    # Portsmouth's own coordinator opens it; Southampton's opens Southampton's.
    assert login(world["pompey_coordinator"]).get(pages[0]).status_code == 200
    assert login(world["soton_coordinator"]).get(world["soton_meeting"].get_absolute_url()).status_code == 200


def test_it_refuses_another_areas_meeting_in_the_services_too(world):
    item = _case_items(world["pompey_meeting"])[world["pompey_case"].pk]
    with pytest.raises(PermissionDenied):
        services.item_discussion_save(actor=world["soton_coordinator"], item=item, discussion="Seen.")
    with pytest.raises(PermissionDenied):
        services.agenda_rebuild(actor=world["soton_chair"], meeting=world["pompey_meeting"])
    with pytest.raises(PermissionDenied):
        services.quorum_exception_record(actor=world["soton_chair"], meeting=world["pompey_meeting"], reason="x")
    with pytest.raises(PermissionDenied):
        services.statement_accept(actor=world["soton_coordinator"], meeting=world["pompey_meeting"])
    assert AgendaItem.objects.get(pk=item.pk).discussion == ""


def test_it_lists_and_counts_only_the_users_areas(world, login):
    soton, pompey = world["soton_coordinator"], world["pompey_coordinator"]
    soton_action = _action(world["soton_case"], world["officer"], world["soton_meeting"])
    pompey_action = _action(world["pompey_case"], world["officer"], world["pompey_meeting"])
    assert list(meetings_visible_to(soton)) == [world["soton_meeting"]]
    assert list(meetings_visible_to(pompey)) == [world["pompey_meeting"]]
    assert set(actions_visible_to(soton)) == {soton_action}
    assert set(actions_visible_to(pompey)) == {pompey_action}

    page = login(soton).get(reverse("meeting_list"))
    assert page.context["page"].paginator.count == 1
    assert list(page.context["page"].object_list) == [world["soton_meeting"]]
    for url in (reverse("agency_actions") + "?status=all", reverse("agency_actions")):
        page = login(soton).get(url)
        assert page.context["page"].paginator.count == 1
        assert [a.pk for a in page.context["page"].object_list] == [soton_action.pk]
    # The police practitioner works across both: their own actions in either area, as before.
    page = login(world["officer"]).get(reverse("my_actions"))
    assert {a.pk for a in page.context["page"].object_list} == {soton_action.pk, pompey_action.pk}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_reads_an_areas_meetings_and_actions_in_as_many_queries_with_more_of_them(world, login):
    client = login(world["soton_coordinator"])
    _action(world["soton_case"], world["officer"], world["soton_meeting"])
    urls = (reverse("meeting_list"), reverse("agency_actions"))
    [_queries(client, url) for url in urls]  # the first read of each keeps what later pages reuse
    few = [_queries(client, url) for url in urls]
    for hours in (8, 12, 16):
        services.meeting_create(
            actor=world["soton_coordinator"],
            date=timezone.localdate() + timedelta(days=14),
            starts_at=time(hours),
            chair=world["soton_chair"],
            area=world["southampton"],
        )
        _action(world["soton_case"], world["officer"], world["soton_meeting"])
        _action(world["pompey_case"], world["officer"], world["pompey_meeting"])
    assert [_queries(client, url) for url in urls] == few


def test_it_builds_the_agenda_from_the_areas_cases_and_places_here_the_child_placed_by_another_area(world, login):
    soton_items = _case_items(world["soton_meeting"])
    assert set(soton_items) == {world["soton_case"].pk, world["placed_case"].pk}
    placed = soton_items[world["placed_case"].pk]
    assert placed.section == Section.PLACEMENTS
    assert placed.reason == f"placed here by Portsmouth: {PLACEMENT_REASON}"
    assert soton_items[world["soton_case"].pk].section == Section.HIGH_RISK
    # Portsmouth's agenda: its own cases (the placed child is still Portsmouth's), nothing of Southampton's.
    assert set(_case_items(world["pompey_meeting"])) == {world["pompey_case"].pk, world["placed_case"].pk}
    assert _case_items(world["pompey_meeting"])[world["placed_case"].pk].section == Section.HIGH_RISK

    coordinator = world["soton_coordinator"]
    services.statement_accept(actor=coordinator, meeting=world["soton_meeting"])
    client = login(coordinator)
    page = client.get(world["soton_meeting"].get_absolute_url()).content.decode()
    assert agenda.PLACED_HERE_HEADING in page
    assert PLACEMENT_REASON in page
    assert world["pompey_case"].reference not in page
    item_page = client.get(reverse("meeting_item", args=[world["soton_meeting"].pk, placed.pk])).content.decode()
    assert "Placed here by Portsmouth" in item_page
    assert PLACEMENT_REASON in item_page
    # Not the full case page: the host area sees the placement, not the case (cases/placements.py).
    assert world["placed_case"].get_absolute_url() not in item_page

    assert 'value="confirm"' not in item_page and 'value="close"' not in item_page
    assert 'value="discussion"' in item_page
    # The case's own work (risk, referrals, actions, closing) stays with Portsmouth.
    with pytest.raises(PermissionDenied):
        services.decision_close_case(actor=coordinator, item=placed, reason="moved", note="")
    refused = client.post(
        reverse("meeting_item", args=[world["soton_meeting"].pk, placed.pk]), {"form": "close", "reason": "x"}
    )
    assert refused.status_code == 400
    assert world["placed_case"].__class__.objects.get(pk=world["placed_case"].pk).status == "open"

    # An ended placement takes the child off the next build; a rebuild never mixes in Portsmouth's cases.
    Placement.objects.filter(case=world["placed_case"]).update(ended_on=timezone.localdate())
    later = services.meeting_create(
        actor=coordinator,
        date=world["soton_meeting"].date + timedelta(days=7),
        starts_at=time(10),
        chair=world["soton_chair"],
        area=world["southampton"],
    )
    assert set(_case_items(later)) == {world["soton_case"].pk}


def test_it_refuses_to_put_another_areas_child_on_the_agenda_by_hand(world):
    with pytest.raises(ValidationError):
        services.item_add(
            actor=world["soton_coordinator"],
            meeting=world["soton_meeting"],
            section=Section.NEW_CONCERNS,
            case=world["pompey_case"],
            reason="",
        )
    # The child placed here may be added (it is already there; it keeps its one item).
    item = services.item_add(
        actor=world["soton_coordinator"],
        meeting=world["soton_meeting"],
        section=Section.PLACEMENTS,
        case=world["placed_case"],
        reason="to review the placement",
    )
    assert item.case_id == world["placed_case"].pk


def _told(user) -> int:
    return Notification.objects.filter(recipient=user, subject__contains="discussed at Southampton").count()


def test_it_tells_the_responsible_areas_coordinators_once_when_their_placed_child_is_discussed(world):
    meeting, coordinator = world["soton_meeting"], world["soton_coordinator"]
    items = _case_items(meeting)
    placed = items[world["placed_case"].pk]
    services.item_discussion_save(
        actor=coordinator, item=placed, discussion="Settled with the carer; attending school."
    )
    services.item_discussion_save(actor=coordinator, item=placed, discussion="Settled; school attendance 90%.")
    services.decision_other(actor=world["soton_chair"], item=placed, text="Keep on the agenda monthly.")
    for someone in ("pompey_coordinator", "pompey_coordinator_2"):
        assert _told(world[someone]) == 1, someone
    note = Notification.objects.get(recipient=world["pompey_coordinator"])
    assert world["placed_case"].reference in note.subject
    assert note.link == world["placed_case"].get_absolute_url()
    assert Reminder.objects.filter(kind=PLACED_DISCUSSED, object_id=meeting.pk).count() == 2
    # Nobody else: not Southampton's coordinators, not the chairs; and discussing Southampton's own child tells no one.
    services.item_discussion_save(actor=coordinator, item=items[world["soton_case"].pk], discussion="Reviewed.")
    for someone in ("soton_coordinator", "soton_chair", "pompey_chair", "officer"):
        assert _told(world[someone]) == 0, someone
    # Portsmouth's own meeting discussing its own child tells nobody either.
    pompey_item = _case_items(world["pompey_meeting"])[world["placed_case"].pk]
    services.item_discussion_save(actor=world["pompey_coordinator"], item=pompey_item, discussion="Reviewed.")
    assert Reminder.objects.filter(kind=PLACED_DISCUSSED).count() == 2


def test_it_escalates_to_the_coordinators_of_the_cases_area_only(world, settings):
    settings.MET_ESCALATION_LEVEL2_WORKING_DAYS = 5
    due = date(2026, 11, 2)  # a Monday
    # The officer has no line manager and the police no senior contact: level 1 falls to the coordinators.
    pompey_action = _action(world["pompey_case"], world["officer"], due=due)
    soton_action = _action(world["soton_case"], world["officer"], due=due)
    services.actions_sweep(today=date(2026, 11, 4))

    def told(action) -> set[int]:
        return set(
            Reminder.objects.filter(kind="action", object_id=action.pk, key="1").values_list("recipient_id", flat=True)
        )

    assert told(pompey_action) == {world["pompey_coordinator"].pk, world["pompey_coordinator_2"].pk}
    assert told(soton_action) == {world["soton_coordinator"].pk}


def test_it_sends_overdue_feedback_to_the_meetings_areas_coordinators(world):
    from meetings.models import Feedback

    meeting = world["pompey_meeting"]
    # The meeting's creator has no line manager and Portsmouth CSC no senior contact.
    record = Feedback.objects.create(
        meeting=meeting, case=world["pompey_case"], lead_professional=world["officer"], due_date=date(2026, 11, 2)
    )
    services.feedback_sweep(today=date(2026, 11, 4))
    told = set(
        Reminder.objects.filter(kind="feedback", object_id=record.pk, key="1").values_list("recipient_id", flat=True)
    )
    assert told == {world["pompey_coordinator"].pk, world["pompey_coordinator_2"].pk}


def test_it_schedules_a_meeting_only_in_an_area_of_the_users_own(world, login):
    soton, pompey = world["southampton"], world["portsmouth"]
    day = timezone.localdate() + timedelta(days=21)
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=world["soton_coordinator"], date=day, starts_at=time(10), chair=world["soton_chair"], area=pompey
        )
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            actor=world["soton_coordinator"], date=day, starts_at=time(10), chair=world["pompey_chair"], area=soton
        )
    assert "chair" in refused.value.message_dict
    # With one area of their own, no choice to make: the form has no area field and the meeting is theirs.
    form = MeetingForm(user=world["soton_coordinator"])
    assert "area" not in form.fields
    meeting = services.meeting_create(
        actor=world["soton_coordinator"], date=day, starts_at=time(10), chair=world["soton_chair"]
    )
    assert meeting.area == soton
    # A police chair works in both areas: they choose, and may be refused a chair of neither.
    police_chair = UserFactory(agency=world["police"], roles=("chair",))
    assert "area" in MeetingForm(user=police_chair).fields
    with pytest.raises(ValidationError):
        services.meeting_create(actor=police_chair, date=day, starts_at=time(11), chair=police_chair)
    client = login(police_chair)
    assert 'name="area"' in client.get(reverse("meeting_create")).content.decode()
    response = client.post(
        reverse("meeting_create"),
        {"area": pompey.pk, "date": day.strftime("%d/%m/%Y"), "starts_at": "11:00", "chair": police_chair.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Meeting.objects.get(date=day, starts_at=time(11))
    assert made.area == pompey
    assert made in meetings_visible_to(world["pompey_coordinator"])
    assert made not in meetings_visible_to(world["soton_coordinator"])
    # Their list names each meeting's area; one area's coordinator's list has no need to.
    listing = client.get(reverse("meeting_list")).content.decode()
    assert ">Area</th>" in listing and '<td class="govuk-table__cell">Portsmouth</td>' in listing
    assert ">Area</th>" not in login(world["soton_coordinator"]).get(reverse("meeting_list")).content.decode()
    refused = client.post(
        reverse("meeting_create"),
        {"area": "999999", "date": day.strftime("%d/%m/%Y"), "starts_at": "12:00", "chair": police_chair.pk},
    )
    assert refused.status_code == 400


def test_it_keeps_a_single_area_installation_as_it_was(db, login):
    csc = AgencyFactory(kind=AgencyKind.CSC)
    coordinator = UserFactory(agency=csc, roles=("coordinator",))
    chair = UserFactory(agency=csc, roles=("chair",))
    case = CaseFactory(risk_level=RiskLevel.HIGH)
    assert "area" not in MeetingForm(user=coordinator).fields
    meeting = services.meeting_create(
        actor=coordinator, date=timezone.localdate() + timedelta(days=7), starts_at=time(10), chair=chair
    )
    assert meeting.area == Area.objects.get()
    assert set(_case_items(meeting)) == {case.pk}
    assert list(meetings_visible_to(chair)) == [meeting]
    page = login(coordinator).get(reverse("meeting_list"))
    assert page.context["page"].paginator.count == 1


def test_it_shows_and_moves_only_the_coordinators_areas_open_work(world, login):
    officer = world["officer"]
    soton_action = _action(world["soton_case"], officer, world["soton_meeting"])
    pompey_action = _action(world["pompey_case"], officer, world["pompey_meeting"])
    client = login(world["soton_coordinator"])
    page = client.get(reverse("open_work", args=[officer.pk]))
    assert page.status_code == 200
    assert [a.pk for a in page.context["work"].actions] == [soton_action.pk]
    assert world["pompey_case"].reference not in page.content.decode()
    url = reverse("open_work_reassign_item", args=[officer.pk, "action", pompey_action.pk])
    assert client.get(url).status_code == 404
    other = UserFactory(agency=world["police"], roles=("practitioner",))
    with pytest.raises(PermissionDenied):
        services.action_reassign(
            actor=world["soton_coordinator"], from_user=officer, to_user=other, action=pompey_action
        )
    assert Action.objects.get(pk=pompey_action.pk).owner == officer
    # Portsmouth's coordinator sees and moves Portsmouth's.
    page = login(world["pompey_coordinator"]).get(reverse("open_work", args=[officer.pk]))
    assert [a.pk for a in page.context["work"].actions] == [pompey_action.pk]
