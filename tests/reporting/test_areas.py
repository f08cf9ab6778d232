"""Reports per local area and the strategic group's report of every area (issue 18, parts 3 and 4).

Two areas: Southampton (the installation's first area, renamed) and Portsmouth. Southampton CSC works in
Southampton, Portsmouth CSC in Portsmouth, the police in both. Each council has a coordinator; a police
chair acts in both areas, a Southampton chair in one. Southampton has 7 cases opened in October 2026,
Portsmouth 3 (a small count, withheld in the strategic report).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from met import services as met_services
from met.models import AgencyKind, Area
from reporting import metrics, services, tables
from reporting.models import PlanAction, Priority, Report, ReportKind
from reporting.tables import SUPPRESSED, WITHHELD
from tests.factories import CaseFactory, ConcernFactory, MissingEpisodeFactory, UserFactory
from tests.quality.test_report_figures import october_audit  # noqa: F401 - a fixture

LONDON = ZoneInfo("Europe/London")
OCT = date(2026, 10, 1)


def at(month, day, hour=12):
    return datetime(2026, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def areas(db):
    soton = Area.objects.get()
    soton.name, soton.short_name = "Southampton", "Soton"
    soton.save()
    pompey = Area.objects.create(name="Portsmouth", short_name="Pompey")

    def agency(name, short, kind, *where):
        return met_services.agency_create(actor=None, name=name, short_name=short, kind=kind, areas=list(where))

    soton_csc = agency("Southampton CSC", "Soton CSC", AgencyKind.CSC, soton)
    pompey_csc = agency("Portsmouth CSC", "Pompey CSC", AgencyKind.CSC, pompey)
    police = agency("Hampshire Constabulary", "Police", AgencyKind.POLICE, soton)
    police.areas.set([soton, pompey])  # the force works across both
    return {
        "soton": soton,
        "pompey": pompey,
        "soton_coordinator": UserFactory(agency=soton_csc, roles=("coordinator",)),
        "pompey_coordinator": UserFactory(agency=pompey_csc, roles=("coordinator",)),
        "police_chair": UserFactory(agency=police, roles=("chair",)),
        "soton_chair": UserFactory(agency=soton_csc, roles=("chair",)),
        "practitioner": UserFactory(agency=police),
    }


def case_in(area, **kwargs):
    case = CaseFactory(area=area, **kwargs)
    # As the existing helpers make it, then put in its area explicitly (there are several).
    Case.objects.filter(pk=case.pk).update(area=area)
    case.refresh_from_db()
    return case


@pytest.fixture
def october(areas):
    """7 Southampton cases opened in October, each with a concern and one missing episode (returned, its
    interview within 72 hours for 5); 3 Portsmouth cases, each with a concern and two episodes."""
    logger = areas["practitioner"]
    for n in range(7):
        case = case_in(areas["soton"], opened_at=at(10, 2 + n), created_at=at(10, 1))
        ConcernFactory(case=case, logged_by=logger, logged_at=at(10, 2 + n))
        MissingEpisodeFactory(
            case=case,
            recorded_by=logger,
            kind="missing",
            went_missing_at=at(10, 10 + n),
            returned_at=at(10, 11 + n),
            rhi_offered_at=at(10, 11 + n, 14),
            rhi_completed_at=at(10, 12 + n) if n < 5 else at(10, 20 + n),
        )
    for n in range(3):
        case = case_in(areas["pompey"], opened_at=at(10, 3 + n), created_at=at(10, 2))
        ConcernFactory(case=case, logged_by=logger, logged_at=at(10, 3 + n))
        for day in (5, 15):
            MissingEpisodeFactory(
                case=case, recorded_by=logger, kind="missing", went_missing_at=at(10, day + n), returned_at=None
            )
    return areas


def build(kind, area, actor):
    report, _ = services.report_request(actor=actor, kind=kind, start=OCT, area=area)
    return services.report_build(report_id=report.pk)


def test_it_counts_only_the_areas_own_cases_in_its_report(october):
    soton = build(ReportKind.MACE_MONTHLY, october["soton"], october["soton_chair"])
    pompey = build(ReportKind.MACE_MONTHLY, october["pompey"], october["police_chair"])
    assert (soton.data["cases_opened"], soton.data["new_concerns"], soton.data["missing"]["episodes"]) == (7, 7, 7)
    assert (pompey.data["cases_opened"], pompey.data["new_concerns"], pompey.data["missing"]["episodes"]) == (3, 3, 6)
    assert soton.data["rhi"] == {"returns": 7, "offered": 7, "completed": 7, "within_72h": 5}
    assert pompey.data["rhi"]["returns"] == 0
    assert {row["case_id"] for row in soton.data["stuck_cases"]} <= set(
        Case.objects.filter(area=october["soton"]).values_list("pk", flat=True)
    )
    assert "Southampton" in str(soton) and "Portsmouth" in str(pompey)


def test_it_adds_up_the_areas_figures_to_the_strategic_totals(october):
    strategic = build(ReportKind.LSCB_QUARTERLY, None, october["police_chair"])
    soton = build(ReportKind.LSCB_QUARTERLY, october["soton"], october["soton_chair"])
    pompey = build(ReportKind.LSCB_QUARTERLY, october["pompey"], october["police_chair"])
    data = strategic.data
    assert [a["name"] for a in data["areas"]] == ["Portsmouth", "Southampton"]
    # The breakdown holds each area's report's own figures.
    by_name = {a["name"]: a["figures"] for a in data["areas"]}
    for name, report in (("Southampton", soton), ("Portsmouth", pompey)):
        assert tables._cells(by_name[name]) == tables._cells({k: v for k, v in report.data.items() if k != "previous"})
    # Every figure (before suppression) is the sum of the areas', the headline's previous period included.
    total = tables._cells({k: v for k, v in data.items() if k != "areas"})
    parts = [tables._cells(s.data) for s in (soton, pompey)]
    broken_down = [key for key in total if not key.startswith(("places.", "disruption.", "trend."))]
    assert len(broken_down) > 50
    for key in broken_down:
        assert total[key] == sum(part.get(key, 0) for part in parts), key
    assert (data["cases_opened"], data["new_concerns"], data["missing"]["episodes"]) == (10, 10, 13)
    assert metrics.compute(OCT, date(2027, 1, 1))["cases_opened"] == 10  # and the same as counting every area


def _breakdown(report, slug):
    shown = services.presentation(report)["tables"]
    return next(t for t in shown if t.slug == slug)


def test_it_withholds_small_area_figures_so_that_the_total_does_not_give_them_away(october):
    strategic = build(ReportKind.LSCB_QUARTERLY, None, october["police_chair"])
    flow = _breakdown(strategic, "flow_by_area")
    assert flow.headers == ["Measure", "Portsmouth", "Southampton", "All areas"]
    opened = next(row for row in flow.rows if row[0] == "Cases opened")
    assert opened[1] == SUPPRESSED  # Portsmouth's 3
    # Southampton's 7 and the total 10 cannot both be shown: 10 - 7 is Portsmouth's.
    assert WITHHELD in opened[2:]
    # The main table shows the total as the breakdown does: one decision per figure.
    main = next(t for t in services.presentation(strategic)["tables"] if t.slug == "flow")
    assert next(row for row in main.rows if row[0] == "Cases opened")[1] == opened[3]
    # No row anywhere leaves a withheld figure to be worked out from the others in it.
    for table in services.presentation(strategic)["tables"]:
        if table.slug.endswith("_by_area"):
            for row in table.rows:
                hidden = [cell for cell in row[1:] if cell in (SUPPRESSED, WITHHELD)]
                assert len(hidden) != 1, (table.slug, row)


def test_it_shows_the_breakdown_in_the_pdf_and_its_csv(october, login):
    strategic = build(ReportKind.LSCB_QUARTERLY, None, october["police_chair"])
    client = login(october["police_chair"])
    page = client.get(reverse("report_detail", args=[strategic.pk]))
    assert page.status_code == 200
    assert b"Headline figures by area" in page.content and b"Portsmouth" in page.content
    response = client.get(reverse("report_csv", args=[strategic.pk, "flow_by_area"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Portsmouth,Southampton,All areas" in body and "<5" in body
    assert "all-areas" in response["Content-Disposition"]
    pdf = client.get(reverse("report_pdf", args=[strategic.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_it_gives_another_areas_report_as_a_404(october, login):
    pompey = build(ReportKind.MACE_MONTHLY, october["pompey"], october["police_chair"])
    soton = build(ReportKind.MACE_MONTHLY, october["soton"], october["police_chair"])
    client = login(october["soton_coordinator"])
    for name, args in (
        ("report_detail", [pompey.pk]),
        ("report_pdf", [pompey.pk]),
        ("report_csv", [pompey.pk, "flow"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get(reverse("report_detail", args=[soton.pk])).status_code == 200
    assert client.get(reverse("report_csv", args=[soton.pk, "flow"])).status_code == 200
    listing = client.get(reverse("report_list"))
    assert list(listing.context["reports"]) == [soton]
    # The Southampton chair cannot annotate Portsmouth's report either: it does not exist for them.
    chair = login(october["soton_chair"])
    assert chair.post(reverse("report_annotate", args=[pompey.pk]), {"version": 1}).status_code == 404


def test_it_shows_the_strategic_report_to_chairs_of_any_area_only(october, login):
    strategic = build(ReportKind.LSCB_QUARTERLY, None, october["police_chair"])
    url = reverse("report_detail", args=[strategic.pk])
    assert login(october["soton_chair"]).get(url).status_code == 200
    assert login(october["police_chair"]).get(url).status_code == 200
    assert login(october["soton_coordinator"]).get(url).status_code == 404
    assert login(october["practitioner"]).get(url).status_code == 403
    admin = UserFactory(agency=october["practitioner"].agency, roles=("system_admin",))
    assert login(admin).get(url).status_code == 403


def test_it_refuses_a_monthly_mace_report_of_every_area_and_another_areas_report(october):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services.report_request(actor=october["police_chair"], kind=ReportKind.MACE_MONTHLY, start=OCT, area=None)
    with pytest.raises(PermissionDenied):
        services.report_request(
            actor=october["soton_chair"], kind=ReportKind.MACE_MONTHLY, start=OCT, area=october["pompey"]
        )
    with pytest.raises(ValidationError):  # several areas: the area must be named
        services.report_request(actor=october["police_chair"], kind=ReportKind.MACE_MONTHLY, start=OCT)


def test_it_builds_one_report_per_area_and_the_strategic_quarter_on_schedule(october):
    built = services.build_due_reports(today=date(2027, 1, 5))
    monthly = {(r.period_start, r.area_id) for r in built if r.kind == ReportKind.MACE_MONTHLY}
    assert (date(2026, 12, 1), october["soton"].pk) in monthly and (date(2026, 12, 1), october["pompey"].pk) in monthly
    quarterly = sorted((r.area_id or 0) for r in built if r.kind == ReportKind.LSCB_QUARTERLY)
    assert quarterly == sorted([0, october["soton"].pk, october["pompey"].pk])
    assert not [r for r in built if r.kind == ReportKind.MACE_MONTHLY and r.area_id is None]
    assert services.build_due_reports(today=date(2027, 1, 5)) == []  # nothing twice


def test_it_shows_only_the_users_areas_on_the_dashboard(areas, login):
    now = timezone.now()
    logger = areas["practitioner"]
    for area, n in ((areas["soton"], 2), (areas["pompey"], 6)):
        for _ in range(n):
            case = case_in(area, opened_at=now - timedelta(days=1), created_at=now - timedelta(days=1))
            ConcernFactory(case=case, logged_by=logger, logged_at=now)
    soton = login(areas["soton_coordinator"]).get(reverse("dashboard"))
    assert soton.status_code == 200 and soton.context["new_concerns"] == 2
    assert sum(n for _, _, n in soton.context["open_by_risk"]) == 2
    pompey = login(areas["pompey_coordinator"]).get(reverse("dashboard"))
    assert pompey.context["new_concerns"] == 6
    both = login(areas["police_chair"]).get(reverse("dashboard"))
    assert both.context["new_concerns"] == 8


def test_it_shows_an_areas_priority_of_the_plan_to_that_area_only(areas, login):
    shared = Priority.objects.create(number=91, title="Shared across the partnership")
    own = Priority.objects.create(number=92, title="Portsmouth's own", area=areas["pompey"])
    action = PlanAction.objects.create(priority=own, ref="92.1", what="Portsmouth's action")
    soton = login(areas["soton_coordinator"])
    page = soton.get(reverse("plan"))
    titles = [p.title for p in page.context["priorities"]]
    assert shared.title in titles and own.title not in titles
    assert soton.get(reverse("plan_action", args=[action.pk])).status_code == 404
    assert "Portsmouth's action" not in soton.get(reverse("plan_export")).content.decode()
    pompey = login(areas["pompey_coordinator"])
    assert own.title in [p.title for p in pompey.get(reverse("plan")).context["priorities"]]
    assert pompey.get(reverse("plan_action", args=[action.pk])).status_code == 200


def test_it_keeps_a_single_area_installation_as_it_was(db):
    chair = UserFactory(roles=("chair",))
    only = Area.objects.get()
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=OCT)
    assert report.area == only
    assert str(report) == "Monthly MACE report October 2026"  # no area named where there is one
    assert services._scope(only.pk) is None  # no area filter in any measure
    built = services.build_due_reports(today=date(2027, 1, 5))
    assert not [r for r in built if r.area_id is None]
    assert Report.objects.filter(kind=ReportKind.LSCB_QUARTERLY, period_start=OCT).count() == 1
    assert "areas" not in services.report_build(report_id=report.pk).data  # no breakdown


def test_it_offers_a_chair_their_own_areas_and_every_area_when_building(october, login):
    soton_chair = login(october["soton_chair"])
    choices = dict(soton_chair.get(reverse("report_list")).context["form"].fields["area"].choices)
    assert "Southampton" in choices.values() and "Portsmouth" not in choices.values() and "all" in choices
    response = soton_chair.post(reverse("report_list"), {"kind": "lscb_quarterly", "month": "2026-10", "area": "all"})
    assert response.status_code == 302
    assert Report.objects.get(kind=ReportKind.LSCB_QUARTERLY).area is None
    refused = soton_chair.post(
        reverse("report_list"), {"kind": "mace_monthly", "month": "2026-10", "area": str(october["pompey"].pk)}
    )
    assert refused.status_code == 400 and not Report.objects.filter(kind=ReportKind.MACE_MONTHLY).exists()


def test_it_lists_reports_in_the_same_number_of_queries_however_many(october, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(october["soton_coordinator"])
    build(ReportKind.MACE_MONTHLY, october["soton"], october["soton_chair"])
    client.get(reverse("report_list"))  # the person's areas, kept
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("report_list"))
    for month in (7, 8, 9):
        services.report_request(
            actor=october["soton_chair"],
            kind=ReportKind.MACE_MONTHLY,
            start=date(2026, month, 1),
            area=october["soton"],
        )
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("report_list"))
    assert len(response.context["reports"]) == 4
    assert len(four) == len(one)


def test_it_counts_case_audits_by_the_audited_cases_area(october_audit):  # noqa: F811 - the fixture imported above
    """Grades and final grades follow the sampled case's area and add up to every area's; a finding about a
    whole round names no case, so its learning actions count only in the report of every area."""
    first_area = Area.objects.get()
    other = Area.objects.create(name="Portsmouth", short_name="Pompey")
    round_ = october_audit["round"]
    second = round_.sample.exclude(moderated_at__isnull=False).get().case
    Case.objects.filter(pk=second.pk).update(area=other)
    end = date(2026, 11, 1)
    every = metrics.case_audit_figures(OCT, end)
    mine = metrics.case_audit_figures(OCT, end, areas=[first_area.pk])
    theirs = metrics.case_audit_figures(OCT, end, areas=[other.pk])
    assert mine["by_agency"]["Police"]["requires_improvement"] == 0
    assert theirs["by_agency"]["Police"]["good"] == 0 and theirs["by_agency"]["Police"]["requires_improvement"] > 0
    for grade, n in every["final"].items():
        assert mine["final"][grade] + theirs["final"][grade] == n
    for agency, row in every["by_agency"].items():
        for grade, n in row.items():
            assert (
                mine["by_agency"].get(agency, {}).get(grade, 0) + theirs["by_agency"].get(agency, {}).get(grade, 0) == n
            )
    assert mine["learning_actions"] == theirs["learning_actions"] == {"open": 0, "overdue": 0, "closed": 0}
