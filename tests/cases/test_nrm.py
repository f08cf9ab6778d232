"""cases/nrm.py: the NRM target times (5 working days to the reasonable grounds decision, a conclusive
grounds decision no sooner than 30 days after a positive one) and the rules a referral's record keeps."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from cases import nrm

pytestmark = pytest.mark.django_db  # working days read the admin's non-working days

TODAY = date(2027, 3, 1)


def referral(**fields):
    data = {
        "referred_on": date(2026, 12, 3),
        "rg_decided_on": None,
        "rg_outcome": "",
        "cg_decided_on": None,
        "cg_outcome": "",
    }
    data.update(fields)
    return SimpleNamespace(**data)


def valid(**fields):
    data = {
        "referred_on": date(2027, 1, 4),
        "first_responder": "Hampshire Constabulary",
        "reference": "",
        "rg_decided_on": None,
        "rg_outcome": "",
        "cg_decided_on": None,
        "cg_outcome": "",
        "ictg_allocated": False,
        "ictg_name": "",
        "ictg_allocated_on": None,
    }
    data.update(fields)
    return data


def test_it_applies_to_the_trafficking_and_modern_slavery_categories_only():
    assert {"trafficking", "modern_slavery"} == nrm.NRM_CATEGORY_CODES

    def case(*codes):
        return SimpleNamespace(categories=SimpleNamespace(all=lambda: [SimpleNamespace(code=c) for c in codes]))

    assert nrm.applies_to(case("cse", "trafficking"))
    assert nrm.applies_to(case("modern_slavery"))
    assert not nrm.applies_to(case("cse", "county_lines"))
    assert not nrm.applies_to(case())


@pytest.mark.parametrize(
    ("referred", "due"),
    [
        (date(2026, 12, 7), date(2026, 12, 14)),  # Monday: the next Monday
        (date(2026, 12, 3), date(2026, 12, 10)),  # Thursday: across the weekend to the next Thursday
        (date(2026, 12, 5), date(2026, 12, 11)),  # a Saturday referral counts from the Monday
        # Christmas Day (Fri), Boxing Day observed (Mon 28) and New Year's Day (Fri 1 Jan) do not count.
        (date(2026, 12, 23), date(2027, 1, 4)),
        # Good Friday 26 March and Easter Monday 29 March 2027.
        (date(2027, 3, 24), date(2027, 4, 2)),
    ],
)
def test_it_gives_the_reasonable_grounds_decision_5_working_days(referred, due):
    assert nrm.rg_due(referred) == due


def test_it_counts_a_non_working_day_the_admin_added():
    from met.models import NonWorkingDay
    from met.workdays import forget

    assert nrm.rg_due(date(2026, 12, 7)) == date(2026, 12, 14)
    NonWorkingDay.objects.create(date=date(2026, 12, 9), reason="Snow closure")
    forget()
    assert nrm.rg_due(date(2026, 12, 7)) == date(2026, 12, 15)


def test_it_marks_the_reasonable_grounds_decision_overdue_the_day_after_it_is_due():
    r = referral(referred_on=date(2026, 12, 3))  # due Thursday 10 December
    assert nrm.rg_indicator(r, today=date(2026, 12, 10)) == nrm.Indicator("Due by 10 December 2026", "yellow")
    late = nrm.rg_indicator(r, today=date(2026, 12, 11))
    assert late.overdue and late.colour == "red" and "10 December 2026" in late.text


def test_it_says_whether_a_decision_came_on_time():
    on_time = nrm.rg_indicator(referral(rg_decided_on=date(2026, 12, 10), rg_outcome="positive"), today=TODAY)
    late = nrm.rg_indicator(referral(rg_decided_on=date(2026, 12, 11), rg_outcome="positive"), today=TODAY)
    assert (on_time.text, late.text) == ("Decided", "Decided late")
    assert not on_time.overdue and not late.overdue


def test_it_gives_the_overdue_cutoff_that_matches_the_due_dates():
    # Every referral on or before the cutoff is overdue on `today`, and none after it.
    for today in (date(2026, 12, 14), date(2026, 12, 29), date(2027, 1, 4), date(2027, 4, 2)):
        cutoff = nrm.rg_overdue_cutoff(today)
        for offset in range(-20, 3):
            day = cutoff + timedelta(days=offset)
            assert (nrm.rg_due(day) < today) is (day <= cutoff), (today, day)


def test_it_holds_the_conclusive_grounds_decision_until_30_days_after_a_positive_one():
    positive = referral(rg_decided_on=date(2026, 12, 10), rg_outcome="positive")
    assert nrm.cg_earliest(date(2026, 12, 10)) == date(2027, 1, 9)
    assert nrm.cg_indicator(positive, today=date(2027, 1, 8)).colour == "blue"
    assert "not before 9 January 2027" in nrm.cg_indicator(positive, today=date(2027, 1, 8)).text
    awaited = nrm.cg_indicator(positive, today=date(2027, 1, 9))
    assert awaited.colour == "yellow" and not awaited.overdue  # no published target: never "overdue"
    negative = referral(rg_decided_on=date(2026, 12, 10), rg_outcome="negative")
    assert nrm.cg_indicator(negative, today=TODAY).colour == "grey"


def test_it_accepts_a_complete_record():
    fields = valid(
        referred_on=date(2026, 12, 3),
        rg_decided_on=date(2026, 12, 9),
        rg_outcome="positive",
        cg_decided_on=date(2027, 1, 8),
        cg_outcome="negative",
        ictg_allocated=True,
        ictg_name="Barnardo's ICTG service",
        ictg_allocated_on=date(2026, 12, 4),
    )
    assert nrm.problems(fields, today=TODAY) == {}


def test_it_refuses_a_conclusive_decision_inside_the_recovery_period():
    fields = valid(
        referred_on=date(2026, 12, 3),
        rg_decided_on=date(2026, 12, 9),
        rg_outcome="positive",
        cg_decided_on=date(2027, 1, 7),
        cg_outcome="positive",
    )
    assert "30-day recovery period" in nrm.problems(fields, today=TODAY)["cg_decided_on"][0]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"rg_decided_on": date(2027, 1, 1), "rg_outcome": "positive"}, "rg_decided_on", "before the referral date"),
        (
            {"rg_decided_on": date(2027, 1, 5), "rg_outcome": "negative", "cg_decided_on": date(2027, 2, 20)},
            "cg_decided_on",
            "needs a positive reasonable grounds decision",
        ),
        ({"cg_outcome": "positive", "cg_decided_on": date(2027, 2, 20)}, "cg_outcome", "needs a positive"),
        ({"referred_on": date(2027, 3, 2)}, "referred_on", "cannot be in the future"),
        (
            {"rg_decided_on": date(2027, 3, 5), "rg_outcome": "positive"},
            "rg_decided_on",
            "cannot be in the future",
        ),
        ({"rg_decided_on": date(2027, 1, 6)}, "rg_outcome", "Choose the reasonable grounds decision"),
        ({"rg_outcome": "positive"}, "rg_decided_on", "Enter the date of the reasonable grounds decision"),
        ({"first_responder": "  "}, "first_responder", "first responder organisation"),
        ({"ictg_allocated": True}, "ictg_name", "guardian's name or service"),
        ({"ictg_name": "Barnardo's"}, "ictg_allocated", "Tick"),
    ],
)
def test_it_names_the_field_of_each_broken_rule(fields, field, words):
    found = nrm.problems(valid(**fields), today=TODAY)
    assert field in found, found
    assert any(words in message for message in found[field]), found
