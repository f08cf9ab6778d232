"""Turning 18 (issue 16, part 6; seed 002 names the transition at 18): the one home of the rule.

- **The 18th birthday.** A person attains an age at the start of the anniversary of their birth (Family Law
  Reform Act 1969, s.9(1): "the time at which a person attains a particular age expressed in years shall be
  the commencement of the relevant anniversary of the date of his birth"). A child born on 29 February has
  no such day in a common year; in England and Wales the anniversary is then taken as 1 March, so they turn
  18 on 1 March (the reading Child.age() already gives: 17 on 28 February, 18 on 1 March).
- **Turning 18 (flagged).** An open (or referred) case whose child's 18th birthday falls after `today` and
  no later than 6 calendar months after it (`today` plus 6 months, the end of a shorter month where the day
  does not exist: from 31 August the window runs to 28 or 29 February). The birthday itself is not in the
  window: on that day the child is 18 and the case is closed (below).
- **Turned 18.** A case still open on or after the birthday, that began before it, is closed by the daily
  task (cases/services/turning_18.py) with the reason "transferred to adult services". A case begun after
  the birthday is one the coordinator opened on purpose for a young adult (the service may work with care
  leavers up to 25, cases/services/_shared.py): the birthday rule leaves it alone.
- **A transition plan.** The case has one when a current TransitionPlan version exists (any version counts:
  its form requires who is responsible and when it was agreed, and, for a looked-after child, the
  leaving-care team).

Every date here is a calendar date in the service's time zone (timezone.localdate()).
"""

import calendar
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.extensions import case_has
from cases.models import CaseStatus, TransitionPlan

WINDOW_MONTHS = 6
AGE = 18


def birthday(date_of_birth: date, age: int = AGE) -> date:
    """The day a child born on `date_of_birth` attains `age`: 1 March for a 29 February birth in a common year."""
    year = date_of_birth.year + age
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def born_on_or_before(day: date, age: int = AGE) -> date:
    """The latest date of birth of a child who is `age` or older on `day`: birthday(dob) <= day exactly when
    dob <= this. On 29 February the same day `age` years back may not exist; 28 February is then the latest
    (a child born on 29 February of that year turns `age` on 1 March, the day after)."""
    year = day.year - age
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def window_end(today: date) -> date:
    """The last day on which an 18th birthday puts a child in the window on `today`."""
    return today + relativedelta(months=WINDOW_MONTHS)  # the month's last day where the day does not exist


def in_window(date_of_birth: date | None, today: date) -> bool:
    """Within 6 months of the 18th birthday: the birthday is after today and no later than window_end(today)."""
    if date_of_birth is None:
        return False
    return today < birthday(date_of_birth) <= window_end(today)


def has_turned(date_of_birth: date | None, today: date) -> bool:
    return date_of_birth is not None and birthday(date_of_birth) <= today


def window_filter(today: date, prefix: str = "child__") -> Q:
    """in_window as a database filter on the date of birth (on Case by default; prefix "" on Child)."""
    return Q(
        **{
            f"{prefix}date_of_birth__gt": born_on_or_before(today),
            f"{prefix}date_of_birth__lte": born_on_or_before(window_end(today)),
        }
    )


def live_filter() -> Q:
    """The cases the rule is about: not closed (open, or a referral still waiting for triage)."""
    return ~Q(status=CaseStatus.CLOSED)


def plan_exists() -> Exists:
    """On Case: a current transition plan."""
    return Exists(TransitionPlan.objects.filter(case=OuterRef("pk"), is_current=True))


def flagged_cases(cases: QuerySet, today: date) -> QuerySet:
    """The live cases of `cases` within 6 months of the child's 18th birthday on `today`, in one query,
    annotated with `has_transition_plan`."""
    return cases.filter(live_filter() & window_filter(today)).annotate(has_transition_plan=plan_exists())


def began_before_birthday(case) -> bool:
    """Whether the case began before the child's 18th birthday: one begun after it was opened on purpose
    for a young adult, and the birthday rule leaves it alone."""
    return timezone.localdate(case.created_at) < birthday(case.child.date_of_birth)


def due_for_closure(cases: QuerySet, today: date) -> list:
    """The live cases of `cases` whose child has turned 18 by `today` and that began before the birthday.
    The date of birth is cut in the database; the start against the birthday is checked here (29 February)."""
    candidates = cases.filter(live_filter(), child__date_of_birth__lte=born_on_or_before(today)).select_related("child")
    return [case for case in candidates if began_before_birthday(case)]


@dataclass(frozen=True)
class Flag:
    """What the case page and list say: the birthday, and whether it has come (the case awaits closure)."""

    birthday: date
    turned: bool

    @property
    def text(self) -> str:
        return f"{'Turned' if self.turned else 'Turns'} 18 on {_day(self.birthday)}"


def birthday_text(date_of_birth: date, today: date) -> str:
    """ "Turns 18 on 3 March 2027" or "Turned 18 on 3 March 2026", by the date, whatever the case's status."""
    day = birthday(date_of_birth)
    return f"{'Turned' if day <= today else 'Turns'} 18 on {day.day} {day:%B %Y}"


def flag(case, today: date) -> Flag | None:
    """The case's turning-18 flag on `today`, from its child (select_related on lists: no query)."""
    if case.status == CaseStatus.CLOSED:
        return None
    dob = case.child.date_of_birth
    if in_window(dob, today):
        return Flag(birthday(dob), turned=False)
    if has_turned(dob, today) and began_before_birthday(case):
        return Flag(birthday(dob), turned=True)
    return None


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def agenda_reason(birthday_on: date, *, has_plan: bool) -> str:
    """The agenda's words (section 7): "turns 18 on 3 Mar 2027, no transition plan" or "turns 18 on 3 Mar 2027"."""
    text = f"turns 18 on {_day(birthday_on)}"
    return text if has_plan else f"{text}, no transition plan"


def case_panel(case) -> dict:
    """The case page's transition section: the current plan and the earlier versions (one query), shown when
    the case is flagged (flag()) or has a plan. A case opened on purpose for a young adult is not flagged
    and gets no section unless a plan was recorded on it."""
    today = timezone.localdate()
    # Most cases have no plan: their people and agency are read only when there is one (issue 14).
    versions = (
        list(
            TransitionPlan.objects.filter(case=case)
            .prefetch_related("recorded_by", "responsible_agency")
            .order_by("-number")
        )
        if case_has(case, "transition_plans")
        else []
    )
    case_flag = flag(case, today)
    dob = case.child.date_of_birth
    if not versions and case_flag is None:
        return {"transition": None}
    current = versions[0] if versions and versions[0].is_current else None
    return {
        "transition": {
            "flag": case_flag,
            "birthday_text": birthday_text(dob, today) if dob else "",
            "plan": current,
            "earlier": [v for v in versions if v is not current],
            "looked_after": case.child.is_looked_after,
        }
    }
