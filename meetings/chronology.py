"""What meetings add to a case's chronology (cases/chronology.py), registered in MeetingsConfig.ready():
MEOG decisions (and their withdrawal), actions set, completed and cancelled, and the escalations of
overdue actions (each level once, when it was first sent, with whom it went to).

A meeting is linked only for those who may open it (meetings.access.meetings_visible_to); an action for
everyone who sees the case, as its own page allows. A fixed number of queries, whatever the number of
events: decisions, actions, cancellations (from the audit trail: an action keeps no cancellation time),
escalations, and the meetings the viewer may open.
"""

from cases.chronology import AUTOMATIC, Entry, day_text, person, short
from meetings.access import meetings_visible_to
from meetings.escalation import LEVEL_LABELS, escalation_reminders
from meetings.models import Action, ActionStatus, Decision
from met.areas import covers_all_areas
from met.models import AuditEvent

KINDS = (("decision", "MEOG decisions"), ("action", "Actions"), ("escalation", "Escalations of overdue actions"))


def entries(case, viewer) -> list[Entry]:
    decisions = list(
        Decision.objects.filter(case=case).select_related("meeting", "recorded_by__agency", "withdrawn_by__agency")
    )
    actions = list(
        Action.objects.filter(case=case).select_related(
            "meeting", "owner", "owner_agency", "created_by__agency", "completed_by__agency"
        )
    )
    meeting_ids = {d.meeting_id for d in decisions} | {a.meeting_id for a in actions if a.meeting_id}
    may_open = _meetings_open_to(viewer, meeting_ids)
    return _decision_entries(decisions, may_open) + _action_entries(actions, may_open)


def _meetings_open_to(viewer, meeting_ids: set[int]) -> set[int]:
    if not meeting_ids:
        return set()
    if viewer.sees_all_cases and covers_all_areas(viewer):
        return meeting_ids
    # Another area's meeting (a child discussed where they were placed, issue 18) is named, not linked.
    return set(meetings_visible_to(viewer).filter(pk__in=meeting_ids).values_list("pk", flat=True))


def _decision_entries(decisions, may_open: set[int]) -> list[Entry]:
    result = []
    for decision in decisions:
        url = decision.meeting.get_absolute_url() if decision.meeting_id in may_open else ""
        kind = decision.get_kind_display()
        result.append(
            Entry(
                decision.recorded_at,
                "decision",
                f"{kind} at the {decision.meeting}: {short(decision.text)}",
                *person(decision.recorded_by),
                url,
            )
        )
        if decision.withdrawn_at:
            result.append(
                Entry(
                    decision.withdrawn_at,
                    "decision",
                    f"Decision withdrawn ({kind.lower()}, {decision.meeting}). Why: {short(decision.withdrawn_reason)}",
                    *person(decision.withdrawn_by),
                    url,
                )
            )
    return result


def _action_entries(actions, may_open: set[int]) -> list[Entry]:
    if not actions:
        return []
    by_id = {a.pk: a for a in actions}
    result = []
    for action in actions:
        url = action.get_absolute_url()
        where = f" at the {action.meeting}" if action.meeting_id else ""
        result.append(
            Entry(
                action.created_at,
                "action",
                f"Action set{where} for {action.owner.full_name} ({action.owner_agency.short_name}), due "
                f"{day_text(action.due_date)}: {short(action.description)}",
                *person(action.created_by),
                url,
            )
        )
        if action.status == ActionStatus.DONE and action.completed_at:
            note = f" What was done: {short(action.completion_note)}" if action.completion_note else ""
            result.append(
                Entry(
                    action.completed_at,
                    "action",
                    f"Action completed ({short(action.description, 15)}).{note}",
                    *person(action.completed_by),
                    url,
                )
            )
    cancelled = [a.pk for a in actions if a.status == ActionStatus.CANCELLED]
    if cancelled:
        events = AuditEvent.objects.filter(
            object_type="meetings.action", object_id__in=[str(pk) for pk in cancelled], action="action.cancel"
        ).select_related("actor__agency")
        for event in events:
            action = by_id[int(event.object_id)]
            result.append(
                Entry(
                    event.at,
                    "action",
                    f"Action cancelled ({short(action.description, 15)}). Why: {short(action.cancel_reason)}",
                    *person(event.actor),
                    action.get_absolute_url(),
                )
            )
    result += _escalation_entries(by_id)
    return result


def _escalation_entries(by_id: dict[int, Action]) -> list[Entry]:
    """Each level once per action, dated when it was first sent, naming everyone it went to."""
    sent: dict[tuple[int, str], list] = {}
    reminders = escalation_reminders(by_id).select_related("recipient__agency").order_by("created_at", "pk")
    for reminder in reminders:
        sent.setdefault((reminder.object_id, reminder.key), []).append(reminder)
    result = []
    for (action_id, key), rows in sent.items():
        action = by_id[action_id]
        to = ", ".join(f"{r.recipient.full_name} ({r.recipient.agency.short_name})" for r in rows)
        result.append(
            Entry(
                rows[0].created_at,
                "escalation",
                f"Overdue action {LEVEL_LABELS[key]} ({to}): {short(action.description, 15)} (owned by "
                f"{action.owner.full_name}, due {day_text(action.due_date)}).",
                AUTOMATIC,
                "",
                action.get_absolute_url(),
            )
        )
    return result
