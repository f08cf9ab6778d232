"""Schedules that catch up (issue 20 part 8): every scheduled report due and never built is built,
by Celery beat's daily task and by run_due_jobs alike, once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

from met import registry
from reporting import services
from reporting.models import Report, ReportKind, ReportStatus
from reporting.tasks import build_monthly_report
from tests.factories import ConcernFactory

LONDON = ZoneInfo("Europe/London")


def periods():
    return sorted((r.kind, r.period_start.isoformat()) for r in Report.objects.all())


def test_it_owes_the_latest_period_of_each_kind_on_a_new_install(db):
    # Monday 2 November 2026, nothing recorded yet: last month, last quarter, last half-year.
    assert sorted(services.due_periods(today=date(2026, 11, 2))) == [
        (ReportKind.LSCB_HALF_YEAR, date(2026, 1, 1)),
        (ReportKind.LSCB_QUARTERLY, date(2026, 7, 1)),
        (ReportKind.MACE_MONTHLY, date(2026, 10, 1)),
    ]


def test_it_catches_up_back_to_the_first_record_and_no_further_than_a_year(demo_data, time_machine):
    ConcernFactory(logged_at=datetime(2026, 7, 15, tzinfo=LONDON))
    owed = services.due_periods(today=date(2026, 11, 2))
    assert [start for kind, start in owed if kind == ReportKind.MACE_MONTHLY] == [
        date(2026, 10, 1),
        date(2026, 9, 1),
        date(2026, 8, 1),
        date(2026, 7, 1),
    ]
    ConcernFactory(logged_at=datetime(2024, 1, 15, tzinfo=LONDON))
    months = [start for kind, start in services.due_periods(today=date(2026, 11, 2)) if kind == "mace_monthly"]
    assert len(months) == 12 and months[-1] == date(2025, 11, 1)


def test_run_due_jobs_builds_what_beat_would_once(demo_data, time_machine):
    # The embedded default has no beat: a cron job runs run_due_jobs, which must build the reports.
    time_machine.move_to(datetime(2026, 11, 2, 6, 30, tzinfo=LONDON))
    call_command("run_due_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert periods() == [
        ("lscb_half_year", "2026-01-01"),
        ("lscb_quarterly", "2026-07-01"),
        ("mace_monthly", "2026-10-01"),
    ]
    assert all(r.status == ReportStatus.DRAFT and r.built_by is None for r in Report.objects.all())
    # Again, and then the beat task the same day: nothing more.
    assert registry.run_sweeps()["due_reports"] == 0
    assert build_monthly_report.apply().get() == []
    assert Report.objects.count() == 3


def test_a_missed_day_loses_nothing(demo_data, time_machine):
    # Down on 1 and 2 December (Tuesday 1 December is the first working day): built on the 3rd.
    time_machine.move_to(datetime(2026, 12, 3, 6, 30, tzinfo=LONDON))
    build_monthly_report.apply()
    assert ("mace_monthly", "2026-11-01") in periods()


def test_it_leaves_a_failed_build_to_the_chair(demo_data, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 6, 30, tzinfo=LONDON))
    report, _ = services.report_request(actor=None, kind=ReportKind.MACE_MONTHLY, start=date(2026, 10, 1))
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED)
    built = [r.pk for r in services.build_due_reports()]
    assert report.pk not in built
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FAILED
