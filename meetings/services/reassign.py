"""Moving a person's open work to someone else (issue 20): their open actions, the cases they lead
and the feedback owed to them as lead professional, one item at a time or all at once.

Who may: the MET coordinator, for anyone; an agency admin, only between their own agency's staff
and never to themselves (met.access: making yourself an action's owner or a case's lead is a way to
see a child). The new owner must be able to do the work without anyone's access widening as a side
effect: an action goes to someone whose agency is involved in the case (or who leads it), a lead
role and its feedback to a practitioner of the lead agency, and on a restricted case only to someone
already named on it. Each move is audited, the case's own permissions are recomputed
(cases.services.sync_user_permissions: the old owner loses the access the work gave them), and the
new owner (and the old one, if still active) is told once.

A move is all or nothing: if any item is no longer the person's open work, or cannot go to the new
owner, nothing moves and the message says which and why.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from cases import services as case_services
from cases.access import may_see_restricted
from cases.models import Case, CaseStatus
from meetings.models import Action, ActionStatus, Feedback
from meetings.open_work import ACTION, FEEDBACK, KINDS, LEAD
from meetings.services._shared import _audit
from met.access import may_reassign_work, work_owners_visible_to, work_receivers_for
from met.areas import area_ids, covers_all_areas
from met.models import User
from met.notifications import notify


class WorkChanged(ValidationError):
    """Some of the work is no longer the person's open work: someone completed, cancelled or moved it meanwhile."""


@dataclass
class Reassigned:
    cases: list[Case] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.actions) + len(self.feedback)

    def summary(self) -> str:
        parts = []
        if self.cases:
            parts.append(f"lead professional on {len(self.cases)} case{'s' if len(self.cases) != 1 else ''}")
        if self.actions:
            parts.append(f"{len(self.actions)} open action{'s' if len(self.actions) != 1 else ''}")
        if self.feedback:
            parts.append(f"{len(self.feedback)} feedback record{'s' if len(self.feedback) != 1 else ''}")
        return ", ".join(parts)


def check_reassigner(*, actor: User, from_user: User, to_user: User) -> None:
    """Whether the actor may move from_user's work to to_user at all (before looking at any item)."""
    if not may_reassign_work(actor) or not work_owners_visible_to(actor).filter(pk=from_user.pk).exists():
        raise PermissionDenied("Only the MET coordinator, or the person's own agency admin, can reassign their work.")
    if to_user.pk == from_user.pk:
        raise ValidationError({"to": f"Choose someone other than {from_user.full_name}: the work is theirs already."})
    if not to_user.is_active:
        raise ValidationError(
            {"to": f"{to_user.full_name}'s account is deactivated: choose someone who can do the work."}
        )
    if work_receivers_for(actor, from_user).filter(pk=to_user.pk).exists():
        return
    if not actor.is_coordinator and to_user.pk == actor.pk:
        raise PermissionDenied(
            "You cannot give work to yourself: it would let you see the children it is about. Ask the MET coordinator."
        )
    if not actor.is_coordinator and to_user.agency_id != actor.agency_id:
        raise PermissionDenied(
            "Agency admins move work only between their own agency's staff. Ask the MET coordinator to move it to "
            "another agency."
        )
    raise ValidationError(
        {"to": f"{to_user.full_name} has no casework role in MET Hub, so could not see or do the work."}
    )


def case_label(case: Case | None) -> str:
    """How a message names a case: by reference, except a restricted one (as reminders do, since the
    person reading may be an agency admin who is not named on it)."""
    if case is None:
        return "no case"
    return "a restricted case" if case.is_restricted else case.reference


def _restricted_problem(case: Case, to_user: User) -> str | None:
    if case.is_restricted and not may_see_restricted(to_user, case):
        return (
            f"{to_user.full_name} is not named on {case_label(case)}. The MET coordinator can name them on the "
            "case first; or choose someone who is named."
        )
    return None


def receive_problem(kind: str, obj, to_user: User, *, leads_moving: frozenset[int] = frozenset()) -> str | None:
    """Why this item cannot go to to_user (None when it can). `leads_moving`: cases whose lead role
    goes to to_user in the same move, so that they count as its lead. Reads the case's agencies
    involved through .all(), so a caller listing many items prefetches them."""
    case = obj if kind == LEAD else obj.case
    name = to_user.full_name
    if kind == ACTION:
        if not to_user.has_case_role:
            return f"{name} has no casework role in MET Hub, so could not see or do the action."
        if case is None:
            return None
        leads = to_user.pk == case.lead_professional_id or case.pk in leads_moving
        if not leads and to_user.agency_id not in {a.pk for a in case.agencies_involved.all()}:
            return (
                f"{name} works for {to_user.agency.short_name}, which is not involved in {case_label(case)}. "
                "Involve the agency first, or choose someone else."
            )
        return _restricted_problem(case, to_user)
    # A lead role, and the feedback owed to the lead: both belong with the lead agency.
    what = "lead" if kind == LEAD else "receive the feedback on"
    if not to_user.is_practitioner:
        return f"{name} is not a practitioner, so cannot {what} {case_label(case)}."
    if case.lead_agency_id is not None and to_user.agency_id != case.lead_agency_id:
        return (
            f"The lead professional for {case_label(case)} works for its lead agency, {case.lead_agency.short_name}: "
            f"{name} works for {to_user.agency.short_name}."
        )
    if case.lead_agency_id is None and to_user.agency_id not in {a.pk for a in case.agencies_involved.all()}:
        return f"{name} works for {to_user.agency.short_name}, which is not involved in {case_label(case)}."
    return _restricted_problem(case, to_user)


def parse_keys(keys) -> dict[str, list[int]]:
    """ "kind:id" strings (as the confirmation page sends them) → ids by kind; anything else is refused."""
    found: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for key in keys:
        kind, _, pk = str(key).partition(":")
        if kind not in found or not pk.isdigit() or len(pk) > 18:
            raise ValidationError("The list of work to move was not one MET Hub made. Go back and start again.")
        found[kind].append(int(pk))
    return found


def _lock(from_user: User, ids: dict[str, list[int]]) -> tuple[list[Case], list[Action], list[Feedback], list[str]]:
    """Lock every item (cases, then actions, then feedback, each in id order, so that two moves never
    deadlock) and say which are no longer from_user's open work."""
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=ids[LEAD])
        .select_related("child", "lead_agency")
        .prefetch_related("agencies_involved")
        .order_by("pk")
    )
    actions = list(
        Action.objects.select_for_update(of=("self",))
        .filter(pk__in=ids[ACTION])
        .select_related("case__child", "case__lead_agency")
        .prefetch_related("case__agencies_involved")
        .order_by("pk")
    )
    feedback = list(
        Feedback.objects.select_for_update(of=("self",))
        .filter(pk__in=ids[FEEDBACK])
        .select_related("case__child", "case__lead_agency", "meeting")
        .prefetch_related("case__agencies_involved")
        .order_by("pk")
    )
    gone = []
    if len(cases) != len(set(ids[LEAD])) or any(
        c.lead_professional_id != from_user.pk or c.status == CaseStatus.CLOSED for c in cases
    ):
        gone.append("a case they led")
    if len(actions) != len(set(ids[ACTION])) or any(
        a.owner_id != from_user.pk or a.status != ActionStatus.OPEN for a in actions
    ):
        gone.append("an action")
    if len(feedback) != len(set(ids[FEEDBACK])) or any(
        f.lead_professional_id != from_user.pk or f.sent_at is not None for f in feedback
    ):
        gone.append("a feedback record")
    return cases, actions, feedback, gone


def _require_own_areas(actor: User, cases, actions, feedback) -> None:
    """A coordinator of some areas only moves their areas' work (issue 18), as their pages list it."""
    if not actor.sees_all_cases or covers_all_areas(actor):
        return
    own = area_ids(actor)
    if (
        any(c.area_id not in own for c in cases)
        or any(a.case_id is not None and a.case.area_id not in own for a in actions)
        or any(f.case.area_id not in own for f in feedback)
    ):
        raise PermissionDenied("Some of this work is another area's: its own coordinators move it.")


def _move(
    *, actor: User, from_user: User, to_user: User, ids: dict[str, list[int]], request: HttpRequest | None
) -> Reassigned:
    check_reassigner(actor=actor, from_user=from_user, to_user=to_user)
    if not any(ids.values()):
        raise ValidationError(f"{from_user.full_name} has no open work to move.")
    cases, actions, feedback, gone = _lock(from_user, ids)
    _require_own_areas(actor, cases, actions, feedback)
    if gone:
        raise WorkChanged(
            f"Some of this work is no longer {from_user.full_name}'s to move ({', '.join(gone)} was completed, "
            "closed or reassigned meanwhile), so nothing was moved. Check the list again."
        )
    # The feedback owed on a case follows its lead role.
    moving_leads = frozenset(c.pk for c in cases)
    extra = (
        Feedback.objects.select_for_update(of=("self",))
        .filter(case_id__in=moving_leads, lead_professional=from_user, sent_at__isnull=True)
        .exclude(pk__in=[f.pk for f in feedback])
        .select_related("case__child", "case__lead_agency", "meeting")
        .order_by("pk")
    )
    feedback += list(extra)
    problems = [
        problem
        for kind, items in ((LEAD, cases), (ACTION, actions), (FEEDBACK, feedback))
        for obj in items
        if (problem := receive_problem(kind, obj, to_user, leads_moving=moving_leads))
    ]
    if problems:
        raise ValidationError(problems)

    detail = {"from": from_user.pk, "to": to_user.pk}
    for case in cases:
        case.lead_professional = to_user
        case.version += 1
        case.save(update_fields=["lead_professional", "version"])
        _audit(actor, "case.lead_reassign", case, request, case=case, detail=detail)
    for action in actions:
        action.owner, action.owner_agency = to_user, to_user.agency
        action.version += 1
        action.save(update_fields=["owner", "owner_agency", "version"])
        _audit(actor, "action.reassign", action, request, case=action.case, detail=detail)
    for record in feedback:
        record.lead_professional = to_user
        record.save(update_fields=["lead_professional"])
        _audit(actor, "feedback.reassign", record, request, case=record.case, detail=detail)
    touched = {c.pk: c for c in cases} | {a.case_id: a.case for a in actions if a.case_id}
    for case in touched.values():
        # Recomputed from the reasons: the new owner gains what the work needs, the old one loses it.
        case_services.sync_user_permissions(case)
    moved = Reassigned(cases=cases, actions=actions, feedback=feedback)
    _tell(actor=actor, from_user=from_user, to_user=to_user, moved=moved)
    return moved


def _listing(moved: Reassigned) -> str:
    lines = [f"- lead professional for {c.reference}" for c in moved.cases]
    lines += [
        f"- an action on {a.case.reference if a.case_id else 'no case'}, due {a.due_date:%-d %B %Y}"
        for a in moved.actions
    ]
    lines += [f"- feedback on {f.case.reference} after {f.meeting}, due {f.due_date:%-d %B %Y}" for f in moved.feedback]
    return "\n".join(lines)


def _tell(*, actor: User, from_user: User, to_user: User, moved: Reassigned) -> None:
    """One message each, however many items: the new owner's, and the old owner's if still active (a
    deactivated account gets none). Case references only: nothing typed about a child leaves in an e-mail."""
    if moved.actions:
        link = reverse("my_actions")
    elif len(moved.cases) == 1:
        link = moved.cases[0].get_absolute_url()
    else:
        link = reverse("case_list")
    notify(
        recipient=to_user,
        subject=f"Work passed to you from {from_user.full_name}",
        body=(
            f"{actor.full_name} has passed you work that was {from_user.full_name}'s "
            f"({moved.summary()}):\n{_listing(moved)}"
        ),
        link=link,
        reason="You are the new owner of this work.",
    )
    if from_user.pk != actor.pk:
        notify(
            recipient=from_user,
            subject=f"Your work was passed to {to_user.full_name}",
            body=f"{actor.full_name} passed work of yours to {to_user.full_name} ({moved.summary()}):\n{_listing(moved)}",
            reason="It was your work.",
        )


@transaction.atomic
def action_reassign(
    *, actor: User, action: Action, from_user: User, to_user: User, request: HttpRequest | None = None
) -> Action:
    return _move(
        actor=actor, from_user=from_user, to_user=to_user, ids=_ids(ACTION, action.pk), request=request
    ).actions[0]


@transaction.atomic
def lead_professional_reassign(
    *, actor: User, case: Case, from_user: User, to_user: User, request: HttpRequest | None = None
) -> Case:
    """The case's lead role, and the feedback from meetings not yet given to from_user about it."""
    return _move(actor=actor, from_user=from_user, to_user=to_user, ids=_ids(LEAD, case.pk), request=request).cases[0]


@transaction.atomic
def feedback_reassign(
    *, actor: User, feedback: Feedback, from_user: User, to_user: User, request: HttpRequest | None = None
) -> Feedback:
    return _move(
        actor=actor, from_user=from_user, to_user=to_user, ids=_ids(FEEDBACK, feedback.pk), request=request
    ).feedback[0]


@transaction.atomic
def open_work_reassign(
    *, actor: User, from_user: User, to_user: User, items, request: HttpRequest | None = None
) -> Reassigned:
    """Move the listed items ("kind:id", as the confirmation page showed them) in one go."""
    moved = _move(actor=actor, from_user=from_user, to_user=to_user, ids=parse_keys(items), request=request)
    _audit(
        actor,
        "user.work_reassign",
        from_user,
        request,
        detail={
            "to": to_user.pk,
            "cases": [c.pk for c in moved.cases],
            "actions": [a.pk for a in moved.actions],
            "feedback": [f.pk for f in moved.feedback],
        },
    )
    return moved


def _ids(kind: str, pk: int) -> dict[str, list[int]]:
    return {k: ([pk] if k == kind else []) for k in KINDS}
