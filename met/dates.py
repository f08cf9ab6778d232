"""The range of dates a real record can have, for every date a person types.

Years like 0001 or 9999 parse as dates but break arithmetic further on (the agenda's "since the last
meeting", a 72-hour deadline, working days after 31 December 9999): they are typing errors, refused at
the form with a message that names the field. Fields with a tighter sensible range (a meeting, a due
date, a non-working day) say so with `earliest`/`latest`, which may be callables of today.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)

Bound = date | Callable[[], date]


def years_from_today(years: int) -> Callable[[], date]:
    def bound() -> date:
        today = timezone.localdate()
        return today + timedelta(days=round(365.25 * years))

    return bound


def _resolve(bound: Bound) -> date:
    return bound() if callable(bound) else bound


def out_of_range(label: str, value: date, *, earliest: Bound = EARLIEST, latest: Bound = LATEST) -> str | None:
    """The message for a date outside the range, naming the field; None when it is inside."""
    low, high = _resolve(earliest), _resolve(latest)
    if low <= value <= high:
        return None
    return f"{label} must be between {low:%-d %B %Y} and {high:%-d %B %Y}: check the year."


class _Bounded:
    def __init__(self, *args, earliest: Bound = EARLIEST, latest: Bound = LATEST, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        day = value.date() if isinstance(value, datetime) else value
        message = out_of_range(self.label or "The date", day, earliest=self.earliest, latest=self.latest)
        if message:
            raise forms.ValidationError(message, code="out_of_range")


class DateField(_Bounded, forms.DateField):
    """A form date between 1900 and 2199, or the tighter range given."""


class DateTimeField(_Bounded, forms.DateTimeField):
    """A form date and time between 1900 and 2199, or the tighter range given."""
