"""cases/missing.py: frequent missing (3 starts in a rolling 90 days) and the 72-hour RHI rule."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cases.missing import RHIStatus, episodes_in_window, is_frequent_missing, rhi_state

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 24)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def ago(days: int, hour: int = 12) -> datetime:
    return at(TODAY - timedelta(days=days), hour)


@pytest.mark.parametrize(
    ("oldest_days_ago", "expected"),
    [(0, True), (88, True), (89, True), (90, False), (91, False)],
)
def test_it_counts_three_starts_within_the_90_days_up_to_today(oldest_days_ago, expected):
    starts = [ago(oldest_days_ago), ago(10), ago(2)]
    assert is_frequent_missing(starts, as_of=TODAY) is expected


def test_it_needs_three_episodes_not_two():
    assert not is_frequent_missing([ago(5), ago(1)], as_of=TODAY)
    assert is_frequent_missing([ago(5), ago(3), ago(1)], as_of=TODAY)


def test_it_counts_starts_not_ends():
    # Went missing 95 days ago and came back 80 days ago: that episode does not start in the window.
    starts = [ago(95), ago(20), ago(3)]
    assert episodes_in_window(starts, as_of=TODAY) == 2
    assert not is_frequent_missing(starts, as_of=TODAY)


def test_it_uses_the_local_day_of_a_start_late_at_night():
    # 23:30 in London on day 89 is 23:30 on day 89, whatever UTC says.
    late = datetime.combine(TODAY - timedelta(days=89), datetime.min.time(), tzinfo=LONDON).replace(hour=23, minute=30)
    assert is_frequent_missing([late, ago(5), ago(1)], as_of=TODAY)


def test_it_clears_as_the_window_rolls_on():
    starts = [ago(80), ago(70), ago(60)]
    assert is_frequent_missing(starts, as_of=TODAY)
    assert not is_frequent_missing(starts, as_of=TODAY + timedelta(days=11))


def test_it_counts_four_in_the_window():
    assert episodes_in_window([ago(80), ago(50), ago(20), ago(1), ago(200)], as_of=TODAY) == 4


RETURNED = at(TODAY, 9)


def state(now, *, completed=None, declined=False, kind="missing", returned=RETURNED):
    return rhi_state(kind=kind, returned_at=returned, completed_at=completed, declined=declined, now=now)


def test_it_makes_the_rhi_due_72_hours_after_return():
    s = state(RETURNED + timedelta(hours=1))
    assert s.status == RHIStatus.DUE
    assert s.due_at == RETURNED + timedelta(hours=72)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(71, RHIStatus.DUE), (72, RHIStatus.DUE), (72.01, RHIStatus.OVERDUE), (100, RHIStatus.OVERDUE)],
)
def test_it_turns_overdue_only_after_the_72nd_hour(hours, expected):
    assert state(RETURNED + timedelta(hours=hours)).status == expected


def test_it_counts_an_interview_at_exactly_72_hours_as_in_time():
    now = RETURNED + timedelta(days=10)
    assert state(now, completed=RETURNED + timedelta(hours=72)).status == RHIStatus.DONE
    assert state(now, completed=RETURNED + timedelta(hours=72, minutes=1)).status == RHIStatus.DONE_LATE


def test_it_has_no_rhi_while_still_missing_or_for_an_absence():
    assert state(RETURNED, returned=None).status == RHIStatus.NOT_APPLICABLE
    assert state(RETURNED + timedelta(days=5), kind="absent").status == RHIStatus.NOT_APPLICABLE


def test_it_records_a_declined_interview_as_not_overdue():
    assert state(RETURNED + timedelta(days=5), declined=True).status == RHIStatus.DECLINED
