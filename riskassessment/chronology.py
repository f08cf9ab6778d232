"""What risk assessment adds to a case's chronology (cases/chronology.py), registered in
RiskassessmentConfig.ready(): SERAF assessments submitted, risk levels confirmed (the risk history, which
every confirmation writes), and referrals to intervention providers. Drafts are not events. Three queries
whatever the number of events."""

from django.urls import reverse

from cases.chronology import Entry, on_day, person, short
from riskassessment.models import Assessment, AssessmentStatus, Direction, Referral, RiskHistory

KINDS = (("assessment", "SERAF assessments"), ("risk", "Risk level changes"), ("referral", "Intervention referrals"))


def entries(case, viewer) -> list[Entry]:
    result = []
    assessments = (
        Assessment.objects.filter(case=case, submitted_at__isnull=False)
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("tool", "submitted_by__agency")
    )
    for assessment in assessments:
        band = f", category {assessment.category} ({assessment.category_label})" if assessment.category else ""
        suggested = assessment.get_suggested_level_display().lower() or "none"
        result.append(
            Entry(
                assessment.submitted_at,
                "assessment",
                f"{assessment.tool.name} assessment submitted: score {assessment.score}{band}; "
                f"suggested level {suggested}.",
                *person(assessment.submitted_by),
                assessment.get_absolute_url(),
            )
        )
    for change in RiskHistory.objects.filter(case=case).select_related("changed_by__agency"):
        to_level = change.get_to_level_display().lower()
        if change.direction == Direction.SAME:
            words = f"Risk level confirmed as {to_level} (unchanged)."
        else:
            way = "up" if change.direction == Direction.UP else "down"
            words = f"Risk level confirmed as {to_level}, {way} from {change.get_from_level_display().lower()}."
        if change.reason:
            words += f" Professional judgement: {short(change.reason)}"
        url = reverse("assessment_detail", args=[change.assessment_id]) if change.assessment_id else ""
        result.append(Entry(change.changed_at, "risk", words, *person(change.changed_by), url))
    for referral in Referral.objects.filter(case=case).select_related("provider", "referred_by__agency"):
        result.append(
            Entry(
                on_day(referral.referred_on),
                "referral",
                f"Referred to {referral.provider.name} ({referral.get_outcome_display().lower()}).",
                *person(referral.referred_by),
                dated_only=True,
            )
        )
    return result
