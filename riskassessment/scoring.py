"""SERAF scoring (DESIGN §4), as one pure function of the answers, the assessment date and the tool.

The tool version supplies the rules (points per indicator, evidence windows, score bands), so an
old assessment is always scored by the version it was made with.

- An untimed indicator (a vulnerability) scores its points when present.
- A timed indicator scores `points_current` when last seen within `current_months` before the
  assessment date (6: moderate 1 point, significant 5), and `points_previous` when seen between
  `current_months` and `previous_months` before it (6–12: significant 1 point). Seen in both
  windows, it scores both (significant: 6). Evidence older than `previous_months` scores nothing
  and is reported as out of date.
- Window edges are inclusive: seen exactly 6 months before the assessment date is current;
  exactly 12 months before is previous.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Rule:
    points_current: int
    points_previous: int = 0
    time_limited: bool = True


@dataclass(frozen=True)
class Band:
    min_score: int
    max_score: int | None
    category: int
    label: str
    suggested_level: str


@dataclass(frozen=True)
class AnswerIn:
    indicator_id: int
    present: bool
    last_seen: date | None = None
    previous_seen: date | None = None


@dataclass(frozen=True)
class IndicatorScore:
    points: int
    out_of_date: bool


@dataclass(frozen=True)
class Result:
    score: int
    category: int | None
    label: str
    suggested_level: str
    indicators: dict[int, IndicatorScore] = field(default_factory=dict)


def window(seen: date | None, *, on: date, current_months: int, previous_months: int) -> str | None:
    """'current', 'previous', 'old' or None (no date) for a date seen, relative to the assessment date."""
    if seen is None:
        return None
    if seen >= on - relativedelta(months=current_months):
        return "current"
    if seen >= on - relativedelta(months=previous_months):
        return "previous"
    return "old"


def score_indicator(
    rule: Rule, answer: AnswerIn, *, on: date, current_months: int, previous_months: int
) -> IndicatorScore:
    if not answer.present:
        return IndicatorScore(0, False)
    if not rule.time_limited:
        return IndicatorScore(rule.points_current, False)
    windows = {
        window(seen, on=on, current_months=current_months, previous_months=previous_months)
        for seen in (answer.last_seen, answer.previous_seen)
    } - {None}
    points = (rule.points_current if "current" in windows else 0) + (
        rule.points_previous if "previous" in windows else 0
    )
    return IndicatorScore(points, out_of_date=bool(windows) and points == 0)


def band_for(score: int, bands: Sequence[Band]) -> Band | None:
    for band in bands:
        if score >= band.min_score and (band.max_score is None or score <= band.max_score):
            return band
    return None


def score(
    answers: Iterable[AnswerIn],
    *,
    assessment_date: date,
    rules: Mapping[int, Rule],
    bands: Sequence[Band],
    current_months: int = 6,
    previous_months: int = 12,
) -> Result:
    per_indicator = {
        answer.indicator_id: score_indicator(
            rules[answer.indicator_id],
            answer,
            on=assessment_date,
            current_months=current_months,
            previous_months=previous_months,
        )
        for answer in answers
    }
    total = sum(item.points for item in per_indicator.values())
    band = band_for(total, bands)
    if band is None:
        return Result(total, None, "", "", per_indicator)
    return Result(total, band.category, band.label, band.suggested_level, per_indicator)
