"""Writes for children placed in another area and cases moved to another area (issue 18, part 2).

Each locks the case row first, so two coordinators acting at once cannot make two live placements or
move a case twice. Audited with the child; the reason text stays in the record, not in the audit detail.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, CaseTransfer, MissingEpisode, Placement
from cases.placements import live_placement, require_responsible
from cases.services.permissions import _child_audit
from met.areas import coordinators_of
from met.concurrency import check_version
from met.models import Area, Reminder, User
from met.notifications import Message, notify_many

# The ValidationError code of a refusal caused by the record's state (a live placement already, an
# ended one): the page answers 409, as for a stale edit.
STATE_CONFLICT = "state_conflict"

MISSING_WHILE_PLACED = "placement_missing"  # Reminder.kind: once per episode and coordinator


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("child", "area").get(pk=case.pk)


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def _other_area(case: Case, area: Area | None, field: str) -> Area:
    if area is None:
        raise ValidationError({field: "Choose the area."})
    if area.pk == case.area_id:
        raise ValidationError({field: f"Choose an area other than {case.area}, the area responsible for this child."})
    if not area.is_active:
        raise ValidationError({field: f"{area} is no longer an active area."})
    return area


def _not_future(value: date | None, field: str, label: str) -> date:
    if value is None:
        raise ValidationError({field: f"Enter the {label}."})
    if value > timezone.localdate():
        raise ValidationError({field: f"The {label} cannot be in the future."})
    return value


@transaction.atomic
def placement_start(
    *,
    actor: User,
    case: Case,
    host_area: Area,
    reason: str,
    placed_on: date,
    address_note: str = "",
    request: HttpRequest | None = None,
) -> Placement:
    """Record that the child lives in another area from `placed_on`: its coordinators and chairs see
    the placement view from now on."""
    case = _locked_case(case)
    require_responsible(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed: a placement is recorded only on a case that is not.")
    host_area = _other_area(case, host_area, "host_area")
    reason = _reason(reason, "Say why the child is placed in that area.")
    placed_on = _not_future(placed_on, "placed_on", "date the placement began")
    current = live_placement(case.pk)
    if current is not None:
        raise ValidationError(
            f"This child is already placed in {current.host_area} (since {current.placed_on:%-d %B %Y}). "
            "End that placement before recording a new one.",
            code=STATE_CONFLICT,
        )
    placement = Placement.objects.create(
        case=case,
        host_area=host_area,
        reason=reason,
        address_note=(address_note or "").strip(),
        placed_on=placed_on,
        recorded_by=actor,
    )
    _child_audit(
        actor,
        "placement.start",
        placement,
        case,
        request,
        {"case": case.pk, "host_area": host_area.pk, "placed_on": placed_on.isoformat()},
    )
    return placement


def _end(placement: Placement, *, actor: User, ended_on: date) -> None:
    placement.ended_on = ended_on
    placement.ended_by = actor
    placement.version += 1
    placement.save(update_fields=["ended_on", "ended_by", "version"])


@transaction.atomic
def placement_end(
    *,
    actor: User,
    placement: Placement,
    ended_on: date,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Placement:
    """The child no longer lives in the host area: its coordinators lose the placement view."""
    case = _locked_case(placement.case)
    require_responsible(actor, case)
    placement = Placement.objects.select_for_update().select_related("host_area").get(pk=placement.pk)
    if placement.ended_on is not None:
        raise ValidationError(f"This placement already ended on {placement.ended_on:%-d %B %Y}.", code=STATE_CONFLICT)
    check_version(placement, expected_version=expected_version, seen=None)
    ended_on = _not_future(ended_on, "ended_on", "date the placement ended")
    if ended_on < placement.placed_on:
        raise ValidationError(
            {"ended_on": f"The placement cannot end before it began ({placement.placed_on:%-d %B %Y})."}
        )
    _end(placement, actor=actor, ended_on=ended_on)
    _child_audit(actor, "placement.end", placement, case, request, {"case": case.pk, "ended_on": ended_on.isoformat()})
    return placement


@transaction.atomic
def case_transfer(
    *, actor: User, case: Case, to_area: Area, reason: str, request: HttpRequest | None = None
) -> CaseTransfer:
    """Move the case to another responsible area (the child moved home). Only the case's area changes:
    every record on it stays as it was, and the transfer is kept. A live placement into the new area
    ends today, as the child now lives where they are looked after (transfer.ended_placement says so).
    The receiving area's coordinators are told."""
    case = _locked_case(case)
    require_responsible(actor, case)
    to_area = _other_area(case, to_area, "to_area")
    reason = _reason(reason, "Say why the case moves to that area.")
    from_area = case.area
    transfer = CaseTransfer.objects.create(
        case=case, from_area=from_area, to_area=to_area, reason=reason, transferred_by=actor
    )
    case.area = to_area
    case.version += 1
    case.save(update_fields=["area", "version"])  # through save: the change history records the move
    ended = None
    current = live_placement(case.pk)
    if current is not None and current.host_area_id == to_area.pk:
        _end(current, actor=actor, ended_on=timezone.localdate())
        _child_audit(
            actor,
            "placement.end",
            current,
            case,
            request,
            {"case": case.pk, "ended_on": current.ended_on.isoformat(), "transfer": transfer.pk},
        )
        ended = current
    _child_audit(
        actor,
        "case.transfer",
        transfer,
        case,
        request,
        {
            "case": case.pk,
            "from_area": from_area.pk,
            "to_area": to_area.pk,
            "ended_placement": ended.pk if ended else None,
        },
    )
    notify_many(
        [
            Message(
                coordinator,
                f"Case {case.reference} transferred to {to_area}",
                f"{actor.display_name} transferred case {case.reference} from {from_area} to {to_area}: "
                f"{to_area} is now responsible for this child.",
                reverse("case_detail", args=[case.pk]),
                f"You are a MET coordinator for {to_area}.",
            )
            for coordinator in coordinators_of(to_area.pk)
            if coordinator.pk != actor.pk
        ]
    )
    transfer.ended_placement = ended
    return transfer


def placement_missing_notify(*, episode: MissingEpisode, actor: User | None = None) -> int:
    """The responsible area hears when its child, placed in another area, goes missing (issue 18):
    each of its coordinators once per episode (a Reminder row per person, whose unique key refuses a
    second), not the one who recorded it. Returns how many were told."""
    case = episode.case
    placement = live_placement(case.pk)
    if placement is None:
        return 0
    told = set(
        Reminder.objects.filter(
            kind=MISSING_WHILE_PLACED, object_type="cases.missingepisode", object_id=episode.pk
        ).values_list("recipient_id", flat=True)
    )
    recipients = [c for c in coordinators_of(case.area_id) if c.pk not in told and (actor is None or c.pk != actor.pk)]
    if not recipients:
        return 0
    went = timezone.localtime(episode.went_missing_at)
    word = "missing" if episode.kind == "missing" else "absent"
    notifications = notify_many(
        [
            Message(
                person,
                f"{case.reference}: {word} while placed in {placement.host_area}",
                f"The child on case {case.reference}, placed in {placement.host_area} since "
                f"{placement.placed_on:%-d %B %Y}, was recorded as {word} from {went:%-d %B %Y at %H:%M}.",
                reverse("case_detail", args=[case.pk]),
                f"You are a MET coordinator for {case.area}, the area responsible for this child.",
            )
            for person in recipients
        ]
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=MISSING_WHILE_PLACED,
                object_type="cases.missingepisode",
                object_id=episode.pk,
                recipient=person,
                notification=notification,
            )
            for person, notification in zip(recipients, notifications, strict=True)
        ]
    )
    return sum(1 for n in notifications if n is not None)
