"""The monthly report counts high-risk or frequently missing open cases at the period's end without an agreed
safety plan, or with one past its review date (reporting/metrics.py, cases/safety_plan.py's rule)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cases.models import RiskLevel, SafetyPlan
from cases.services import safety_plans
from reporting import metrics, tables
from tests.cases import COORDINATOR, agency, user
from tests.factories import CaseFactory, MissingEpisodeFactory, RiskHistoryFactory

LONDON = ZoneInfo("Europe/London")
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)


def high_case():
    case = CaseFactory(opened_at=at(date(2026, 9, 1)), risk_level=RiskLevel.HIGH)
    RiskHistoryFactory(case=case, to_level=RiskLevel.HIGH, changed_at=at(date(2026, 9, 2)))
    return case


def plan(case, *, review_date: date, recorded: date):
    made = safety_plans.safety_plan_agree(
        actor=user(COORDINATOR),
        case=case,
        based_on=case.safety_plans.filter(is_current=True).values_list("number", flat=True).first() or 0,
        measures=[{"what": "Check in", "who": "Sam", "agency": agency("Police"), "by_when": review_date}],
        agreed_on=date(2026, 9, 10),
        agreed_at="meog",
        review_date=review_date,
    )
    SafetyPlan.objects.filter(pk=made.pk).update(recorded_at=at(recorded))


def test_it_counts_cases_without_a_plan_and_with_a_plan_past_review_at_the_period_end(demo_data):
    no_plan = high_case()  # noqa: F841 - counted as without a plan
    overdue = high_case()
    plan(overdue, review_date=date(2026, 11, 29), recorded=date(2026, 9, 10))
    on_last_day = high_case()
    plan(on_last_day, review_date=date(2026, 11, 30), recorded=date(2026, 9, 10))
    agreed_later = high_case()  # its plan came in December: still without one at November's end
    plan(agreed_later, review_date=date(2027, 1, 31), recorded=date(2026, 12, 2))
    frequent = CaseFactory(opened_at=at(date(2026, 9, 1)), risk_level=RiskLevel.LOW)
    for day in (3, 10, 17):
        MissingEpisodeFactory(case=frequent, kind="missing", went_missing_at=at(date(2026, 11, day)))
    closed = high_case()
    closed.closed_at, closed.status = at(date(2026, 11, 15)), "closed"
    closed.save()
    low = CaseFactory(opened_at=at(date(2026, 9, 1)), risk_level=RiskLevel.LOW)  # noqa: F841 - not counted

    figures = metrics.safety_plans_missing(DEC)

    assert figures == {"no_plan": 3, "review_overdue": 1}  # no_plan, agreed_later, frequent; overdue
    table = next(t for t in tables.build({**metrics.compute(NOV, DEC)}) if t.slug == "safety_plans")
    assert table.rows == [["Without an agreed safety plan", 3], ["Safety plan past its review date", 1]]


def test_it_leaves_the_table_out_of_reports_stored_before_safety_plans(demo_data):
    data = metrics.compute(NOV, DEC)
    del data["safety_plans"]
    assert "safety_plans" not in {t.slug for t in tables.build(data)}
