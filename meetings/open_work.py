"""What counts as a person's open work, and how it is counted (issue 20): the one definition the
account pages (through met.open_work), the reassignment pages and the reassignment service share.

- open actions they own (done and cancelled ones are history, and stay theirs);
- cases not closed on which they are the lead professional;
- feedback from a meeting not yet given, addressed to them as the case's lead professional.

A coordinator of some areas only (issue 18) sees and moves the work of their own areas: `viewer`
cuts each list to it (a police officer working across two areas shows each area's coordinator that
area's work). Agency admins see their own agency's staff's work, in whichever area, as before.
"""

from dataclasses import dataclass

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.urls import reverse

from cases.models import Case, CaseStatus
from meetings.models import Action, ActionStatus, Feedback
from met.access import may_reassign_work, work_owners_visible_to
from met.areas import area_ids, covers_all_areas
from met.open_work import WorkCount

ACTION, LEAD, FEEDBACK = "action", "lead", "feedback"
KINDS = (LEAD, ACTION, FEEDBACK)


def _ids(user_ids):
    # A queryset stays a subquery (every leaver an admin sees); anything else becomes a list of ids.
    return user_ids if isinstance(user_ids, QuerySet) else list(user_ids)


def _viewer_areas(viewer) -> list[int] | None:
    """The areas a coordinator's view of work is cut to; None for no cut (one covering every area, an
    agency admin, or no viewer)."""
    if viewer is None or not viewer.sees_all_cases or covers_all_areas(viewer):
        return None
    return sorted(area_ids(viewer))


def open_actions(user_ids, *, viewer=None) -> QuerySet[Action]:
    actions = Action.objects.filter(owner_id__in=_ids(user_ids), status=ActionStatus.OPEN)
    if (areas := _viewer_areas(viewer)) is not None:
        actions = actions.filter(Q(case__area__in=areas) | Q(case__isnull=True, meeting__area__in=areas))
    return actions


def led_cases(user_ids, *, viewer=None) -> QuerySet[Case]:
    cases = Case.objects.filter(lead_professional_id__in=_ids(user_ids)).exclude(status=CaseStatus.CLOSED)
    if (areas := _viewer_areas(viewer)) is not None:
        cases = cases.filter(area__in=areas)
    return cases


def feedback_owed(user_ids, *, viewer=None) -> QuerySet[Feedback]:
    feedback = Feedback.objects.filter(lead_professional_id__in=_ids(user_ids), sent_at__isnull=True)
    if (areas := _viewer_areas(viewer)) is not None:
        feedback = feedback.filter(case__area__in=areas)
    return feedback


def _phrase(kind: str, n: int) -> str:
    if kind == ACTION:
        return f"{n} open action{'s' if n != 1 else ''}"
    if kind == LEAD:
        return f"lead professional on {n} case{'s' if n != 1 else ''}"
    return f"{n} feedback record{'s' if n != 1 else ''} not yet given"


def counts(user_ids, *, viewer=None) -> dict[int, list[WorkCount]]:
    """One query (three grouped counts in a UNION), whatever the number of people. Only people
    holding some work appear; with `viewer`, only the work of their areas is counted."""

    def grouped(queryset, field: str, kind: str):
        return (
            queryset.order_by()
            .values(field)
            .annotate(n=Count("pk"), kind=Value(kind, output_field=CharField()))
            .values_list(field, "kind", "n")
        )

    rows = grouped(led_cases(user_ids, viewer=viewer), "lead_professional_id", LEAD).union(
        grouped(open_actions(user_ids, viewer=viewer), "owner_id", ACTION),
        grouped(feedback_owed(user_ids, viewer=viewer), "lead_professional_id", FEEDBACK),
        all=True,
    )
    found: dict[int, list[WorkCount]] = {}
    for user_id, kind, n in sorted(rows, key=lambda row: KINDS.index(row[1])):
        found.setdefault(user_id, []).append(WorkCount(kind, n, _phrase(kind, n)))
    return found


def reassign_url(actor, user) -> str | None:
    """The page where the actor moves the user's work, if they may (registered with met.open_work)."""
    if not may_reassign_work(actor) or not work_owners_visible_to(actor).filter(pk=user.pk).exists():
        return None
    return reverse("open_work", args=[user.pk])


@dataclass
class OpenWork:
    """One person's open work, each list ready for a page."""

    cases: list[Case]
    actions: list[Action]
    feedback: list[Feedback]

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.actions) + len(self.feedback)

    def keys(self) -> list[str]:
        """Each item as "kind:id", the form in which a confirmation page names what it showed."""
        return (
            [f"{LEAD}:{c.pk}" for c in self.cases]
            + [f"{ACTION}:{a.pk}" for a in self.actions]
            + [f"{FEEDBACK}:{f.pk}" for f in self.feedback]
        )


def open_work_of(user, *, viewer=None) -> OpenWork:
    """Three queries: the cases, actions and feedback with what their pages show (of the viewer's areas)."""
    return OpenWork(
        cases=list(
            led_cases([user.pk], viewer=viewer)
            .select_related("child", "lead_agency")
            .prefetch_related("agencies_involved")
            .order_by("pk")
        ),
        actions=list(
            open_actions([user.pk], viewer=viewer)
            .select_related("case__child", "case__lead_agency", "meeting")
            .prefetch_related("case__agencies_involved")
            .order_by("due_date", "pk")
        ),
        feedback=list(
            feedback_owed([user.pk], viewer=viewer)
            .select_related("case__child", "case__lead_agency", "meeting")
            .prefetch_related("case__agencies_involved")
            .order_by("due_date", "pk")
        ),
    )


def home_panel(user) -> dict | None:
    """On the coordinator's and agency admins' home page, while someone who has left still owns work."""
    if not may_reassign_work(user):
        return None
    found = counts(work_owners_visible_to(user).filter(is_active=False).values("pk"), viewer=user)
    return {"leavers_with_work": len(found)} if found else None
