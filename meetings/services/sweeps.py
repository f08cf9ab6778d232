"""The meetings sweeps: reminders and escalations of actions and feedback, each sent once (meetings/escalation.py has the ladder)."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from cases.access import may_see_restricted
from cases.models import Case
from meetings import escalation
from meetings.models import (
    Action,
    ActionStatus,
    Feedback,
)
from met.areas import AreaCoordinators
from met.models import User
from met.reminders import Section, digest


def actions_sweep(*, today: date | None = None) -> int:
    """Remind owners of due actions and escalate overdue ones. Idempotent; catches up after downtime."""
    today = today or timezone.localdate()
    actions = Action.objects.filter(status=ActionStatus.OPEN, due_date__lte=today).select_related(
        "owner__line_manager__line_manager", "owner_agency__senior_contact", "case", "meeting"
    )
    # The last resort is the coordinators of the action's area: its case's (issue 18).
    coordinators = AreaCoordinators()
    mine = Section("Your actions due", reverse("my_actions"))
    escalated = Section("Overdue actions escalated to you", reverse("agency_actions"))
    with digest() as reminders:
        for action in actions.iterator(chunk_size=2000):
            for step in escalation.steps_for(
                due=action.due_date,
                today=today,
                responsible=action.owner,
                agency=action.owner_agency,
                everyone=coordinators.for_area(_action_area(action)),
            ):
                for recipient in step.recipients:
                    ref, link = _case_named_for(recipient, action.case, action.get_absolute_url())
                    if step.key == escalation.REMINDER:
                        section, subject, reason = mine, "Your action is due", "You own this action."
                        line = f"Your action on {ref} is due on {action.due_date:%-d %B %Y}: please complete it and record what was done."
                    else:
                        level = "Level 1" if step.key == escalation.LEVEL_1 else "Level 2 (continued non-compliance)"
                        section, subject = escalated, f"{level} escalation: overdue action"
                        line = f"{level}: an action owned by {action.owner.full_name} ({action.owner_agency.short_name}) on {ref} was due on {action.due_date:%-d %B %Y} and is still open."
                        reason = (
                            f"You are in {action.owner.full_name}'s management line, or the agency's senior contact."
                        )
                    reminders.add(
                        kind="action",
                        obj=action,
                        key=step.key,
                        recipient=recipient,
                        section=section,
                        subject=subject,
                        line=line,
                        link=link,
                        reason=reason,
                        urgent=step.key == escalation.LEVEL_2,
                    )
        return reminders.pending("action")


def _action_area(action: Action) -> int | None:
    if action.case_id is not None:
        return action.case.area_id
    return action.meeting.area_id if action.meeting_id is not None else None


def _case_named_for(recipient: User, case: Case | None, link: str) -> tuple[str, str]:
    """How a reminder names the case: by reference, unless it is restricted and the recipient is not
    named on it (a manager up the escalation line), who learns that work is overdue but not whose."""
    if case is None:
        return "a case", link
    if case.is_restricted and not may_see_restricted(recipient, case):
        return "a restricted case (ask the MET coordinator for details)", ""
    return case.reference, link


def feedback_sweep(*, today: date | None = None) -> int:
    """Remind the coordinator of feedback due today and escalate feedback not sent on time."""
    today = today or timezone.localdate()
    records = Feedback.objects.filter(sent_at__isnull=True, due_date__lte=today).select_related(
        "meeting__created_by__line_manager__line_manager", "meeting__created_by__agency__senior_contact", "case"
    )
    # Feedback is owed by the meeting's area: its coordinators are the last resort (issue 18).
    coordinators = AreaCoordinators()
    section = Section("Feedback to professionals")
    with digest() as reminders:
        for record in records.iterator(chunk_size=2000):
            responsible = record.meeting.created_by
            for step in escalation.steps_for(
                due=record.due_date,
                today=today,
                responsible=responsible,
                agency=responsible.agency,
                everyone=coordinators.for_area(record.meeting.area_id),
            ):
                for recipient in step.recipients:
                    ref, _ = _case_named_for(recipient, record.case, "")
                    late = (
                        "is due today"
                        if step.key == escalation.REMINDER
                        else f"was due on {record.due_date:%-d %B %Y} and has not been sent"
                    )
                    reminders.add(
                        kind="feedback",
                        obj=record,
                        key=step.key,
                        recipient=recipient,
                        section=section,
                        subject="Feedback to a professional "
                        + ("is due" if step.key == escalation.REMINDER else "is overdue"),
                        line=f"Feedback to the lead professional on {ref} after {record.meeting} {late}.",
                        link=record.meeting.get_absolute_url() + "#feedback",
                        reason="Feedback goes to professionals within 2 working days of each MEOG meeting.",
                        urgent=step.key == escalation.LEVEL_2,
                    )
        return reminders.pending("feedback")
