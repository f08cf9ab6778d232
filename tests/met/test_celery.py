import os
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from met.celery import app
from met.tasks import clear_expired_sessions

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis broker)")


def _expired_session() -> str:
    store = SessionStore()
    store["note"] = "idle"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    return store.session_key


@pytest.mark.django_db
def test_it_runs_tasks_in_process_when_eager():
    # What `make run` does without REDIS_URL: .delay() runs the task at once, in the web process.
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        key = _expired_session()
        assert clear_expired_sessions.delay().get() == "ok"
    finally:
        app.conf.task_always_eager = was
    assert not Session.objects.filter(session_key=key).exists()


def test_it_is_eager_exactly_when_there_is_no_redis():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)
    assert app.conf.broker_url == (settings.REDIS_URL or "memory://")


@pytest.mark.django_db
def test_it_clears_only_expired_sessions():
    expired = _expired_session()
    live = SessionStore()
    live.create()
    clear_expired_sessions.apply().get()
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_the_task_on_a_real_worker_over_redis():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    app.conf.task_always_eager = False  # the autouse fixture made it eager; this test wants the real thing
    key = _expired_session()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = clear_expired_sessions.delay()
        assert result.get(timeout=30) == "ok"
    assert not Session.objects.filter(session_key=key).exists()


def test_it_schedules_the_session_sweep():
    assert settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]["task"] == "met.tasks.clear_expired_sessions"
    assert "met.tasks.clear_expired_sessions" in app.tasks


def overdue_police_action():
    """An action owned by the police practitioner, two weeks overdue: due a reminder and both escalations."""
    from cases import services as case_services
    from cases.models import Category
    from meetings import services as meeting_services
    from meetings.models import Action
    from met.models import User

    police, coordinator = (
        User.objects.get(email="practitioner.police@example.org"),
        User.objects.get(email="coordinator@example.org"),
    )
    category = Category.objects.get(code="cce")
    concern = case_services.concern_log(
        actor=police,
        new_child={"first_name": "Ada", "last_name": "Quill"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    case = case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )
    action = meeting_services.action_create(
        actor=coordinator, case=case, description="Visit", owner=police, due_date=timezone.localdate()
    )
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=14))
    return action


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_the_reminder_sweep_on_a_real_worker_over_redis():
    from met import demo
    from met.models import Reminder
    from met.tasks import sweep_reminders

    demo.seed_accounts()
    overdue_police_action()

    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = sweep_reminders.delay()
        # Reminder to the owner, level 1 to the manager, level 2 to the manager's manager; case audits'
        # sweeps (issue 17) run in the same group and find nothing.
        assert result.get(timeout=30) == {
            "audit_access": 0,
            "rhi": 0,
            "actions": 3,
            "feedback": 0,
            "learning_actions": 0,
        }
    assert set(Reminder.objects.values_list("recipient__email", flat=True)) == {
        "practitioner.police@example.org",
        "manager.police@example.org",
        "senior.police@example.org",
    }
