"""riskassessment/scoring.py: points per indicator, evidence windows, and score bands (DESIGN §4)."""

from datetime import date

import pytest

from riskassessment.definition import seraf_v1
from riskassessment.scoring import AnswerIn, Band, Rule, score, window

ON = date(2026, 11, 24)
VULN, MOD, SIG = 1, 2, 3
RULES = {VULN: Rule(1, 0, time_limited=False), MOD: Rule(1, 0), SIG: Rule(5, 1)}
BANDS = [
    Band(b["min_score"], b["max_score"], b["category"], b["label"], b["suggested_level"]) for b in seraf_v1()["bands"]
]


def one(indicator, last=None, previous=None, present=True):
    return score([AnswerIn(indicator, present, last, previous)], assessment_date=ON, rules=RULES, bands=BANDS)


def test_it_scores_a_vulnerability_one_point_whatever_its_date():
    assert one(VULN).score == 1
    assert one(VULN, last=date(2020, 1, 1)).score == 1


def test_it_scores_nothing_for_an_unticked_indicator():
    assert one(SIG, last=ON, present=False).score == 0


@pytest.mark.parametrize(
    ("seen", "points", "out_of_date"),
    [
        (date(2026, 11, 24), 1, False),  # today
        (date(2026, 5, 24), 1, False),  # exactly 6 months before: still current
        (date(2026, 5, 23), 0, True),  # a day older: out of date for a moderate indicator
    ],
)
def test_it_scores_a_moderate_indicator_only_within_six_months(seen, points, out_of_date):
    result = one(MOD, last=seen)
    assert result.score == points
    assert result.indicators[MOD].out_of_date is out_of_date


@pytest.mark.parametrize(
    ("seen", "points"),
    [
        (date(2026, 5, 24), 5),  # exactly 6 months: current
        (date(2026, 5, 23), 1),  # just older than 6 months: previous window
        (date(2025, 11, 24), 1),  # exactly 12 months: still previous
        (date(2025, 11, 23), 0),  # older than 12 months: nothing
    ],
)
def test_it_scores_a_significant_indicator_by_window(seen, points):
    assert one(SIG, last=seen).score == points


def test_it_scores_six_for_a_significant_indicator_seen_in_both_windows():
    assert one(SIG, last=date(2026, 10, 1), previous=date(2026, 2, 1)).score == 6


def test_it_scores_five_not_ten_for_two_current_dates():
    assert one(SIG, last=date(2026, 10, 1), previous=date(2026, 9, 1)).score == 5


def test_it_marks_old_significant_evidence_out_of_date():
    result = one(SIG, last=date(2024, 1, 1))
    assert (result.score, result.indicators[SIG].out_of_date) == (0, True)


def test_it_asks_for_a_date_before_scoring_a_timed_indicator():
    result = one(MOD, last=None)
    assert (result.score, result.indicators[MOD].out_of_date) == (0, False)


@pytest.mark.parametrize(
    ("total", "category", "level"),
    [
        (0, 1, "none"),
        (5, 1, "none"),
        (6, 2, "low"),
        (10, 2, "low"),
        (11, 3, "medium"),
        (15, 3, "medium"),
        (16, 4, "high"),
        (40, 4, "high"),
    ],
)
def test_it_bands_scores_at_every_boundary(total, category, level):
    rules = {n: Rule(1, 0, time_limited=False) for n in range(total)}
    answers = [AnswerIn(n, True) for n in range(total)]
    result = score(answers, assessment_date=ON, rules=rules, bands=BANDS)
    assert (result.score, result.category, result.suggested_level) == (total, category, level)


def test_it_adds_up_a_realistic_assessment():
    answers = [
        AnswerIn(VULN, True),
        AnswerIn(MOD, True, date(2026, 9, 1)),
        AnswerIn(SIG, True, date(2026, 11, 1), date(2026, 1, 1)),
    ]
    result = score(answers, assessment_date=ON, rules=RULES, bands=BANDS)
    assert (result.score, result.category, result.label) == (8, 2, "Mild")


def test_it_uses_the_windows_it_is_given():
    assert window(date(2026, 2, 24), on=ON, current_months=9, previous_months=18) == "current"
    assert window(date(2026, 2, 24), on=ON, current_months=6, previous_months=12) == "previous"
