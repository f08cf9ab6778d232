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
    assert app.conf.task_always_eager is (not settings.REDIS_URL)


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
@pytest.mark.django_db(transaction=True)
def test_it_runs_the_task_on_a_real_worker_over_redis():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    key = _expired_session()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = clear_expired_sessions.delay()
        assert result.get(timeout=30) == "ok"
    assert not Session.objects.filter(session_key=key).exists()


def test_it_schedules_the_session_sweep():
    assert settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]["task"] == "met.tasks.clear_expired_sessions"
    assert "met.tasks.clear_expired_sessions" in app.tasks
