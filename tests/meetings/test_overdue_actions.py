"""The overdue-action rule, in one place (meetings.models.overdue_cutoff / Action.objects.overdue): an
open action is overdue once a working day has passed since its due date — the day escalation's level 1
starts — on every page, the API, the dashboard and the agenda."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from meetings import escalation
from meetings import services as meeting_services
from meetings.escalation import overdue_cutoff
from meetings.models import Action, ActionStatus
from met.models import NonWorkingDay
from tests.cases import COORDINATOR, POLICE, make_case, user


@pytest.fixture
def case(demo_data):
    return make_case(agencies=("Police",))


def action_due(case, due: date, status=ActionStatus.OPEN) -> Action:
    action = meeting_services.action_create(
        actor=user(COORDINATOR), case=case, description="Visit", owner=user(POLICE), due_date=timezone.localdate()
    )
    Action.objects.filter(pk=action.pk).update(due_date=due, status=status)
    return Action.objects.get(pk=action.pk)


@time_machine.travel(date(2026, 12, 7))  # a Monday
def test_it_counts_an_action_due_on_friday_overdue_on_monday_not_at_the_weekend(case):
    friday = action_due(case, date(2026, 12, 4))

    assert not friday.is_overdue(today=date(2026, 12, 5))  # Saturday: no working day has passed
    assert not friday.is_overdue(today=date(2026, 12, 6))  # Sunday
    assert friday.is_overdue(today=date(2026, 12, 7))  # Monday
    assert list(Action.objects.overdue(date(2026, 12, 6))) == []
    assert list(Action.objects.overdue(date(2026, 12, 7))) == [friday]


def test_it_says_overdue_on_the_day_escalation_level_1_starts(case):
    # Christmas Eve 2026: the next working days are 29 and 30 December (25, 28 are bank holidays).
    due = date(2026, 12, 24)
    action = action_due(case, due)
    for day in (date(2026, 12, 24) + timedelta(days=n) for n in range(10)):
        level_1 = escalation.LEVEL_1 in escalation.due_steps(due, day)
        assert action.is_overdue(today=day) == level_1, day
        assert Action.objects.overdue(day).filter(pk=action.pk).exists() == level_1, day


def test_it_counts_a_non_working_day_set_by_an_admin(case):
    NonWorkingDay.objects.create(date=date(2027, 3, 1), reason="Local holiday", added_by=user("sysadmin@example.org"))
    action = action_due(case, date(2027, 2, 26))  # a Friday; Monday 1 March is now a holiday

    assert overdue_cutoff(date(2027, 3, 1)) == date(2027, 2, 26)
    assert not action.is_overdue(today=date(2027, 3, 1))
    assert action.is_overdue(today=date(2027, 3, 2))


def test_it_never_counts_a_done_or_cancelled_action_overdue(case):
    long_ago = date(2026, 1, 5)
    action_due(case, long_ago, status=ActionStatus.DONE)
    action_due(case, long_ago, status=ActionStatus.CANCELLED)

    assert not Action.objects.overdue().exists()


def test_it_filters_the_api_and_flags_overdue_by_the_same_rule(case, login):
    from django.test import Client

    from api import services as api_services

    late = action_due(case, timezone.localdate() - timedelta(days=10))
    action_due(case, timezone.localdate() + timedelta(days=10))
    _, key = api_services.token_create(user=user(POLICE), name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    listed = client.get("/api/v1/actions/?overdue=true").json()["results"]

    assert [row["id"] for row in listed] == [late.pk]
    assert listed[0]["is_overdue"] is True
