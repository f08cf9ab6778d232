"""Building, annotating, finalising and downloading reports; the schedule; LSCB suppression; the plan."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.models import Case, CaseStatus, Child
from met.models import AuditEvent
from reporting import services, tables
from reporting.models import PlanAction, RagUpdate, Report, ReportKind, ReportStatus
from reporting.tasks import build_monthly_report

LONDON = ZoneInfo("Europe/London")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def october(demo_data):
    for n in range(7):
        child = Child.objects.create(first_name=f"Kid{n}", last_name="Fernby")
        Case.objects.create(
            child=child,
            status=CaseStatus.OPEN,
            opened_at=datetime(2026, 10, 2 + n, 12, tzinfo=LONDON),
            created_at=datetime(2026, 10, 1, 12, tzinfo=LONDON),
        )
    report, _ = services.report_request(
        actor=demo_data["chair@example.org"], kind=ReportKind.MACE_MONTHLY, start=date(2026, 10, 1)
    )
    return services.report_build(report_id=report.pk)


def test_it_builds_the_month_and_compares_with_the_one_before(october):
    assert october.status == ReportStatus.DRAFT
    assert october.data["cases_opened"] == 7
    assert october.data["previous"]["cases_opened"] == 0


def test_it_lets_the_chair_annotate_and_finalise_and_then_nothing_changes(october, demo_data, login):
    chair = login(demo_data["chair@example.org"])
    response = chair.post(
        reverse("report_annotate", args=[october.pk]),
        {
            "version": october.version,
            "good_practice": "Quick RHIs by the new service",
            "themes_narrative": "County lines rising",
            "stuck_cases_narrative": "",
        },
    )
    assert response.status_code == 302
    assert chair.post(reverse("report_finalise", args=[october.pk])).status_code == 302
    october.refresh_from_db()
    assert october.is_final and len(october.pdf_sha256) == 64
    stored = bytes(october.pdf)
    text = pdf_text(stored)
    assert "Monthly MACE report October 2026" in text
    assert "Cases opened 7 0 +7" in text
    assert "Quick RHIs by the new service" in text
    # Finalised: no more commentary, no second finalising, no rebuild; the download is the stored file.
    assert (
        chair.post(
            reverse("report_annotate", args=[october.pk]),
            {
                "version": october.version,
                "good_practice": "changed",
                "themes_narrative": "",
                "stuck_cases_narrative": "",
            },
        ).status_code
        == 403
    )
    assert chair.post(reverse("report_finalise", args=[october.pk])).status_code == 403
    services.report_build(report_id=october.pk)
    with pytest.raises(Exception):  # noqa: B017 - a ValidationError: the period has a finalised report
        services.report_request(
            actor=demo_data["chair@example.org"], kind=ReportKind.MACE_MONTHLY, start=date(2026, 10, 1)
        )
    october.refresh_from_db()
    assert october.good_practice == "Quick RHIs by the new service"
    download = chair.get(reverse("report_pdf", args=[october.pk]))
    assert download.content == stored
    assert AuditEvent.objects.filter(action="report.download_pdf", object_id=str(october.pk)).exists()


def test_it_offers_each_table_as_csv(october, demo_data, login):
    response = login(demo_data["coordinator@example.org"]).get(reverse("report_csv", args=[october.pk, "flow"]))
    assert response.status_code == 200
    assert "Cases opened,7" in response.content.decode()
    assert (
        login(demo_data["coordinator@example.org"]).get(reverse("report_csv", args=[october.pk, "nope"])).status_code
        == 404
    )


def test_it_keeps_reports_from_practitioners_and_finalising_from_coordinators(october, demo_data, login):
    assert login(demo_data["practitioner.police@example.org"]).get(october.get_absolute_url()).status_code == 403
    assert login(demo_data["admin.police@example.org"]).get(reverse("report_list")).status_code == 403
    assert login(demo_data["coordinator@example.org"]).get(october.get_absolute_url()).status_code == 200
    assert (
        login(demo_data["coordinator@example.org"]).post(reverse("report_finalise", args=[october.pk])).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.report_finalise(actor=demo_data["coordinator@example.org"], report=october)


def test_it_suppresses_counts_under_five_in_the_lscb_report(demo_data):
    for n in range(3):
        Case.objects.create(
            child=Child.objects.create(first_name=f"Q{n}", last_name="Wren"),
            status=CaseStatus.OPEN,
            opened_at=datetime(2026, 8, 2, tzinfo=LONDON),
        )
    report, _ = services.report_request(
        actor=demo_data["chair@example.org"], kind=ReportKind.LSCB_QUARTERLY, start=date(2026, 7, 1)
    )
    report = services.report_build(report_id=report.pk)
    flow = next(t for t in tables.build(report.data, lscb=True) if t.slug == "flow")
    assert ["Cases opened", "<5"] in flow.rows
    assert not any(t.slug == "stuck" for t in tables.build(report.data, lscb=True))  # no case references
    text = pdf_text(services.render_pdf(report))
    assert "<5" in text and "Strategic action plan" in text


def test_it_builds_last_months_report_from_the_first_working_day_only_once(demo_data, time_machine):
    # 1 November 2026 is a Sunday: the first working day is Monday 2 November.
    time_machine.move_to(datetime(2026, 11, 1, 6, 30, tzinfo=LONDON))
    build_monthly_report.apply()  # September's, which is owed; October's is not due yet
    monthly = Report.objects.filter(kind="mace_monthly")
    assert list(monthly.values_list("period_start", flat=True)) == [date(2026, 9, 1)]
    time_machine.move_to(datetime(2026, 11, 2, 6, 30, tzinfo=LONDON))
    [pk] = build_monthly_report.apply().get()
    report = Report.objects.get(pk=pk)
    assert (report.kind, report.period_start, report.period_end, report.status) == (
        "mace_monthly",
        date(2026, 10, 1),
        date(2026, 10, 31),
        "draft",
    )
    assert build_monthly_report.apply().get() == []
    time_machine.move_to(datetime(2026, 11, 3, 6, 30, tzinfo=LONDON))
    assert build_monthly_report.apply().get() == []
    assert monthly.count() == 2


def test_it_builds_on_demand_from_the_page(demo_data, login, django_capture_on_commit_callbacks):
    chair = login(demo_data["chair@example.org"])
    with django_capture_on_commit_callbacks(execute=True):
        response = chair.post(reverse("report_list"), {"kind": "mace_monthly", "month": "2026-09"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.DRAFT  # eager in tests; with a worker the page shows progress
    assert chair.post(reverse("report_list"), {"kind": "lscb_quarterly", "month": "2026-08"}).status_code == 400
    assert chair.post(reverse("report_list"), {"kind": "mace_monthly", "month": "2099-01"}).status_code == 400
    assert chair.post(reverse("report_list"), {"kind": "mace_monthly", "month": "banana"}).status_code == 400


def test_it_keeps_the_history_of_action_plan_ratings(demo_data, login):
    action = PlanAction.objects.get(ref="1.1")
    before = RagUpdate.objects.filter(action=action).count()
    coordinator = login(demo_data["coordinator@example.org"])
    response = coordinator.post(
        reverse("plan_action", args=[action.pk]),
        {"rating": "green", "commentary": "Data set agreed by all four areas", "dated": date.today().isoformat()},
    )
    assert response.status_code == 302
    assert RagUpdate.objects.filter(action=action).count() == before + 1
    assert services.plan_summary()["latest"][action.pk].rating == "green"
    assert "Green" in coordinator.get(reverse("plan")).content.decode()
    export = coordinator.get(reverse("plan_export")).content.decode()
    assert "Data set agreed by all four areas" in export
    bad = coordinator.post(
        reverse("plan_action", args=[action.pk]),
        {"rating": "purple", "commentary": "", "dated": (date.today() + timedelta(days=3)).isoformat()},
    )
    assert bad.status_code == 400


def test_it_shows_the_dashboard_to_coordinators_and_chairs_only(demo_data, login):
    assert login(demo_data["coordinator@example.org"]).get(reverse("dashboard")).status_code == 200
    assert login(demo_data["chair@example.org"]).get(reverse("dashboard")).status_code == 200
    assert login(demo_data["practitioner.health@example.org"]).get(reverse("dashboard")).status_code == 403


def test_it_shows_the_plan_as_it_is_now_on_an_lscb_reports_page(demo_data, login):
    # The report's figures are kept per build (reporting.views._figures); the plan's summary is live.
    report, _ = services.report_request(
        actor=demo_data["chair@example.org"], kind=ReportKind.LSCB_QUARTERLY, start=date(2026, 7, 1)
    )
    report = services.report_build(report_id=report.pk)
    chair = login(demo_data["chair@example.org"])
    url = reverse("report_detail", args=[report.pk])
    greens = services.plan_shown(report)["counts"]["green"]
    assert f"{greens} green," in chair.get(url).content.decode()

    # An action of the plan every area shares, still in it, not green yet: it is in this report's summary.
    latest = services.plan_shown(report)["latest"]
    shared = PlanAction.objects.filter(priority__area__isnull=True).select_related("priority")
    action = next(a for a in shared if a.in_plan and getattr(latest.get(a.pk), "rating", None) != "green")
    RagUpdate.objects.create(
        action=action, rating="green", commentary="Done", recorded_by=demo_data["chair@example.org"]
    )

    now = services.plan_shown(report)["counts"]["green"]
    assert f"{now} green," in chair.get(url).content.decode()
    assert now != greens
