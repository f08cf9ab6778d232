"""Working days: Monday to Friday, less the bank holidays of England and Wales (DESIGN §6).

Bank holidays come from the `holidays` package (subdivision ENG), including observed substitute
days: Boxing Day 2026 is a Saturday, so Monday 28 December 2026 is the holiday. A system admin can
add one-off non-working days (met.models.NonWorkingDay), which count as holidays too.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from functools import lru_cache

import holidays

_held: ContextVar[frozenset[date] | None] = ContextVar("met_non_working_days", default=None)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year, observed=True))


_CACHE_KEY = "met:non-working-days"


def _extra_days() -> frozenset[date]:
    from met import cache
    from met.models import NonWorkingDay

    held = _held.get()
    if held is not None:
        return held
    # Every page with a due date asks; the days change a few times a year, and forget() below runs
    # whenever one is added or removed.
    days = cache.get(_CACHE_KEY)
    if days is None:
        days = frozenset(NonWorkingDay.objects.values_list("date", flat=True))
        cache.set(_CACHE_KEY, days, 600)
    return days


def forget(**_) -> None:
    """Connected to NonWorkingDay's save and delete (met.apps)."""
    from met import cache

    cache.delete(_CACHE_KEY)


@contextmanager
def one_calendar():
    """Read the non-working days once for a block that asks about many dates (a sweep), rather than
    once a question."""
    token = _held.set(_extra_days())
    try:
        yield
    finally:
        _held.reset(token)


def is_working_day(day: date, *, extra: frozenset[date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _bank_holidays(day.year):
        return False
    return day not in (extra if extra is not None else _extra_days())


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (n ≥ 0; n = 0 gives `start` itself)."""
    if n < 0:
        raise ValueError("n must not be negative")
    extra = _extra_days()
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day, extra=extra):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a`, up to and including `b` (0 when b ≤ a): how overdue something due on `a` is on `b`."""
    extra = _extra_days()
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day, extra=extra):
            count += 1
    return count


def last_working_day(on_or_before: date) -> date:
    """The latest working day up to and including `on_or_before`."""
    extra = _extra_days()
    day = on_or_before
    while not is_working_day(day, extra=extra):
        day -= timedelta(days=1)
    return day


def next_working_day(on_or_after: date) -> date:
    """The earliest working day on or after `on_or_after`."""
    extra = _extra_days()
    day = on_or_after
    while not is_working_day(day, extra=extra):
        day += timedelta(days=1)
    return day
