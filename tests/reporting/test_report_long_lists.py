"""A report's long lists (issue 14): the page and the PDF show the first rows and say where the rest
are; the CSV has every row."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reporting import services, tables
from reporting.models import ReportKind
from tests.factories import CaseFactory, RiskHistoryFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def report_with_three_stuck_cases(demo_data):
    chair = demo_data["chair@example.org"]
    for day in (3, 1, 2):
        case = CaseFactory(opened_at=datetime(2026, 1, 1, tzinfo=LONDON), risk_level="high")
        RiskHistoryFactory(
            case=case, to_level="high", changed_at=datetime(2026, 3, day, tzinfo=LONDON), changed_by=chair
        )
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 10, 1))
    return services.report_build(report_id=report.pk)


def test_it_shows_the_first_rows_of_a_long_table_and_keeps_all_of_them_in_the_csv(
    report_with_three_stuck_cases, demo_data, login, monkeypatch
):
    monkeypatch.setattr(tables, "ROWS_SHOWN", 2)
    report = report_with_three_stuck_cases
    stuck = report.data["stuck_cases"]
    assert [c["since"] for c in stuck] == ["2026-03-01", "2026-03-02", "2026-03-03"]

    pdf_html = services.render_html(report)
    assert stuck[0]["case"] in pdf_html and stuck[1]["case"] in pdf_html
    assert stuck[2]["case"] not in pdf_html
    assert "The first 2 of 3 rows; all of them are in the table’s CSV file (“stuck”)" in pdf_html

    client = login(demo_data["chair@example.org"])
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert stuck[2]["case"] not in page
    assert "Download all 3 rows (CSV)" in page

    rows = list(csv.reader(io.StringIO(client.get(reverse("report_csv", args=[report.pk, "stuck"])).content.decode())))
    assert [row[0] for row in rows[1:]] == [c["case"] for c in stuck]


def test_it_says_nothing_of_hidden_rows_when_a_table_fits(report_with_three_stuck_cases):
    assert "rows; all of them are in" not in services.render_html(report_with_three_stuck_cases)


def test_it_renders_a_reports_tables_once_per_build_and_again_after_a_rebuild(
    report_with_three_stuck_cases, demo_data, login, monkeypatch
):
    report = report_with_three_stuck_cases
    client = login(demo_data["chair@example.org"])
    url = reverse("report_detail", args=[report.pk])
    first = client.get(url).content.decode()
    assert report.data["stuck_cases"][0]["case"] in first

    # A second view takes the tables kept from the first: a table changed now does not show...
    monkeypatch.setattr(
        tables, "stuck_table", lambda rows: tables.Table("stuck", "Stuck cases", ["Case"], [["CHANGED"]])
    )
    assert "CHANGED" not in client.get(url).content.decode()
    # ...until the report is built again, when its tables are the new build's.
    services.report_request(actor=demo_data["chair@example.org"], kind=report.kind, start=report.period_start)
    services.report_build(report_id=report.pk)
    assert "CHANGED" in client.get(url).content.decode()


def test_it_shows_the_report_when_the_shared_cache_is_down(
    report_with_three_stuck_cases, demo_data, login, monkeypatch
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    import met.cache

    class Down:
        def __getattr__(self, name):
            def refuse(*args, **kwargs):
                raise RedisConnectionError("down")

            return refuse

    monkeypatch.setattr(met.cache, "cache", Down())
    page = login(demo_data["chair@example.org"]).get(reverse("report_detail", args=[report_with_three_stuck_cases.pk]))
    assert page.status_code == 200
    assert report_with_three_stuck_cases.data["stuck_cases"][0]["case"] in page.content.decode()


def test_it_reads_a_reports_figures_once_per_build(report_with_three_stuck_cases, demo_data, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.html import escape

    report = report_with_three_stuck_cases
    client = login(demo_data["chair@example.org"])
    url = reverse("report_detail", args=[report.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()

    # The page still shows the figures, from its own copy: the report's figures column is not read.
    assert report.data["stuck_cases"][0]["case"] in page
    headline = services.figures(report)["headline"]
    assert headline
    assert all(f">{escape(row['label'])}<" in page and f">{row['value']}<" in page for row in headline)
    assert not [q["sql"] for q in queries if '"reporting_report"."data"' in q["sql"]]


def test_it_works_a_reports_page_out_again_after_new_code(report_with_three_stuck_cases, demo_data, login, monkeypatch):
    report = report_with_three_stuck_cases
    client = login(demo_data["chair@example.org"])
    url = reverse("report_detail", args=[report.pk])
    client.get(url)
    monkeypatch.setattr(
        tables, "stuck_table", lambda rows: tables.Table("stuck", "Stuck cases", ["Case"], [["CHANGED"]])
    )
    assert "CHANGED" not in client.get(url).content.decode()

    # A deploy that changes how a report's figures are shown (its code's mark) is not shown the old copy.
    monkeypatch.setattr(services, "_code_mark", lambda: "0123456789ab")

    assert "CHANGED" in client.get(url).content.decode()
