from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def clear_expired_sessions() -> str:
    """Remove expired sessions, so an idle-timed-out session cannot linger in the database."""
    call_command("clearsessions")
    return "ok"
