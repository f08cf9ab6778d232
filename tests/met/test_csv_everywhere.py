"""Every CSV download the app serves, found by walking the URL resolver, escapes spreadsheet formulas
(met/csv.py). A new CSV URL fails this test until it is downloaded here with hostile data."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

from cases.models import Category, Concern
from meetings import services as meeting_services
from met.csv import FORMULA_STARTS
from met.models import Agency, User
from reporting import tables
from tests.cases import make_case
from tests.met.test_access_matrix import url_patterns
from tests.reporting.test_csv_exports import HOSTILE, hostile_report


def csv_routes() -> set[str]:
    return {route for route, _ in url_patterns() if route.endswith(".csv")}


def cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_escapes_formulas_in_every_csv_download(demo_data, login):
    chair = demo_data["chair@example.org"]
    make_case(agencies=("Police",), first_name="@SUM(1+1)", last_name="-2+3")
    report = hostile_report(demo_data)
    client = login(chair)

    hostile_case = make_case(agencies=("Police",), first_name="=1+1", last_name="Chronology")
    hostile_user = User.objects.create_user(
        email="hostile@example.org", full_name="=2+5", agency=Agency.objects.get(short_name="Police")
    )
    Concern.objects.create(
        case=hostile_case,
        logged_by=hostile_user,
        source_agency=hostile_user.agency,
        category=Category.objects.get(code="cse"),
        observed_at=timezone.now(),
        description="-1 seen at the station",
    )

    # The problem profile names children, persons and places: a place whose name is a formula.
    hostile_place = meeting_services.place_create(actor=chair, name='=HYPERLINK("http://x")', kind="other")
    meeting_services.register_link(actor=chair, entry=hostile_place, case=hostile_case)
    today = timezone.localdate().isoformat()

    downloads = {
        "cases/export.csv": [client.get(reverse("case_export"))],
        # The chronology's recorded-by column is a person's name: the one cell a person's typing starts.
        "cases/<int:pk>/chronology.csv": [client.get(reverse("case_chronology_csv", args=[hostile_case.pk]))],
        "plan/export.csv": [client.get(reverse("plan_export"))],
        # Case references, levels and dates only: nothing typed by a person, escaped all the same.
        "dashboard/stuck-cases.csv": [client.get(reverse("dashboard_stuck_csv"))],
        "registers/profile.csv": [client.get(reverse("problem_profile_csv"), {"start": today, "end": today})],
        "reports/<int:pk>/tables/<slug:table>.csv": [
            client.get(reverse("report_csv", args=[report.pk, t.slug])) for t in tables.build(report.data)
        ],
    }

    assert set(downloads) == csv_routes(), "a CSV URL is not downloaded by this test"
    escaped = []
    for route, responses in downloads.items():
        for response in responses:
            assert response.status_code == 200, route
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            for row in cells(response):
                assert not any(cell[:1] in FORMULA_STARTS for cell in row), (route, row)
                escaped += [cell for cell in row if cell.startswith("'")]
    assert {
        "'@SUM(1+1)",
        "'-2+3",
        "'" + HOSTILE,
        "'+cmd|' /C calc'!A0",
        "'=2+5",
        "'=1+1 Chronology",
        '\'=HYPERLINK("http://x")',
    } <= set(escaped)
