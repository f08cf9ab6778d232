"""What the case page shows about risk, in a fixed number of queries."""

from cases.extensions import case_has
from cases.models import Case
from riskassessment.models import Assessment, Referral, RiskHistory
from riskassessment.services import suggested_providers


def case_risk_summary(case: Case) -> dict:
    # Related rows the panel names are read with prefetch_related, not joined: referrals are usually
    # none, and building a join of the wide user table took longer than running the query (issue 14).
    # A panel the case has nothing for reads nothing (cases.extensions.with_case_facts).
    assessments = Assessment.objects.filter(case=case).order_by("-created_at", "-pk")[:5]
    history = RiskHistory.objects.filter(case=case).prefetch_related("changed_by")[:10]
    referrals = Referral.objects.filter(case=case).prefetch_related("provider", "referred_by")
    return {
        "assessments": list(assessments) if case_has(case, "assessments") else [],
        "risk_history": list(history) if case_has(case, "risk_history") else [],
        "referrals": list(referrals) if case_has(case, "referrals") else [],
        "suggested_providers": suggested_providers(case.risk_level, case.area_id),
    }
