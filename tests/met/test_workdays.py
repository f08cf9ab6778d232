"""met/workdays.py: Monday to Friday less the bank holidays of England and Wales."""

from datetime import date

import pytest

from met.models import NonWorkingDay
from met.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.django_db
def test_it_gives_feedback_due_on_wednesday_30_december_for_a_meeting_on_christmas_eve_2026():
    # Fri 25 Dec Christmas; Sat 26 Boxing Day, observed Mon 28; Tue 29 is the first working day, Wed 30 the second.
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), False),  # Boxing Day's substitute
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday 2027
        (date(2027, 3, 29), False),  # Easter Monday 2027
        (date(2027, 3, 30), True),
        (date(2026, 11, 28), False),  # a Saturday
        (date(2026, 11, 30), True),  # a Monday
    ],
)
def test_it_knows_weekends_and_bank_holidays(day, working):
    assert is_working_day(day) is working


@pytest.mark.django_db
def test_it_skips_easter_2027():
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


@pytest.mark.django_db
def test_it_skips_a_weekend():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)


@pytest.mark.django_db
def test_it_counts_working_days_between_two_dates():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3  # 29, 30, 31
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0


@pytest.mark.django_db
def test_it_counts_extra_non_working_days_a_system_admin_adds():
    NonWorkingDay.objects.create(date=date(2026, 12, 29), reason="One-off extra bank holiday")
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 31)


def test_it_refuses_a_negative_number_of_days():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


@pytest.mark.django_db
def test_it_forgets_the_days_it_kept_when_a_system_admin_adds_or_removes_one(django_assert_num_queries):
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)
    # Kept: a page asking again reads nothing.
    with django_assert_num_queries(0):
        assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)
    day = NonWorkingDay.objects.create(date=date(2026, 12, 29), reason="One-off extra bank holiday")
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 31)
    day.delete()
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)
