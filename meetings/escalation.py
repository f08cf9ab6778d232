"""Reminders and the escalation ladder for actions and feedback (DESIGN §6, seed 003).

For an open action due on day D (working days from met/workdays.py):
- on D (or the first sweep after): a reminder to the owner;
- from the first working day after D (overdue): level 1, to the owner's line manager;
- still open `MET_ESCALATION_LEVEL2_WORKING_DAYS` (default 5) working days after level 1: level 2,
  to the line manager's own manager.
Whoever is missing or deactivated on the way is replaced by the owner's agency's designated senior
contact, and failing that by the MET coordinators of the case's area (issue 18: each area has its
own; in a single-area installation, every coordinator), so an escalation reaches someone wherever
the area has a coordinator.

Feedback to professionals follows the same ladder from its due date (2 working days after the
meeting), starting from the coordinator who has to send it.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from met.models import Agency, Reminder, User
from met.workdays import last_working_day, working_days_between

REMINDER = "0"
LEVEL_1 = "1"
LEVEL_2 = "2"
LEVEL_LABELS = {LEVEL_1: "escalated to line manager", LEVEL_2: "escalated to senior manager"}


@dataclass(frozen=True)
class Step:
    key: str  # REMINDER, LEVEL_1 or LEVEL_2
    recipients: tuple[User, ...]


def overdue_cutoff(today: date | None = None) -> date:
    """Something open is overdue once a working day has passed since its due date: its due date is
    before the latest working day up to today. Level 1 starts that day, and every page, the API and the
    dashboard call an action overdue from then (Action.objects.overdue())."""
    return last_working_day(today or timezone.localdate())


def level2_after() -> int:
    return settings.MET_ESCALATION_LEVEL2_WORKING_DAYS


def due_steps(due: date, today: date) -> list[str]:
    """Which steps are due by `today` for something due on `due` and still not done."""
    if today < due:
        return []
    steps = [REMINDER]
    if due < overdue_cutoff(today):
        steps.append(LEVEL_1)
    if working_days_between(due, today) >= 1 + level2_after():
        steps.append(LEVEL_2)
    return steps


def _usable(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def coordinators() -> tuple[User, ...]:
    """Everyone's last resort; a sweep reads them once and passes them to `steps_for`."""
    return tuple(User.objects.filter(is_active=True, is_coordinator=True).order_by("pk"))


def _fallback(agency: Agency | None, everyone: tuple[User, ...] | None) -> tuple[User, ...]:
    senior = _usable(agency.senior_contact) if agency is not None else None
    if senior is not None:
        return (senior,)
    return coordinators() if everyone is None else everyone


def recipients(
    step: str, responsible: User, agency: Agency | None, *, everyone: tuple[User, ...] | None = None
) -> tuple[User, ...]:
    """Who hears about a step: the responsible person, then up their management line. `everyone`:
    the coordinators, when the caller has them already."""
    if step == REMINDER:
        return (responsible,) if _usable(responsible) else _fallback(agency, everyone)
    manager = _usable(responsible.line_manager)
    if step == LEVEL_1:
        return (manager,) if manager else _fallback(agency, everyone)
    senior = _usable(manager.line_manager) if manager else None
    if senior is not None and senior != manager:
        return (senior,)
    fallback = tuple(u for u in _fallback(agency, everyone) if u != manager)
    return fallback or _fallback(None, everyone)


def steps_for(
    *, due: date, today: date, responsible: User, agency: Agency | None, everyone: tuple[User, ...] | None = None
) -> list[Step]:
    return [Step(step, recipients(step, responsible, agency, everyone=everyone)) for step in due_steps(due, today)]


def escalation_reminders(action_ids):
    """The escalations (levels 1 and 2, not the plain reminder) sent for these actions."""
    return Reminder.objects.filter(
        kind="action", object_type="meetings.action", object_id__in=list(action_ids), key__in=[LEVEL_1, LEVEL_2]
    )


def escalation_summaries(action_ids) -> dict[int, str]:
    """For each action, the highest escalation so far, in words ("escalated to line manager")."""
    summary: dict[int, str] = {}
    action_ids = list(action_ids)
    if not action_ids:
        return summary
    for object_id, key in escalation_reminders(action_ids).values_list("object_id", "key"):
        if key == LEVEL_2 or object_id not in summary:
            summary[object_id] = LEVEL_LABELS[key]
    return summary
