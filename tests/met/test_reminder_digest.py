"""Digests (issue 20 part 6, issue 14 part 3): one message per person per sweep run, one a day for
dated items, urgent escalations on their own, each reminder still recorded once (met/reminders.py)."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Category
from meetings import services
from meetings.models import Action
from met import registry, reminders
from met.models import Notification, OutboxEmail, Reminder

POLICE, COORDINATOR = "practitioner.police@example.org", "coordinator@example.org"


@pytest.fixture
def world(demo_data):
    police, coordinator = demo_data[POLICE], demo_data[COORDINATOR]
    category = Category.objects.get(code="cce")
    cases = []
    for name in ("Thistleby", "Marrowgate", "Quillfern"):
        concern = case_services.concern_log(
            actor=police,
            new_child={"first_name": "Kai", "last_name": name},
            category=category,
            observed_at=timezone.now(),
            description="x",
        )
        cases.append(
            case_services.case_open(
                actor=coordinator,
                case=concern.case,
                lead_agency=police.agency,
                lead_professional=police,
                agencies_involved=[police.agency],
                categories=[category],
            )
        )
    return {"cases": cases, **demo_data}


def action_due(world, case, *, days_ago=0):
    action = services.action_create(
        actor=world[COORDINATOR],
        case=case,
        description="Safety plan",
        owner=world[POLICE],
        due_date=timezone.localdate(),
    )
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=days_ago))
    return action


def review_due(case):
    Case.objects.filter(pk=case.pk).update(risk_review_due=timezone.localdate(), risk_level="medium")


def messages_to(email):
    """The reminder messages a person got (other notifications, e.g. of a new case, left out)."""
    sent = Reminder.objects.filter(recipient__email=email).values("notification_id")
    return list(Notification.objects.filter(pk__in=sent).order_by("pk"))


def test_it_sends_one_message_per_person_listing_every_kind_due(world, django_capture_on_commit_callbacks):
    for case in world["cases"]:
        action_due(world, case)
        review_due(case)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = registry.run_sweeps()
    assert result["actions"] == 3 and result["reviews"] == 3 * 2  # the lead and the coordinator

    [digest] = messages_to(POLICE)
    assert digest.subject == "6 reminders: your actions due, risk reviews due"
    assert digest.body.count("Your action on MET-") == 3
    assert digest.body.count("is due for review") == 3
    assert Reminder.objects.filter(recipient__email=POLICE, notification=digest).count() == 6
    # One e-mail to the owner, whatever the number of things due.
    assert [m.to for m in mail.outbox].count([POLICE]) == 1
    police_mail = next(m for m in mail.outbox if m.to == [POLICE])
    assert "Risk reviews due (3)" in police_mail.body and "Your actions due (3)" in police_mail.body

    assert registry.run_sweeps() == dict.fromkeys(result, 0)


def test_it_sends_a_level_2_escalation_on_its_own(world):
    for case in world["cases"]:
        action_due(world, case, days_ago=14)
    registry.run_sweeps()
    level_2 = list(Notification.objects.filter(subject__startswith="Level 2").values_list("pk", flat=True))
    assert len(level_2) == 3
    for pk in level_2:
        assert Reminder.objects.filter(notification_id=pk).count() == 1


def test_it_holds_dated_items_found_later_the_same_day_for_tomorrows_digest(world, time_machine):
    first, second, _ = world["cases"]
    time_machine.move_to(timezone.now().replace(hour=7, minute=0), tick=False)
    action_due(world, first)
    registry.run_sweeps()
    assert len(messages_to(POLICE)) == 1

    # Later that day another action falls due: recorded nowhere yet, and no second e-mail today.
    time_machine.move_to(timezone.now().replace(hour=11), tick=False)
    late = action_due(world, second)
    registry.run_sweeps()
    assert len(messages_to(POLICE)) == 1
    assert not Reminder.objects.filter(kind="action", object_id=late.pk).exists()

    # Tomorrow's run sends it, once.
    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    registry.run_sweeps()
    assert Reminder.objects.filter(kind="action", object_id=late.pk, key="0").count() == 1
    assert len(messages_to(POLICE)) == 2


def test_it_does_not_hold_a_return_home_interview_for_tomorrow(world):
    first, second, _ = world["cases"]
    action_due(world, first)
    registry.run_sweeps()
    police = world[POLICE]
    returned = timezone.now() - timedelta(hours=49)
    episode = case_services.missing_episode_record(
        actor=police, case=second, kind="missing", went_missing_at=returned - timedelta(hours=5), returned_at=returned
    )
    assert registry.run_sweeps()["rhi"] == 1
    assert Reminder.objects.get(kind="rhi", object_id=episode.pk).recipient == police
    assert len(messages_to(POLICE)) == 2


def test_it_lists_twenty_of_a_kind_and_links_to_the_rest(world, settings, monkeypatch):
    monkeypatch.setattr(reminders, "LINES_PER_SECTION", 2)
    for case in world["cases"]:
        action_due(world, case)
    registry.run_sweeps()
    [digest] = messages_to(POLICE)
    assert digest.body.count("Your action on MET-") == 2
    assert f"- and 1 more: {settings.MET_BASE_URL}/actions/mine/" in digest.body
    assert Reminder.objects.filter(kind="action", recipient__email=POLICE).count() == 3


def test_its_queries_do_not_grow_with_the_number_of_reminders(world, demo_data):
    def queries_for_actions(n):
        Action.objects.all().update(status="cancelled")
        Reminder.objects.all().delete()  # a fresh day for everyone, so nothing waits for tomorrow
        cache.clear()  # both runs read the non-working days, as a sweep in a fresh worker does
        for case in world["cases"][:n]:
            action_due(world, case, days_ago=14)
        with CaptureQueriesContext(connection) as queries:
            sent = services.actions_sweep()
        assert sent == n * 3
        return len(queries)

    assert queries_for_actions(1) == queries_for_actions(3)


def test_it_writes_nothing_when_the_sweep_fails(world, monkeypatch):
    action_due(world, world["cases"][0])
    before = Notification.objects.count(), OutboxEmail.objects.count()

    def broken():
        raise RuntimeError("bug in one sweep")

    monkeypatch.setitem(registry._registry.sweeps, "reviews", replace(registry._registry.sweeps["reviews"], run=broken))
    with pytest.raises(RuntimeError):
        registry.run_sweeps()
    assert (Notification.objects.count(), OutboxEmail.objects.count()) == before
    assert not Reminder.objects.exists()
