"""Each agency's auditor grades its own involvement; the lead moderates once every involved agency has answered
(issue 17, quality/moderation.py). Bad input gets a message naming the field, a 4xx and no partial write."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quality import moderation, selectors, services
from quality.models import AgencyAnswer, Grade, QuestionGrade, SampledCase
from tests.cases import CHAIR, HEALTH, POLICE, SCHOOL, make_case, text, user
from tests.quality import answer, grade_post, start_round


@pytest.fixture
def round_(demo_data):
    return start_round(cases=[make_case(agencies=("Police", "Health")), make_case(agencies=("Police",))])


def sampled(round_, n=0) -> SampledCase:
    return list(round_.sample.select_related("case"))[n]


def test_moderation_waits_for_every_involved_agency():
    assert moderation.agencies_to_answer(involved={1, 2, 3}, auditing={1, 2, 4}) == {1, 2}
    # No auditing agency is involved: every auditing agency looks at its records.
    assert moderation.agencies_to_answer(involved={3}, auditing={1, 2}) == {1, 2}


def test_it_refuses_moderation_until_every_involved_agency_has_answered(round_, login):
    first = sampled(round_)
    answer(round_, first.case, POLICE)
    chair = login(user(CHAIR))
    url = reverse("audit_case_moderate", args=[round_.pk, first.case.pk])
    response = chair.post(url, {"final_grade": Grade.GOOD, "final_reasons": "Fine", "version": first.version})
    assert response.status_code == 409
    assert "Final grade: waiting for Health to answer" in text(response)
    assert SampledCase.objects.get(pk=first.pk).final_grade == ""
    answer(round_, first.case, HEALTH)
    response = chair.post(
        url, {"final_grade": Grade.GOOD, "final_reasons": "Both agencies agree.", "version": first.version}
    )
    assert response.status_code == 302
    assert SampledCase.objects.get(pk=first.pk).final_grade == Grade.GOOD


def test_it_asks_only_the_involved_agencies(round_):
    second = sampled(round_, 1)  # Police only
    answer(round_, second.case, POLICE)
    moderated = services.moderate(
        actor=user(CHAIR), round_=round_, sampled=second, grade=Grade.INADEQUATE, reasons="No plan.", expected_version=1
    )
    assert moderated.final_grade == Grade.INADEQUATE


def test_it_refuses_moderation_with_no_answers_at_all(round_):
    with pytest.raises(ValidationError) as refused:
        services.moderate(
            actor=user(CHAIR), round_=round_, sampled=sampled(round_), grade="good", reasons="x", expected_version=1
        )
    assert "final_grade" in refused.value.error_dict


def test_it_refuses_grading_a_case_not_in_the_sample(round_, login):
    outside = make_case(agencies=("Police",))
    with pytest.raises(ValidationError) as refused:
        answer(round_, outside, POLICE)
    assert "case" in refused.value.error_dict and "not in this round's sample" in str(refused.value)
    response = login(user(POLICE)).post(reverse("audit_case_grade", args=[round_.pk, outside.pk]), grade_post(round_))
    assert response.status_code == 404
    assert not AgencyAnswer.objects.exists()


def test_it_names_each_missing_grade_and_writes_nothing(round_, login):
    data = grade_post(round_)
    question = selectors.tool_questions(round_)[0]
    del data[f"grade_{question.code}"]
    data[f"evidence_{selectors.tool_questions(round_)[1].code}"] = ""
    response = login(user(POLICE)).post(reverse("audit_case_grade", args=[round_.pk, sampled(round_).case.pk]), data)
    assert response.status_code == 400
    assert f"Choose a grade for “{question.text.rstrip('.')}”." in text(response)
    assert "Enter the evidence for" in text(response)
    assert not AgencyAnswer.objects.exists() and not QuestionGrade.objects.exists()


def test_it_lets_only_auditors_grade_for_their_own_agency(round_, login):
    case = sampled(round_).case
    url = reverse("audit_case_grade", args=[round_.pk, case.pk])
    assert login(user(CHAIR)).post(url, grade_post(round_)).status_code == 403  # the lead moderates, not grades
    assert login(user(SCHOOL)).post(url, grade_post(round_)).status_code == 404  # not an auditor: no round
    assert login(user(HEALTH)).post(url, grade_post(round_)).status_code == 302
    assert list(AgencyAnswer.objects.values_list("agency__short_name", flat=True)) == ["Health"]


def test_it_refuses_a_stale_revision(round_, login):
    case = sampled(round_).case
    answer(round_, case, POLICE)
    answer(round_, case, POLICE, grade=Grade.OUTSTANDING, expected_version=1)
    url = reverse("audit_case_grade", args=[round_.pk, case.pk])
    response = login(user(POLICE)).post(url, grade_post(round_, grade=Grade.INADEQUATE, version=1))
    assert response.status_code == 409
    assert set(QuestionGrade.objects.values_list("grade", flat=True)) == {Grade.OUTSTANDING}


def test_it_counts_grades_by_question_and_agency(round_):
    first, second = sampled(round_), sampled(round_, 1)
    questions = selectors.tool_questions(round_)
    answer(round_, first.case, POLICE, **{questions[0].code: Grade.INADEQUATE})
    answer(round_, first.case, HEALTH)
    answer(round_, second.case, POLICE)
    grades = selectors.round_grades(round_)
    assert grades["by_question"][questions[0].text] == {
        "outstanding": 0,
        "good": 2,
        "requires_improvement": 0,
        "inadequate": 1,
    }
    assert grades["by_agency"]["Police"]["good"] == 2 * len(questions) - 1
    assert grades["by_agency"]["Health"]["good"] == len(questions)
    assert list(grades["by_question"]) == [q.text for q in questions]  # in the tool's order


def test_it_refuses_bad_round_input_naming_the_field(demo_data, login):
    chair = login(user(CHAIR))
    response = chair.post(
        reverse("audit_round_new"),
        {
            "title": "Audit",
            "theme": "CCE",
            "starts_on-day": "10",
            "starts_on-month": "12",
            "starts_on-year": "2026",
            "ends_on-day": "1",
            "ends_on-month": "12",
            "ends_on-year": "2026",
            "sample_size": "6",
        },
    )
    assert response.status_code == 400
    assert "End date must be the same as or after the start date" in text(response)
    response = chair.post(
        reverse("audit_round_new"),
        {
            "title": "Audit",
            "theme": "CCE",
            "starts_on-day": "1",
            "starts_on-month": "12",
            "starts_on-year": "2026",
            "ends_on-day": "10",
            "ends_on-month": "12",
            "ends_on-year": "2026",
            "sample_size": "6",
            "category": "trafficking",
        },
    )
    assert response.status_code == 400
    assert "Number of cases to sample: no case matches" in text(response)
    response = chair.post(reverse("audit_round_new"), {})
    assert response.status_code == 400
    assert "Enter the title" in text(response) or "Enter title" in text(response)
