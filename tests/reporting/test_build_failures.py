"""A report build never ends in a 500 or a report "Building" for ever: bad months are refused at the
form, a failed or lost build is marked failed with a message, and the chair can try again."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from met.models import AuditEvent
from reporting import metrics, services
from reporting.models import Report, ReportKind, ReportStatus
from reporting.tasks import build_monthly_report, build_report


@pytest.fixture
def chair(demo_data):
    return demo_data["chair@example.org"]


@pytest.fixture
def broken_metrics(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database said no")

    monkeypatch.setattr(metrics, "compute", fail)
    return monkeypatch


@pytest.mark.parametrize("month", ["0001-01", "1999-12"])
def test_it_refuses_a_month_before_2000_naming_the_field(month, chair, login):
    response = login(chair).post(reverse("report_list"), {"kind": "mace_monthly", "month": month})
    assert response.status_code == 400
    assert "Period starting must be January 2000 or later." in response.content.decode()
    assert not Report.objects.exists()


def test_it_builds_the_earliest_month_and_refuses_earlier_ones_in_the_service(
    chair, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(chair).post(reverse("report_list"), {"kind": "mace_monthly", "month": "2000-01"})
    assert response.status_code == 302
    assert Report.objects.get().status == ReportStatus.DRAFT
    with pytest.raises(ValidationError):
        services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(1, 1, 1))


def test_it_marks_a_failed_build_failed_and_lets_the_chair_try_again(
    chair, login, broken_metrics, django_capture_on_commit_callbacks
):
    client = login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_list"), {"kind": "mace_monthly", "month": "2026-09"})
    assert response.status_code == 302  # not a 500
    report = Report.objects.get()
    assert report.status == ReportStatus.FAILED
    assert "could not be built (RuntimeError)" in report.build_error
    assert "the database said no" not in report.build_error  # details stay in the log
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    assert "could not be built" in page.content.decode() and reverse("report_retry", args=[report.pk]) in (
        page.content.decode()
    )
    assert client.get(reverse("report_pdf", args=[report.pk])).status_code == 404
    assert client.get(reverse("report_csv", args=[report.pk, "flow"])).status_code == 404

    broken_metrics.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.build_error) == (ReportStatus.DRAFT, "")
    assert AuditEvent.objects.filter(action="report.retry", object_id=str(report.pk), actor=chair).exists()


def test_it_lets_the_task_finish_when_a_build_fails(chair, broken_metrics):
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 9, 1))
    assert build_report.apply(args=[report.pk]).get() == ReportStatus.FAILED


def test_it_treats_a_build_lost_on_the_way_as_failed(chair, login, time_machine, django_capture_on_commit_callbacks):
    # The broker was down when the build was queued, or the worker died: nothing will build it.
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 9, 1))
    client = login(chair)
    assert "being built" in client.get(report.get_absolute_url()).content.decode()
    assert services.fail_stalled_builds() == 0

    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    page = client.get(report.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "being built" not in page and reverse("report_retry", args=[report.pk]) in page
    build_monthly_report.apply()  # the daily sweep
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "did not finish within 15 minutes" in report.build_error
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("report_retry", args=[report.pk])).status_code == 302
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_it_rebuilds_a_failed_report_when_its_period_is_requested_again(chair, broken_metrics):
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 9, 1))
    assert services.report_build(report_id=report.pk).status == ReportStatus.FAILED
    broken_metrics.undo()
    again, created = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 9, 1))
    assert (again.pk, created) == (report.pk, False)
    assert services.report_build(report_id=report.pk).status == ReportStatus.DRAFT


def test_it_refuses_to_retry_a_report_whose_build_did_not_fail(chair, demo_data, login):
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 9, 1))
    url = reverse("report_retry", args=[report.pk])
    response = login(chair).post(url)  # still building, and not overdue
    assert response.status_code == 409
    assert "Only a report whose build failed can be built again." in response.content.decode()
    services.report_build(report_id=report.pk)
    assert login(chair).post(url).status_code == 409  # built
    assert login(chair).get(url).status_code == 405
    assert login(chair).post(reverse("report_retry", args=[report.pk + 1000])).status_code == 404
    for email in ("coordinator@example.org", "practitioner.police@example.org"):
        assert login(demo_data[email]).post(url).status_code == 403
