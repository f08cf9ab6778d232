"""NRM figures in the monthly MACE and the LSCB reports (issue 16, part 2): referrals and decisions in the
period, reasonable grounds decisions overdue at its end, and small counts withheld in the LSCB report."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.urls import reverse

from cases.models import Case, CaseStatus, Child, NrmReferral
from reporting import metrics, services, tables
from reporting.models import ReportKind

LONDON = ZoneInfo("Europe/London")
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def referral(recorder, n: int, referred_on: date, **fields) -> NrmReferral:
    case = Case.objects.create(
        child=Child.objects.create(first_name=f"Nrm{n}", last_name="Hollis"),
        status=CaseStatus.OPEN,
        opened_at=datetime(2026, 9, 1, tzinfo=LONDON),
    )
    return NrmReferral.objects.create(
        case=case, referred_on=referred_on, first_responder="Hampshire Constabulary", recorded_by=recorder, **fields
    )


@pytest.fixture
def october_nrm(demo_data):
    """October 2026: 6 referrals in the month and one from September."""
    chair = demo_data["chair@example.org"]
    # September, decided in October: its RG decision counts in October; it was not overdue at the end.
    referral(chair, 0, date(2026, 9, 28), rg_decided_on=date(2026, 10, 2), rg_outcome="positive")
    for n in range(1, 7):
        referral(chair, n, date(2026, 10, n))
    # 1 October: positive RG 5 October; 2 October: negative RG 6 October; the others wait.
    NrmReferral.objects.filter(case__child__first_name="Nrm1").update(
        rg_decided_on=date(2026, 10, 5), rg_outcome="positive"
    )
    NrmReferral.objects.filter(case__child__first_name="Nrm2").update(
        rg_decided_on=date(2026, 10, 6), rg_outcome="negative"
    )
    # An older referral with a positive RG in August and a CG decision in October.
    referral(
        chair,
        7,
        date(2026, 8, 3),
        rg_decided_on=date(2026, 8, 7),
        rg_outcome="positive",
        cg_decided_on=date(2026, 10, 20),
        cg_outcome="positive",
    )
    # Referred 29 October (Thursday): due Thursday 5 November, so not overdue at the end of October.
    referral(chair, 8, date(2026, 10, 29))
    return chair


def test_it_counts_referrals_decisions_and_overdue_decisions(october_nrm):
    figures = metrics.nrm_figures(OCT, NOV)
    assert figures == {
        "referrals": 7,  # 1 to 6 October and 29 October
        "rg_positive": 2,  # the September referral and 1 October
        "rg_negative": 1,
        "cg_positive": 1,
        "cg_negative": 0,
        # 3 to 6 October were waiting on 1 November and due by the 13th at the latest; 29 October is not due yet.
        "rg_overdue": 4,
    }
    assert metrics.compute(OCT, NOV)["nrm"] == figures


def test_it_counts_a_decision_made_after_the_period_as_overdue_at_its_end(demo_data):
    chair = demo_data["chair@example.org"]
    referral(chair, 0, date(2026, 10, 1), rg_decided_on=date(2026, 11, 3), rg_outcome="positive")
    assert metrics.nrm_figures(OCT, NOV)["rg_overdue"] == 1
    assert metrics.nrm_figures(NOV, date(2026, 12, 1))["rg_overdue"] == 0


def test_it_shows_the_figures_in_the_monthly_report_its_csv_and_pdf(october_nrm, login):
    report, _ = services.report_request(actor=october_nrm, kind=ReportKind.MACE_MONTHLY, start=OCT)
    report = services.report_build(report_id=report.pk)
    table = next(t for t in tables.build(report.data) if t.slug == "nrm")
    assert dict(table.rows)["Referrals made"] == 7
    assert dict(table.rows)["Reasonable grounds decisions: negative"] == 1
    chair = login(october_nrm)
    page = chair.get(reverse("report_detail", args=[report.pk]))
    assert "National Referral Mechanism" in page.content.decode()
    csv = chair.get(reverse("report_csv", args=[report.pk, "nrm"]))
    assert csv.status_code == 200 and "Referrals made,7" in csv.content.decode()
    pdf = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(services.render_pdf(report))).pages)
    assert "National Referral Mechanism" in pdf


def test_it_withholds_small_nrm_counts_in_the_lscb_report(october_nrm):
    report, _ = services.report_request(actor=october_nrm, kind=ReportKind.LSCB_QUARTERLY, start=OCT)
    report = services.report_build(report_id=report.pk)
    rows = dict(next(t for t in tables.build(report.data, lscb=True) if t.slug == "nrm").rows)
    # October to December: every count from 1 to 4 is withheld; 0 and 5 or more are shown.
    assert rows["Referrals made"] == 7
    assert rows["Reasonable grounds decisions: positive"] == tables.SUPPRESSED
    assert rows["Reasonable grounds decisions: negative"] == tables.SUPPRESSED
    assert rows["Conclusive grounds decisions: positive"] == tables.SUPPRESSED
    assert rows["Conclusive grounds decisions: negative"] == 0
    # At 1 January 2027 the 29 October referral is overdue too: 5.
    assert rows["Reasonable grounds decisions overdue at the end (over 5 working days)"] == 5
    # The monthly (restricted) report shows them as they are.
    plain = dict(next(t for t in tables.build(report.data, lscb=False) if t.slug == "nrm").rows)
    assert plain["Reasonable grounds decisions: positive"] == 2


def test_it_builds_reports_stored_before_the_nrm_figures(demo_data):
    data = metrics.compute(OCT, NOV)
    del data["nrm"]
    assert not any(t.slug == "nrm" for t in tables.build(data))
    assert not any(t.slug == "nrm" for t in tables.build(data, lscb=True))
