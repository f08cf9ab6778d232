"""Writes for a whole meeting's attendance at once: the people with accounts, the guests without one,
and guests' acceptance of the confidentiality statement (on the coordinator's device, or on paper)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from meetings.models import (
    Attendance,
    AttendanceScope,
    AttendanceStatus,
    Guest,
    Meeting,
    StatementMethod,
)
from meetings.services._shared import _audit, _require_coordination, _require_open
from met.models import User

CHANGED_MEANWHILE = (
    "Someone else recorded attendance for this meeting while you were filling in the form. "
    "Here it is as it stands now: check it and save again."
)


@dataclass(frozen=True)
class NewGuest:
    name: str
    organisation: str
    role: str = ""
    status: str = AttendanceStatus.PRESENT
    signed: bool = False


def _check_status(status: str, field: str) -> None:
    if status not in AttendanceStatus.values:
        raise ValidationError({field: "Choose present, sent apologies or invited."})


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    meeting: Meeting,
    expected_version: int,
    people: dict[int, str],
    guests: dict[int, str] | None = None,
    signed: set[int] | frozenset[int] = frozenset(),
    new_guests: list[NewGuest] | tuple[NewGuest, ...] = (),
    request: HttpRequest | None = None,
) -> dict[str, int]:
    """Record who came and who sent apologies, for everyone at once, in one transaction: `people` maps
    user ids to a status (a person not yet on the list is added), `guests` the meeting's guests' ids to
    a status, `signed` the guests who signed the paper statement, `new_guests` guests to add. Nothing is
    written unless all of it is valid; a form filled in while someone else saved is refused."""
    _require_coordination(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    if meeting.version != expected_version:
        raise ValidationError(CHANGED_MEANWHILE)
    guests = guests or {}
    for user_id, status in people.items():
        _check_status(status, f"person-{user_id}")
    for guest_id, status in guests.items():
        _check_status(status, f"guest-{guest_id}")
    users = {u.pk: u for u in User.objects.filter(pk__in=list(people)).select_related("agency")}
    errors = {}
    for user_id in people:
        person = users.get(user_id)
        if person is None or not person.is_active or not person.has_case_role:
            errors[f"person-{user_id}"] = (
                "Only active people with a casework role attend MEOG: they must be able to see the children discussed."
            )
    known_guests = {g.pk: g for g in meeting.guests.select_for_update().filter(pk__in=list(guests) + list(signed))}
    for guest_id in set(guests) | set(signed):
        if guest_id not in known_guests:
            errors[f"guest-{guest_id}"] = "That guest is not on this meeting's list."
    for n, guest in enumerate(new_guests):
        _check_status(guest.status, f"new-{n}-status")
        if not guest.name.strip():
            errors[f"new-{n}-name"] = "Enter the guest's name."
        if not guest.organisation.strip():
            errors[f"new-{n}-organisation"] = "Enter the organisation the guest is from."
    if errors:
        raise ValidationError(errors)

    existing = {a.user_id: a for a in meeting.attendances.select_for_update().filter(user_id__in=list(people))}
    changed = added = 0
    for user_id, status in people.items():
        attendance = existing.get(user_id)
        if attendance is None:
            if status == AttendanceStatus.INVITED:
                continue
            person = users[user_id]
            Attendance.objects.create(meeting=meeting, user=person, agency=person.agency, status=status)
            added += 1
        elif attendance.status != status:
            attendance.status = status
            attendance.save(update_fields=["status"])
            changed += 1
        else:
            continue
        _audit(actor, "meeting.attendance", meeting, request, detail={"user": user_id, "status": status})
    now = timezone.now()
    for guest_id, guest in known_guests.items():
        fields = []
        if guest_id in guests and guest.status != guests[guest_id]:
            guest.status = guests[guest_id]
            fields.append("status")
        if guest_id in signed and guest.accepted_statement_at is None:
            guest.accepted_statement_at, guest.statement_method, guest.statement_recorded_by = (
                now,
                StatementMethod.SIGNED,
                actor,
            )
            fields += ["accepted_statement_at", "statement_method", "statement_recorded_by"]
        if fields:
            guest.save(update_fields=fields)
            changed += 1
            _audit(actor, "meeting.guest_update", guest, request, detail={"fields": fields})
    for guest in new_guests:
        created = guest_add(
            actor=actor,
            meeting=meeting,
            name=guest.name,
            organisation=guest.organisation,
            role=guest.role,
            status=guest.status,
            request=request,
        )
        if guest.signed:
            _statement_record(actor, created, StatementMethod.SIGNED, request)
        added += 1
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
    return {"changed": changed, "added": added}


@transaction.atomic
def guest_add(
    *,
    actor: User,
    meeting: Meeting,
    name: str,
    organisation: str,
    role: str = "",
    status: str = AttendanceStatus.INVITED,
    scope: str = AttendanceScope.MEETING,
    request: HttpRequest | None = None,
) -> Guest:
    _require_coordination(actor, meeting)
    _require_open(meeting)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the guest's name."
    if not organisation.strip():
        errors["organisation"] = "Enter the organisation the guest is from."
    if errors:
        raise ValidationError(errors)
    _check_status(status, "status")
    guest = Guest.objects.create(
        meeting=meeting,
        name=name.strip()[:200],
        organisation=organisation.strip()[:200],
        role=role.strip()[:200],
        status=status,
        scope=scope,
        added_by=actor,
    )
    _audit(actor, "meeting.guest_add", guest, request, detail={"meeting": meeting.pk, "scope": scope})
    return guest


def _statement_record(actor: User, guest: Guest, method: str, request) -> Guest:
    guest.accepted_statement_at, guest.statement_method, guest.statement_recorded_by = timezone.now(), method, actor
    guest.save(update_fields=["accepted_statement_at", "statement_method", "statement_recorded_by"])
    _audit(actor, "meeting.guest_statement", guest, request, detail={"method": method})
    return guest


@transaction.atomic
def guest_statement_accept(
    *, actor: User, guest: Guest, method: str = StatementMethod.ON_DEVICE, request: HttpRequest | None = None
) -> Guest:
    """The guest accepts the statement on the coordinator's device (or signed the paper one)."""
    _require_coordination(actor, guest.meeting)
    if method not in (StatementMethod.ON_DEVICE, StatementMethod.SIGNED):
        raise ValidationError({"method": "Say how the guest accepted the statement."})
    guest = Guest.objects.select_for_update().select_related("meeting").get(pk=guest.pk)
    _require_open(guest.meeting)
    if guest.accepted_statement_at is not None:
        raise ValidationError(f"{guest.name} has already accepted the confidentiality statement.")
    return _statement_record(actor, guest, method, request)
