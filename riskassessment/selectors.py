"""What the case page shows about risk, in a fixed number of queries."""

from cases.models import Case
from riskassessment.models import Assessment, Referral, RiskHistory
from riskassessment.services import suggested_providers


def case_risk_summary(case: Case) -> dict:
    return {
        "assessments": list(
            Assessment.objects.filter(case=case).select_related("created_by", "tool").order_by("-created_at", "-pk")[:5]
        ),
        "risk_history": list(RiskHistory.objects.filter(case=case).select_related("changed_by")[:10]),
        "referrals": list(Referral.objects.filter(case=case).select_related("provider", "referred_by")),
        "suggested_providers": suggested_providers(case.risk_level),
    }
