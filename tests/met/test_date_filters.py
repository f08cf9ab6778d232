"""The fast `date` and `time` filters (met/templatetags/dates.py) say exactly what Django's say, for
every format the templates use."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Engine, Template, defaultfilters
from django.utils import timezone, translation

from met.templatetags import dates

UTC = dt.UTC
VALUES = [
    dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # the last second of winter time
    dt.datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),  # the first of summer time
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the hour that comes twice
    dt.datetime(2026, 12, 31, 23, 59, 5, tzinfo=UTC),
    dt.datetime(2024, 2, 29, 9, 5, tzinfo=ZoneInfo("Europe/London")),
    dt.datetime(987, 1, 1, 7, 0, tzinfo=UTC),  # a year Django pads to four digits
    dt.date(2026, 9, 1),
    dt.date(2027, 5, 3),
    dt.time(6, 7, 8),
]


def _formats(name: str) -> set[str]:
    """Every format given to the filter in the project's templates."""
    found = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        found |= set(re.findall(rf'\|{name}:"([^"]*)"', path.read_text()))
    return found


DATE_FORMATS = sorted(_formats("date") | {"D d/m/Y", "N jS"})  # and two it leaves to Django
TIME_FORMATS = sorted(_formats("time") | {"g:i A"})


def test_it_knows_the_formats_the_templates_use():
    assert {"j M Y", "j F Y", "j M Y H:i", "l j F Y"} <= set(DATE_FORMATS)
    assert "H:i" in TIME_FORMATS


def _answer(filter_, value, fmt):
    try:
        return filter_(value, fmt)
    except Exception as error:  # Django refuses some pairs (a time format for a plain date): so must we
        return type(error)


@pytest.mark.parametrize("fmt", DATE_FORMATS)
@pytest.mark.parametrize("value", VALUES, ids=str)
def test_it_formats_dates_as_django_does(fmt, value):
    local = timezone.localtime(value) if isinstance(value, dt.datetime) else value
    assert _answer(dates.date, local, fmt) == _answer(defaultfilters.date, local, fmt)


@pytest.mark.parametrize("fmt", TIME_FORMATS)
@pytest.mark.parametrize("value", VALUES, ids=str)
def test_it_formats_times_as_django_does(fmt, value):
    local = timezone.localtime(value) if isinstance(value, dt.datetime) else value
    assert _answer(dates.time, local, fmt) == _answer(defaultfilters.time, local, fmt)


@pytest.mark.parametrize("value", [None, "", "not a date", 42])
def test_it_answers_for_anything_else_as_django_does(value):
    assert dates.date(value, "j M Y") == defaultfilters.date(value, "j M Y")
    assert dates.time(value, "H:i") == defaultfilters.time(value, "H:i")


def test_it_leaves_other_languages_to_django():
    with translation.override("fr"):
        assert dates.date(dt.date(2026, 7, 14), "j F Y") == defaultfilters.date(dt.date(2026, 7, 14), "j F Y")
        assert dates.date(dt.date(2026, 7, 14), "j F Y") == "14 juillet 2026"


def test_it_is_the_filter_every_template_uses_and_shows_local_time():
    assert Engine.get_default().template_builtins[-1].filters["date"] is dates.date
    rendered = Template('{{ at|date:"j M Y H:i" }} {{ at|time:"H:i" }}').render(
        Context({"at": dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC)})
    )
    assert rendered == "1 Jul 2026 09:30 09:30"  # British Summer Time


@pytest.mark.parametrize("fmt", sorted(_formats("date") | _formats("time")))
def test_it_makes_every_format_the_templates_use_itself_without_django(fmt, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("went to Django's filter")

    monkeypatch.setattr(defaultfilters, "date", refuse)
    monkeypatch.setattr(defaultfilters, "time", refuse)
    at = timezone.localtime(dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    filter_ = dates.time if fmt in _formats("time") and fmt not in _formats("date") else dates.date
    assert filter_(at, fmt)
