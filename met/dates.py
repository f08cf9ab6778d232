"""The range of dates a real record can have, for every date a person types.

Years like 0001 or 9999 parse as dates but break arithmetic further on (the agenda's "since the last
meeting", a 72-hour deadline, working days after 31 December 9999): they are typing errors, refused at
the form with a message that names the field. Fields with a tighter sensible range (a meeting, a due
date, a non-working day) say so with `earliest`/`latest`, which may be callables of today.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django import forms
from django.forms.utils import from_current_timezone
from django.utils import timezone

from met.form_errors import lower_first
from met.widgets import GovukDateInput

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


TIME = re.compile(r"^(?P<hour>\d{1,2})[:.]?(?P<minute>\d{2})$")


class _Bounded:
    """A date the person types in GOV.UK's day, month and year boxes (and a time box for a date and time),
    checked here with messages that name the field: "Date of birth must include a year"."""

    with_time = False

    def __init__(
        self,
        *args,
        earliest: Bound = EARLIEST,
        latest: Bound = LATEST,
        past: bool = False,
        birthday: bool = False,
        **kwargs,
    ):
        self.earliest, self.latest, self.past = earliest, latest, past
        kwargs.setdefault("widget", GovukDateInput(with_time=self.with_time))
        super().__init__(*args, **kwargs)
        self.widget.bday = birthday

    @property
    def name_in_messages(self) -> str:
        return self.label or "The date"

    def example(self) -> str:
        if self.widget.bday:
            day = date(timezone.localdate().year - 14, 3, 27)
        else:
            day = timezone.localdate() - timedelta(days=400) if self.past else timezone.localdate()
        text = f"For example, {day.day} {day.month} {day.year}"
        return text + (" and 18:30 (24-hour clock)" if self.with_time else "")

    def to_python(self, value):
        if isinstance(value, dict):
            return self._from_boxes(value)
        return super().to_python(value)

    def _from_boxes(self, boxes: dict[str, str]):
        name = self.name_in_messages
        if not any(boxes.values()):
            return None
        missing = [part for part in self.widget.parts if not boxes.get(part)]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and '.join(missing)}.", code="incomplete")
        day, month, year = boxes["day"], boxes["month"], boxes["year"]
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{name} must be a real date, in numbers.", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError(f"{name} must include a year with 4 numbers, like 2026.", code="invalid")
        try:
            typed = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date.", code="invalid") from None
        if not self.with_time:
            return typed
        match = TIME.match(boxes["time"])
        hour, minute = (int(match["hour"]), int(match["minute"])) if match else (99, 99)
        if hour > 23 or minute > 59:
            raise forms.ValidationError(
                f"{name} must include a real time on the 24-hour clock, like 18:30.", code="invalid"
            )
        return from_current_timezone(datetime.combine(typed, time(hour, minute)))

    def validate(self, value):
        if value in self.empty_values and self.required and "required" not in self.custom_messages:
            raise forms.ValidationError(f"Enter {lower_first(self.name_in_messages)}.", code="required")
        super().validate(value)
        if value in self.empty_values:
            return
        day = value.date() if isinstance(value, datetime) else value
        if self.past and day > timezone.localdate():
            raise forms.ValidationError(f"{self.name_in_messages} must be in the past.", code="future")
        message = out_of_range(self.name_in_messages, day, earliest=self.earliest, latest=self.latest)
        if message:
            raise forms.ValidationError(message, code="out_of_range")


class DateField(_Bounded, forms.DateField):
    """A form date between 1900 and 2199, or the tighter range given, in GOV.UK date boxes."""

    def __init__(self, *args, error_messages=None, **kwargs):
        self.custom_messages = set(error_messages or ())
        super().__init__(*args, error_messages=error_messages, **kwargs)


class DateTimeField(_Bounded, forms.DateTimeField):
    """A form date and time between 1900 and 2199, or the tighter range given, in GOV.UK date boxes and a
    time box."""

    with_time = True

    def __init__(self, *args, error_messages=None, **kwargs):
        self.custom_messages = set(error_messages or ())
        super().__init__(*args, error_messages=error_messages, **kwargs)
