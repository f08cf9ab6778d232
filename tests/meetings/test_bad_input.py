"""Bad input to the meetings app: a clear message and a 4xx, never a 500 and never a partial write.

Every request goes through a client that turns an unhandled exception into a 500 response (as in
production) instead of raising it, so a crash shows up as a wrong status rather than an error.
"""

import html
import itertools
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseStatus, Category, RiskLevel
from meetings import services
from meetings.models import (
    Action,
    ActionStatus,
    Addendum,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DisruptionActivity,
    Meeting,
    MeetingStatus,
    PlaceLink,
    Section,
)
from met.models import Agency, Notification, User
from riskassessment import services as risk_services
from riskassessment.models import Assessment, AssessmentStatus, Indicator, Referral, RiskHistory
from tests.meetings import sign_off_held

COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"
POLICE = "practitioner.police@example.org"
HEALTH = "practitioner.health@example.org"
SCHOOL = "practitioner.school@example.org"
POLICE_ADMIN = "admin.police@example.org"
TODAY = timezone.localdate()
SIGNED_OFF = "The minutes have been signed off and are read-only."

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


def make_case(*, agencies=("CSC", "Police", "Health"), first_name="Badkid") -> Case:
    coordinator = user(COORDINATOR)
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=coordinator,
        category=category,
        observed_at=timezone.now() - timedelta(hours=2),
        description="Seen with older youths near the station.",
        new_child={
            "first_name": first_name,
            "last_name": "Input" + _word(next(_numbers)),
            "date_of_birth": date(2010, 6, 1),
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


def submitted_assessment(case: Case) -> Assessment:
    """A SERAF submitted by the police officer: four current significant indicators, 20 points, high."""
    police = user(POLICE)
    assessment = risk_services.assessment_start(actor=police, case=case)
    significant = Indicator.objects.filter(kind="significant", section__tool__is_current=True)[:4]
    answers = [risk_services.AnswerData(i.pk, True, "seen", TODAY - timedelta(days=3)) for i in significant]
    risk_services.assessment_save_draft(
        actor=police,
        assessment=assessment,
        expected_version=assessment.version,
        assessment_date=TODAY,
        summary="",
        answers=answers,
    )
    assessment.refresh_from_db()
    return risk_services.assessment_submit(actor=police, assessment=assessment)


def client_for(email: str) -> Client:
    # An exception in a view becomes a 500 response here, as it would for a real user.
    client = Client(raise_request_exception=False)
    client.force_login(user(email))
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def follow_messages(client: Client, response) -> str:
    """The page a redirect lands on, where the flash message is shown."""
    assert response.status_code == 302
    return text(client.get(response.url))


@pytest.fixture
def world(demo_data):
    coordinator, chair = user(COORDINATOR), user(CHAIR)
    case = make_case(agencies=("CSC", "Police", "Health"))
    # Starting at midnight: held by the time any test signs it off.
    meeting = services.meeting_create(actor=coordinator, date=TODAY, starts_at=time(0, 0), chair=chair)
    for person in (coordinator, chair):  # everyone who sees the children accepts the statement
        services.statement_accept(actor=person, meeting=meeting)
    item = services.item_add(actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=case, reason="x")
    return SimpleNamespace(case=case, meeting=meeting, item=item)


def item_url(w, item=None) -> str:
    return reverse("meeting_item", args=[w.meeting.pk, (item or w.item).pk])


def make_quorate(meeting: Meeting) -> None:
    coordinator = user(COORDINATOR)
    for email in (COORDINATOR, CHAIR, HEALTH):  # CSC, Police and Health
        services.attendance_set(actor=coordinator, meeting=meeting, user=user(email), status=AttendanceStatus.PRESENT)


def action_data(owner: User, due: date | None = None, **extra) -> dict:
    return {
        "description": "Speak to the school about attendance",
        "owner": owner.pk,
        "due_date": (due or TODAY + timedelta(days=10)).isoformat(),
        **extra,
    }


# --- actions: owner and due date -------------------------------------------------------------------


def test_it_refuses_an_action_owner_from_an_agency_not_involved_via_the_item_form(world):
    response = client_for(COORDINATOR).post(item_url(world), {"form": "action", **action_data(user(SCHOOL))})
    assert response.status_code == 400
    assert "Choose someone from an agency involved in the case." in text(response)
    assert not Action.objects.exists()
    assert not Notification.objects.filter(recipient__email=SCHOOL).exists()


def test_it_refuses_an_action_owner_from_an_agency_not_involved_via_the_case_page(world):
    response = client_for(COORDINATOR).post(
        reverse("case_action_create", args=[world.case.pk]), action_data(user(SCHOOL))
    )
    assert response.status_code == 400
    assert "Choose someone from an agency involved in the case." in text(response)
    assert not Action.objects.exists()


def test_it_explains_which_agency_is_not_involved_when_the_service_is_called_directly(world):
    from django.core.exceptions import ValidationError

    school = user(SCHOOL)
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=user(COORDINATOR),
            case=world.case,
            item=world.item,
            description="x",
            owner=school,
            due_date=TODAY + timedelta(days=3),
        )
    assert "works for Education, which is not involved in this case" in error.value.message_dict["owner"][0]
    assert not Action.objects.exists()


def test_it_refuses_an_action_owner_without_a_case_role(world):
    """The police agency admin works for an involved agency but holds no case role: they could not
    even open the action (action_detail answers 403 to them), so they cannot be its owner."""
    response = client_for(COORDINATOR).post(item_url(world), {"form": "action", **action_data(user(POLICE_ADMIN))})
    assert response.status_code == 400
    assert not Action.objects.exists()


@pytest.mark.parametrize("where", ["item", "case"])
def test_it_refuses_a_due_date_in_the_past(world, where):
    data = action_data(user(POLICE), due=TODAY - timedelta(days=1))
    client = client_for(COORDINATOR)
    if where == "item":
        response = client.post(item_url(world), {"form": "action", **data})
    else:
        response = client.post(reverse("case_action_create", args=[world.case.pk]), data)
    assert response.status_code == 400
    assert "The due date cannot be in the past." in text(response)
    assert not Action.objects.exists()
    assert not Notification.objects.filter(recipient__email=POLICE, subject="You have a new action").exists()


def test_it_accepts_a_due_date_of_today(world):
    response = client_for(COORDINATOR).post(item_url(world), {"form": "action", **action_data(user(POLICE), TODAY)})
    assert response.status_code == 302
    assert Action.objects.get().due_date == TODAY


def test_it_refuses_an_impossible_due_date(world):
    data = {**action_data(user(POLICE)), "due_date": "31/02/2027"}
    response = client_for(COORDINATOR).post(item_url(world), {"form": "action", **data})
    assert response.status_code == 400
    assert "Enter due date as a real date" in text(response)
    assert not Action.objects.exists()


def test_it_refuses_an_action_on_a_closed_case(world):
    case_services.case_close(actor=user(COORDINATOR), case=world.case, reason="risk_reduced")
    response = client_for(COORDINATOR).post(item_url(world), {"form": "action", **action_data(user(POLICE))})
    assert response.status_code == 400
    assert "This case is closed." in text(response)
    assert not Action.objects.exists()


# --- the item page ---------------------------------------------------------------------------------


def test_it_answers_400_to_an_unknown_item_form(world):
    response = client_for(COORDINATOR).post(item_url(world), {"form": "delete_everything", "discussion": "x"})
    assert response.status_code == 400
    assert "Unknown form." in text(response)
    assert AgendaItem.objects.get(pk=world.item.pk).discussion == ""
    assert not Decision.objects.exists()


def test_it_refuses_an_empty_decision(world):
    response = client_for(COORDINATOR).post(item_url(world), {"form": "decision", "text": "   "})
    assert response.status_code == 400
    assert "Write the decision." in text(response)
    assert not Decision.objects.exists()
    assert Meeting.objects.get(pk=world.meeting.pk).status == MeetingStatus.SCHEDULED


def test_it_refuses_a_referral_dated_in_the_future(world):
    from riskassessment.models import Provider

    provider = Provider.objects.filter(is_active=True).first()
    response = client_for(COORDINATOR).post(
        item_url(world),
        {"form": "referral", "provider": provider.pk, "referred_on": (TODAY + timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 400
    assert "The referral date cannot be in the future." in text(response)
    assert not Referral.objects.exists()
    assert not Decision.objects.exists()


def test_it_refuses_to_close_a_case_twice(world):
    client = client_for(COORDINATOR)
    assert client.post(item_url(world), {"form": "close", "reason": "risk_reduced"}).status_code == 302
    response = client.post(item_url(world), {"form": "close", "reason": "transferred"})
    assert response.status_code == 400
    assert "This case is already closed." in text(response)
    assert Decision.objects.filter(kind="case_closed").count() == 1
    assert Case.objects.get(pk=world.case.pk).closure_reason == "risk_reduced"


@pytest.mark.parametrize(
    "form",
    [
        {"form": "confirm", "level": "high"},
        {"form": "action", "description": "x", "due_date": "2030-01-01"},
        {"form": "referral", "referred_on": "2020-01-01"},
        {"form": "close", "reason": "risk_reduced"},
    ],
    ids=["confirm", "action", "referral", "close"],
)
def test_it_refuses_case_decisions_on_a_place_item_without_crashing(world, form):
    """Section 8 items are about a place or person, not a case: the page offers only the discussion
    and 'other decision' forms for them, but a hand-made POST for a case form must be a 400."""
    place = services.place_create(actor=user(COORDINATOR), name="Car Park Behind The Mall", kind="other")
    services.register_link(actor=user(COORDINATOR), entry=place, case=world.case)
    services.agenda_rebuild(actor=user(COORDINATOR), meeting=world.meeting)
    place_item = AgendaItem.objects.get(meeting=world.meeting, place=place)
    data = dict(form)
    if form["form"] == "action":
        data["owner"] = user(POLICE).pk
    if form["form"] == "referral":
        from riskassessment.models import Provider

        data["provider"] = Provider.objects.filter(is_active=True).first().pk
    response = client_for(COORDINATOR).post(item_url(world, place_item), data)
    assert response.status_code == 400
    assert not Decision.objects.exists()
    assert not Action.objects.exists()
    assert not Referral.objects.exists()
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.OPEN


def test_it_answers_404_for_an_item_of_another_meeting(world):
    other = services.meeting_create(
        actor=user(COORDINATOR), date=TODAY + timedelta(days=7), starts_at=time(10, 0), chair=user(CHAIR)
    )
    client = client_for(COORDINATOR)
    assert client.get(reverse("meeting_item", args=[other.pk, world.item.pk])).status_code == 404
    response = client.post(reverse("meeting_item_remove", args=[other.pk, world.item.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert AgendaItem.objects.get(pk=world.item.pk).removed_at is None


# --- confirming risk and the quorum ----------------------------------------------------------------


def test_it_refuses_to_confirm_risk_at_an_inquorate_meeting(world):
    assessment = submitted_assessment(world.case)
    response = client_for(CHAIR).post(
        item_url(world), {"form": "confirm", "assessment": assessment.pk, "level": "high"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "not quorate" in page
    assert "Children's social care, Health, Police not present" in page
    assert Case.objects.get(pk=world.case.pk).risk_level == RiskLevel.NOT_ASSESSED
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
    assert not RiskHistory.objects.exists()
    assert not Decision.objects.exists()


def test_it_confirms_risk_at_an_inquorate_meeting_once_the_chair_records_an_exception(world):
    assessment = submitted_assessment(world.case)
    chair = client_for(CHAIR)
    response = chair.post(
        reverse("meeting_quorum_exception", args=[world.meeting.pk]),
        {"reason": "Health unable to attend; urgent decision needed."},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    assert (meeting.quorum_exception_reason, meeting.quorum_exception_by.email) == (
        "Health unable to attend; urgent decision needed.",
        CHAIR,
    )
    response = chair.post(item_url(world), {"form": "confirm", "assessment": assessment.pk, "level": "high"})
    assert response.status_code == 302
    assert Case.objects.get(pk=world.case.pk).risk_level == RiskLevel.HIGH
    decision = Decision.objects.get()
    assert (decision.kind, decision.case_id) == ("risk_confirmed", world.case.pk)


def test_it_confirms_risk_at_a_quorate_meeting_without_an_exception(world):
    make_quorate(world.meeting)
    assessment = submitted_assessment(world.case)
    response = client_for(COORDINATOR).post(
        item_url(world), {"form": "confirm", "assessment": assessment.pk, "level": "high"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=world.case.pk).risk_level == RiskLevel.HIGH


def test_it_refuses_a_quorum_exception_from_the_coordinator_or_without_a_reason(world):
    response = client_for(COORDINATOR).post(
        reverse("meeting_quorum_exception", args=[world.meeting.pk]), {"reason": "Let's go ahead."}
    )
    assert response.status_code == 403
    assert "Only a chair can record a quorum exception." in text(response)
    chair = client_for(CHAIR)
    response = chair.post(reverse("meeting_quorum_exception", args=[world.meeting.pk]), {"reason": ""})
    assert "Give the reason for going ahead without a quorum." in follow_messages(chair, response)
    assert Meeting.objects.get(pk=world.meeting.pk).quorum_exception_reason == ""


def test_it_needs_a_reason_to_confirm_a_level_other_than_the_suggested_one(world):
    make_quorate(world.meeting)
    assessment = submitted_assessment(world.case)
    response = client_for(CHAIR).post(item_url(world), {"form": "confirm", "assessment": assessment.pk, "level": "low"})
    assert response.status_code == 400
    assert "Record the professional judgement" in text(response)
    assert Case.objects.get(pk=world.case.pk).risk_level == RiskLevel.NOT_ASSESSED
    assert not Decision.objects.exists()


def test_it_refuses_to_confirm_another_childs_assessment_on_this_item(world):
    make_quorate(world.meeting)
    other_case = make_case(first_name="Elsewhere")
    assessment = submitted_assessment(other_case)
    response = client_for(CHAIR).post(
        item_url(world), {"form": "confirm", "assessment": assessment.pk, "level": "high"}
    )
    assert response.status_code == 400
    assert "Choose a submitted assessment for this child." in text(response)
    assert Case.objects.get(pk=other_case.pk).risk_level == RiskLevel.NOT_ASSESSED
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED


# --- after sign-off --------------------------------------------------------------------------------


def _signed_off(w):
    services.item_remove(
        actor=user(COORDINATOR),
        item=services.item_add(
            actor=user(COORDINATOR), meeting=w.meeting, section=Section.HIGH_RISK, case=w.case, reason="spare"
        ),
        reason="duplicate",
    )
    sign_off_held(w.meeting, user(CHAIR))


def _snapshot(w) -> dict:
    meeting = Meeting.objects.get(pk=w.meeting.pk)
    return {
        "meeting": (meeting.status, meeting.agenda_built_at, meeting.quorum_exception_reason, meeting.version),
        "items": list(
            AgendaItem.objects.filter(meeting=w.meeting)
            .order_by("pk")
            .values_list("pk", "section", "order", "discussion", "removed_at", "reason")
        ),
        "attendance": list(
            Attendance.objects.filter(meeting=w.meeting).order_by("pk").values_list("user_id", "status")
        ),
        "decisions": Decision.objects.count(),
        "actions": Action.objects.count(),
        "addenda": Addendum.objects.count(),
    }


AFTER_SIGN_OFF = {
    "discussion": lambda w: (item_url(w), {"form": "discussion", "discussion": "Changed afterwards"}),
    "decision": lambda w: (item_url(w), {"form": "decision", "text": "Another decision"}),
    "action": lambda w: (item_url(w), {"form": "action", **action_data(user(POLICE))}),
    "close": lambda w: (item_url(w), {"form": "close", "reason": "risk_reduced"}),
    "attendance": lambda w: (
        reverse("meeting_attendance", args=[w.meeting.pk]),
        {f"person-{user(SCHOOL).pk}": "present", "version": Meeting.objects.get(pk=w.meeting.pk).version},
    ),
    "item remove": lambda w: (reverse("meeting_item_remove", args=[w.meeting.pk, w.item.pk]), {"reason": "late"}),
    "item restore": lambda w: (
        reverse(
            "meeting_item_restore",
            args=[w.meeting.pk, AgendaItem.objects.get(meeting=w.meeting, removed_at__isnull=False).pk],
        ),
        {},
    ),
    "item move": lambda w: (reverse("meeting_item_move", args=[w.meeting.pk, w.item.pk]), {"direction": "down"}),
    "item add": lambda w: (
        reverse("meeting_item_add", args=[w.meeting.pk]),
        {"section": Section.REVIEWS, "case": w.case.pk, "reason": "late addition"},
    ),
    "rebuild": lambda w: (reverse("meeting_rebuild", args=[w.meeting.pk]), {}),
    "quorum exception": lambda w: (reverse("meeting_quorum_exception", args=[w.meeting.pk]), {"reason": "late"}),
    "sign off again": lambda w: (reverse("meeting_sign_off", args=[w.meeting.pk]), {}),
}


@pytest.mark.parametrize("what", list(AFTER_SIGN_OFF))
def test_it_refuses_any_change_to_signed_off_minutes(world, what):
    _signed_off(world)
    # Something new the rebuild would otherwise add.
    make_case(first_name="Latecomer")
    before = _snapshot(world)
    url, data = AFTER_SIGN_OFF[what](world)
    email = COORDINATOR if what not in {"quorum exception", "sign off again"} else CHAIR
    response = client_for(email).post(url, data)
    assert response.status_code == 403
    assert SIGNED_OFF in text(response)
    assert _snapshot(world) == before


@pytest.mark.parametrize("name", ["meeting_item_add", "meeting_item_remove", "meeting_sign_off"])
def test_it_refuses_the_edit_pages_of_signed_off_minutes(world, name):
    _signed_off(world)
    args = [world.meeting.pk, world.item.pk] if name == "meeting_item_remove" else [world.meeting.pk]
    response = client_for(CHAIR).get(reverse(name, args=args))
    assert response.status_code == 403
    assert SIGNED_OFF in text(response)


def test_it_keeps_corrections_to_signed_off_minutes_as_addenda(world):
    _signed_off(world)
    before = _snapshot(world)
    coordinator = client_for(COORDINATOR)
    response = coordinator.post(reverse("meeting_addendum", args=[world.meeting.pk]), {"text": "Spelling of name."})
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    assert (addendum.text, addendum.author.email) == ("Spelling of name.", COORDINATOR)
    after = _snapshot(world)
    assert after.pop("addenda") == 1
    before.pop("addenda")
    assert after == before
    assert "Spelling of name." in text(coordinator.get(world.meeting.get_absolute_url()))


def test_it_refuses_an_addendum_before_sign_off_or_without_text(world):
    coordinator = client_for(COORDINATOR)
    url = reverse("meeting_addendum", args=[world.meeting.pk])
    response = coordinator.post(url, {"text": "Too early"})
    assert "The minutes are not signed off yet: edit them directly." in follow_messages(coordinator, response)
    sign_off_held(world.meeting, user(CHAIR))
    response = coordinator.post(url, {"text": ""})
    assert "Write the correction." in follow_messages(coordinator, response)
    assert not Addendum.objects.exists()


# --- the confidentiality statement -----------------------------------------------------------------


def test_it_refuses_to_accept_the_statement_for_another_person(world):
    coordinator = user(COORDINATOR)
    for email in (POLICE, HEALTH):
        services.attendance_set(actor=coordinator, meeting=world.meeting, user=user(email), status="present")
    response = client_for(POLICE).post(reverse("meeting_accept", args=[world.meeting.pk]), {"user": user(HEALTH).pk})
    assert response.status_code == 403
    assert "You can only accept the confidentiality statement for yourself." in text(response)
    assert not Attendance.objects.filter(
        meeting=world.meeting, user__email__in=[POLICE, HEALTH], accepted_statement_at__isnull=False
    ).exists()


def test_it_accepts_the_statement_when_the_form_names_the_person_themself(world):
    services.attendance_set(actor=user(COORDINATOR), meeting=world.meeting, user=user(POLICE), status="present")
    response = client_for(POLICE).post(reverse("meeting_accept", args=[world.meeting.pk]), {"user": user(POLICE).pk})
    assert response.status_code == 302
    accepted = Attendance.objects.filter(meeting=world.meeting, accepted_statement_at__isnull=False)
    assert sorted(accepted.values_list("user__email", flat=True)) == sorted([POLICE, COORDINATOR, CHAIR])


def test_it_puts_a_coordinator_not_on_the_list_on_it_when_they_accept_the_statement(world):
    """The coordinator sees every meeting, but is not on the list of one the chair scheduled: seeing its
    children needs the statement all the same, and the record then shows they saw them."""
    meeting = services.meeting_create(
        actor=user(CHAIR), date=TODAY + timedelta(days=7), starts_at=time(10, 0), chair=user(CHAIR)
    )
    client = client_for(COORDINATOR)
    assert "I accept the confidentiality statement" in text(client.get(meeting.get_absolute_url()))
    assert client.post(reverse("meeting_accept", args=[meeting.pk])).status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, user__email=COORDINATOR)
    assert (attendance.status, attendance.accepted_statement_at is not None) == ("invited", True)


def test_it_refuses_to_accept_the_statement_with_a_get(world):
    services.attendance_set(actor=user(COORDINATOR), meeting=world.meeting, user=user(POLICE), status="present")
    response = client_for(POLICE).get(reverse("meeting_accept", args=[world.meeting.pk]))
    assert response.status_code == 405
    assert not Attendance.objects.filter(user__email=POLICE, accepted_statement_at__isnull=False).exists()


# --- the agenda ------------------------------------------------------------------------------------


def test_it_refuses_to_remove_an_item_without_a_reason(world):
    response = client_for(COORDINATOR).post(
        reverse("meeting_item_remove", args=[world.meeting.pk, world.item.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the item is being taken off the agenda." in text(response)
    item = AgendaItem.objects.get(pk=world.item.pk)
    assert (item.removed_at, item.removed_by, item.removed_reason) == (None, None, "")


def test_it_refuses_to_add_an_item_to_an_unknown_section_or_for_a_missing_case(world):
    client = client_for(COORDINATOR)
    url = reverse("meeting_item_add", args=[world.meeting.pk])
    count = AgendaItem.objects.count()
    response = client.post(url, {"section": 9, "case": world.case.pk})
    assert response.status_code == 400
    assert "Select a valid choice." in text(response)
    response = client.post(url, {"section": 1, "case": world.case.pk + 1000})
    assert response.status_code == 404
    assert AgendaItem.objects.count() == count


def test_it_records_attendance_only_for_a_known_person_and_status(world):
    coordinator = client_for(COORDINATOR)
    url = reverse("meeting_attendance", args=[world.meeting.pk])
    version = Meeting.objects.get(pk=world.meeting.pk).version
    before = list(Attendance.objects.values_list("pk", "status"))
    for data, message in (
        ({f"person-{user(POLICE).pk}": "asleep", "version": version}, "Choose present, sent apologies or invited."),
        ({"person-x": "present", "version": version}, "The form was not filled in as expected"),
        ({f"person-{user(POLICE).pk}": "present"}, "The form was not filled in as expected"),
        ({"person-987654": "present", "version": version}, "Only active people with a casework role attend MEOG"),
    ):
        response = coordinator.post(url, data)
        assert response.status_code == 400
        assert message in text(response)
    assert list(Attendance.objects.values_list("pk", "status")) == before


def test_it_refuses_attendance_for_someone_without_a_case_role(world):
    """An agency admin can neither open the meeting nor accept its statement (no case role), so
    recording them as present must not happen, least of all to make the meeting quorate."""
    coordinator = client_for(COORDINATOR)
    for email in (COORDINATOR, CHAIR):  # CSC and Police present: Health is missing
        services.attendance_set(actor=user(COORDINATOR), meeting=world.meeting, user=user(email), status="present")
    response = coordinator.post(
        reverse("meeting_attendance", args=[world.meeting.pk]),
        {
            f"person-{user('admin.health@example.org').pk}": "present",
            "version": Meeting.objects.get(pk=world.meeting.pk).version,
        },
    )
    assert response.status_code == 400
    assert not Attendance.objects.filter(meeting=world.meeting, user__email="admin.health@example.org").exists()
    from meetings import quorum

    assert not quorum.may_confirm_risk(Meeting.objects.get(pk=world.meeting.pk))


# --- scheduling a meeting --------------------------------------------------------------------------


def meeting_form(**fields) -> dict:
    data = {
        "date": (TODAY + timedelta(days=14)).isoformat(),
        "starts_at": "10:00",
        "chair": user(CHAIR).pk,
        "location": "Civic Centre",
        "online_link": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": "30/02/2027"}, "Enter date of the meeting as a real date, like 3/12/2026."),
        ({"date": ""}, "Enter date of the meeting."),
        ({"starts_at": "25:99"}, "Enter a time like 10:00."),
        ({"chair": "police"}, "Select a valid choice."),
        ({"online_link": "not a link"}, "Enter a full web address, starting https://"),
    ],
    ids=["impossible date", "no date", "impossible time", "chair not a number", "bad link"],
)
def test_it_refuses_an_invalid_meeting(world, fields, message):
    count = Meeting.objects.count()
    response = client_for(COORDINATOR).post(reverse("meeting_create"), meeting_form(**fields))
    assert response.status_code == 400
    assert message in text(response)
    assert Meeting.objects.count() == count


def test_it_refuses_a_chair_who_does_not_hold_the_chair_role(world):
    count = Meeting.objects.count()
    response = client_for(COORDINATOR).post(reverse("meeting_create"), meeting_form(chair=user(POLICE).pk))
    assert response.status_code == 400
    assert "Select a valid choice." in text(response)
    assert Meeting.objects.count() == count


def test_it_refuses_a_second_meeting_in_the_same_slot_and_writes_nothing(world):
    data = meeting_form(date=TODAY.isoformat(), starts_at="00:00")  # the world's meeting's slot
    counts = (Meeting.objects.count(), AgendaItem.objects.count(), Attendance.objects.count())
    response = client_for(COORDINATOR).post(reverse("meeting_create"), data)
    assert response.status_code == 400
    assert "There is already a meeting at that date and time." in text(response)
    assert (Meeting.objects.count(), AgendaItem.objects.count(), Attendance.objects.count()) == counts


def test_it_allows_another_meeting_the_same_day_at_another_time(world):
    response = client_for(COORDINATOR).post(
        reverse("meeting_create"), meeting_form(date=TODAY.isoformat(), starts_at="14:00")
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(date=TODAY).count() == 2


# --- completing and cancelling actions -------------------------------------------------------------


@pytest.fixture
def action(world):
    return services.action_create(
        actor=user(COORDINATOR),
        case=world.case,
        description="Check in with the family",
        owner=user(POLICE),
        due_date=TODAY + timedelta(days=5),
    )


def test_it_refuses_to_complete_an_action_without_a_note(action):
    response = client_for(POLICE).post(reverse("action_complete", args=[action.pk]), {"note": "  "})
    assert response.status_code == 400
    assert "Say what was done." in text(response)
    action.refresh_from_db()
    assert (action.status, action.completed_at, action.completion_note) == (ActionStatus.OPEN, None, "")


def test_it_refuses_to_complete_an_action_that_is_already_done(action):
    police = client_for(POLICE)
    assert police.post(reverse("action_complete", args=[action.pk]), {"note": "Visited"}).status_code == 302
    response = police.post(reverse("action_complete", args=[action.pk]), {"note": "Visited again"})
    assert response.status_code == 400
    assert "This action is already done." in text(response)
    action.refresh_from_db()
    assert (action.status, action.completion_note, action.version) == (ActionStatus.DONE, "Visited", 2)


def test_it_refuses_a_cancellation_by_the_owner(action):
    response = client_for(POLICE).post(reverse("action_cancel", args=[action.pk]), {"reason": "Too busy"})
    assert response.status_code == 403
    assert "Only the coordinator or a chair can cancel an action." in text(response)
    action.refresh_from_db()
    assert (action.status, action.cancel_reason) == (ActionStatus.OPEN, "")


def test_it_refuses_a_cancellation_without_a_reason_or_of_a_done_action(action):
    coordinator = client_for(COORDINATOR)
    response = coordinator.post(reverse("action_cancel", args=[action.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Say why the action is being cancelled." in text(response)
    services.action_complete(actor=user(POLICE), action=action, note="Done")
    response = coordinator.post(reverse("action_cancel", args=[action.pk]), {"reason": "No longer needed"})
    assert response.status_code == 400
    assert "This action is already done." in text(response)
    action.refresh_from_db()
    assert (action.status, action.cancel_reason) == (ActionStatus.DONE, "")


def test_it_refuses_to_complete_a_cancelled_action(action):
    services.action_cancel(actor=user(COORDINATOR), action=action, reason="Duplicate")
    response = client_for(POLICE).post(reverse("action_complete", args=[action.pk]), {"note": "Did it anyway"})
    assert response.status_code == 400
    assert "This action is already cancelled." in text(response)
    action.refresh_from_db()
    assert (action.status, action.completion_note) == (ActionStatus.CANCELLED, "")


# --- action lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("agency_actions", {"agency": "abc"}, "That agency is not one of the options."),
        ("agency_actions", {"agency": "999999"}, "That agency is not one of the options."),
        ("agency_actions", {"status": "zzz"}, "Choose open, done, cancelled or all."),
        ("my_actions", {"status": "zzz"}, "Choose open, done, cancelled or all."),
    ],
    ids=["agency not a number", "agency unknown", "bad status", "my actions bad status"],
)
def test_it_answers_400_to_a_bad_action_filter(action, name, params, message):
    response = client_for(COORDINATOR).get(reverse(name), params)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert action.description not in page


# --- registers -------------------------------------------------------------------------------------


@pytest.fixture
def place(world):
    return services.place_create(actor=user(POLICE), name="Snooker Hall On High Street", kind="venue")


def test_it_refuses_disruption_activity_in_the_future(place):
    response = client_for(POLICE).post(
        place.get_absolute_url(),
        {
            "form": "disruption",
            "what": "Licensing visit",
            "agency": agency("Police").pk,
            "happened_on": (TODAY + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in text(response)
    assert not DisruptionActivity.objects.exists()


def test_it_refuses_disruption_activity_without_what_or_agency(place):
    response = client_for(POLICE).post(
        place.get_absolute_url(), {"form": "disruption", "what": "", "agency": "", "happened_on": TODAY.isoformat()}
    )
    assert response.status_code == 400
    assert not DisruptionActivity.objects.exists()


@pytest.mark.parametrize("target", ["missing", "hidden"])
def test_it_answers_404_to_a_link_to_a_case_that_does_not_exist_or_cannot_be_seen(world, place, target):
    hidden = make_case(agencies=("Education",), first_name="Hiddenkid")
    number = hidden.pk if target == "hidden" else hidden.pk + 1000
    response = client_for(POLICE).post(place.get_absolute_url(), {"form": "link", "case": number, "note": ""})
    assert response.status_code == 404
    assert hidden.child.full_name not in text(response)
    assert not PlaceLink.objects.exists()


def test_it_refuses_a_case_number_that_is_not_a_number_or_a_second_link(world, place):
    police = client_for(POLICE)
    response = police.post(place.get_absolute_url(), {"form": "link", "case": "MET-1", "note": ""})
    assert response.status_code == 400
    assert "Enter the case number as digits." in text(response)
    assert police.post(place.get_absolute_url(), {"form": "link", "case": world.case.pk}).status_code == 302
    response = police.post(place.get_absolute_url(), {"form": "link", "case": world.case.pk, "note": "again"})
    assert response.status_code == 400
    assert "This child is already linked." in text(response)
    assert PlaceLink.objects.count() == 1


def test_it_answers_400_to_an_unknown_register_form(place):
    response = client_for(POLICE).post(place.get_absolute_url(), {"form": "merge", "case": 1})
    assert response.status_code == 400
    assert "Unknown form." in text(response)
    assert not PlaceLink.objects.exists()


def test_it_refuses_a_place_without_a_name_or_kind(world):
    response = client_for(POLICE).post(reverse("place_create"), {"name": "", "kind": "castle"})
    assert response.status_code == 400
    assert "Enter the place's name." in text(response)
    assert "Select a valid choice." in text(response)
    from meetings.models import PlaceOfConcern

    assert not PlaceOfConcern.objects.exists()
