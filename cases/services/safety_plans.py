"""Writes for safety plans (issue 16, part 1): agreeing a plan, and revising it as a new version."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case, CaseStatus, SafetyPlan, SafetyPlanMeasure
from cases.services._versions import CONFLICT as CONFLICT  # the views tell a conflict by it
from cases.services._versions import supersede
from met.audit import audit

PLAN_FIELDS = (
    "agreed_on",
    "agreed_at",
    "meeting_note",
    "review_date",
    "child_views",
    "carers_views",
    "police_reference",
    "csc_reference",
    "change_note",
)


def _check(*, case: Case, agreed_on: date, review_date: date, measures: list[dict]) -> None:
    errors: dict[str, list[str]] = {}
    if case.status == CaseStatus.CLOSED:
        errors.setdefault("__all__", []).append("The case is closed: reopen it before agreeing a safety plan.")
    if agreed_on > timezone.localdate():
        errors.setdefault("agreed_on", []).append("Date agreed cannot be in the future.")
    if review_date < agreed_on:
        errors.setdefault("review_date", []).append("Review date cannot be before the date the plan was agreed.")
    if not measures:
        errors.setdefault("__all__", []).append(
            "Add at least one agreed measure: what, who (person and agency) and by when."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def safety_plan_agree(
    *, actor, case: Case, based_on: int, measures: list[dict], request: HttpRequest | None = None, **fields
) -> SafetyPlan:
    """Record a plan agreed for the case: its first version, or a revision that becomes the current one.

    `based_on` is the version the person started from (0 for none): if someone has agreed a newer one
    meanwhile, nothing is written and the ValidationError's code is "conflict". The earlier version
    stays as it was, no longer current.
    """
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unexpected safety plan fields: {sorted(unknown)}")
    _check(case=case, agreed_on=fields["agreed_on"], review_date=fields["review_date"], measures=measures)
    # Locks the case's plans: two people agreeing at once get versions n+1 and a conflict, never two current.
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    current, number = supersede(
        SafetyPlan,
        case=case,
        based_on=based_on,
        conflict="Version {number} of this safety plan was agreed by someone else while you were working. "
        "Your changes were not saved: read the current plan and revise it again.",
    )
    plan = SafetyPlan.objects.create(case=case, number=number, is_current=True, recorded_by=actor, **fields)
    SafetyPlanMeasure.objects.bulk_create(
        SafetyPlanMeasure(
            plan=plan,
            order=order,
            what=m["what"],
            who=m["who"],
            agency=m["agency"],
            by_when=m["by_when"],
        )
        for order, m in enumerate(measures, start=1)
    )
    audit(
        actor=actor,
        action="safety_plan.revise" if current else "safety_plan.agree",
        obj=plan,
        child_id=case.child_id,
        request=request,
        detail={"case": case.pk, "version": plan.number, "measures": len(measures)},
    )
    return plan
