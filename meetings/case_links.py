"""What meetings add to a case (registered with cases.extensions in MeetingsConfig.ready):
decisions and actions on the case's timeline, action owners who may view the case, and the rule
that a case cannot be restricted while someone not named on it owns open work on it."""

from cases.access import may_see_restricted
from cases.extensions import case_has
from meetings.escalation import escalation_summaries, overdue_cutoff
from meetings.models import Action, ActionStatus, Decision
from met import rawsql
from met.models import User

# What the case page's timeline shows of an action's owner, agency and meeting: their full rows were some
# sixty columns an action, the timeline's slowest read (issue 14). A field shown later must be added here,
# or each action reads it alone (tests/cases/test_query_counts.py).
TIMELINE_ACTION_RELATED = {
    "owner": User.DISPLAY_NAME_FIELDS,
    "owner_agency": ("short_name",),
    "meeting": ("date",),
}


def timeline_items(case, now) -> list[dict]:
    decisions = Decision.objects.filter(case=case).prefetch_related("meeting", "recorded_by")
    items = [
        {"kind": "decision", "at": decision.recorded_at, "obj": decision}
        for decision in (decisions if case_has(case, "decisions") else ())
    ]
    if not case_has(case, "actions"):
        return items
    # met.rawsql.select, not the ORM: see why there.
    actions = rawsql.select(Action, where={"case": case.pk}, related=TIMELINE_ACTION_RELATED)
    cutoff = overdue_cutoff()
    # Only an overdue action can have been escalated: most cases' timelines have none to look up.
    escalated = escalation_summaries([a.pk for a in actions if a.is_overdue(cutoff=cutoff)])
    items += [
        {
            "kind": "action",
            "at": action.created_at,
            "obj": action,
            "overdue": action.is_overdue(cutoff=cutoff),
            "escalation": escalated.get(action.pk),
            "open": action.status == ActionStatus.OPEN,  # kept on the case page however old
        }
        for action in actions
    ]
    return items


def action_owners(case) -> list[int]:
    """Owning an action on a case is a reason to view it (DESIGN §3)."""
    return list(Action.objects.filter(case=case).values_list("owner_id", flat=True))


def unnamed_action_owners(case) -> list[str]:
    owners = {a.owner for a in Action.objects.filter(case=case, status=ActionStatus.OPEN).select_related("owner")}
    unnamed = sorted(o.full_name for o in owners if not may_see_restricted(o, case))
    if not unnamed:
        return []
    verb = "owns" if len(unnamed) == 1 else "own"
    return [
        f"{', '.join(unnamed)} {verb} an open action on this case. Name them too, or complete or cancel the action first."
    ]
