"""Writes for the agenda: rebuilding it, adding, removing, restoring and moving items, and the discussion on each."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from meetings.models import (
    AgendaItem,
    Meeting,
)
from meetings.services._shared import _audit, _require_coordination, _require_open
from met.models import User


@transaction.atomic
def item_add(
    *, actor: User, meeting: Meeting, section: int, case: Case, reason: str, request: HttpRequest | None = None
) -> AgendaItem:
    _require_coordination(actor)
    _require_open(meeting)
    top = meeting.items.filter(section=section).aggregate(top=Max("order"))["top"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        section=section,
        case=case,
        reason=reason.strip() or "added by the coordinator",
        order=top + 1,
        added_by=actor,
    )
    _audit(actor, "meeting.item_add", item, request, case=case)
    return item


@transaction.atomic
def item_remove(*, actor: User, item: AgendaItem, reason: str, request: HttpRequest | None = None) -> AgendaItem:
    _require_coordination(actor)
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
    _require_coordination(actor)
    _require_open(item.meeting)
    item.removed_at, item.removed_by, item.removed_reason = None, None, ""
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _audit(actor, "meeting.item_restore", item, request, case=item.case)
    return item


@transaction.atomic
def item_move(*, actor: User, item: AgendaItem, up: bool, request: HttpRequest | None = None) -> None:
    _require_coordination(actor)
    _require_open(item.meeting)
    siblings = list(item.meeting.items.filter(section=item.section).order_by("order", "pk"))
    index = next(i for i, other in enumerate(siblings) if other.pk == item.pk)
    swap = index - 1 if up else index + 1
    if 0 <= swap < len(siblings):
        siblings[index], siblings[swap] = siblings[swap], siblings[index]
        for order, other in enumerate(siblings, 1):
            if other.order != order:
                AgendaItem.objects.filter(pk=other.pk).update(order=order)


@transaction.atomic
def item_discussion_save(
    *, actor: User, item: AgendaItem, discussion: str, request: HttpRequest | None = None
) -> AgendaItem:
    _require_coordination(actor)
    _require_open(item.meeting)
    item.discussion = discussion.strip()
    item.save(update_fields=["discussion"])
    _audit(actor, "meeting.discussion", item, request, case=item.case)
    return item
