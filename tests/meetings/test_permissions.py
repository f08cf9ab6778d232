"""Who may open which page of the meetings app: every URL in meetings/urls.py x every demo role.

Rules (DESIGN §3 and §5, meetings/access.py, meetings/views.py):
- the coordinator and chairs see every meeting; a practitioner sees the meetings they are invited to
  (404 for any other, as for a meeting that does not exist);
- an attendee sees the agenda's children only once they accepted the confidentiality statement:
  before that the meeting page shows the statement, and item pages and PDFs answer 403;
- only the coordinator and chairs run a meeting (rebuild, attendance, items, decisions, addenda);
  only a chair records a quorum exception or signs off the minutes;
- an action is seen by its owner and by whoever can see its case; the owner, the coordinator or a
  chair completes it, only the coordinator or a chair cancels it;
- a place or person of concern is seen by whoever recorded it and by anyone who can see one of the
  cases linked to it;
- agency and system admins hold no case role: 403 everywhere; anonymous visitors sign in first.

The world: the meeting (chaired by chair@, created by coordinator@) has practitioner.police@ present
who accepted the statement and owns an action, practitioner.health@ present who has not accepted,
and practitioner.school@ not invited. Case "seen" involves CSC, Police and Health; case "other"
only Education.

Each URL is tried by every role inside a savepoint that is rolled back, so one role's write does not
change what the next one meets; every write checks its effect: done when allowed, nothing otherwise.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Category
from meetings import agenda, services
from meetings.models import (
    Action,
    Addendum,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Feedback,
    Guest,
    ItemInvitation,
    Meeting,
    MeetingStatus,
    PersonOfConcern,
    PlaceOfConcern,
    Section,
)
from met.models import Agency, AuditEvent, User
from tests.meetings import sign_off_held

COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"
POLICE = "practitioner.police@example.org"  # attendee who accepted the statement; owns the action
HEALTH = "practitioner.health@example.org"  # attendee who has not accepted; can see the case
SCHOOL = "practitioner.school@example.org"  # not invited; cannot see the case
POLICE_ADMIN = "admin.police@example.org"
SYSADMIN = "sysadmin@example.org"
ANONYMOUS = "anonymous"

CASE_ROLES = (COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL)
NO_CASE_ROLE = (POLICE_ADMIN, SYSADMIN)
TODAY = timezone.localdate()

_numbers = itertools.count(1)


def _word(n: int) -> str:
    """Letters only, so that no generated surname is part of another."""
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


def make_case(*, agencies=("CSC", "Police", "Health"), first_name="Testkid") -> Case:
    """A case made as the app makes one: a concern logged, then opened by the coordinator."""
    coordinator = user(COORDINATOR)
    n = next(_numbers)
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=coordinator,
        category=category,
        observed_at=timezone.now() - timedelta(hours=2),
        description="Seen with older youths near the station.",
        new_child={"first_name": first_name, "last_name": "Perm" + _word(n), "date_of_birth": date(2011, 1, 1)},
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
    if email != ANONYMOUS:
        client.force_login(user(email))
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def world(demo_data):
    coordinator, chair, police, health = (user(e) for e in (COORDINATOR, CHAIR, POLICE, HEALTH))
    seen = make_case(agencies=("CSC", "Police", "Health"), first_name="Seenkid")
    other = make_case(agencies=("Education",), first_name="Otherkid")
    meeting = services.meeting_create(
        actor=coordinator, date=TODAY, starts_at=time(0, 0), chair=chair, location="Civic Centre"
    )
    for person in (police, health):
        services.attendance_set(actor=coordinator, meeting=meeting, user=person, status=AttendanceStatus.PRESENT)
    for person in (police, coordinator, chair):
        services.statement_accept(actor=person, meeting=meeting)
    item = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=seen, reason="raised by police"
    )
    second = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=other, reason="raised by school"
    )
    action = services.action_create(
        actor=coordinator,
        case=seen,
        item=item,
        description="Visit the family this week",
        owner=police,
        due_date=TODAY + timedelta(days=7),
    )
    place = services.place_create(actor=coordinator, name="Arcade On Dock Street", kind="venue")
    services.register_link(actor=coordinator, entry=place, case=other)
    person = services.person_create(actor=coordinator, name="Man Called Tiny")
    services.register_link(actor=coordinator, entry=person, case=seen)
    return SimpleNamespace(
        meeting=meeting, item=item, second=second, seen=seen, other=other, action=action, place=place, person=person
    )


# --- what each URL needs, and what it changes --------------------------------------------------


def _meeting(w) -> dict:
    return {"pk": w.meeting.pk}


def _item(w) -> dict:
    return {"pk": w.meeting.pk, "item_pk": w.item.pk}


def _second_item(w) -> dict:
    return {"pk": w.meeting.pk, "item_pk": w.second.pk}


def _action(w) -> dict:
    return {"pk": w.action.pk}


def _nothing(w) -> dict:
    return {}


def _sign_off(w) -> None:
    sign_off_held(w.meeting, user(CHAIR))


def _remove_item(w) -> None:
    services.item_remove(actor=user(COORDINATOR), item=w.item, reason="discussed last week")


def _add_guest(w) -> None:
    w.guest = services.guest_add(
        actor=user(COORDINATOR), meeting=w.meeting, name="Pat Guest", organisation="Housing Trust", scope="items"
    )


def _invite_school(w) -> None:
    w.invitation = services.item_invite(
        actor=user(COORDINATOR), meeting=w.meeting, items=[w.item], slot=time(11, 0), user=user(SCHOOL)
    )[0]


def _add_decision(w) -> None:
    w.decision = services.decision_other(actor=user(COORDINATOR), item=w.item, text="Strategy meeting")


def _meeting_row(w) -> Meeting:
    return Meeting.objects.get(pk=w.meeting.pk)


def _item_row(w) -> AgendaItem:
    return AgendaItem.objects.get(pk=w.item.pk)


def _action_row(w) -> Action:
    return Action.objects.get(pk=w.action.pk)


@dataclass
class Url:
    name: str
    args: Callable[[Any], dict]
    method: str = "get"
    data: dict | Callable[[Any], dict] = field(default_factory=dict)
    # What the request may change; compared before and after: changed exactly when it succeeded.
    state: Callable[[Any], Any] | None = None
    prepare: Callable[[Any], None] | None = None
    # Roles for whom the write succeeds without changing anything (it was already done).
    already_done: tuple[str, ...] = ()

    def request(self, client: Client, w):
        url = reverse(self.name, kwargs=self.args(w))
        if self.method == "get":
            return client.get(url)
        data = self.data(w) if callable(self.data) else self.data
        return client.post(url, data)


URLS = {
    "meeting_list": Url("meeting_list", _nothing),
    "meeting_create": Url("meeting_create", _nothing),
    "meeting_detail": Url("meeting_detail", _meeting),
    "meeting_accept": Url(
        "meeting_accept",
        _meeting,
        "post",
        state=lambda w: sorted(
            Attendance.objects.filter(meeting=w.meeting, accepted_statement_at__isnull=False).values_list(
                "user__email", flat=True
            )
        ),
        already_done=(POLICE, COORDINATOR, CHAIR),
    ),
    "meeting_rebuild": Url("meeting_rebuild", _meeting, "post", state=lambda w: _meeting_row(w).agenda_built_at),
    "meeting_attendance (page)": Url("meeting_attendance", _meeting),
    "meeting_guest_statement (page)": Url(
        "meeting_guest_statement", lambda w: {"pk": w.meeting.pk, "guest_pk": w.guest.pk}, prepare=_add_guest
    ),
    "meeting_guest_statement": Url(
        "meeting_guest_statement",
        lambda w: {"pk": w.meeting.pk, "guest_pk": w.guest.pk},
        "post",
        data={"accept": "on"},
        state=lambda w: Guest.objects.get(pk=w.guest.pk).accepted_statement_at is not None,
        prepare=_add_guest,
    ),
    "meeting_invite (page)": Url("meeting_invite", _meeting),
    "meeting_decision_withdraw (page)": Url(
        "meeting_decision_withdraw",
        lambda w: {"pk": w.meeting.pk, "item_pk": w.item.pk, "decision_pk": w.decision.pk},
        prepare=_add_decision,
    ),
    "meeting_decision_withdraw": Url(
        "meeting_decision_withdraw",
        lambda w: {"pk": w.meeting.pk, "item_pk": w.item.pk, "decision_pk": w.decision.pk},
        "post",
        data={"reason": "Recorded in error"},
        state=lambda w: Decision.objects.get(pk=w.decision.pk).withdrawn_at is not None,
        prepare=_add_decision,
    ),
    "meeting_invite": Url(
        "meeting_invite",
        _meeting,
        "post",
        data=lambda w: {"who": "user", "user": user(SCHOOL).pk, "items": [w.item.pk], "slot": "11:30"},
        state=lambda w: ItemInvitation.objects.filter(item__meeting=w.meeting).count(),
    ),
    "meeting_invitation_withdraw": Url(
        "meeting_invitation_withdraw",
        lambda w: {"pk": w.meeting.pk, "invitation_pk": w.invitation.pk},
        "post",
        state=lambda w: ItemInvitation.objects.get(pk=w.invitation.pk).withdrawn_at is not None,
        prepare=_invite_school,
    ),
    "meeting_attendance": Url(
        "meeting_attendance",
        _meeting,
        "post",
        data=lambda w: {f"person-{user(SCHOOL).pk}": AttendanceStatus.PRESENT, "version": _meeting_row(w).version},
        state=lambda w: Attendance.objects.filter(meeting=w.meeting, user__email=SCHOOL).exists(),
    ),
    "meeting_quorum_exception": Url(
        "meeting_quorum_exception",
        _meeting,
        "post",
        data={"reason": "Health colleague stuck in traffic; agreed to proceed."},
        state=lambda w: _meeting_row(w).quorum_exception_reason,
    ),
    "meeting_sign_off (page)": Url("meeting_sign_off", _meeting),
    "meeting_sign_off": Url(
        "meeting_sign_off",
        _meeting,
        "post",
        data=lambda w: {"not_discussed": list(agenda.undiscussed_items(w.meeting).values_list("pk", flat=True))},
        state=lambda w: _meeting_row(w).status,
    ),
    "meeting_addendum": Url(
        "meeting_addendum",
        _meeting,
        "post",
        data={"text": "Correction: the referral was to Barnardo's."},
        state=lambda w: Addendum.objects.filter(meeting=w.meeting).count(),
        prepare=_sign_off,
    ),
    "meeting_feedback": Url(
        "meeting_feedback",
        lambda w: {"pk": w.meeting.pk, "feedback_pk": Feedback.objects.get(meeting=w.meeting, case=w.seen).pk},
        "post",
        data={"method": "call", "note": "Rang the social worker."},
        state=lambda w: Feedback.objects.get(meeting=w.meeting, case=w.seen).sent_at,
        prepare=_sign_off,
    ),
    "meeting_pack_pdf": Url("meeting_pack_pdf", _meeting),
    "meeting_minutes_pdf": Url("meeting_minutes_pdf", _meeting),
    "meeting_item_add": Url("meeting_item_add", _meeting),
    "meeting_item_add (post)": Url(
        "meeting_item_add",
        _meeting,
        "post",
        data=lambda w: {"section": Section.REVIEWS, "case": w.seen.pk, "reason": "review due"},
        state=lambda w: AgendaItem.objects.get(meeting=w.meeting, case=w.seen).manual_reason,
    ),
    "meeting_item": Url("meeting_item", _item),
    "meeting_item (post)": Url(
        "meeting_item",
        _item,
        "post",
        data={"form": "discussion", "discussion": "Police shared intelligence about a car."},
        state=lambda w: _item_row(w).discussion,
    ),
    "meeting_item_remove (page)": Url("meeting_item_remove", _item),
    "meeting_item_remove": Url(
        "meeting_item_remove",
        _item,
        "post",
        data={"reason": "Discussed under another item."},
        state=lambda w: _item_row(w).removed_at,
    ),
    "meeting_item_restore": Url(
        "meeting_item_restore", _item, "post", state=lambda w: _item_row(w).removed_at, prepare=_remove_item
    ),
    "meeting_item_move": Url(
        "meeting_item_move",
        _second_item,
        "post",
        data={"direction": "up"},
        state=lambda w: list(
            AgendaItem.objects.filter(meeting=w.meeting).order_by("section", "order", "pk").values_list("pk", flat=True)
        ),
    ),
    "agency_actions": Url("agency_actions", _nothing),
    "my_actions": Url("my_actions", _nothing),
    "action_detail": Url("action_detail", _action),
    "action_complete": Url(
        "action_complete",
        _action,
        "post",
        data={"note": "Visited on Tuesday; mum engaged."},
        state=lambda w: _action_row(w).status,
    ),
    "action_cancel": Url(
        "action_cancel",
        _action,
        "post",
        data={"reason": "Superseded by the strategy meeting."},
        state=lambda w: _action_row(w).status,
    ),
    "case_action_create": Url("case_action_create", lambda w: {"pk": w.seen.pk}),
    "case_action_create (post)": Url(
        "case_action_create",
        lambda w: {"pk": w.seen.pk},
        "post",
        data=lambda w: {
            "description": "Check school attendance",
            "owner": user(HEALTH).pk,
            "due_date": (TODAY + timedelta(days=14)).isoformat(),
        },
        state=lambda w: Action.objects.filter(case=w.seen).count(),
    ),
    "place_list": Url("place_list", _nothing),
    "place_create": Url("place_create", _nothing),
    "place_create (post)": Url(
        "place_create",
        _nothing,
        "post",
        data={"name": "Kebab Shop On Union Road", "kind": "takeaway", "address": "", "description": ""},
        state=lambda w: PlaceOfConcern.objects.count(),
    ),
    "place_detail": Url("place_detail", lambda w: {"pk": w.place.pk}),
    "person_list": Url("person_list", _nothing),
    "person_create": Url("person_create", _nothing),
    "person_create (post)": Url(
        "person_create",
        _nothing,
        "post",
        data={"name": "Driver Of Blue Golf", "aliases": "", "description": ""},
        state=lambda w: PersonOfConcern.objects.count(),
    ),
    "person_detail": Url("person_detail", lambda w: {"pk": w.person.pk}),
}

# Expected status for (coordinator, chair, police: accepted attendee and action owner,
# health: attendee who has not accepted, school: not invited and cannot see the cases).
EXPECTED = {
    "meeting_list": (200, 200, 200, 200, 200),
    "meeting_create": (200, 200, 403, 403, 403),
    "meeting_detail": (200, 200, 200, 200, 404),
    "meeting_accept": (302, 302, 302, 302, 404),
    "meeting_rebuild": (302, 302, 403, 403, 404),
    "meeting_attendance": (302, 302, 403, 403, 404),
    "meeting_attendance (page)": (200, 200, 403, 403, 404),
    "meeting_guest_statement (page)": (200, 200, 403, 403, 404),
    "meeting_guest_statement": (302, 302, 403, 403, 404),
    "meeting_invite (page)": (200, 200, 403, 403, 404),
    "meeting_decision_withdraw (page)": (200, 200, 403, 403, 404),
    "meeting_decision_withdraw": (302, 302, 403, 403, 404),
    "meeting_invite": (302, 302, 403, 403, 404),
    # The school is invited for an item here, so sees the meeting: 403, not 404.
    "meeting_invitation_withdraw": (302, 302, 403, 403, 403),
    "meeting_quorum_exception": (403, 302, 403, 403, 404),
    "meeting_sign_off (page)": (403, 200, 403, 403, 404),
    "meeting_sign_off": (403, 302, 403, 403, 404),
    "meeting_addendum": (302, 302, 403, 403, 404),
    "meeting_feedback": (302, 302, 403, 403, 404),
    "meeting_pack_pdf": (200, 200, 200, 403, 404),
    "meeting_minutes_pdf": (200, 200, 200, 403, 404),
    "meeting_item_add": (200, 200, 403, 403, 404),
    "meeting_item_add (post)": (302, 302, 403, 403, 404),
    "meeting_item": (200, 200, 200, 403, 404),
    "meeting_item (post)": (302, 302, 403, 403, 404),
    "meeting_item_remove (page)": (200, 200, 403, 403, 404),
    "meeting_item_remove": (302, 302, 403, 403, 404),
    "meeting_item_restore": (302, 302, 403, 403, 404),
    "meeting_item_move": (302, 302, 403, 403, 404),
    "agency_actions": (200, 200, 403, 403, 403),
    "my_actions": (200, 200, 200, 200, 200),
    "action_detail": (200, 200, 200, 200, 404),
    "action_complete": (302, 302, 302, 403, 404),
    "action_cancel": (302, 302, 403, 403, 404),
    "case_action_create": (200, 200, 200, 200, 404),
    "case_action_create (post)": (302, 302, 302, 302, 404),
    "place_list": (200, 200, 200, 200, 200),
    "place_create": (200, 200, 200, 200, 200),
    "place_create (post)": (302, 302, 302, 302, 302),
    "place_detail": (200, 200, 404, 404, 200),
    "person_list": (200, 200, 200, 200, 200),
    "person_create": (200, 200, 200, 200, 200),
    "person_create (post)": (302, 302, 302, 302, 302),
    "person_detail": (200, 200, 200, 200, 404),
}


def test_it_covers_every_url_of_the_meetings_app():
    from meetings import urls

    # Reassigning open work has its own roles (agency admins too), tested in tests/meetings/test_reassign.py.
    reassign = {"open_work_index", "open_work", "open_work_reassign_item", "open_work_reassign_all"}
    # The problem profile (issue 18) takes no object: tests/meetings/test_profile.py and the access matrix.
    profile = {"problem_profile", "problem_profile_csv"}
    names = {pattern.name for pattern in urls.urlpatterns} - reassign - profile
    assert names == {spec.name for spec in URLS.values()}
    assert set(EXPECTED) == set(URLS)


def _try(w, key: str, email: str) -> tuple[int, bool]:
    """One role's request inside a savepoint that is rolled back: (status, whether the state changed)."""
    spec = URLS[key]
    with transaction.atomic():
        if spec.prepare:
            spec.prepare(w)
        before = spec.state(w) if spec.state else None
        response = spec.request(client_for(email), w)
        after = spec.state(w) if spec.state else None
        if response.status_code == 302 and email == ANONYMOUS:
            assert response.url.startswith(reverse("login")), response.url
        transaction.set_rollback(True)
    return response.status_code, before != after


@pytest.mark.parametrize("key", list(EXPECTED))
def test_it_answers_each_case_role_as_the_access_rules_say(world, key):
    got, changed = {}, {}
    for email in CASE_ROLES:
        got[email], changed[email] = _try(world, key, email)
    assert got == dict(zip(CASE_ROLES, EXPECTED[key], strict=True))
    if URLS[key].state:
        # A write happens exactly when it is allowed: never on a 403/404, always on success.
        done = URLS[key].already_done
        assert changed == {email: got[email] == 302 and email not in done for email in CASE_ROLES}


@pytest.mark.parametrize("email", NO_CASE_ROLE)
def test_it_refuses_every_meetings_url_to_users_without_a_case_role(world, email):
    got, changed = {}, {}
    for key in URLS:
        got[key], changed[key] = _try(world, key, email)
    # My actions is for every user: theirs is simply empty. Everything else: 403, as in the cases app.
    expected = {key: 200 if key == "my_actions" else 403 for key in URLS}
    wrong = {key: status for key, status in got.items() if status != expected[key]}
    assert not wrong, f"{email} should get 403 (200 for my_actions), got: {wrong}"
    assert not any(changed.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_meetings_url(world):
    got, changed = {}, {}
    for key in URLS:
        got[key], changed[key] = _try(world, key, ANONYMOUS)
    assert got == dict.fromkeys(URLS, 302)
    assert not any(changed.values())


# --- what each role sees ------------------------------------------------------------------------


def test_it_shows_the_agenda_children_to_an_attendee_who_accepted_the_statement(world):
    page = text(client_for(POLICE).get(world.meeting.get_absolute_url()))
    assert world.seen.child.full_name in page
    assert world.other.child.full_name in page
    assert "I accept the confidentiality statement" not in page
    viewed = set(
        AuditEvent.objects.filter(actor__email=POLICE, action="meeting.view_agenda").values_list("child_id", flat=True)
    )
    assert {world.seen.child_id, world.other.child_id} <= viewed


def test_it_shows_only_the_statement_to_an_attendee_who_has_not_accepted_it(world):
    response = client_for(HEALTH).get(world.meeting.get_absolute_url())
    page = text(response)
    assert response.status_code == 200
    assert "Confidentiality statement" in page
    assert "I accept the confidentiality statement" in page
    assert world.seen.child.full_name not in page
    assert world.other.child.full_name not in page
    assert not AuditEvent.objects.filter(actor__email=HEALTH, action="meeting.view_agenda").exists()


def test_it_shows_the_children_once_the_attendee_accepts_and_records_when(world):
    health = client_for(HEALTH)
    response = health.post(reverse("meeting_accept", args=[world.meeting.pk]))
    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=world.meeting, user__email=HEALTH)
    assert attendance.accepted_statement_at is not None
    assert AuditEvent.objects.filter(actor__email=HEALTH, action="meeting.accept_statement").count() == 1
    page = text(health.get(world.meeting.get_absolute_url()))
    assert world.seen.child.full_name in page
    assert health.get(reverse("meeting_item", args=[world.meeting.pk, world.item.pk])).status_code == 200


def test_it_tells_the_attendee_who_has_not_accepted_why_the_item_page_is_refused(world):
    response = client_for(HEALTH).get(reverse("meeting_item", args=[world.meeting.pk, world.item.pk]))
    assert response.status_code == 403
    assert "Accept the meeting's confidentiality statement" in text(response).replace("&#x27;", "'")
    assert world.seen.child.full_name not in text(response)


def test_it_lists_a_meeting_only_for_the_people_invited_to_it(world):
    link = world.meeting.get_absolute_url()
    assert link in text(client_for(POLICE).get(reverse("meeting_list")))
    assert link in text(client_for(HEALTH).get(reverse("meeting_list")))
    page = text(client_for(SCHOOL).get(reverse("meeting_list")))
    assert link not in page
    assert "You have not been invited to any meetings yet." in page


def test_it_hides_a_meeting_from_a_practitioner_who_is_not_invited_as_if_it_did_not_exist(world):
    school = client_for(SCHOOL)
    missing_pk = Meeting.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    assert school.get(reverse("meeting_detail", args=[world.meeting.pk])).status_code == 404
    assert school.get(reverse("meeting_detail", args=[missing_pk])).status_code == 404
    response = school.post(reverse("meeting_accept", args=[world.meeting.pk]))
    assert response.status_code == 404
    assert not Attendance.objects.filter(meeting=world.meeting, user__email=SCHOOL).exists()


def test_it_downloads_the_pack_for_an_accepted_attendee_and_audits_each_child(world):
    response = client_for(POLICE).get(reverse("meeting_pack_pdf", args=[world.meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    audited = set(
        AuditEvent.objects.filter(actor__email=POLICE, action="meeting.pack_pdf").values_list("child_id", flat=True)
    )
    assert audited == {world.seen.child_id, world.other.child_id}


def test_it_refuses_the_minutes_pdf_before_the_statement_is_accepted_and_audits_nothing(world):
    response = client_for(HEALTH).get(reverse("meeting_minutes_pdf", args=[world.meeting.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(actor__email=HEALTH, action="meeting.minutes_pdf").exists()


def test_it_shows_the_sign_off_button_to_the_chair_only(world):
    sign_off = reverse("meeting_sign_off", args=[world.meeting.pk])
    assert sign_off in text(client_for(CHAIR).get(world.meeting.get_absolute_url()))
    assert sign_off not in text(client_for(COORDINATOR).get(world.meeting.get_absolute_url()))
    response = client_for(COORDINATOR).post(sign_off)
    assert response.status_code == 403
    assert "Only a chair signs off the minutes." in text(response)
    assert Meeting.objects.get(pk=world.meeting.pk).status != MeetingStatus.SIGNED_OFF


def test_it_shows_running_controls_to_the_coordinator_but_not_to_an_attendee(world):
    rebuild = reverse("meeting_rebuild", args=[world.meeting.pk])
    assert rebuild in text(client_for(COORDINATOR).get(world.meeting.get_absolute_url()))
    assert rebuild not in text(client_for(POLICE).get(world.meeting.get_absolute_url()))
    item_page = text(client_for(POLICE).get(reverse("meeting_item", args=[world.meeting.pk, world.item.pk])))
    assert 'value="discussion"' not in item_page
    assert 'value="action"' not in item_page


# --- actions ------------------------------------------------------------------------------------


def test_it_shows_an_action_to_its_owner_and_to_whoever_can_see_the_case(world):
    for email in (POLICE, HEALTH, COORDINATOR):
        response = client_for(email).get(world.action.get_absolute_url())
        assert response.status_code == 200, email
        assert "Visit the family this week" in text(response)
    assert AuditEvent.objects.filter(action="action.view", child_id=world.seen.child_id).count() == 3


def test_it_hides_an_action_from_someone_who_cannot_see_its_case(world):
    response = client_for(SCHOOL).get(world.action.get_absolute_url())
    assert response.status_code == 404
    assert "Visit the family this week" not in text(response)
    assert not AuditEvent.objects.filter(action="action.view", actor__email=SCHOOL).exists()


def test_it_offers_completion_to_the_owner_but_not_to_another_practitioner(world):
    complete = reverse("action_complete", args=[world.action.pk])
    assert complete in text(client_for(POLICE).get(world.action.get_absolute_url()))
    assert complete not in text(client_for(HEALTH).get(world.action.get_absolute_url()))
    response = client_for(HEALTH).post(complete, {"note": "Done by me instead"})
    assert response.status_code == 403
    assert _action_row(world).status == "open"


def test_it_lets_the_owner_complete_their_action(world):
    response = client_for(POLICE).post(reverse("action_complete", args=[world.action.pk]), {"note": "Visited."})
    assert response.status_code == 302
    action = _action_row(world)
    assert (action.status, action.completed_by.email, action.completion_note) == ("done", POLICE, "Visited.")


# --- registers ----------------------------------------------------------------------------------


def test_it_hides_a_place_linked_only_to_a_case_the_user_cannot_see(world):
    for email in (POLICE, HEALTH):
        client = client_for(email)
        assert client.get(world.place.get_absolute_url()).status_code == 404
        assert world.place.name not in text(client.get(reverse("place_list")))
    school = client_for(SCHOOL)
    assert world.place.name in text(school.get(reverse("place_list")))
    assert world.other.child.full_name in text(school.get(world.place.get_absolute_url()))


def test_it_shows_the_creator_their_own_unlinked_entry_and_no_one_else_without_a_role(world):
    police = client_for(POLICE)
    response = police.post(
        reverse("place_create"), {"name": "Bus Station Toilets", "kind": "venue", "address": "", "description": ""}
    )
    assert response.status_code == 302
    place = PlaceOfConcern.objects.get(name="Bus Station Toilets")
    assert place.created_by.email == POLICE
    assert police.get(place.get_absolute_url()).status_code == 200
    assert "Bus Station Toilets" in text(police.get(reverse("place_list")))
    health = client_for(HEALTH)
    assert health.get(place.get_absolute_url()).status_code == 404
    assert "Bus Station Toilets" not in text(health.get(reverse("place_list")))
    assert "Bus Station Toilets" in text(client_for(COORDINATOR).get(reverse("place_list")))


def test_it_shows_a_person_to_everyone_who_can_see_a_linked_case(world):
    for email in (POLICE, HEALTH, CHAIR):
        assert world.person.name in text(client_for(email).get(reverse("person_list"))), email
    page = text(client_for(SCHOOL).get(reverse("person_list")))
    assert world.person.name not in page
    assert "Nothing recorded that you can see yet." in page


# --- restricted cases on the agenda ---------------------------------------------------------------


def test_it_keeps_a_restricted_case_from_attendees_not_named_on_it(world):
    """DESIGN §3: a restricted case is seen only by the people named on it, coordinators and chairs.
    Accepting the confidentiality statement opens the agenda, not restricted cases."""
    coordinator = user(COORDINATOR)
    secret = make_case(agencies=("CSC", "Police", "Health"), first_name="Secretkid")
    case_services.case_update(
        actor=coordinator,
        case=secret,
        expected_version=Case.objects.get(pk=secret.pk).version,
        seen=None,
        is_restricted=True,
        restricted_to=[user(HEALTH)],
    )
    item = services.item_add(
        actor=coordinator, meeting=world.meeting, section=Section.HIGH_RISK, case=secret, reason="restricted"
    )
    police = client_for(POLICE)  # accepted the statement; Police is involved, but not named on the case
    assert police.get(secret.get_absolute_url()).status_code == 404
    assert secret.child.full_name not in text(police.get(world.meeting.get_absolute_url()))
    response = police.get(reverse("meeting_item", args=[world.meeting.pk, item.pk]))
    assert response.status_code in (403, 404)
    assert secret.child.full_name not in text(response)
    police.get(reverse("meeting_pack_pdf", args=[world.meeting.pk]))
    assert not AuditEvent.objects.filter(actor__email=POLICE, child_id=secret.child_id).exists()
    # The coordinator still sees it on the agenda.
    assert secret.child.full_name in text(client_for(COORDINATOR).get(world.meeting.get_absolute_url()))
