"""Writes for actions: setting one (to someone who may see the child), completing and cancelling it."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases import services as case_services
from cases.access import may_see_restricted
from cases.models import Case, CaseStatus
from meetings.access import may_cancel, may_complete
from meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
)
from meetings.services._shared import DUE_DATES, _audit, _require_coordination, _require_open, _require_own_case
from meetings.services.placed_here import notify_placed_discussed
from met import dates
from met.models import User


@transaction.atomic
def action_create(
    *,
    actor: User,
    case: Case,
    description: str,
    owner: User,
    due_date: date,
    item: AgendaItem | None = None,
    request: HttpRequest | None = None,
) -> Action:
    if case is None:
        raise ValidationError("Actions are set on a child's case: this agenda item is not about a child.")
    if item is not None:
        _require_coordination(actor, item.meeting)
        _require_open(item.meeting)
        _require_own_case(actor, item)
    errors = {}
    if not owner.has_case_role:
        errors["owner"] = f"{owner.full_name} has no casework role in MET Hub, so could not see or complete the action."
    if due_date < timezone.localdate():
        errors["due_date"] = "The due date cannot be in the past."
    elif message := dates.out_of_range("Due date", due_date, **DUE_DATES):
        errors["due_date"] = message
    if not owner.is_active:
        errors["owner"] = "That account is deactivated: choose someone who can do the action."
    elif not (case.agencies_involved.filter(pk=owner.agency_id).exists() or owner.pk == case.lead_professional_id):
        errors["owner"] = (
            f"{owner.full_name} works for {owner.agency.short_name}, which is not involved in this case. Involve the agency first, or choose someone else."
        )
    elif case.is_restricted and not may_see_restricted(owner, case):
        # Giving the action would show a restricted child to someone not named on the case. Naming
        # them is the coordinator's deliberate, audited step on the case, not a side effect of this one.
        errors["owner"] = (
            f"This case is restricted and {owner.full_name} is not named on it. Name them on the case first, or choose someone who is."
        )
    if case.status == CaseStatus.CLOSED:
        errors["description"] = "This case is closed."
    if errors:
        raise ValidationError(errors)
    action = Action.objects.create(
        case=case,
        meeting=item.meeting if item else None,
        item=item,
        description=description.strip(),
        owner=owner,
        owner_agency=owner.agency,
        due_date=due_date,
        created_by=actor,
    )
    case_services.sync_user_permissions(case)
    _audit(actor, "action.create", action, request, case=case)
    from met.notifications import notify

    notify(
        recipient=owner,
        subject="You have a new action",
        body=f"An action for case {case.reference} is due on {due_date:%-d %B %Y}.",
        link=action.get_absolute_url(),
        reason="You are the owner of this action.",
    )
    if item is not None:
        notify_placed_discussed(item)
    return action


def _lock_open_action(action: Action) -> Action:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the case.
    action = Action.objects.select_for_update(of=("self",)).select_related("case").get(pk=action.pk)
    if action.status != ActionStatus.OPEN:
        raise ValidationError(f"This action is already {action.get_status_display().lower()}.")
    return action


@transaction.atomic
def action_complete(*, actor: User, action: Action, note: str, request: HttpRequest | None = None) -> Action:
    if not may_complete(actor, action):
        raise PermissionDenied("Only the action's owner, the coordinator or a chair can complete it.")
    action = _lock_open_action(action)
    if not note.strip():
        raise ValidationError({"note": "Say what was done."})
    action.status = ActionStatus.DONE
    action.completion_note = note.strip()
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.version += 1
    action.save()
    _audit(actor, "action.complete", action, request, case=action.case)
    return action


@transaction.atomic
def action_cancel(*, actor: User, action: Action, reason: str, request: HttpRequest | None = None) -> Action:
    if not may_cancel(actor, action):
        raise PermissionDenied("Only the coordinator or a chair can cancel an action.")
    action = _lock_open_action(action)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is being cancelled."})
    action.status = ActionStatus.CANCELLED
    action.cancel_reason = reason.strip()
    action.version += 1
    action.save()
    _audit(actor, "action.cancel", action, request, case=action.case)
    return action
