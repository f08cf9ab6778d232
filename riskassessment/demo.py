"""Demo risk assessments: each demo case's level comes from a confirmed SERAF, as in real life."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from cases.models import Case, RiskLevel
from riskassessment import services
from riskassessment.models import Assessment, Indicator, RiskHistory

# Answers that land in each band of SERAF v1: (vulnerabilities, moderate, significant) ticked.
RECIPES = {RiskLevel.NONE: (2, 0, 0), RiskLevel.LOW: (2, 0, 1), RiskLevel.MEDIUM: (1, 2, 2), RiskLevel.HIGH: (2, 2, 3)}


def seed_assessment(case: Case, *, level: str, author, confirmer, rng: random.Random) -> Assessment:
    today = timezone.localdate()
    assessed_on = today - timedelta(days=rng.randint(3, 100))
    indicators = {
        kind: list(Indicator.objects.filter(section__tool__is_current=True, kind=kind))
        for kind in ("vulnerability", "moderate", "significant")
    }
    counts = dict(zip(("vulnerability", "moderate", "significant"), RECIPES[level], strict=True))
    answers = [
        services.AnswerData(
            i.pk,
            True,
            "Demo evidence: seen and recorded by the lead professional.",
            assessed_on - timedelta(days=rng.randint(1, 60)) if i.time_limited else None,
        )
        for kind, count in counts.items()
        for i in rng.sample(indicators[kind], count)
    ]
    assessment = services.assessment_start(actor=author, case=case)
    services.assessment_save_draft(
        actor=author,
        assessment=assessment,
        expected_version=assessment.version,
        assessment_date=assessed_on,
        summary="",
        answers=answers,
    )
    services.assessment_submit(actor=author, assessment=Assessment.objects.get(pk=assessment.pk))
    assessment = services.assessment_confirm(
        actor=confirmer, assessment=Assessment.objects.get(pk=assessment.pk), level=level
    )
    # As if confirmed on the assessment date, so that some reviews are already due.
    due = services.review_due_for(level, assessed_on)
    when = timezone.make_aware(datetime.combine(assessed_on, time(11, 0)))
    Assessment.objects.filter(pk=assessment.pk).update(
        review_due=due, created_at=when, submitted_at=when, confirmed_at=when
    )
    RiskHistory.objects.filter(assessment=assessment).update(changed_at=when)
    Case.objects.filter(pk=case.pk).update(risk_review_due=due)
    return assessment


def seed_assessments(world: dict) -> int:
    """Back each demo case's planned risk level (from cases.demo) with a confirmed SERAF, and have the
    case opened before its first confirmed level, so the demo's history hangs together."""
    rng = random.Random(2027)  # noqa: S311 - the same demo world on every machine, not security
    plan = world.get("risk_plan", {})
    cases = Case.objects.in_bulk(list(plan))
    for case_id, (level, author, confirmer) in sorted(plan.items()):
        seed_assessment(cases[case_id], level=level, author=author, confirmer=confirmer, rng=rng)
    for case in Case.objects.filter(pk__in=list(plan)).exclude(opened_at__isnull=True):
        first_risk = RiskHistory.objects.filter(case=case).order_by("changed_at").values_list("changed_at", flat=True)
        first_risk = first_risk.first()
        if first_risk and first_risk - timedelta(hours=1) < case.opened_at:
            Case.objects.filter(pk=case.pk).update(opened_at=first_risk - timedelta(hours=1))
    return len(plan)
