from celery import shared_task
from django.core.management import call_command

from met import registry


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3, ignore_result=False)
def clear_expired_sessions() -> str:
    """Remove expired sessions, so an idle-timed-out session cannot linger in the database."""
    call_command("clearsessions")
    return "ok"


# The outbox row carries the retry state (attempts, back-off, lease), so these tasks do not retry
# themselves, and nobody reads their results: storing none also means queuing them never has to
# reach the result store.
@shared_task(acks_late=True, ignore_result=True)
def send_email(email_id: int) -> bool:
    """Send one e-mail from the outbox. Safe to run twice, or alongside the sweep: it goes out once."""
    from met.outbox import deliver

    return deliver(email_id=email_id)


@shared_task(acks_late=True, ignore_result=True)
def send_pending_emails() -> int:
    """Every few minutes: whatever the outbox still holds (queued while the broker was down, failed, or
    left by a worker that died mid-send)."""
    from met.outbox import deliver_due

    return deliver_due()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, ignore_result=False)
def sweep_reminders() -> dict[str, int]:
    """Every 15 minutes: reminders that are due. Safe to run twice at once, or again after a crash."""
    return registry.run_sweeps("reminders")


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, ignore_result=False)
def sweep_escalations() -> dict[str, int]:
    """Daily: escalations up the management line, and risk reviews falling due."""
    return registry.run_sweeps("escalations")
