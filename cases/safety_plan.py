"""The safety plan rule (seed 003: the MEOG monitors "all high risk cases and frequent missing ... children to
ensure risk/safety plans are agreed and being followed and recorded in police/CSC systems").

- A case needs a plan when it is open and either high risk or frequently missing (cases/missing.py's flag).
- Such a case is flagged when it has no current agreed plan, or when its current plan is past its review
  date. The review date itself is still in time: a plan due for review today is not overdue; one due
  yesterday is "overdue since" yesterday.
- Only the current version counts: a revision replaces the plan (the earlier versions stay readable, but
  an old version's review date says nothing about today).

The same rule, for one case (`plan_problem`) and for a queryset of cases (`flagged_cases`), so that the case
page, the agenda and the monthly report agree.
"""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cases.extensions import case_has
from cases.models import CaseStatus, RiskLevel, SafetyPlan, SafetyPlanMeasure

NO_PLAN = "no agreed safety plan"
REVIEW_OVERDUE = "safety plan review overdue"


def needs_plan(case) -> bool:
    return case.status == CaseStatus.OPEN and (case.risk_level == RiskLevel.HIGH or case.is_frequent_missing)


def needs_plan_filter() -> Q:
    """The cases (on Case) that need a plan: needs_plan as a database filter."""
    return Q(status=CaseStatus.OPEN) & (Q(risk_level=RiskLevel.HIGH) | Q(is_frequent_missing=True))


def current_plan(case) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(case=case, is_current=True).first()


def review_overdue(plan: SafetyPlan, today: date) -> bool:
    return plan.review_date < today


_UNREAD = object()


def plan_problem(case, today: date, plan=_UNREAD) -> str | None:
    """Why the case is flagged, or None. Pass `plan` (the current one, or None) when it is already read."""
    if not needs_plan(case):
        return None
    if plan is _UNREAD:
        plan = current_plan(case)
    if plan is None:
        return NO_PLAN
    if review_overdue(plan, today):
        return problem_text(plan.review_date)
    return None


def _in_time(today: date):
    return SafetyPlan.objects.filter(case=OuterRef("pk"), is_current=True, review_date__gte=today)


def flagged_cases(cases: QuerySet, today: date) -> QuerySet:
    """The cases of `cases` that plan_problem flags, in one query, annotated with `safety_plan_review`:
    the current plan's review date (in the past), or None when there is no agreed plan."""
    current_review = SafetyPlan.objects.filter(case=OuterRef("pk"), is_current=True).values("review_date")[:1]
    return (
        cases.filter(needs_plan_filter())
        .exclude(Exists(_in_time(today)))
        .annotate(safety_plan_review=Subquery(current_review))
    )


def problem_text(review_date: date | None) -> str:
    """plan_problem's words for a case from flagged_cases."""
    if review_date is None:
        return NO_PLAN
    return f"{REVIEW_OVERDUE} since {review_date.day} {review_date:%b %Y}"


def case_panel(case) -> dict:
    """The case page's safety plan section: the current plan with its measures, the flag, the versions."""
    versions = (
        list(SafetyPlan.objects.filter(case=case).order_by("-number").values("number", "agreed_on", "is_current"))
        if case_has(case, "safety_plans")
        else []
    )
    plan = None
    if versions and versions[0]["is_current"]:
        plan = (
            SafetyPlan.objects.filter(case=case, is_current=True)
            .prefetch_related(Prefetch("measures", SafetyPlanMeasure.objects.select_related("agency")))
            .first()
        )
    return {
        "safety_plan": {
            "plan": plan,
            "versions": versions,
            "needed": needs_plan(case),
            "problem": plan_problem(case, timezone.localdate(), plan=plan),
        }
    }
