"""The GOV.UK date input (issue 15): day, month and year boxes, and a time box for a date and time, read
and checked in one place (met/widgets.py, met/dates.py) with messages that name the field."""

from datetime import date, datetime, timedelta

import pytest
from django import forms
from django.utils import timezone

from met import dates
from met.form_errors import Form


class ChildForm(Form):
    date_of_birth = dates.DateField(label="Date of birth", past=True, birthday=True)
    seen_at = dates.DateTimeField(label="When it happened", required=False)


def errors_for(data: dict) -> dict:
    form = ChildForm(data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ({"day": "27", "month": "3", "year": ""}, "Date of birth must include a year."),
        ({"day": "", "month": "", "year": "2012"}, "Date of birth must include a day and month."),
        ({"day": "31", "month": "2", "year": "2012"}, "Date of birth must be a real date."),
        ({"day": "1", "month": "13", "year": "2012"}, "Date of birth must be a real date."),
        ({"day": "x", "month": "3", "year": "2012"}, "Date of birth must be a real date, in numbers."),
        ({"day": "27", "month": "3", "year": "12"}, "Date of birth must include a year with 4 numbers, like 2026."),
        ({"day": "", "month": "", "year": ""}, "Enter date of birth."),
        ({"day": "1", "month": "1", "year": "1850"}, "Date of birth must be between 1 January 1900 and"),
    ],
)
def test_it_names_the_field_in_every_date_message(boxes, message):
    errors = errors_for({f"date_of_birth-{part}": value for part, value in boxes.items()})
    assert any(error.startswith(message) for error in errors["date_of_birth"]), errors


def test_it_refuses_a_date_of_birth_in_the_future():
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {
        "date_of_birth-day": tomorrow.day,
        "date_of_birth-month": tomorrow.month,
        "date_of_birth-year": tomorrow.year,
    }
    assert errors_for(data)["date_of_birth"] == ["Date of birth must be in the past."]


def test_it_reads_the_boxes_and_a_time_on_the_24_hour_clock():
    form = ChildForm(
        {
            "date_of_birth-day": " 27 ",
            "date_of_birth-month": "03",
            "date_of_birth-year": "2012",
            "seen_at-day": "24",
            "seen_at-month": "11",
            "seen_at-year": "2026",
            "seen_at-time": "18.30",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == date(2012, 3, 27)
    assert form.cleaned_data["seen_at"] == timezone.make_aware(datetime(2026, 11, 24, 18, 30))


@pytest.mark.parametrize(
    ("time", "message"),
    [
        ("", "When it happened must include a time."),
        ("25:00", "When it happened must include a real time on the 24-hour clock, like 18:30."),
        ("6pm", "When it happened must include a real time on the 24-hour clock, like 18:30."),
    ],
)
def test_it_wants_a_real_time_with_a_date_and_time(time, message):
    data = {"date_of_birth": "2012-03-27", "seen_at-day": "24", "seen_at-month": "11", "seen_at-year": "2026"}
    assert errors_for({**data, "seen_at-time": time})["seen_at"] == [message]


def test_it_still_reads_a_single_iso_value():
    form = ChildForm({"date_of_birth": "2012-03-27", "seen_at": "2026-11-24T18:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == date(2012, 3, 27)


def test_it_keeps_what_was_typed_and_draws_one_box_per_part():
    form = ChildForm({"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2012"})
    assert not form.is_valid()
    html = form["date_of_birth"].as_widget()
    for part, value in (("day", "31"), ("month", "2"), ("year", "2012")):
        assert f'name="date_of_birth-{part}"' in html
        assert f'value="{value}"' in html
    assert 'autocomplete="bday-day"' in html
    assert 'name="seen_at-time"' in ChildForm()["seen_at"].as_widget()


def test_it_gives_a_required_field_left_with_djangos_message_one_that_names_it():
    class Plain(Form):
        first_name = forms.CharField()
        agency = forms.ChoiceField(choices=[("", "Choose"), ("csc", "CSC")])
        kept = forms.CharField(error_messages={"required": "Say something."})

    form = Plain({})
    assert not form.is_valid()
    assert form.errors == {
        "first_name": ["Enter first name."],
        "agency": ["Choose agency."],
        "kept": ["Say something."],
    }
