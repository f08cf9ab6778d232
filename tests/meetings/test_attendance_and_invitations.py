"""A whole meeting's attendance in one form, guests without an account, the confidentiality statement
for everyone (chair and coordinator included), and professionals invited for their child's item only:
they see, accept the statement for and get in their pack only those items, on every path."""

from datetime import time, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services as api_services
from meetings import agenda, services
from meetings.models import AgendaItem, Attendance, Guest, ItemInvitation, Meeting, Section
from met.models import AuditEvent
from tests.cases import CHAIR, COORDINATOR, HEALTH, POLICE, SCHOOL, make_case, text, user

TODAY = timezone.localdate()


@pytest.fixture
def world(demo_data):
    coordinator = user(COORDINATOR)
    meeting = services.meeting_create(actor=coordinator, date=TODAY, starts_at=time(10, 0), chair=user(CHAIR))
    invited_case = make_case(agencies=("Police", "Education"), first_name="Invitedkid", last_name="Slotfield")
    other_case = make_case(agencies=("Police", "Health"), first_name="Hiddenkid", last_name="Elsewhere")
    invited = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=invited_case, reason="school worried"
    )
    other = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=other_case, reason="police worried"
    )
    return meeting, invited, other


def client_for(email):
    from django.test import Client

    client = Client()
    client.force_login(user(email))
    return client


def pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


# --- attendance for the whole meeting ------------------------------------------------------------------


def test_it_records_everyone_and_two_guests_in_one_form(world):
    meeting, _, _ = world
    people = [user(e) for e in (COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL)]
    data = {"version": meeting.version, **{f"person-{p.pk}": "present" for p in people}}
    data[f"person-{user(SCHOOL).pk}"] = "apologies"
    data |= {
        "new-0-name": "Sam Street",
        "new-0-organisation": "Street Pastors",
        "new-0-role": "Team leader",
        "new-0-status": "present",
        "new-0-signed": "yes",
        "new-1-name": "Jo Keys",
        "new-1-organisation": "Oak House residential home",
        "new-1-role": "Registered manager",
        "new-1-status": "present",
    }
    client = client_for(COORDINATOR)
    response = client.post(reverse("meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    statuses = dict(meeting.attendances.values_list("user__email", "status"))
    assert statuses == {
        COORDINATOR: "present",
        CHAIR: "present",
        POLICE: "present",
        HEALTH: "present",
        SCHOOL: "apologies",
    }
    guests = {g.name: g for g in meeting.guests.all()}
    assert guests["Sam Street"].statement_method == "signed" and guests["Sam Street"].accepted_statement_at
    assert guests["Jo Keys"].accepted_statement_at is None
    assert AuditEvent.objects.filter(action="meeting.guest_add").count() == 2
    assert AuditEvent.objects.filter(action="meeting.attendance").count() == 5

    # The guests are in the minutes (the coordinator accepted the statement first).
    services.statement_accept(actor=user(COORDINATOR), meeting=meeting)
    minutes = pdf_text(client.get(reverse("meeting_minutes_pdf", args=[meeting.pk])))
    assert "Sam Street (guest)" in minutes and "Street Pastors, Team leader" in minutes
    assert "Jo Keys (guest)" in minutes


def test_it_refuses_a_guest_without_a_name_and_writes_nothing(world):
    meeting, _, _ = world
    before = (list(Attendance.objects.values_list("pk", "status")), Guest.objects.count(), meeting.version)
    response = client_for(COORDINATOR).post(
        reverse("meeting_attendance", args=[meeting.pk]),
        {
            "version": meeting.version,
            f"person-{user(POLICE).pk}": "present",
            "new-0-organisation": "Street Pastors",
            "new-0-status": "present",
        },
    )
    assert response.status_code == 400
    assert "Enter the guest's name." in text(response)
    assert 'href="#new-0-name"' in text(response)
    meeting.refresh_from_db()
    assert (list(Attendance.objects.values_list("pk", "status")), Guest.objects.count(), meeting.version) == before


def test_it_refuses_an_attendance_form_filled_in_while_someone_else_saved(world):
    meeting, _, _ = world
    url = reverse("meeting_attendance", args=[meeting.pk])
    stale = meeting.version
    first = client_for(COORDINATOR).post(url, {"version": stale, f"person-{user(POLICE).pk}": "present"})
    assert first.status_code == 302
    second = client_for(CHAIR).post(url, {"version": stale, f"person-{user(POLICE).pk}": "apologies"})
    assert second.status_code == 400
    assert "Someone else recorded attendance" in text(second)
    assert Attendance.objects.get(meeting=meeting, user__email=POLICE).status == "present"


def test_it_shows_the_attendance_page_with_the_same_queries_however_many_children(world):
    meeting, _, _ = world
    client = client_for(COORDINATOR)
    url = reverse("meeting_attendance", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(10):
        case = make_case(first_name="Manykid", last_name=f"Count{n}")
        services.item_add(actor=user(COORDINATOR), meeting=meeting, section=Section.HIGH_RISK, case=case, reason="x")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_lets_a_guest_accept_the_statement_on_the_coordinators_device(world):
    meeting, _, _ = world
    guest = services.guest_add(actor=user(COORDINATOR), meeting=meeting, name="Lee Hall", organisation="Housing")
    client = client_for(COORDINATOR)
    url = reverse("meeting_guest_statement", args=[meeting.pk, guest.pk])
    page = client.get(url)
    assert "Lee Hall, please read the confidentiality statement" in text(page)
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Tick the box to accept" in text(refused)
    assert client.post(url, {"accept": "on"}).status_code == 302
    guest.refresh_from_db()
    assert guest.statement_method == "on_device" and guest.statement_recorded_by == user(COORDINATOR)
    assert AuditEvent.objects.filter(action="meeting.guest_statement", object_id=str(guest.pk)).exists()
    again = client.post(url, {"accept": "on"})
    assert again.status_code == 400 and "already accepted" in text(again)


def test_it_answers_404_for_another_meetings_guest(world):
    meeting, _, _ = world
    other = services.meeting_create(
        actor=user(COORDINATOR), date=TODAY + timedelta(days=7), starts_at=time(10, 0), chair=user(CHAIR)
    )
    guest = services.guest_add(actor=user(COORDINATOR), meeting=other, name="Lee Hall", organisation="Housing")
    response = client_for(COORDINATOR).get(reverse("meeting_guest_statement", args=[meeting.pk, guest.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("email", [COORDINATOR, CHAIR])
def test_it_asks_the_coordinator_and_the_chair_to_accept_the_statement_too(world, email):
    meeting, invited, _ = world
    client = client_for(email)
    page = text(client.get(meeting.get_absolute_url()))
    assert "I accept the confidentiality statement" in page and "Invitedkid" not in page
    assert client.get(reverse("meeting_item", args=[meeting.pk, invited.pk])).status_code == 403
    assert client.get(reverse("meeting_pack_pdf", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("meeting_accept", args=[meeting.pk])).status_code == 302
    assert "Invitedkid" in text(client.get(meeting.get_absolute_url()))


# --- invited for their child's item only ------------------------------------------------------------------


@pytest.fixture
def school_invited(world):
    meeting, invited, other = world
    services.item_invite(
        actor=user(COORDINATOR), meeting=meeting, items=[invited], slot=time(10, 30), user=user(SCHOOL)
    )
    return meeting, invited, other


def test_it_shows_an_invitee_only_the_slot_before_they_accept(school_invited):
    meeting, _, _ = school_invited
    page = text(client_for(SCHOOL).get(meeting.get_absolute_url()))
    assert "You are invited for the items about the children you work with, at 10:30" in page
    assert "Invitedkid" not in page and "Hiddenkid" not in page


def test_it_shows_an_invitee_only_their_item_everywhere(school_invited):
    meeting, invited, other = school_invited
    school = user(SCHOOL)
    client = client_for(SCHOOL)
    assert client.post(reverse("meeting_accept", args=[meeting.pk])).status_code == 302
    event = AuditEvent.objects.get(action="meeting.accept_statement", actor=school)
    assert event.detail["items"] == [invited.pk]

    page = text(client.get(meeting.get_absolute_url()))
    assert "Invitedkid" in page and "Hiddenkid" not in page
    assert "Agenda (1 item)" in page
    assert "police worried" not in page
    assert client.get(reverse("meeting_item", args=[meeting.pk, invited.pk])).status_code == 200
    assert client.get(reverse("meeting_item", args=[meeting.pk, other.pk])).status_code == 404
    item_page = text(client.get(reverse("meeting_item", args=[meeting.pk, invited.pk])))
    assert "Next item" not in item_page and "Previous item" not in item_page

    pack = pdf_text(client.get(reverse("meeting_pack_pdf", args=[meeting.pk])))
    assert "Invitedkid" in pack and "Hiddenkid" not in pack and "10:30" in pack
    minutes = pdf_text(client.get(reverse("meeting_minutes_pdf", args=[meeting.pk])))
    assert "Hiddenkid" not in minutes

    _, key = api_services.token_create(user=school, name="Test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = api.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [item["id"] for item in body["items"]] == [invited.pk]
    # Only the children shown were recorded as read.
    reads = AuditEvent.objects.filter(actor=school, action__in=["meeting.view_agenda", "meeting.pack_pdf"])
    assert set(reads.values_list("child_id", flat=True)) == {invited.case.child_id}


def test_it_prints_a_guests_pack_with_their_items_only(world):
    meeting, invited, _ = world
    guest = services.guest_add(
        actor=user(COORDINATOR), meeting=meeting, name="Kim Warden", organisation="Housing", scope="items"
    )
    services.item_invite(actor=user(COORDINATOR), meeting=meeting, items=[invited], slot=time(11, 0), guest=guest)
    services.statement_accept(actor=user(COORDINATOR), meeting=meeting)
    client = client_for(COORDINATOR)
    pack = pdf_text(client.get(reverse("meeting_pack_pdf", args=[meeting.pk]) + f"?guest={guest.pk}"))
    assert "for Kim Warden (Housing)" in " ".join(pack.split()) and "Invitedkid" in pack and "Hiddenkid" not in pack
    assert client.get(reverse("meeting_pack_pdf", args=[meeting.pk]) + "?guest=abc").status_code == 404


def test_it_invites_through_the_page_and_shows_the_slot_on_the_agenda(world):
    meeting, invited, _ = world
    client = client_for(COORDINATOR)
    assert client.get(reverse("meeting_invite", args=[meeting.pk])).status_code == 403  # statement first
    services.statement_accept(actor=user(COORDINATOR), meeting=meeting)
    url = reverse("meeting_invite", args=[meeting.pk])
    assert "Invitedkid" in text(client.get(url))
    response = client.post(
        url,
        {
            "who": "guest",
            "guest_name": "Ash Moor",
            "guest_organisation": "Placement provider",
            "items": [invited.pk],
            "slot": "10:45",
        },
    )
    assert response.status_code == 302
    guest = Guest.objects.get(name="Ash Moor")
    assert guest.scope == "items"
    assert ItemInvitation.objects.get(guest=guest).item == invited
    page = text(client.get(meeting.get_absolute_url()))
    assert "Slot 10:45" in page and "Ash Moor (Placement provider)" in page
    assert 'id="running-order"' in page


@pytest.mark.parametrize(
    ("who", "slot", "message"),
    [
        (COORDINATOR, "10:30", "coordinators, chairs and people attending the whole meeting already see every item"),
        (POLICE, "09:00", "The time slot cannot be before the meeting starts (10:00)."),
    ],
)
def test_it_refuses_an_invitation_that_makes_no_sense(world, who, slot, message):
    meeting, invited, _ = world
    services.statement_accept(actor=user(COORDINATOR), meeting=meeting)
    response = client_for(COORDINATOR).post(
        reverse("meeting_invite", args=[meeting.pk]),
        {"who": "user", "user": user(who).pk, "items": [invited.pk], "slot": slot},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not ItemInvitation.objects.exists()


def test_it_refuses_to_invite_someone_already_at_the_whole_meeting(world):
    meeting, invited, _ = world
    services.attendance_set(actor=user(COORDINATOR), meeting=meeting, user=user(POLICE), status="present")
    with pytest.raises(Exception, match="already attends the whole meeting"):
        services.item_invite(
            actor=user(COORDINATOR), meeting=meeting, items=[invited], slot=time(10, 30), user=user(POLICE)
        )


def test_it_refuses_to_invite_someone_not_named_on_a_restricted_case(world):
    meeting, _, _ = world
    restricted = make_case(restricted_to=[user(HEALTH)], first_name="Secretkid", last_name="Hush")
    item = services.item_add(actor=user(COORDINATOR), meeting=meeting, section=3, case=restricted, reason="x")
    with pytest.raises(Exception, match="is restricted"):
        services.item_invite(
            actor=user(COORDINATOR), meeting=meeting, items=[item], slot=time(10, 30), user=user(SCHOOL)
        )


def test_it_withdraws_an_invitation_keeping_it_on_record(school_invited):
    meeting, invited, _ = school_invited
    invitation = ItemInvitation.objects.get()
    client = client_for(COORDINATOR)
    assert client.post(reverse("meeting_invitation_withdraw", args=[meeting.pk, invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    services.statement_accept(actor=user(SCHOOL), meeting=meeting)
    assert client_for(SCHOOL).get(reverse("meeting_item", args=[meeting.pk, invited.pk])).status_code == 404


# --- the running order ----------------------------------------------------------------------------------


def test_it_keeps_the_running_order_to_the_slots(world):
    meeting, _, _ = world
    items = [AgendaItem(pk=n, section=3, order=n, slot=None) for n in range(1, 6)]
    items[3].slot = time(10, 10)  # the 4th item has invited professionals at 10:10
    items[4].slot = time(10, 10)  # and so does the 5th: it follows
    order = agenda.running_order(items, time(10, 0))
    assert [(at.strftime("%H:%M"), item.pk) for at, item in order] == [
        ("10:00", 1),
        ("10:05", 2),
        ("10:10", 4),
        ("10:15", 5),
        ("10:20", 3),
    ]
    Meeting.objects.filter(pk=meeting.pk)  # the rule is pure: nothing is written


def test_it_shows_an_invitee_their_items_with_the_same_queries_however_many(world):
    meeting, invited, _ = world
    coordinator = user(COORDINATOR)
    services.item_invite(actor=coordinator, meeting=meeting, items=[invited], slot=time(10, 30), user=user(SCHOOL))
    client = client_for(SCHOOL)

    def measure():
        services.statement_accept(actor=user(SCHOOL), meeting=meeting)  # again after each new invitation
        client.get(meeting.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            page = text(client.get(meeting.get_absolute_url()))
        return len(queries.captured_queries), page

    few, _ = measure()
    more = []
    for n in range(8):
        case = make_case(agencies=("Education",), first_name="Schoolkid", last_name=f"Many{n}")
        more.append(
            services.item_add(actor=coordinator, meeting=meeting, section=Section.REVIEWS, case=case, reason="x")
        )
    services.item_invite(actor=coordinator, meeting=meeting, items=more, slot=time(11, 0), user=user(SCHOOL))
    many, page = measure()
    assert "Agenda (9 items)" in page and "Hiddenkid" not in page
    assert many == few
