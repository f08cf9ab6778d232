"""Secondary suppression in the LSCB report: a count under 5 cannot be worked out from the figures around it."""

import copy
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reporting import metrics, services, tables
from reporting.models import ReportKind
from reporting.suppression import PRIMARY, SECONDARY, Relation, withhold
from tests.factories import CaseFactory, MissingEpisodeFactory

LONDON = ZoneInfo("Europe/London")
JUL, OCT = date(2026, 7, 1), date(2026, 10, 1)


@pytest.fixture
def quarter(db):
    """The measures of an empty July to September 2026, for a test to fill in."""
    return copy.deepcopy(metrics.compute(JUL, OCT))


def _table(data, slug, lscb):
    return next(t for t in tables.build(data, lscb=lscb) if t.slug == slug)


def cell(data, slug, label):
    return next(row[-1] for row in _table(data, slug, True).rows if row[0] == label)


def test_it_withholds_the_interviews_on_time_when_the_late_ones_could_be_worked_out(demo_data, login):
    # 10 interviews completed, 6 within 72 hours: publishing both would say 4 were late.
    case = CaseFactory(opened_at=datetime(2026, 6, 1, tzinfo=LONDON))
    police = demo_data["practitioner.police@example.org"]
    for n in range(10):
        back = datetime(2026, 8, 1 + n, 10, tzinfo=LONDON)
        MissingEpisodeFactory(
            case=case,
            went_missing_at=back - timedelta(hours=6),
            returned_at=back,
            rhi_offered_at=back + timedelta(hours=2),
            rhi_completed_at=back + timedelta(hours=24 if n < 6 else 100),
            recorded_by=police,
        )
    chair = demo_data["chair@example.org"]
    report, _ = services.report_request(actor=chair, kind=ReportKind.LSCB_QUARTERLY, start=JUL)
    report = services.report_build(report_id=report.pk)
    assert report.data["rhi"] == {"returns": 10, "offered": 10, "completed": 10, "within_72h": 6}

    missing = {row[0]: row[1] for row in _table(report.data, "missing", True).rows}
    assert missing["Interviews completed"] == 10
    assert missing["Completed within 72 hours"] == tables.WITHHELD
    # Returns 10, offered 10, completed 10: nothing published says how many of the 10 were on time.
    assert [missing[k] for k in ("Returns in the period", "Interviews offered")] == [10, 10]
    shown = services.presentation(report)
    headline = {row["label"]: row["value"] for row in shown["headline"]}
    assert headline["Return home interviews within 72 hours"] == tables.WITHHELD  # the same figure, withheld too
    assert shown["withheld_note"] == tables.WITHHELD_NOTE
    csv = login(chair).get(reverse("report_csv", args=[report.pk, "missing"])).content.decode()
    assert "Completed within 72 hours,[c]" in csv and "Interviews completed,10" in csv
    # The restricted MACE report for the same figures withholds nothing.
    mace = {row[0]: row[1] for row in _table(report.data, "missing", False).rows}
    assert mace["Completed within 72 hours"] == 6


def test_it_withholds_a_late_count_per_agency_in_the_actions_table(quarter):
    quarter["actions"] = {
        "Police": {"created": 12, "completed": 9, "on_time": 6, "overdue": 0, "escalated": 0},  # 3 late
        "Health": {"created": 8, "completed": 7, "on_time": 7, "overdue": 5, "escalated": 0},  # none late
    }
    actions = {row[0]: row[1:] for row in _table(quarter, "actions", True).rows}
    assert actions["Police"] == [12, 9, tables.WITHHELD, 0, 0]
    assert actions["Health"] == [8, 7, 7, 5, 0]


def test_it_withholds_a_gender_count_given_away_by_the_age_bands(quarter):
    # 14 children: the age bands add up to 14, so female 6 and male 5 would leave other 3.
    quarter["themes"]["gender"] = {"female": 6, "male": 5, "other": 3}
    quarter["themes"]["age_band"] = {"12–13": 7, "14–15": 7}
    themes = {(row[0], row[1]): row[2] for row in _table(quarter, "themes", True).rows}
    assert themes[("Gender", "other")] == tables.SUPPRESSED
    assert themes[("Gender", "male")] == tables.WITHHELD  # the smaller that keeps "other" hidden
    assert (themes[("Gender", "female")], themes[("Age band", "12–13")], themes[("Age band", "14–15")]) == (6, 7, 7)
    # Female 6 and two unknowns adding up to 8: other could be 1 to 3 (or 8 - male for any male).

    # With an age band small as well, the totals are unknown and gender needs nothing more.
    quarter["themes"]["age_band"] = {"12–13": 6, "14–15": 6, "16–17": 2}
    themes = {(row[0], row[1]): row[2] for row in _table(quarter, "themes", True).rows}
    assert (themes[("Gender", "male")], themes[("Age band", "16–17")]) == (5, tables.SUPPRESSED)


def test_it_withholds_a_month_given_away_by_the_quarter_total(quarter):
    months = {"2026-07": 8, "2026-08": 9, "2026-09": 3}
    for row in quarter["trend"]:
        row["concerns"] = months.get(row["month"], 0)
    quarter["new_concerns"] = 20
    trend = {row[0]: row[1] for row in _table(quarter, "trend", True).rows}
    assert (trend["2026-07"], trend["2026-08"], trend["2026-09"]) == (tables.WITHHELD, 9, tables.SUPPRESSED)
    assert cell(quarter, "flow", "New concerns") == 20
    # The previous quarter's total (in the headline) and its months are tied the same way.
    quarter["previous"] = {"new_concerns": 11}
    for row in quarter["trend"]:
        row["concerns"] = {"2026-04": 2, "2026-05": 5, "2026-06": 4, **months}.get(row["month"], 0)
    trend = {row[0]: row[1] for row in _table(quarter, "trend", True).rows}
    assert (trend["2026-04"], trend["2026-05"], trend["2026-06"]) == (tables.SUPPRESSED, 5, tables.SUPPRESSED)
    # 11 = <5 + 5 + <5: the two small months stay unknown (2 and 4, or 3 and 3, or 4 and 2).


def test_it_follows_a_cascade_in_a_table_with_totals():
    #          p    q   total
    #   X      3   10    13
    #   Y      8   12    20
    #   total 11   22    33
    values = {"Xp": 3, "Xq": 10, "XT": 13, "Yp": 8, "Yq": 12, "YT": 20, "P": 11, "Q": 22, "G": 33}
    relations = [
        Relation("XT", ("Xp", "Xq")),
        Relation("YT", ("Yp", "Yq")),
        Relation("P", ("Xp", "Yp")),
        Relation("Q", ("Xq", "Yq")),
        Relation("G", ("XT", "YT")),
        Relation("G", ("P", "Q")),
    ]
    # Withholding Xp gives it back through its row and its column; withholding Yp (for the column)
    # gives Yp back through Y's row, which forces Yq, which its column gives back, which forces Xq.
    assert withhold(values, relations, set(values)) == {
        "Xp": PRIMARY,
        "Yp": SECONDARY,
        "Xq": SECONDARY,
        "Yq": SECONDARY,
    }
    # Proof that Xp cannot be recovered: moving one along the rectangle keeps every total.
    other = values | {"Xp": 4, "Xq": 9, "Yp": 7, "Yq": 13}
    assert all(other[r.total] == sum(other[p] for p in r.parts) for r in relations)


def test_it_withholds_only_what_would_give_a_small_count_away():
    values = {"a": 3, "b": 2, "t": 5}
    # Both parts are small and withheld already: 5 = <5 + <5 has more than one answer.
    assert withhold(values, [Relation("t", ("a", "b"))], set(values)) == {"a": PRIMARY, "b": PRIMARY}
    assert withhold({"a": 7, "t": 9, "b": 2}, [Relation("t", ("a", "b"))], {"a", "t"}) == {
        "a": SECONDARY
    }  # b is only derivable (like late interviews): one of the published pair is withheld
