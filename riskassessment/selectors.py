"""What the case page shows about risk, in a fixed number of queries."""

from cases.extensions import case_has
from cases.models import Case
from met import rawsql
from riskassessment.models import Assessment, Referral, RiskHistory
from riskassessment.services import suggested_providers

# What the panel shows of the person who changed the level: a field shown later must be added here, or
# each change reads its person alone (tests/cases/test_query_counts.py).
HISTORY_RELATED = {"changed_by": ("full_name",)}


def case_risk_summary(case: Case) -> dict:
    # The assessments and the history with met.rawsql.select (see why there); referrals, usually none,
    # with prefetch_related. A panel the case has nothing for reads nothing (cases.extensions.with_case_facts).
    referrals = Referral.objects.filter(case=case).prefetch_related("provider", "referred_by")
    return {
        "assessments": rawsql.select(Assessment, where={"case": case.pk}, order_by=("-created_at", "-pk"), limit=5)
        if case_has(case, "assessments")
        else [],
        "risk_history": rawsql.select(RiskHistory, where={"case": case.pk}, limit=10, related=HISTORY_RELATED)
        if case_has(case, "risk_history")
        else [],
        "referrals": list(referrals) if case_has(case, "referrals") else [],
        "suggested_providers": suggested_providers(case.risk_level, case.area_id),
    }
