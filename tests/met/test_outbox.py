"""E-mail survives a broker outage (issue 13 point 3): the outbox sends each e-mail once, later if need be."""

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.models import Case, Category, Concern
from meetings.models import Action
from met.celery import app
from met.models import EmailStatus, Notification, OutboxEmail, Reminder
from met.outbox import LEASE, deliver, deliver_due
from met.tasks import send_email, send_pending_emails
from tests.met.test_celery import overdue_police_action

ROOT = Path(__file__).resolve().parents[2]
POLICE, COORDINATOR, HEALTH = (
    "practitioner.police@example.org",
    "coordinator@example.org",
    "practitioner.health@example.org",
)


@pytest.fixture
def broker_down(monkeypatch):
    """Queuing a task fails as it does when Redis is stopped: kombu gives up and raises OperationalError."""
    attempts = []

    def refuse(name, *args, **kwargs):
        attempts.append(name)
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    app.conf.task_always_eager = False  # put back by the autouse _celery_in_process fixture
    monkeypatch.setattr(app, "send_task", refuse)
    return attempts


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _log_concern(client) -> Concern:
    response = client.post(
        reverse("concern_log"),
        {
            "child-first_name": "Poppy",
            "child-last_name": "Outboxfield",
            "child-date_of_birth": "2011-05-04",
            "child-gender": "female",
            "child-ethnicity": "not_known",
            "concern-category": Category.objects.get(code="cse").pk,
            "concern-observed_at": _local(timezone.now() - timedelta(hours=3)),
            "concern-description": "Seen getting into a car outside school.",
        },
    )
    assert response.status_code == 302, response.content
    return Concern.objects.get(case__child__last_name="Outboxfield")


def _open_and_act(client, demo_data, concern: Concern) -> Case:
    """The coordinator opens the case (the logger is told) and sets an action (its owner is told)."""
    coordinator, health = demo_data[COORDINATOR], demo_data[HEALTH]
    response = client.post(
        reverse("case_open", args=[concern.case_id]),
        {
            "lead_agency": coordinator.agency_id,
            "lead_professional": demo_data["manager.csc@example.org"].pk,
            "agencies_involved": [health.agency_id],
            "categories": [concern.category_id],
        },
    )
    assert response.status_code == 302, response.content
    response = client.post(
        reverse("case_action_create", args=[concern.case_id]),
        {
            "description": "Speak to the school",
            "owner": health.pk,
            "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Action recorded." in response.content.decode()
    return Case.objects.get(pk=concern.case_id)


def test_with_the_broker_down_requests_succeed_and_the_sweep_sends_each_email_once(
    demo_data, login, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = _log_concern(login(demo_data[POLICE]))
    with django_capture_on_commit_callbacks(execute=True):
        _open_and_act(login(demo_data[COORDINATOR]), demo_data, concern)

    # Saved once each, told in the app, the e-mails waiting: the worker never got them.
    assert Action.objects.filter(case=concern.case).count() == 1
    pending = OutboxEmail.objects.filter(status=EmailStatus.PENDING)
    assert sorted(pending.values_list("recipient__email", flat=True)) == [HEALTH, POLICE]
    assert broker_down == ["met.tasks.send_email", "met.tasks.send_email"]
    assert mail.outbox == []

    # The broker is back; the next sweep sends each of them, and the one after sends nothing.
    app.conf.task_always_eager = True
    assert send_pending_emails.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [HEALTH, POLICE]
    assert deliver_due() == 0
    assert len(mail.outbox) == 2
    assert not OutboxEmail.objects.exclude(status=EmailStatus.SENT).exists()
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    # A task that did reach a queue, arriving late, finds the e-mail sent.
    assert [send_email.delay(pk).get() for pk in OutboxEmail.objects.values_list("pk", flat=True)] == [False, False]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_email_goes_out_when_the_transaction_commits_and_not_before(demo_data, django_capture_on_commit_callbacks):
    from met.notifications import notify

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipient=demo_data[POLICE], subject="Hello", body="Body", link="/cases/1/", reason="Testing.")
        assert mail.outbox == []
    assert OutboxEmail.objects.get().status == EmailStatus.PENDING
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[POLICE]]
    assert mail.outbox[0].subject == "MET Hub: Hello"
    assert "http://localhost:8000/cases/1/" in mail.outbox[0].body
    assert "Why you got this: Testing." in mail.outbox[0].body
    assert OutboxEmail.objects.get().status == EmailStatus.SENT


def test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once_later(
    demo_data, broker_down, monkeypatch, time_machine
):
    from django.core.mail.backends.locmem import EmailBackend

    from met.notifications import notify

    time_machine.move_to(timezone.now(), tick=False)
    notify(recipient=demo_data[POLICE], subject="Hello", body="Body")
    email = OutboxEmail.objects.get()

    def die(self, messages):
        # What the process sees of a SIGKILL: nothing after this line runs, no handler, no cleanup.
        raise SystemExit(137)

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", die)
        with pytest.raises(SystemExit):
            deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts, mail.outbox) == (EmailStatus.PENDING, 1, [])

    # Within the lease nobody else takes it: the dead worker might still have been sending.
    assert deliver_due() == 0
    time_machine.shift(LEASE + timedelta(seconds=1))
    assert deliver_due() == 1
    assert deliver_due() == 0
    assert [m.to for m in mail.outbox] == [[POLICE]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


def test_a_failed_send_is_retried_with_back_off_then_given_up(demo_data, monkeypatch, time_machine):
    from django.core.mail.backends.locmem import EmailBackend

    from met import notifications, outbox

    time_machine.move_to(timezone.now(), tick=False)
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: (_ for _ in ()).throw(OSError("down")))
    notifications.notify(recipient=demo_data[POLICE], subject="Hello", body="Body")
    email = OutboxEmail.objects.get()
    assert outbox.deliver_due() == 0
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.PENDING, 1, "OSError")
    assert email.next_attempt_at == timezone.now() + timedelta(minutes=2)
    assert outbox.deliver_due() == 0  # not yet due
    assert OutboxEmail.objects.get().attempts == 1
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        time_machine.shift(outbox.MAX_BACKOFF)
        outbox.deliver_due()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, outbox.MAX_ATTEMPTS)
    monkeypatch.undo()
    time_machine.shift(outbox.MAX_BACKOFF)
    assert outbox.deliver_due() == 0
    assert mail.outbox == []


def test_an_email_to_someone_deactivated_since_is_not_sent(demo_data, broker_down):
    from met.notifications import notify

    police = demo_data[POLICE]
    notify(recipient=police, subject="Hello", body="Body")
    police.is_active = False
    police.save(update_fields=["is_active"])
    assert deliver_due() == 0
    assert OutboxEmail.objects.get().status == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_the_sweep_is_scheduled_every_few_minutes():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-emails"]
    assert entry["task"] == "met.tasks.send_pending_emails" and entry["task"] in app.tasks
    assert entry["schedule"] <= timedelta(minutes=5)


def test_run_due_jobs_during_and_after_an_outage_sends_each_reminder_once(
    demo_data, broker_down, django_capture_on_commit_callbacks
):
    action = overdue_police_action()
    OutboxEmail.objects.update(status=EmailStatus.SENT)  # the set-up's own e-mails are not the point
    mail.outbox.clear()
    broker_down.clear()

    # During: each reminder's e-mail is queued on commit, the broker refuses every task, and the
    # command carries on and sends them itself.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_due_jobs", stdout=StringIO())
    assert broker_down.count("met.tasks.send_email") == 3
    reminded = set(Reminder.objects.filter(object_id=action.pk).values_list("recipient__email", flat=True))
    assert reminded == {POLICE, "manager.police@example.org", "senior.police@example.org"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(reminded)

    app.conf.task_always_eager = True  # after: the broker is back
    call_command("run_due_jobs", stdout=StringIO())
    assert send_pending_emails.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(reminded)


def test_run_due_jobs_sends_what_an_earlier_run_left_pending(demo_data, broker_down, monkeypatch):
    """The run that recorded the reminders could not send (the mail server was down too); the next does."""
    from django.core.mail.backends.locmem import EmailBackend

    overdue_police_action()
    OutboxEmail.objects.update(status=EmailStatus.SENT)
    mail.outbox.clear()
    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(ConnectionRefusedError()))
        call_command("run_due_jobs", stdout=StringIO())
    assert mail.outbox == []
    assert OutboxEmail.objects.filter(status=EmailStatus.PENDING).count() == 3
    OutboxEmail.objects.update(next_attempt_at=timezone.now())  # the back-off has passed
    call_command("run_due_jobs", stdout=StringIO())
    call_command("run_due_jobs", stdout=StringIO())
    assert len(mail.outbox) == 3


def test_an_invitation_goes_through_the_outbox_and_its_link_is_never_stored(demo_data, login):
    admin = demo_data["admin.police@example.org"]
    response = login(admin).post(
        reverse("user_resend_invitation", args=[demo_data[POLICE].pk]),
    )
    assert response.status_code == 302
    email = OutboxEmail.objects.get(kind="invitation")
    assert (email.status, email.sender) == (EmailStatus.SENT, admin)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    # The link is made when sending and never stored: no row holds its token.
    assert len(token) > 10
    assert not any(token in str(value) for value in OutboxEmail.objects.values_list().get(pk=email.pk))


def test_it_tells_the_admin_when_an_invitation_could_not_be_sent(demo_data, login, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(ConnectionRefusedError()))
    client = login(demo_data["admin.police@example.org"])

    response = client.post(reverse("user_resend_invitation", args=[demo_data[POLICE].pk]), follow=True)

    assert "could not be sent just now" in response.content.decode()
    assert "was emailed to" not in response.content.decode()
    assert OutboxEmail.objects.get(kind="invitation").status == EmailStatus.PENDING  # the sweep retries it


# A real process whose REDIS_URL points at a port where nothing listens: what web and cron see when
# Redis is stopped. It runs on its own SQLite database, so the requests commit as they do in production.
OUTAGE_SCRIPT = textwrap.dedent(
    """
    import json, time
    import django
    django.setup()
    from django.test.utils import setup_test_environment
    setup_test_environment()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from datetime import timedelta
    from cases.models import Category, Concern
    from met import demo
    from met.models import OutboxEmail, User

    call_command("migrate", verbosity=0)
    demo.seed_accounts()
    police = Client(); police.force_login(User.objects.get(email="practitioner.police@example.org"))
    coordinator = User.objects.get(email="coordinator@example.org")
    health = User.objects.get(email="practitioner.health@example.org")
    coord = Client(); coord.force_login(coordinator)
    started = time.monotonic()
    statuses = [police.post(reverse("concern_log"), {
        "child-first_name": "Poppy", "child-last_name": "Outage", "child-date_of_birth": "2011-05-04",
        "child-gender": "female", "child-ethnicity": "not_known",
        "concern-category": Category.objects.get(code="cse").pk,
        "concern-observed_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "concern-description": "x"}).status_code]
    case_id = Concern.objects.get().case_id
    statuses.append(coord.post(reverse("case_open", args=[case_id]), {
        "lead_agency": coordinator.agency_id, "agencies_involved": [health.agency_id],
        "categories": [Category.objects.get(code="cse").pk]}).status_code)
    statuses.append(coord.post(reverse("case_action_create", args=[case_id]), {
        "description": "Speak to the school", "owner": health.pk,
        "due_date": (timezone.localdate() + timedelta(days=10)).isoformat()}).status_code)
    seconds = time.monotonic() - started
    pending = OutboxEmail.objects.filter(status="pending").count()
    sent_during = len(mail.outbox)
    call_command("run_due_jobs", verbosity=0, stdout=open("/dev/null", "w"))
    after_first = sorted(m.to[0] for m in mail.outbox)
    call_command("run_due_jobs", verbosity=0, stdout=open("/dev/null", "w"))
    print(json.dumps({"eager": settings.CELERY_TASK_ALWAYS_EAGER, "statuses": statuses, "seconds": seconds,
                      "pending": pending, "sent_during": sent_during, "after_first": after_first,
                      "after_second": len(mail.outbox)}))
    """
)


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis broker)")
def test_with_redis_unreachable_a_real_process_answers_and_run_due_jobs_sends_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MET_", "DATABASE_"))}
    env.update(
        DJANGO_DEBUG="1",
        MET_REQUIRE_2FA="",
        MET_VAR_DIR=str(tmp_path),
        REDIS_URL="redis://127.0.0.1:1/0",
        DJANGO_SETTINGS_MODULE="met.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", OUTAGE_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["eager"] is False
    assert outcome["statuses"] == [302, 302, 302]
    assert outcome["seconds"] < 10, outcome  # each request gives up on the broker within about a second
    assert (outcome["pending"], outcome["sent_during"]) == (2, 0)
    assert outcome["after_first"] == sorted([POLICE, HEALTH])
    assert outcome["after_second"] == 2
    assert "Broker unreachable, task met.tasks.send_email not queued" in result.stdout + result.stderr
