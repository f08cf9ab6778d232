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
