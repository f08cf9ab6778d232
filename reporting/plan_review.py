"""The strategic group's 6-monthly review of the action plan (seed 002, action 1.2: "the progress of
the action plan to be scrutinised on a 6 monthly basis"), and when its chair is reminded of it.

One home for the rule: a review is due 6 months after the last one; the strategic chair is reminded
from a month before the date (once per date: a review moved to another date is reminded again), and a
review still not recorded once its date has passed keeps its one reminder, sent late if the sweep
missed the window.
"""

from datetime import date

from dateutil.relativedelta import relativedelta

REVIEW_EVERY = relativedelta(months=6)
REMIND_BEFORE = relativedelta(months=1)


def next_review_after(held_on: date) -> date:
    """The default date of the next review: 6 months after the one just held."""
    return held_on + REVIEW_EVERY


def reminder_from(review_on: date) -> date:
    """The first day the strategic chair is reminded of a review on `review_on`."""
    return review_on - REMIND_BEFORE


def reminder_due(review_on: date | None, today: date) -> bool:
    return review_on is not None and today >= reminder_from(review_on)
