"""Case audit outcomes in the monthly MACE and the LSCB reports (issue 17, part 2): grades by question and
agency, final grades, learning actions open/overdue/closed, with the LSCB small-count suppression."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from quality import selectors, services
from quality.models import Grade
from reporting import metrics, tables
from reporting import services as report_services
from reporting.models import ReportKind
from tests.cases import CHAIR, HEALTH, POLICE, make_case, user
from tests.quality import answer, start_round

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def at(day: date, hour: int = 9):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def october_audit(demo_data, time_machine):
    """In October 2026 two cases were audited by police and health, one moderated Good; three learning actions:
    one overdue at the end of October, one due later, one completed."""
    time_machine.move_to(at(date(2026, 10, 14)))
    first, second = make_case(agencies=("Police", "Health")), make_case(agencies=("Police",))
    round_ = start_round(cases=[first, second])
    answer(round_, first, POLICE)
    answer(round_, first, HEALTH)
    answer(round_, second, POLICE, grade=Grade.REQUIRES_IMPROVEMENT)
    sampled = round_.sample.get(case=first)
    chair = user(CHAIR)
    services.moderate(
        actor=chair, round_=round_, sampled=sampled, grade=Grade.GOOD, reasons="Agreed.", expected_version=1
    )
    finding = services.finding_record(actor=chair, round_=round_, kind="learning", text="Plans not reviewed.")
    make = lambda owner, due: services.learning_action_create(  # noqa: E731
        actor=chair, finding=finding, description="Do it.", owner=user(owner), due_date=due
    )
    make(POLICE, date(2026, 10, 20))
    make(HEALTH, date(2026, 11, 30))
    done = make(HEALTH, date(2026, 10, 30))
    time_machine.move_to(at(date(2026, 10, 16)))
    services.learning_action_complete(actor=user(HEALTH), action=done, note="Done.")
    time_machine.move_to(at(date(2026, 11, 2)))
    return {"round": round_, "chair": chair}


def test_it_counts_the_months_audit_outcomes(october_audit):
    figures = metrics.compute(OCT, NOV)["case_audits"]
    questions = len(selectors.tool_questions(october_audit["round"]))
    assert figures["by_agency"]["Police"] == {
        "outstanding": 0,
        "good": questions,
        "requires_improvement": questions,
        "inadequate": 0,
    }
    assert figures["by_agency"]["Health"]["good"] == questions
    assert all(row["good"] == 2 and row["requires_improvement"] == 1 for row in figures["by_question"].values())
    assert figures["final"]["good"] == 1
    assert figures["learning_actions"] == {"open": 2, "overdue": 1, "closed": 1}
    # November: nothing graded or moderated; the two open actions are still open at its end.
    november = metrics.compute(NOV, date(2026, 12, 1))["case_audits"]
    assert november["by_question"] == {} and november["final"]["good"] == 0
    assert november["learning_actions"]["open"] == 2 and november["learning_actions"]["closed"] == 0


def test_it_shows_them_in_the_monthly_report_page_and_csv(october_audit, login):
    report, _ = report_services.report_request(actor=october_audit["chair"], kind=ReportKind.MACE_MONTHLY, start=OCT)
    report = report_services.report_build(report_id=report.pk)
    built = {t.slug: t for t in tables.build(report.data)}
    assert dict(built["audit_final"].rows)["Good"] == 1
    assert dict(built["learning_actions"].rows) == {
        "Open at the end": 2,
        "Overdue at the end": 1,
        "Completed in the period": 1,
    }
    client = login(october_audit["chair"])
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Case audits: grades given by question" in page and "Case audits: learning actions" in page
    csv = client.get(reverse("report_csv", args=[report.pk, "audit_agencies"]))
    assert csv.status_code == 200 and "Police" in csv.content.decode()


def test_it_withholds_small_audit_counts_in_the_lscb_report(october_audit):
    report, _ = report_services.report_request(actor=october_audit["chair"], kind=ReportKind.LSCB_QUARTERLY, start=OCT)
    report = report_services.report_build(report_id=report.pk)
    questions = len(selectors.tool_questions(october_audit["round"]))
    lscb = {t.slug: t for t in tables.build(report.data, lscb=True)}
    for row in lscb["audit_questions"].rows:
        assert row[2] == tables.SUPPRESSED  # 2 "good" per question
        assert row[3] == tables.SUPPRESSED  # 1 "requires improvement"
        assert row[1] == 0
    agencies = {row[0]: row for row in lscb["audit_agencies"].rows}
    assert agencies["Police"][2] == questions and agencies["Health"][2] == questions
    assert dict(lscb["audit_final"].rows)["Good"] == tables.SUPPRESSED
    assert dict(lscb["learning_actions"].rows)["Completed in the period"] == tables.SUPPRESSED
    plain = {t.slug: t for t in tables.build(report.data, lscb=False)}
    assert dict(plain["audit_final"].rows)["Good"] == 1


def test_it_builds_reports_stored_before_the_audit_figures(demo_data):
    data = metrics.compute(OCT, NOV)
    del data["case_audits"]
    assert not any(t.slug.startswith("audit_") for t in tables.build(data, lscb=True))
