"""The `date` and `time` filters for the formats MET Hub's templates use, without Django's general
formatter: a case page shows some forty dates, and formatting them took a tenth of its time (issue 14).

Loaded as a builtin after Django's own (TEMPLATES in met/settings.py), so `|date:"j M Y"` in any
template comes here. The result is exactly Django's (tests/met/test_date_filters.py compares them for
every format the templates use); any other format, a value that is not a date, or a language other
than English goes to Django's filter unchanged.
"""

import datetime as dt

from django import template
from django.template import defaultfilters
from django.utils import timezone, translation

register = template.Library()

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]  # fmt: skip
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Each format letter the templates use, as a function of the value. Letters not here send the whole
# format to Django.
_DATE_PARTS = {
    "j": lambda v: str(v.day),
    "M": lambda v: _MONTHS[v.month - 1][:3],
    "F": lambda v: _MONTHS[v.month - 1],
    "Y": lambda v: f"{v.year:04d}",
    "l": lambda v: _WEEKDAYS[v.weekday()],
}
_TIME_PARTS = {
    "H": lambda v: f"{v.hour:02d}",
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}
_LITERAL = set(" ,:")
_compiled: dict[str, str | None] = {}


def _compile(fmt: str) -> str | None:
    """The format if every letter in it is one this module makes, else None (Django's filter answers)."""
    if fmt not in _compiled:
        _compiled[fmt] = fmt if set(fmt) <= _LITERAL | _DATE_PARTS.keys() | _TIME_PARTS.keys() else None
    return _compiled[fmt]


def _english() -> bool:
    return (translation.get_language() or "en").startswith("en")


def _format(value, fmt: str, *, kinds) -> str | None:
    """The formatted value, or None when Django's own filter should answer."""
    parts = _compile(fmt)
    if parts is None or not isinstance(value, kinds) or not _english():
        return None
    if not isinstance(value, dt.datetime) and isinstance(value, dt.date) and any(p in _TIME_PARTS for p in parts):
        return None  # Django's answer for a time of a plain date is its own business
    if isinstance(value, dt.time) and any(p in _DATE_PARTS for p in parts):
        return None
    return "".join(p if p in _LITERAL else (_DATE_PARTS.get(p) or _TIME_PARTS[p])(value) for p in parts)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, "") or arg is None:
        return defaultfilters.date(value, arg)
    made = _format(value, arg, kinds=(dt.date,))
    return made if made is not None else defaultfilters.date(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    if value in (None, "") or arg is None:
        return defaultfilters.time(value, arg)
    made = _format(value, arg, kinds=(dt.datetime, dt.time)) if not set(arg) & set(_DATE_PARTS) else None
    return made if made is not None else defaultfilters.time(value, arg)


def local_date(value, fmt: str) -> str:
    """What `{{ value|date:fmt }}` gives in a template (in local time), for tags that make their markup
    in Python (the case page's timeline, the triage inbox)."""
    return date(timezone.template_localtime(value), fmt)
