"""The case audit pages (issue 17): allowed, 404 and 403 for each, query counts that do not grow with the rows,
and the story of the issue's "Done when" end to end."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from met import registry
from met.models import Reminder
from quality import services
from quality.models import AuditRound, Finding, Grade, LearningAction, SampledCase
from reporting import services as report_services
from reporting import tables
from reporting.models import ReportKind
from tests.cases import CHAIR, COORDINATOR, HEALTH, POLICE, POLICE_ADMIN, SCHOOL, make_case, text, user
from tests.quality import answer, grade_post, start_round


@pytest.fixture
def round_(demo_data):
    return start_round(cases=[make_case(agencies=("Police", "Health"))])


def _pages(round_):
    case_pk = round_.sample.first().case_id
    return {
        "detail": reverse("audit_round_detail", args=[round_.pk]),
        "auditors": reverse("audit_round_auditors", args=[round_.pk]),
        "case": reverse("audit_case_detail", args=[round_.pk, case_pk]),
        "grade": reverse("audit_case_grade", args=[round_.pk, case_pk]),
        "moderate": reverse("audit_case_moderate", args=[round_.pk, case_pk]),
        "finding": reverse("audit_finding_new", args=[round_.pk]),
    }


# (page, who) → status: the lead (chair) runs it, police and health audit it, the school has nothing to do with it.
EXPECTED = {
    "detail": {CHAIR: 200, COORDINATOR: 200, POLICE: 200, SCHOOL: 404, POLICE_ADMIN: 403},
    "auditors": {CHAIR: 200, COORDINATOR: 403, POLICE: 403, SCHOOL: 404, POLICE_ADMIN: 403},
    "case": {CHAIR: 200, COORDINATOR: 200, HEALTH: 200, SCHOOL: 404, POLICE_ADMIN: 403},
    "grade": {CHAIR: 403, COORDINATOR: 403, POLICE: 200, SCHOOL: 404, POLICE_ADMIN: 403},
    "moderate": {CHAIR: 200, COORDINATOR: 403, HEALTH: 403, SCHOOL: 404, POLICE_ADMIN: 403},
    "finding": {CHAIR: 200, COORDINATOR: 403, POLICE: 403, SCHOOL: 404, POLICE_ADMIN: 403},
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_it_allows_refuses_and_hides_each_page(round_, login, page):
    url = _pages(round_)[page]
    got = {email: login(user(email)).get(url).status_code for email in EXPECTED[page]}
    assert got == EXPECTED[page]


def test_it_answers_404_for_a_round_or_action_that_does_not_exist(round_, login):
    client = login(user(CHAIR))
    assert client.get(reverse("audit_round_detail", args=[987654])).status_code == 404
    assert client.get(reverse("learning_action_detail", args=[987654])).status_code == 404
    assert client.get(reverse("audit_case_detail", args=[round_.pk, 987654])).status_code == 404


def test_it_lets_only_chairs_and_coordinators_start_a_round(demo_data, login):
    assert login(user(CHAIR)).get(reverse("audit_round_new")).status_code == 200
    assert login(user(COORDINATOR)).get(reverse("audit_round_new")).status_code == 200
    assert login(user(POLICE)).get(reverse("audit_round_new")).status_code == 403
    assert login(user(POLICE)).post(reverse("audit_round_new"), {}).status_code == 403


def test_the_round_list_and_round_page_make_as_many_queries_for_many_rows(demo_data, login):
    client = login(user(CHAIR))

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = start_round(cases=[make_case(agencies=("Police", "Health"))])
    services.finding_record(actor=user(CHAIR), round_=first, kind="learning", text="One")
    count(reverse("audit_round_list"))  # warm: the session and the person's groups
    few = count(reverse("audit_round_list")), count(first.get_absolute_url())
    many_cases = [make_case(agencies=("Police", "Health")) for _ in range(6)]
    second = start_round(cases=many_cases)
    for case in many_cases:
        answer(second, case, POLICE)
    for _ in range(3):
        start_round(cases=[make_case(agencies=("Police",))])
    services.finding_record(actor=user(CHAIR), round_=second, kind="learning", text="One")
    services.finding_record(actor=user(CHAIR), round_=second, kind="good_practice", text="Two")
    many = count(reverse("audit_round_list")), count(second.get_absolute_url())
    assert many == few


def test_the_story_of_the_issue(demo_data, login, time_machine, django_capture_on_commit_callbacks):
    """A chair starts a round on children missing from care with 6 cases drawn at random; auditors from police
    and health grade them; the lead moderates; two learning actions, one escalating when overdue; the next
    monthly report shows the round's results."""
    start = timezone.localdate().replace(day=1)
    time_machine.move_to(timezone.now().replace(day=2, hour=10))
    for _ in range(9):
        make_case(agencies=("Police", "Health"), category_code="missing")
    chair = login(user(CHAIR))
    today = timezone.localdate()
    response = chair.post(
        reverse("audit_round_new"),
        {
            "title": "Children missing from care",
            "theme": "children missing from care",
            "starts_on-day": str(today.day),
            "starts_on-month": str(today.month),
            "starts_on-year": str(today.year),
            "ends_on-day": "20",
            "ends_on-month": str(today.month),
            "ends_on-year": str(today.year),
            "sample_size": "6",
            "category": "missing",
        },
    )
    assert response.status_code == 302
    round_ = AuditRound.objects.get()
    assert len(round_.drawn_case_ids) == 6 and round_.seed is not None
    for email in (POLICE, HEALTH):
        assert chair.post(reverse("audit_round_auditors", args=[round_.pk]), {"email": email}).status_code == 302
    for email in (POLICE, HEALTH):
        auditor = login(user(email))
        assert round_.title in auditor.get("/").content.decode()  # the home page's case audits panel
        for case_id in round_.drawn_case_ids:
            url = reverse("audit_case_grade", args=[round_.pk, case_id])
            assert auditor.get(url).status_code == 200
            assert auditor.post(url, grade_post(round_, grade=Grade.GOOD)).status_code == 302
    for sampled in SampledCase.objects.filter(round=round_):
        url = reverse("audit_case_moderate", args=[round_.pk, sampled.case_id])
        data = {"final_grade": Grade.GOOD, "final_reasons": "Both agencies agree.", "version": sampled.version}
        assert chair.post(url, data).status_code == 302
    assert (
        chair.post(
            reverse("audit_finding_new", args=[round_.pk]), {"kind": "learning", "text": "Plans not reviewed."}
        ).status_code
        == 302
    )
    finding = Finding.objects.get()
    for owner, days in ((POLICE, 1), (HEALTH, 60)):
        due = today + timedelta(days=days)
        data = {
            "description": "Brief the team.",
            "owner_email": owner,
            "due_date-day": str(due.day),
            "due_date-month": str(due.month),
            "due_date-year": str(due.year),
        }
        url = reverse("audit_learning_action_new", args=[round_.pk, finding.pk])
        assert chair.post(url, data).status_code == 302
    overdue = LearningAction.objects.get(owner__email=POLICE)
    time_machine.move_to(timezone.now() + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        registry.run_sweeps()
        registry.run_sweeps()
    assert Reminder.objects.filter(kind="learning_action", object_id=overdue.pk, key="1").count() == 1
    assert not Reminder.objects.filter(
        kind="learning_action", object_id=LearningAction.objects.get(owner__email=HEALTH).pk
    ).exists()
    # The next month's first days: the monthly report for this month shows the round.
    time_machine.move_to(timezone.now() + timedelta(days=32))
    report, _ = report_services.report_request(actor=user(CHAIR), kind=ReportKind.MACE_MONTHLY, start=start)
    report = report_services.report_build(report_id=report.pk)
    built = {t.slug: t for t in tables.build(report.data)}
    assert dict(built["audit_final"].rows)["Good"] == 6
    assert dict(built["learning_actions"].rows)["Overdue at the end"] == 1
    assert {row[0] for row in built["audit_agencies"].rows} == {"Police", "Health"}
    page = login(user(CHAIR)).get(reverse("report_detail", args=[report.pk]))  # signed in afresh a month on
    assert "Case audits: final grades agreed" in text(page)
