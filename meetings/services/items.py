"""Writes for the agenda: rebuilding it, adding, removing, restoring and moving items, and the discussion on each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from meetings import agenda
from meetings.models import (
    AgendaItem,
    Meeting,
    Section,
)
from meetings.services._shared import _audit, _require_coordination, _require_open
from meetings.services.placed_here import notify_placed_discussed
from met.models import User


@transaction.atomic
def item_add(
    *, actor: User, meeting: Meeting, section: int, case: Case, reason: str, request: HttpRequest | None = None
) -> AgendaItem:
    """Put a child on the agenda by hand. A child already on it keeps their one item, which gains the
    coordinator's reason (and comes back if it had been taken off)."""
    _require_coordination(actor, meeting)
    _require_open(meeting)
    if section not in Section.values:
        raise ValidationError({"section": "Choose one of the agenda's sections."})
    if (
        case.area_id != meeting.area_id
        and not case.placements.filter(host_area_id=meeting.area_id, ended_on__isnull=True).exists()
    ):
        raise ValidationError({"case": "This child is another area's: their own area's MEOG discusses them."})
    item = AgendaItem.objects.select_for_update().filter(meeting=meeting, case=case).first()
    if item is None:
        top = meeting.items.filter(section=section).aggregate(top=Max("order"))["top"] or 0
        item = AgendaItem(meeting=meeting, case=case, section=section, order=top + 1)
    item.manual_reason = reason.strip() or "added by the coordinator"
    item.manual_section = section
    item.added_by = actor
    item.removed_at, item.removed_by, item.removed_reason = None, None, ""
    agenda.item_refresh(item)
    item.save()
    _audit(actor, "meeting.item_add", item, request, case=case, detail={"section": section})
    return item


@transaction.atomic
def item_remove(*, actor: User, item: AgendaItem, reason: str, request: HttpRequest | None = None) -> AgendaItem:
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the item is being taken off the agenda."})
    item.removed_at = timezone.now()
    item.removed_by = actor
    item.removed_reason = reason.strip()
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _audit(actor, "meeting.item_remove", item, request, case=item.case)
    return item


@transaction.atomic
def item_restore(*, actor: User, item: AgendaItem, request: HttpRequest | None = None) -> AgendaItem:
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    item.removed_at, item.removed_by, item.removed_reason = None, None, ""
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _audit(actor, "meeting.item_restore", item, request, case=item.case)
    return item


@transaction.atomic
def item_move(*, actor: User, item: AgendaItem, up: bool, request: HttpRequest | None = None) -> None:
    """Swap an item with its neighbour on the agenda. The moved item keeps its place when the agenda
    is rebuilt; its neighbour, which the coordinator did not choose to move, is sorted as before."""
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    siblings = list(
        item.meeting.items.select_for_update()
        .filter(section=item.section, removed_at__isnull=True)
        .order_by("order", "pk")
    )
    index = next((i for i, other in enumerate(siblings) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError("Put the item back on the agenda before moving it.")
    swap = index - 1 if up else index + 1
    if not 0 <= swap < len(siblings):
        return
    siblings[index], siblings[swap] = siblings[swap], siblings[index]
    for order, other in enumerate(siblings, 1):
        other.order = order
        other.order_pinned = other.order_pinned or other.pk == item.pk
    AgendaItem.objects.bulk_update(siblings, ["order", "order_pinned"])
    _audit(actor, "meeting.item_move", item, request, case=item.case, detail={"up": up})


@transaction.atomic
def item_discussion_save(
    *, actor: User, item: AgendaItem, discussion: str, request: HttpRequest | None = None
) -> AgendaItem:
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    item.discussion = discussion.strip()
    item.save(update_fields=["discussion"])
    if item.discussion:
        notify_placed_discussed(item)
    _audit(actor, "meeting.discussion", item, request, case=item.case)
    return item
