"""Writes for a meeting itself: scheduling, attendance and quorum, the confidentiality statement, sign-off and addenda."""

from collections.abc import Collection
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from meetings import agenda
from meetings.models import (
    Addendum,
    AgendaItem,
    Attendance,
    AttendanceScope,
    AttendanceStatus,
    ItemInvitation,
    Meeting,
    MeetingStatus,
)
from meetings.services._shared import MEETING_DATES, _audit, _require_coordination, _require_open
from meetings.services.feedback import feedback_create_for_meeting
from met import dates
from met.areas import area_ids, covers_all_areas, in_area
from met.models import Area, User


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    date: date,
    starts_at: time,
    chair: User,
    area: Area | None = None,
    location: str = "",
    online_link: str = "",
    request: HttpRequest | None = None,
) -> Meeting:
    """Schedule an area's MEOG (issue 18). `area` is one the actor acts in; it may be left out only by
    someone who acts in exactly one area (every single-area installation), who gets that one."""
    _require_coordination(actor)
    if area is None:
        own = area_ids(actor)
        if len(own) != 1:
            raise ValidationError({"area": "Choose the area this meeting is for."})
        area = Area.objects.get(pk=next(iter(own)))
    if not in_area(actor, area.pk):
        raise PermissionDenied("You schedule meetings only for your own areas.")
    if not chair.is_chair or not chair.is_active:
        raise ValidationError({"chair": "Choose someone who holds the chair role."})
    if not in_area(chair, area.pk):
        raise ValidationError({"chair": f"Choose a chair who acts in {area.name}."})
    if message := dates.out_of_range("Date", date, **MEETING_DATES):
        raise ValidationError({"date": message})
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                area=area,
                date=date,
                starts_at=starts_at,
                chair=chair,
                location=location,
                online_link=online_link,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"date": "There is already a meeting at that date and time."}) from None
    for person in {actor, chair}:
        Attendance.objects.create(meeting=meeting, user=person, agency=person.agency)
    agenda.build(meeting)
    _audit(actor, "meeting.create", meeting, request)
    return meeting


@transaction.atomic
def agenda_rebuild(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> dict[str, int]:
    _require_coordination(actor, meeting)
    _require_open(meeting)
    result = agenda.build(meeting)
    _audit(actor, "meeting.agenda_build", meeting, request, detail=result)
    return result


@transaction.atomic
def attendance_set(
    *, actor: User, meeting: Meeting, user: User, status: str, request: HttpRequest | None = None
) -> Attendance:
    _require_coordination(actor, meeting)
    _require_open(meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Choose present, apologies or invited."})
    if not user.is_active:
        raise ValidationError({"user": "That account is deactivated."})
    if not user.has_case_role:
        raise ValidationError(
            {"user": "Only people with a casework role attend MEOG: they must be able to see the children discussed."}
        )
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, user=user, defaults={"status": status, "agency": user.agency}
    )
    _audit(actor, "meeting.attendance", meeting, request, detail={"user": user.pk, "status": status})
    return attendance


@transaction.atomic
def statement_accept(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> Attendance:
    """Only the person themself accepts the confidentiality statement; the time is recorded. Everyone
    who sees the children accepts it, the coordinator and chairs included: one of them not yet on the
    attendance list is put on it (as invited), so the record shows who saw the agenda."""
    attendance = Attendance.objects.select_for_update().filter(meeting=meeting, user=actor).first()
    if attendance is None:
        if not actor.sees_all_cases or not (covers_all_areas(actor) or in_area(actor, meeting.area_id)):
            raise PermissionDenied("You are not on this meeting's attendance list. Ask the coordinator to add you.")
        attendance = Attendance.objects.create(meeting=meeting, user=actor, agency=actor.agency)
    if attendance.accepted_statement_at is None:
        attendance.accepted_statement_at = timezone.now()
        attendance.save(update_fields=["accepted_statement_at"])
        detail = {"scope": attendance.scope}
        if attendance.scope == AttendanceScope.ITEMS:
            detail["items"] = sorted(
                ItemInvitation.objects.filter(user=actor, item__meeting=meeting, withdrawn_at__isnull=True).values_list(
                    "item_id", flat=True
                )
            )
        _audit(actor, "meeting.accept_statement", meeting, request, detail=detail)
    return attendance


@transaction.atomic
def quorum_exception_record(
    *, actor: User, meeting: Meeting, reason: str, request: HttpRequest | None = None
) -> Meeting:
    if not actor.is_chair:
        raise PermissionDenied("Only a chair can record a quorum exception.")
    _require_coordination(actor, meeting)
    _require_open(meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for going ahead without a quorum."})
    meeting.quorum_exception_reason = reason.strip()
    meeting.quorum_exception_by = actor
    meeting.save(update_fields=["quorum_exception_reason", "quorum_exception_by"])
    _audit(actor, "meeting.quorum_exception", meeting, request)
    return meeting


# --- sign-off ---------------------------------------------------------------------------------


def meeting_start(meeting: Meeting) -> datetime:
    return datetime.combine(meeting.date, meeting.starts_at, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def meeting_sign_off(
    *,
    actor: User,
    meeting: Meeting,
    not_discussed: Collection[int] = (),
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Sign off the minutes of a meeting that has started. The chair confirms, item by item, the ones
    with no discussion or decision as not discussed: they are carried to the next agenda and their
    children are owed no feedback from this meeting. Feedback obligations follow for the rest."""
    if not actor.is_chair:
        raise PermissionDenied("Only a chair signs off the minutes.")
    _require_coordination(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    now = now or timezone.now()
    if now < meeting_start(meeting):
        raise ValidationError(
            f"The meeting starts at {meeting.starts_at:%H:%M} on {meeting.date:%A %-d %B %Y}: its minutes can be "
            "signed off once it has been held."
        )
    undiscussed = set(agenda.undiscussed_items(meeting).values_list("pk", flat=True))
    confirmed = set(not_discussed)
    if confirmed - undiscussed:
        raise ValidationError(
            "Some items you confirmed as not discussed now have a discussion or a decision recorded, or are no "
            "longer on the agenda. Check the list again."
        )
    if undiscussed - confirmed:
        left = len(undiscussed - confirmed)
        raise ValidationError(
            f"{left} item{'s have' if left != 1 else ' has'} no discussion or decision recorded. Record what was "
            "discussed, or confirm each as not discussed (it goes on the next agenda)."
        )
    items = list(meeting.items.filter(pk__in=undiscussed).select_related("case"))
    for item in items:
        item.not_discussed_at, item.not_discussed_by = now, actor
        _audit(actor, "meeting.item_not_discussed", item, request, case=item.case)
    AgendaItem.objects.bulk_update(items, ["not_discussed_at", "not_discussed_by"])
    meeting.status = MeetingStatus.SIGNED_OFF
    meeting.signed_off_by = actor
    meeting.signed_off_at = now
    meeting.version += 1
    meeting.save()
    feedback_create_for_meeting(meeting)
    _audit(actor, "meeting.sign_off", meeting, request, detail={"not_discussed": sorted(undiscussed)})
    if undiscussed:
        following = (
            Meeting.objects.filter(area_id=meeting.area_id, date__gt=meeting.date)
            .exclude(status=MeetingStatus.SIGNED_OFF)
            .order_by("date")
            .first()
        )
        if following is not None:
            agenda.build(following)  # the items not discussed go on the next agenda now
    return meeting


@transaction.atomic
def addendum_add(*, actor: User, meeting: Meeting, text: str, request: HttpRequest | None = None) -> Addendum:
    _require_coordination(actor, meeting)
    if meeting.status != MeetingStatus.SIGNED_OFF:
        raise ValidationError("The minutes are not signed off yet: edit them directly.")
    if not text.strip():
        raise ValidationError({"text": "Write the correction."})
    addendum = Addendum.objects.create(meeting=meeting, text=text.strip(), author=actor)
    _audit(actor, "meeting.addendum", addendum, request)
    return addendum
