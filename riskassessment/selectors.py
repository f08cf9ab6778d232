"""What the case page shows about risk, in a fixed number of queries."""

from cases.models import Case
from riskassessment.models import Assessment, Referral, RiskHistory
from riskassessment.services import suggested_providers


def case_risk_summary(case: Case) -> dict:
    # Related rows the panel names are read with prefetch_related, not joined: referrals are usually
    # none, and building a join of the wide user table took longer than running the query (issue 14).
    return {
        "assessments": list(Assessment.objects.filter(case=case).order_by("-created_at", "-pk")[:5]),
        "risk_history": list(RiskHistory.objects.filter(case=case).prefetch_related("changed_by")[:10]),
        "referrals": list(Referral.objects.filter(case=case).prefetch_related("provider", "referred_by")),
        "suggested_providers": suggested_providers(case.risk_level),
    }
