"""meetings/agenda.py lists high-risk and frequently missing cases without a current agreed safety plan, or
with one past review on the meeting's day (cases/safety_plan.py), with that reason."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Case, RiskLevel
from cases.services import safety_plans
from meetings import agenda
from meetings.models import AgendaItem, Meeting, Section
from tests.cases import COORDINATOR, agency, make_case, user

TODAY = timezone.localdate()


def agree(case, *, review_date, based_on=0):
    return safety_plans.safety_plan_agree(
        actor=user(COORDINATOR),
        case=case,
        based_on=based_on,
        measures=[{"what": "Check in", "who": "Sam", "agency": agency("Police"), "by_when": TODAY}],
        agreed_on=min(TODAY, review_date),
        agreed_at="outside",
        review_date=review_date,
    )


def reasons(meeting, section):
    """Each case's reasons from `section`'s rules (the item itself may sit in a more urgent section: these
    cases are new, so section 1 too)."""
    found: dict[int, list[str]] = {}
    for item in AgendaItem.objects.filter(meeting=meeting):
        found[item.case_id] = [r["text"] for r in item.reasons if r["section"] == section]
    return {pk: " · ".join(texts) for pk, texts in found.items() if texts}


def test_it_lists_cases_without_an_agreed_plan_or_past_review_with_that_reason(demo_data):
    meeting_day = TODAY + timedelta(days=2)
    no_plan = make_case(risk_level=RiskLevel.HIGH)
    overdue = make_case(risk_level=RiskLevel.HIGH)
    agree(overdue, review_date=meeting_day - timedelta(days=1))
    on_the_day = make_case(risk_level=RiskLevel.HIGH)
    agree(on_the_day, review_date=meeting_day)
    frequent = make_case(risk_level=RiskLevel.LOW)
    Case.objects.filter(pk=frequent.pk).update(is_frequent_missing=True)
    low = make_case(risk_level=RiskLevel.LOW)
    meeting = Meeting.objects.create(date=meeting_day, chair=user("chair@example.org"), created_by=user(COORDINATOR))

    agenda.build(meeting)

    high = reasons(meeting, Section.HIGH_RISK)
    assert "no agreed safety plan" in high[no_plan.pk]
    day = meeting_day - timedelta(days=1)
    assert f"safety plan review overdue since {day.day} {day:%b %Y}" in high[overdue.pk]
    assert "safety plan" not in high[on_the_day.pk]  # listed as high risk, the plan in time
    missing = reasons(meeting, Section.MISSING)
    assert "no agreed safety plan" in missing[frequent.pk]
    assert low.pk not in high and low.pk not in missing


def test_it_drops_the_reason_once_a_plan_is_agreed_and_the_agenda_rebuilt(demo_data):
    case = make_case(risk_level=RiskLevel.HIGH)
    meeting = Meeting.objects.create(
        date=TODAY + timedelta(days=1), chair=user("chair@example.org"), created_by=user(COORDINATOR)
    )
    agenda.build(meeting)
    assert "no agreed safety plan" in reasons(meeting, Section.HIGH_RISK)[case.pk]
    agree(case, review_date=TODAY + timedelta(days=28))
    agenda.build(meeting)
    assert "safety plan" not in reasons(meeting, Section.HIGH_RISK)[case.pk]
