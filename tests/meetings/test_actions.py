"""Actions (DESIGN §2, §3, §5; issue 6 point 5): my actions, overdue, complete, cancel, access, timeline."""

import html
import itertools
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.access import can_change_case, cases_visible_to
from cases.models import Case, CaseUserObjectPermission, Category
from meetings import services
from meetings.models import Action, ActionStatus, AgendaItem, AttendanceStatus, Decision, Section
from met.models import Agency, AuditEvent, Notification, User

COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"
POLICE = "practitioner.police@example.org"
POLICE_MANAGER = "manager.police@example.org"
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


def make_case(*, agencies=("CSC", "Police", "Health"), first_name="Actkid") -> Case:
    coordinator = user(COORDINATOR)
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=coordinator,
        category=category,
        observed_at=timezone.now() - timedelta(hours=2),
        description="Seen with older youths near the station.",
        new_child={
            "first_name": first_name,
            "last_name": "Act" + _word(next(_numbers)),
            "date_of_birth": date(2010, 2, 1),
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


def login_as(login, email: str):
    return login(user(email))


def text(response) -> str:
    return html.unescape(response.content.decode())


def new_action(case: Case, owner: str, *, days: int = 7, description: str = "Visit the family", item=None) -> Action:
    return services.action_create(
        actor=user(COORDINATOR),
        case=case,
        item=item,
        description=description,
        owner=user(owner),
        due_date=TODAY + timedelta(days=days),
    )


def make_overdue(action: Action, days: int = 3) -> Action:
    Action.objects.filter(pk=action.pk).update(due_date=TODAY - timedelta(days=days))
    return Action.objects.get(pk=action.pk)


@pytest.fixture
def world(demo_data):
    coordinator = user(COORDINATOR)
    case = make_case()
    meeting = services.meeting_create(actor=coordinator, date=TODAY, starts_at=time(10, 0), chair=user(CHAIR))
    for email in (COORDINATOR, CHAIR, HEALTH):
        services.attendance_set(actor=coordinator, meeting=meeting, user=user(email), status=AttendanceStatus.PRESENT)
    for email in (COORDINATOR, CHAIR):  # everyone who sees the children accepts the statement
        services.statement_accept(actor=user(email), meeting=meeting)
    item = AgendaItem.objects.get(meeting=meeting, case=case, section=Section.NEW_CONCERNS)
    return SimpleNamespace(case=case, meeting=meeting, item=item)


# --- my actions -----------------------------------------------------------------------------------------


def test_it_lists_only_my_actions(world, login):
    mine = new_action(world.case, POLICE, description="Police visit to the address")
    new_action(world.case, HEALTH, description="Sexual health appointment")
    new_action(world.case, POLICE_MANAGER, description="Manager review of intelligence")
    response = login_as(login, POLICE).get(reverse("my_actions"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    page = text(response)
    assert "Police visit to the address" in page
    assert "Sexual health appointment" not in page
    assert "Manager review of intelligence" not in page


def test_it_lists_my_actions_across_cases_soonest_due_first(world, login):
    other_case = make_case(agencies=("Education", "Police"), first_name="Eduonly")
    first, second = new_action(world.case, POLICE, days=3), new_action(other_case, POLICE, days=1)
    new_action(other_case, SCHOOL)
    response = login_as(login, POLICE).get(reverse("my_actions"))
    assert list(response.context["page"].object_list) == [second, first]  # soonest due first
    response = login_as(login, HEALTH).get(reverse("my_actions"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("name", ["my_actions", "agency_actions"])
def test_it_says_so_when_there_are_no_actions_to_show(world, login, name):
    """An empty page of results is falsy in a template ({% elif page %}), so the message must not
    depend on it: the person should read "No actions to show.", not a blank space under the filter."""
    new_action(world.case, POLICE)
    response = login_as(login, COORDINATOR).get(reverse(name), {"status": "done"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "No actions to show." in text(response)


def test_it_shows_open_actions_first_and_the_rest_on_request(world, login):
    open_one = new_action(world.case, POLICE, description="Still to do")
    done = new_action(world.case, POLICE, description="Already done")
    services.action_complete(actor=user(POLICE), action=done, note="Done it")
    cancelled = new_action(world.case, POLICE, description="Not needed")
    services.action_cancel(actor=user(COORDINATOR), action=cancelled, reason="Duplicate")
    client = login_as(login, POLICE)

    def listed(**params):
        response = client.get(reverse("my_actions"), params)
        assert response.status_code == 200
        return {a.pk for a in response.context["page"].object_list}

    assert listed() == {open_one.pk}
    assert listed(status="done") == {done.pk}
    assert listed(status="cancelled") == {cancelled.pk}
    assert listed(status="all") == {open_one.pk, done.pk, cancelled.pk}


def test_it_says_plainly_when_an_open_action_is_overdue(world, login):
    late = make_overdue(new_action(world.case, POLICE, description="Late one"), days=4)
    new_action(world.case, POLICE, description="On time")
    page = text(login_as(login, POLICE).get(reverse("my_actions")))
    assert page.count("Overdue") == 1
    assert f"Overdue: {late.due_date.day} {late.due_date:%b %Y}" in page
    detail = text(login_as(login, POLICE).get(late.get_absolute_url()))
    assert ">Overdue<" in detail
    assert late.is_overdue()


def test_it_does_not_call_a_finished_action_overdue(world, login):
    done = make_overdue(new_action(world.case, POLICE, description="Done late"), days=4)
    services.action_complete(actor=user(POLICE), action=done, note="Done in the end")
    cancelled = make_overdue(new_action(world.case, POLICE, description="Dropped"), days=2)
    services.action_cancel(actor=user(COORDINATOR), action=cancelled, reason="No longer needed")
    page = text(login_as(login, POLICE).get(reverse("my_actions"), {"status": "all"}))
    assert "Done late" in page and "Dropped" in page
    assert "Overdue" not in page
    assert not Action.objects.get(pk=done.pk).is_overdue()
    assert "Overdue" not in text(login_as(login, POLICE).get(done.get_absolute_url()))


def test_it_shows_a_due_today_action_as_not_yet_overdue(world, login):
    action = new_action(world.case, POLICE, days=0)
    assert not action.is_overdue()
    assert "Overdue" not in text(login_as(login, POLICE).get(reverse("my_actions")))


# --- actions by agency -------------------------------------------------------------------------------


def test_it_lists_every_agencys_actions_for_the_coordinator_and_filters_by_agency(world, login):
    police_action = new_action(world.case, POLICE, description="Police job")
    health_action = new_action(world.case, HEALTH, description="Health job")
    client = login_as(login, COORDINATOR)
    response = client.get(reverse("agency_actions"))
    assert response.status_code == 200
    assert {a.pk for a in response.context["page"].object_list} == {police_action.pk, health_action.pk}
    response = client.get(reverse("agency_actions"), {"agency": agency("Health").pk})
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"].object_list] == [health_action.pk]
    page = text(response)
    assert "Health job" in page and "Police job" not in page


def test_it_marks_overdue_actions_in_the_agency_list(world, login):
    make_overdue(new_action(world.case, HEALTH, description="Health late"))
    page = text(login_as(login, CHAIR).get(reverse("agency_actions")))
    assert "Health late" in page
    assert "Overdue:" in page


# --- completing and cancelling ----------------------------------------------------------------------


def test_it_completes_an_action_with_a_note(world, login):
    action = new_action(world.case, POLICE)
    client = login_as(login, POLICE)
    response = client.post(reverse("action_complete", args=[action.pk]), {"note": "  Visited; mum engaged.  "})
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert (action.status, action.completion_note, action.completed_by.email, action.version) == (
        ActionStatus.DONE,
        "Visited; mum engaged.",
        POLICE,
        2,
    )
    assert action.completed_at is not None
    assert AuditEvent.objects.filter(
        action="action.complete", object_id=str(action.pk), child_id=world.case.child_id, actor__email=POLICE
    ).exists()
    page = text(client.get(action.get_absolute_url()))
    assert "Done: Visited; mum engaged." in page
    assert reverse("action_complete", args=[action.pk]) not in page
    assert list(client.get(reverse("my_actions")).context["page"].object_list) == []


def test_it_lets_the_coordinator_complete_someone_elses_action_and_records_who(world, login):
    action = new_action(world.case, HEALTH)
    response = login_as(login, COORDINATOR).post(
        reverse("action_complete", args=[action.pk]), {"note": "Confirmed done by phone"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_by.email, action.owner.email) == (ActionStatus.DONE, COORDINATOR, HEALTH)


@pytest.mark.parametrize("email", [COORDINATOR, CHAIR])
def test_it_cancels_an_action_with_a_reason(world, login, email):
    action = new_action(world.case, POLICE)
    client = login_as(login, email)
    response = client.post(reverse("action_cancel", args=[action.pk]), {"reason": "Superseded by strategy meeting"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.cancel_reason, action.version) == (
        ActionStatus.CANCELLED,
        "Superseded by strategy meeting",
        2,
    )
    assert (action.completed_at, action.completed_by) == (None, None)
    assert AuditEvent.objects.filter(action="action.cancel", object_id=str(action.pk), actor__email=email).exists()
    assert "Cancelled: Superseded by strategy meeting" in text(client.get(action.get_absolute_url()))


def test_it_offers_cancelling_only_to_the_coordinator_and_chairs(world, login):
    action = new_action(world.case, POLICE)
    cancel = reverse("action_cancel", args=[action.pk])
    assert cancel in text(login_as(login, COORDINATOR).get(action.get_absolute_url()))
    assert cancel not in text(login_as(login, POLICE).get(action.get_absolute_url()))


# --- access through owning an action ------------------------------------------------------------------


def test_it_gives_the_owner_a_view_permission_of_their_own_on_the_case(world):
    police = user(POLICE)
    held = CaseUserObjectPermission.objects.filter(content_object=world.case, user=police)
    assert not held.exists()
    new_action(world.case, POLICE)
    assert list(held.values_list("permission__codename", flat=True)) == ["view_case"]


def test_it_keeps_the_owners_case_access_when_their_agency_stops_being_involved(world, login):
    case = world.case
    action = new_action(case, POLICE)
    case_services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=Case.objects.get(pk=case.pk).version,
        seen=None,
        agencies_involved=[agency("CSC"), agency("Health")],
    )
    owner = login_as(login, POLICE)
    # The owner still sees the case and their action, but cannot change the case any more ...
    response = owner.get(case.get_absolute_url())
    assert response.status_code == 200
    assert case.child.full_name in text(response)
    assert owner.get(action.get_absolute_url()).status_code == 200
    assert owner.get(reverse("case_edit", args=[case.pk])).status_code == 403
    assert not can_change_case(user(POLICE), case)
    # ... and a police colleague without an action loses the case altogether.
    assert login_as(login, POLICE_MANAGER).get(case.get_absolute_url()).status_code == 404


def test_it_takes_nothing_away_from_an_owner_whose_agency_is_involved(world, login):
    police = user(POLICE)
    before = (set(cases_visible_to(police).values_list("pk", flat=True)), can_change_case(police, world.case))
    new_action(world.case, POLICE)
    after = (set(cases_visible_to(police).values_list("pk", flat=True)), can_change_case(police, world.case))
    assert before == after == ({world.case.pk}, True)
    owner = login_as(login, POLICE)
    assert owner.get(reverse("case_edit", args=[world.case.pk])).status_code == 200
    assert owner.get(reverse("case_action_create", args=[world.case.pk])).status_code == 200


def test_it_shows_an_action_to_a_practitioner_who_can_see_the_case_but_not_to_others(world, login):
    action = new_action(world.case, POLICE)
    assert login_as(login, HEALTH).get(action.get_absolute_url()).status_code == 200
    assert login_as(login, SCHOOL).get(action.get_absolute_url()).status_code == 404


# --- the case timeline --------------------------------------------------------------------------------


def test_it_puts_meeting_decisions_and_actions_on_the_case_timeline(world, login):
    coordinator = login_as(login, COORDINATOR)
    item_url = reverse("meeting_item", args=[world.meeting.pk, world.item.pk])
    response = coordinator.post(item_url, {"form": "decision", "text": "Strategy meeting to be convened by CSC."})
    assert response.status_code == 302
    response = coordinator.post(
        item_url,
        {
            "form": "action",
            "description": "Share the intelligence with the school",
            "owner": user(HEALTH).pk,
            "due_date": (TODAY + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    action = Action.objects.get()
    assert (decision.case, decision.meeting, decision.item) == (world.case, world.meeting, world.item)
    assert (action.case, action.meeting, action.item, action.owner_agency.short_name) == (
        world.case,
        world.meeting,
        world.item,
        "Health",
    )

    # Anyone who can see the case sees them on its timeline, with the meeting they came from.
    page = text(login_as(login, POLICE).get(world.case.get_absolute_url()))
    assert "MEOG decision: other decision" in page
    assert "Strategy meeting to be convened by CSC." in page
    assert f"Action for {user(HEALTH).full_name} (Health)" in page
    assert f"at {world.meeting}" in page
    assert "Share the intelligence with the school" in page
    assert action.get_absolute_url() in page


def test_it_puts_an_ad_hoc_action_on_the_timeline_with_its_status(world, login):
    police = login_as(login, POLICE)
    response = police.post(
        reverse("case_action_create", args=[world.case.pk]),
        {
            "description": "Check the phone download",
            "owner": user(POLICE_MANAGER).pk,
            "due_date": (TODAY + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.meeting, action.item, action.created_by.email) == (None, None, POLICE)
    page = text(police.get(world.case.get_absolute_url()))
    assert "Check the phone download" in page
    assert ">Open<" in page
    make_overdue(action)
    assert ">Overdue<" in text(police.get(world.case.get_absolute_url()))


def test_it_puts_a_risk_confirmation_at_the_meeting_on_the_timeline(world, login):
    from riskassessment import services as risk_services
    from riskassessment.models import Indicator

    police = user(POLICE)
    assessment = risk_services.assessment_start(actor=police, case=world.case)
    significant = Indicator.objects.filter(kind="significant", section__tool__is_current=True)[:4]
    risk_services.assessment_save_draft(
        actor=police,
        assessment=assessment,
        expected_version=assessment.version,
        assessment_date=TODAY,
        summary="",
        answers=[risk_services.AnswerData(i.pk, True, "seen", TODAY - timedelta(days=2)) for i in significant],
    )
    assessment = risk_services.assessment_submit(actor=police, assessment=assessment)
    response = login_as(login, CHAIR).post(
        reverse("meeting_item", args=[world.meeting.pk, world.item.pk]),
        {"form": "confirm", "assessment": assessment.pk, "level": "high"},
    )
    assert response.status_code == 302
    page = text(login_as(login, HEALTH).get(world.case.get_absolute_url()))
    assert "MEOG decision: risk level confirmed" in page
    assert "Risk confirmed at high." in page


# --- notifications ------------------------------------------------------------------------------------


def test_it_notifies_the_owner_of_a_new_action_without_child_details(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login_as(login, COORDINATOR).post(
            reverse("meeting_item", args=[world.meeting.pk, world.item.pk]),
            {
                "form": "action",
                "description": "Ask about the older boyfriend",
                "owner": user(HEALTH).pk,
                "due_date": (TODAY + timedelta(days=9)).isoformat(),
            },
        )
    assert response.status_code == 302
    action = Action.objects.get()
    note = Notification.objects.get(recipient__email=HEALTH, subject="You have a new action")
    assert note.subject == "You have a new action"
    assert note.link == action.get_absolute_url()
    assert world.case.reference in note.body
    assert f"{action.due_date:%B %Y}" in note.body
    assert note.reason == "You are the owner of this action."
    # Emails leave the service: no child's name and no free text about them.
    assert world.case.child.last_name not in note.body
    assert "older boyfriend" not in note.body
    assert [m.to for m in mail.outbox] == [[user(HEALTH).email]]
    assert world.case.child.last_name not in mail.outbox[0].body


def test_it_notifies_only_the_owner(world):
    new_action(world.case, POLICE)
    notified = Notification.objects.filter(subject="You have a new action")
    assert list(notified.values_list("recipient__email", flat=True)) == [POLICE]
