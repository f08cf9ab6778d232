"""Learning actions from a case audit remind and escalate like MEOG actions, each step sent once (issue 17)."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from met import registry
from met.models import Notification, Reminder
from quality import services
from quality.models import LearningAction
from tests.cases import CHAIR, HEALTH, POLICE, make_case, text, user
from tests.quality import start_round


def recipients(action, key):
    return {r.recipient.email for r in Reminder.objects.filter(kind="learning_action", object_id=action.pk, key=key)}


@pytest.fixture
def learning(demo_data):
    round_ = start_round(cases=[make_case(agencies=("Police",))])
    finding = services.finding_record(
        actor=user(CHAIR), round_=round_, kind="learning", text="Plans were not reviewed after episodes."
    )
    return {"round": round_, "finding": finding}


def test_it_reminds_then_escalates_each_step_once(learning, time_machine, django_capture_on_commit_callbacks, login):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_current_timezone()))
    action = services.learning_action_create(
        actor=user(CHAIR),
        finding=learning["finding"],
        description="Brief the team.",
        owner=user(POLICE),
        due_date=date(2026, 11, 2),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.learning_actions_sweep()
    assert recipients(action, "0") == {POLICE}
    assert recipients(action, "1") == set()
    # Wednesday 4 November: overdue, level 1 to the line manager.
    time_machine.move_to(datetime(2026, 11, 4, 9, 0, tzinfo=timezone.get_current_timezone()))
    with django_capture_on_commit_callbacks(execute=True):
        services.learning_actions_sweep()
        services.learning_actions_sweep()
    assert recipients(action, "1") == {"manager.police@example.org"}
    assert recipients(action, "2") == set()
    # Tuesday 10 November: level 2 to the manager's manager, once however many sweeps run.
    time_machine.move_to(datetime(2026, 11, 10, 9, 0, tzinfo=timezone.get_current_timezone()))
    with django_capture_on_commit_callbacks(execute=True):
        registry.run_sweeps()
        registry.run_sweeps()
    assert recipients(action, "2") == {"senior.police@example.org"}
    for key in ("0", "1", "2"):
        assert Reminder.objects.filter(kind="learning_action", object_id=action.pk, key=key).count() == 1
    for email in ("manager.police@example.org", "senior.police@example.org"):
        assert Notification.objects.filter(recipient__email=email, body__contains="learning action").count() == 1
        assert sum(1 for m in mail.outbox if m.to == [email]) == 1
    # Those it was escalated to may follow the message's link to it; a colleague who was told nothing may not.
    for email in ("manager.police@example.org", "senior.police@example.org"):
        page = login(user(email)).get(action.get_absolute_url())
        assert page.status_code == 200 and "Brief the team." in text(page)
    assert login(user(HEALTH)).get(action.get_absolute_url()).status_code == 404


def test_it_sends_nothing_once_the_action_is_done(learning, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_current_timezone()))
    action = services.learning_action_create(
        actor=user(CHAIR),
        finding=learning["finding"],
        description="Brief the team.",
        owner=user(HEALTH),
        due_date=date(2026, 11, 3),
    )
    services.learning_action_complete(actor=user(HEALTH), action=action, note="Briefed on 3 November.")
    time_machine.move_to(datetime(2026, 11, 20, 9, 0, tzinfo=timezone.get_current_timezone()))
    assert services.learning_actions_sweep() == 0
    assert not Reminder.objects.filter(kind="learning_action").exists()


def test_its_owner_completes_it_and_others_may_not(learning, login):
    action = services.learning_action_create(
        actor=user(CHAIR),
        finding=learning["finding"],
        description="Brief the team.",
        owner=user(HEALTH),
        due_date=timezone.localdate(),
    )
    url = reverse("learning_action_detail", args=[action.pk])
    # The police practitioner audits the round, so sees the action, but does not own it.
    assert login(user(POLICE)).get(url).status_code == 200
    assert login(user(POLICE)).post(url, {"completion_note": "Done"}).status_code == 403
    response = login(user(HEALTH)).post(url, {"completion_note": ""})
    assert response.status_code == 400 and "Enter what was done" in text(response)
    assert login(user(HEALTH)).post(url, {"completion_note": "Briefed."}).status_code == 302
    assert LearningAction.objects.get(pk=action.pk).status == "done"


def test_it_refuses_a_learning_action_due_in_the_past_naming_the_field(learning, login):
    url = reverse("audit_learning_action_new", args=[learning["round"].pk, learning["finding"].pk])
    response = login(user(CHAIR)).post(
        url,
        {
            "description": "Brief",
            "owner_email": POLICE,
            "due_date-day": "1",
            "due_date-month": "1",
            "due_date-year": "2020",
        },
    )
    assert response.status_code == 400 and "Due date" in text(response)
    response = login(user(CHAIR)).post(url, {"description": "Brief", "owner_email": "nobody@example.org"})
    assert response.status_code == 400 and "Owner's email address: no active account" in text(response)
    assert not LearningAction.objects.exists()
