"""cases/safety_plan.py: which cases need a safety plan and when they are flagged; agreeing and revising a
plan (a new version each time, the earlier kept); the pages, who may use them, and their audit."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import safety_plan
from cases.models import Case, CaseStatus, RiskLevel, SafetyPlan
from cases.services import safety_plans as services
from met.models import AuditEvent
from tests.cases import COORDINATOR, HEALTH, POLICE, SCHOOL, agency, make_case, text, user

TODAY = timezone.localdate()


def measure(**fields):
    return {
        "what": "Daily check-in call after school",
        "who": "Sam Reed",
        "agency": agency("Police"),
        "by_when": TODAY + timedelta(days=14),
        **fields,
    }


def agree(case, *, based_on=0, agreed_on=None, review_date=None, actor=None, measures=None, **fields):
    agreed_on = agreed_on or TODAY
    return services.safety_plan_agree(
        actor=actor or user(COORDINATOR),
        case=case,
        based_on=based_on,
        measures=measures if measures is not None else [measure()],
        agreed_on=agreed_on,
        agreed_at="meog",
        review_date=review_date or agreed_on + timedelta(days=28),
        **fields,
    )


def high_risk_case(**kw):
    return make_case(risk_level=RiskLevel.HIGH, **kw)


def form_post(*, based_on=0, agreed_on=None, review_date=None, measures=None, **fields):
    """What the plan form sends: dates as single ISO values (the date field also reads those)."""
    agreed_on = agreed_on or TODAY
    review_date = review_date or agreed_on + timedelta(days=28)
    rows = measures if measures is not None else [{"what": "Check in daily", "who": "Sam Reed", "by_when": TODAY}]
    data = {
        "based_on": str(based_on),
        "agreed_on": agreed_on.isoformat(),
        "agreed_at": "meog",
        "meeting_note": "",
        "review_date": review_date.isoformat(),
        "child_views": "I want to stay at school.",
        "carers_views": "",
        "police_reference": "PND-1",
        "csc_reference": "",
        "change_note": "",
        "measure-TOTAL_FORMS": str(max(len(rows), 3)),
        "measure-INITIAL_FORMS": "0",
        "measure-MIN_NUM_FORMS": "0",
        "measure-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, row in enumerate(rows):
        data[f"measure-{i}-what"] = row.get("what", "")
        data[f"measure-{i}-who"] = row.get("who", "")
        data[f"measure-{i}-agency"] = str(row["agency"].pk) if "agency" in row else str(agency("Police").pk)
        data[f"measure-{i}-by_when"] = row["by_when"].isoformat() if row.get("by_when") else ""
    return data


# --- the rule -----------------------------------------------------------------------------------


def test_it_needs_a_plan_for_open_high_risk_or_frequently_missing_cases_only(demo_data):
    high = high_risk_case()
    frequent = make_case()
    Case.objects.filter(pk=frequent.pk).update(is_frequent_missing=True, risk_level=RiskLevel.LOW)
    low = make_case(risk_level=RiskLevel.LOW)
    closed = high_risk_case(status=CaseStatus.CLOSED)
    referred = make_case(status=CaseStatus.REFERRED)
    Case.objects.filter(pk=referred.pk).update(risk_level=RiskLevel.HIGH)
    cases = {c.pk: Case.objects.get(pk=c.pk) for c in (high, frequent, low, closed, referred)}
    assert {pk for pk, c in cases.items() if safety_plan.needs_plan(c)} == {high.pk, frequent.pk}
    assert safety_plan.plan_problem(cases[high.pk], TODAY) == "no agreed safety plan"
    assert safety_plan.plan_problem(cases[frequent.pk], TODAY) == "no agreed safety plan"
    assert safety_plan.plan_problem(cases[low.pk], TODAY) is None
    assert safety_plan.plan_problem(cases[closed.pk], TODAY) is None
    flagged = set(safety_plan.flagged_cases(Case.objects.all(), TODAY).values_list("pk", flat=True))
    assert flagged == {high.pk, frequent.pk}


def test_it_is_in_time_on_the_review_date_and_overdue_the_day_after(demo_data):
    case = high_risk_case()
    agree(case, agreed_on=TODAY - timedelta(days=30), review_date=TODAY)
    assert safety_plan.plan_problem(case, TODAY) is None
    assert not safety_plan.flagged_cases(Case.objects.filter(pk=case.pk), TODAY).exists()
    tomorrow = TODAY + timedelta(days=1)
    expected = f"safety plan review overdue since {TODAY.day} {TODAY:%b %Y}"
    assert safety_plan.plan_problem(case, tomorrow) == expected
    [row] = safety_plan.flagged_cases(Case.objects.filter(pk=case.pk), tomorrow)
    assert safety_plan.problem_text(row.safety_plan_review) == expected


def test_it_clears_the_flag_when_a_plan_is_agreed_and_again_when_the_overdue_plan_is_revised(demo_data):
    case = high_risk_case()
    assert safety_plan.plan_problem(case, TODAY) == "no agreed safety plan"
    first = agree(case, agreed_on=TODAY - timedelta(days=40), review_date=TODAY - timedelta(days=1))
    assert safety_plan.plan_problem(case, TODAY).startswith("safety plan review overdue since")
    agree(case, based_on=first.number, review_date=TODAY + timedelta(days=28))
    assert safety_plan.plan_problem(case, TODAY) is None
    assert not safety_plan.flagged_cases(Case.objects.filter(pk=case.pk), TODAY).exists()


def test_it_keeps_the_previous_version_readable_when_revised(demo_data):
    case = high_risk_case()
    first = agree(case, measures=[measure(what="First measure")], police_reference="PND-1")
    second = agree(case, based_on=1, measures=[measure(what="Second measure")], change_note="Moved school")
    first.refresh_from_db()
    assert (first.number, first.is_current, second.number, second.is_current) == (1, False, 2, True)
    assert [m.what for m in first.measures.all()] == ["First measure"]
    assert first.police_reference == "PND-1"
    assert SafetyPlan.objects.filter(case=case).count() == 2


def test_it_refuses_a_revision_built_on_an_older_version_and_writes_nothing(demo_data):
    case = high_risk_case()
    agree(case)
    agree(case, based_on=1)
    with pytest.raises(services.ValidationError) as refused:
        agree(case, based_on=1, measures=[measure(what="Stale")])
    assert refused.value.code == services.CONFLICT
    assert SafetyPlan.objects.filter(case=case).count() == 2
    assert SafetyPlan.objects.get(case=case, is_current=True).number == 2


def test_it_refuses_a_plan_without_measures_or_reviewed_before_it_was_agreed(demo_data):
    case = high_risk_case()
    with pytest.raises(services.ValidationError) as no_measures:
        agree(case, measures=[])
    assert "at least one agreed measure" in str(no_measures.value)
    with pytest.raises(services.ValidationError) as early:
        agree(case, agreed_on=TODAY, review_date=TODAY - timedelta(days=1))
    assert early.value.message_dict["review_date"] == ["Review date cannot be before the date the plan was agreed."]
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_it_refuses_a_plan_on_a_closed_case(demo_data):
    case = high_risk_case(status=CaseStatus.CLOSED)
    with pytest.raises(services.ValidationError, match="The case is closed"):
        agree(case)
    assert not SafetyPlan.objects.exists()


def test_it_audits_agreeing_and_revising(demo_data):
    case = high_risk_case()
    agree(case)
    agree(case, based_on=1)
    events = AuditEvent.objects.filter(child_id=case.child_id, action__startswith="safety_plan.").order_by("pk")
    assert [e.action for e in events] == ["safety_plan.agree", "safety_plan.revise"]
    assert events[1].detail["version"] == 2


def test_it_finds_flagged_cases_in_one_query_however_many(demo_data):
    for _ in range(4):
        high_risk_case()
    with CaptureQueriesContext(connection) as queries:
        rows = list(safety_plan.flagged_cases(Case.objects.all(), TODAY))
    assert len(rows) == 4 and len(queries) == 1


# --- the pages ----------------------------------------------------------------------------------


def test_it_agrees_a_plan_from_the_form_and_shows_it_on_the_case_page(demo_data, login):
    case = high_risk_case(agencies=("Police", "Health"))
    client = login(user(POLICE))
    page = text(client.get(case.get_absolute_url()))
    assert "No agreed safety plan" in page and "Record an agreed safety plan" in page
    assert client.get(reverse("safety_plan_edit", args=[case.pk])).status_code == 200
    response = client.post(reverse("safety_plan_edit", args=[case.pk]), form_post())
    assert response.status_code == 302, text(response)
    plan = SafetyPlan.objects.get(case=case)
    assert (plan.number, plan.recorded_by, plan.police_reference) == (1, user(POLICE), "PND-1")
    assert [(m.what, m.who, m.agency.short_name) for m in plan.measures.all()] == [
        ("Check in daily", "Sam Reed", "Police")
    ]
    page = text(client.get(case.get_absolute_url()))
    assert "No agreed safety plan" not in page and "Revise the safety plan" in page
    assert "Check in daily" in page


def test_it_revises_from_the_prefilled_form_and_lists_both_versions(demo_data, login):
    case = high_risk_case()
    agree(case, measures=[measure(what="Old measure")])
    client = login(user(COORDINATOR))
    form = text(client.get(reverse("safety_plan_edit", args=[case.pk])))
    assert "Old measure" in form and 'name="based_on"' in form
    response = client.post(
        reverse("safety_plan_edit", args=[case.pk]),
        form_post(based_on=1, measures=[{"what": "New measure", "who": "Ann", "by_when": TODAY}]),
    )
    assert response.status_code == 302
    page = text(client.get(reverse("safety_plan_detail", args=[case.pk])))
    assert "New measure" in page and "Version 1" in page and "Current" in page
    old = text(client.get(reverse("safety_plan_detail", args=[case.pk]) + "?version=1"))
    assert "Old measure" in old and "has been replaced" in old


def test_it_answers_409_to_a_stale_form(demo_data, login):
    case = high_risk_case()
    agree(case)
    response = login(user(COORDINATOR)).post(reverse("safety_plan_edit", args=[case.pk]), form_post(based_on=0))
    assert response.status_code == 409
    assert "was agreed by someone else" in text(response)
    assert SafetyPlan.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"review_date": TODAY - timedelta(days=1)}, "Review date cannot be before the date the plan was agreed."),
        ({"measures": []}, "Add at least one agreed measure"),
        ({"measures": [{"what": "Half a row", "by_when": TODAY}]}, "Measure 1: enter who (person)."),
        ({"agreed_on": TODAY + timedelta(days=3)}, "Date agreed must be between"),
        ({"based_on": "x"}, "Version the plan is based on is not a number"),
    ],
)
def test_it_refuses_bad_input_with_a_message_naming_the_field(demo_data, login, changes, message):
    case = high_risk_case()
    data = form_post(**{k: v for k, v in changes.items() if k in ("review_date", "measures", "agreed_on")})
    if "based_on" in changes:
        data["based_on"] = changes["based_on"]
    response = login(user(COORDINATOR)).post(reverse("safety_plan_edit", args=[case.pk]), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_it_lets_only_those_who_may_change_the_case_agree_a_plan(demo_data, login):
    case = high_risk_case(agencies=("Police",))
    Case.objects.filter(pk=case.pk).update()
    url = reverse("safety_plan_edit", args=[case.pk])
    # The school practitioner's agency is not involved: the case is not theirs to see.
    assert login(user(SCHOOL)).get(url).status_code == 404
    assert login(user(SCHOOL)).post(url, form_post()).status_code == 404
    assert login(user(SCHOOL)).get(reverse("safety_plan_detail", args=[case.pk])).status_code == 404
    assert login(user(POLICE)).get(url).status_code == 200
    assert not SafetyPlan.objects.exists()


def test_it_shows_a_missing_version_as_not_found(demo_data, login):
    case = high_risk_case()
    agree(case)
    client = login(user(COORDINATOR))
    base = reverse("safety_plan_detail", args=[case.pk])
    assert client.get(base + "?version=7").status_code == 404
    assert client.get(base + "?version=abc").status_code == 404
    assert client.get(base + "?version=1").status_code == 200


def test_it_audits_reading_the_plan_and_its_form(demo_data, login):
    case = high_risk_case(agencies=("Police", "Health"))
    agree(case)
    client = login(user(HEALTH))
    client.get(reverse("safety_plan_detail", args=[case.pk]))
    client.get(reverse("safety_plan_detail", args=[case.pk]) + "?version=1")
    client.get(reverse("safety_plan_edit", args=[case.pk]))
    pages = list(
        AuditEvent.objects.filter(actor=user(HEALTH), child_id=case.child_id, action="case.view")
        .order_by("pk")
        .values_list("detail__page", flat=True)
    )
    assert pages == ["safety_plan", "safety_plan_version_1", "safety_plan_edit"]
