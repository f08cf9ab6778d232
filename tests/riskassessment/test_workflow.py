"""Draft → submitted → confirmed, through the pages, with the rules the issue asks for."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Category, RiskLevel
from met.models import AuditEvent
from riskassessment import definition, services
from riskassessment.models import Assessment, AssessmentStatus, Indicator, RiskHistory, ToolVersion


@pytest.fixture
def world(demo_data):
    police = demo_data["practitioner.police@example.org"]
    coordinator = demo_data["coordinator@example.org"]
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=police,
        new_child={"first_name": "Isla", "last_name": "Pebbleby"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    case = case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )
    return {"case": case, **demo_data}


def indicator(code):
    return Indicator.objects.get(code=code, section__tool__is_current=True)


def form_data(assessment, ticks, *, action="save", when=None):
    """ticks: {code: (evidence, last_seen, previous_seen)}"""
    data = {
        "version": assessment.version,
        "assessment_date": (when or timezone.localdate()).isoformat(),
        "summary": "",
        "action": action,
    }
    for code, (evidence, last, previous) in ticks.items():
        pk = indicator(code).pk
        data[f"ind_{pk}_present"] = "on"
        data[f"ind_{pk}_evidence"] = evidence
        if last:
            data[f"ind_{pk}_last_seen"] = last.isoformat()
        if previous:
            data[f"ind_{pk}_previous_seen"] = previous.isoformat()
    return data


TODAY = timezone.localdate()
# 1 + 1 + 1 (vulnerabilities) + 1 + 1 (moderate) + 5 (significant, current) = 10 → category 2, low.
LOW_TEN = {
    "low-self-esteem": ("Says nobody cares", None, None),
    "isolated": ("No friends at school", None, None),
    "family-breakdown": ("Moved out of mum's", None, None),
    "staying-out-late": ("Out until 2am", TODAY - timedelta(days=10), None),
    "phone-use": ("Second phone", TODAY - timedelta(days=30), None),
    "cars-unknown-adults": ("Seen in a car", TODAY - timedelta(days=5), None),
}


def test_it_runs_the_whole_workflow_as_in_the_issue(world, login):
    case, police, coordinator = (
        world["case"],
        world["practitioner.police@example.org"],
        world["coordinator@example.org"],
    )
    officer = login(police)

    response = officer.post(reverse("assessment_start", args=[case.pk]))
    assessment = Assessment.objects.get(case=case)
    assert response.url == reverse("assessment_edit", args=[assessment.pk])

    response = officer.post(
        reverse("assessment_edit", args=[assessment.pk]), form_data(assessment, LOW_TEN, action="submit")
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.score, assessment.category, assessment.suggested_level) == (
        "submitted",
        10,
        2,
        "low",
    )

    # The coordinator confirms one level higher, with a reason.
    response = login(coordinator).post(
        reverse("assessment_confirm", args=[assessment.pk]),
        {"level": "medium", "reason": "Escalating contact with older males this week."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.MEDIUM
    assert case.risk_review_due == TODAY + timedelta(weeks=8)
    history = RiskHistory.objects.get(case=case)
    assert (history.from_level, history.to_level, history.direction, history.assessment) == (
        "not_assessed",
        "medium",
        "up",
        assessment,
    )

    page = officer.get(case.get_absolute_url()).content.decode()
    assert "Current level: <strong>Medium</strong>" in page
    assert "Not yet assessed → <strong>Medium</strong>" in page
    assert "Asphaleia" in page and "Barnardo" in page  # the providers for medium risk


def test_it_needs_a_reason_to_confirm_a_level_other_than_the_suggested_one(world, login):
    assessment = _submitted(world)
    response = login(world["coordinator@example.org"]).post(
        reverse("assessment_confirm", args=[assessment.pk]), {"level": "high", "reason": ""}
    )
    assert response.status_code == 400
    assert "Record the professional judgement" in response.content.decode()
    world["case"].refresh_from_db()
    assert world["case"].risk_level == RiskLevel.NOT_ASSESSED


def test_it_confirms_the_suggested_level_without_a_reason(world, login):
    assessment = _submitted(world)
    response = login(world["chair@example.org"]).post(
        reverse("assessment_confirm", args=[assessment.pk]), {"level": "low"}
    )
    assert response.status_code == 302
    world["case"].refresh_from_db()
    assert world["case"].risk_level == RiskLevel.LOW


def test_it_lets_only_coordinators_and_chairs_confirm(world, login):
    assessment = _submitted(world)
    response = login(world["practitioner.police@example.org"]).post(
        reverse("assessment_confirm", args=[assessment.pk]), {"level": "low"}
    )
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_it_hides_assessments_of_cases_the_user_cannot_see(world, login):
    assessment = _submitted(world)
    school = login(world["practitioner.school@example.org"])
    for name in ("assessment_detail", "assessment_edit", "assessment_pdf"):
        assert school.get(reverse(name, args=[assessment.pk])).status_code == 404
    assert school.post(reverse("assessment_start", args=[world["case"].pk])).status_code == 404


def test_it_makes_a_submitted_assessment_read_only(world, login):
    assessment = _submitted(world)
    officer = login(world["practitioner.police@example.org"])
    assert officer.get(reverse("assessment_edit", args=[assessment.pk])).status_code == 403
    response = officer.post(reverse("assessment_edit", args=[assessment.pk]), form_data(assessment, {}))
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.score == 10


def test_it_starts_a_new_assessment_as_a_copy_of_the_last(world, login):
    first = _submitted(world)
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    second = Assessment.objects.exclude(pk=first.pk).get()
    assert second.copied_from == first
    assert second.score == first.score
    assert {a.indicator.code for a in second.answers.filter(present=True)} == set(LOW_TEN)


def test_it_saves_an_incomplete_draft_but_refuses_to_submit_it(world, login):
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    assessment = Assessment.objects.get()
    incomplete = {"cars-unknown-adults": ("", None, None)}
    assert (
        officer.post(reverse("assessment_edit", args=[assessment.pk]), form_data(assessment, incomplete)).status_code
        == 302
    )
    assessment.refresh_from_db()
    response = officer.post(
        reverse("assessment_edit", args=[assessment.pk]), form_data(assessment, incomplete, action="submit")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "give the evidence for ticking it" in page
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_it_recomputes_the_score_on_the_server(world, login):
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    assessment = Assessment.objects.get()
    data = form_data(assessment, LOW_TEN)
    data["score"] = "99"  # whatever the browser claims
    officer.post(reverse("assessment_edit", args=[assessment.pk]), data)
    assessment.refresh_from_db()
    assert assessment.score == 10


def test_it_shows_the_live_score_without_saving(world, login):
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    assessment = Assessment.objects.get()
    response = officer.post(reverse("assessment_score", args=[assessment.pk]), form_data(assessment, LOW_TEN))
    assert response.status_code == 200
    assert '<span class="met-figure">10</span>' in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.score == 0


@pytest.mark.parametrize(
    ("ticks", "when", "message"),
    [
        ({"staying-out-late": ("x", TODAY + timedelta(days=1), None)}, None, "cannot be after the assessment date"),
        (
            {"staying-out-late": ("x", TODAY - timedelta(days=3), None)},
            TODAY - timedelta(days=5),
            "cannot be after the assessment date",
        ),
        ({}, TODAY + timedelta(days=2), "cannot be in the future"),
        (
            {"cars-unknown-adults": ("x", TODAY - timedelta(days=300), TODAY - timedelta(days=5))},
            None,
            "earlier occurrence must be before",
        ),
    ],
)
def test_it_refuses_impossible_dates(world, login, ticks, when, message):
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    assessment = Assessment.objects.get()
    response = officer.post(reverse("assessment_edit", args=[assessment.pk]), form_data(assessment, ticks, when=when))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not assessment.answers.exists()


def test_it_refuses_indicator_ids_from_another_tool_version(world, login):
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    assessment = Assessment.objects.get()
    other = _publish_v2(world["sysadmin@example.org"])
    foreign = Indicator.objects.filter(section__tool=other).first()
    data = form_data(assessment, LOW_TEN)
    data[f"ind_{foreign.pk}_present"] = "on"
    response = officer.post(reverse("assessment_edit", args=[assessment.pk]), data)
    assert response.status_code == 400
    assert "does not match this assessment" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.score == 0


def test_it_scores_old_assessments_with_their_own_tool_version(world, login):
    old = _submitted(world)
    v2 = _publish_v2(world["sysadmin@example.org"])
    assert ToolVersion.objects.get(is_current=True) == v2
    # Re-scoring the old answers uses v1's rules (significant = 5), not v2's (significant = 10).
    result = services.compute(old.tool, services.answers_of(old), old.assessment_date)
    assert result.score == 10
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    new = Assessment.objects.exclude(pk=old.pk).get()
    assert new.tool == v2
    assert new.score == 15  # the copied answers, scored by v2


def test_it_lets_a_system_admin_publish_a_version_in_the_app(world, login):
    data = definition.seraf_v1()
    data["version"] = "2"
    admin = login(world["sysadmin@example.org"])
    response = admin.post(reverse("tool_versions"), {"definition": json.dumps(data)})
    assert response.status_code == 302
    assert ToolVersion.objects.get(is_current=True).version == "2"
    bad = admin.post(reverse("tool_versions"), {"definition": json.dumps({**data, "version": "3", "bands": []})})
    assert bad.status_code == 400
    assert "bands" in bad.content.decode()
    assert login(world["coordinator@example.org"]).get(reverse("tool_versions")).status_code == 403


def test_it_audits_reads_and_the_pdf(world, login):
    assessment = _submitted(world)
    officer = login(world["practitioner.police@example.org"])
    assert officer.get(reverse("assessment_detail", args=[assessment.pk])).status_code == 200
    response = officer.get(reverse("assessment_pdf", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    actions = list(
        AuditEvent.objects.filter(
            child_id=world["case"].child_id, actor=world["practitioner.police@example.org"]
        ).values_list("action", flat=True)
    )
    assert "assessment.view" in actions and "assessment.pdf" in actions


def test_it_uses_the_review_interval_a_system_admin_sets(world, login):
    login(world["sysadmin@example.org"]).post(reverse("review_intervals"), {"high": 2, "medium": 8, "low": 12})
    assessment = _submitted(world)
    services.assessment_confirm(
        actor=world["chair@example.org"], assessment=assessment, level="high", reason="Serious incident"
    )
    assessment.refresh_from_db()
    assert assessment.review_due == TODAY + timedelta(weeks=2)


def _submitted(world):
    police = world["practitioner.police@example.org"]
    assessment = services.assessment_start(actor=police, case=world["case"])
    answers = [
        services.AnswerData(indicator(code).pk, True, evidence, last, previous)
        for code, (evidence, last, previous) in LOW_TEN.items()
    ]
    services.assessment_save_draft(
        actor=police,
        assessment=assessment,
        expected_version=assessment.version,
        assessment_date=TODAY,
        summary="",
        answers=answers,
    )
    assessment.refresh_from_db()
    return services.assessment_submit(actor=police, assessment=assessment)


def _publish_v2(sysadmin):
    data = definition.seraf_v1()
    data["version"] = "2"
    for section in data["sections"]:
        for item in section["indicators"]:
            if item["kind"] == "significant":
                item["points_current"] = 10
    return services.tool_publish(actor=sysadmin, data=data)


def test_it_lets_a_system_admin_manage_providers_and_suggests_them_by_level(world, login):
    admin = login(world["sysadmin@example.org"])
    response = admin.post(
        reverse("provider_create"),
        {"name": "Example Youth Project", "description": "", "levels": ["low"], "is_active": "on"},
    )
    assert response.status_code == 302
    assert [p.name for p in services.suggested_providers("low")] == ["Asphaleia", "Example Youth Project"]
    assert [p.name for p in services.suggested_providers("high")] == ["Barnardo's", "Lifecentre"]
    assert admin.post(reverse("provider_create"), {"name": "No levels"}).status_code == 400
    assert login(world["coordinator@example.org"]).get(reverse("provider_create")).status_code == 403


def test_it_refuses_a_mistyped_year_instead_of_crashing(world, login):
    officer = login(world["practitioner.police@example.org"])
    officer.post(reverse("assessment_start", args=[world["case"].pk]))
    assessment = Assessment.objects.get()
    data = form_data(assessment, LOW_TEN)
    data["assessment_date"] = "0001-01-01"
    for url in (reverse("assessment_edit", args=[assessment.pk]), reverse("assessment_score", args=[assessment.pk])):
        assert officer.post(url, data).status_code in {200, 400}
    response = officer.post(reverse("assessment_edit", args=[assessment.pk]), data)
    assert response.status_code == 400
    assert "check the year" in response.content.decode().lower()
