from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def clear_expired_sessions() -> str:
    """Remove expired sessions, so an idle-timed-out session cannot linger in the database."""
    call_command("clearsessions")
    return "ok"


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    """Email one notification. Safe to run twice: a notification already emailed is not sent again."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.utils import timezone

    from met.models import Notification

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.recipient.is_active:
            return False
        link = f"{settings.MET_BASE_URL}{notification.link}" if notification.link else ""
        body = f"{notification.body}\n\n{link}\n\nWhy you got this: {notification.reason}\n\nMET Hub".replace(
            "\n\n\n\n", "\n\n"
        )
        send_mail(f"MET Hub: {notification.subject}", body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def _run_sweeps(names: list[str]) -> dict[str, int]:
    from cases.services import rhi_sweep
    from meetings.services import actions_sweep, feedback_sweep
    from riskassessment.services import review_sweep

    sweeps = {"rhi": rhi_sweep, "actions": actions_sweep, "feedback": feedback_sweep, "reviews": review_sweep}
    return {name: sweeps[name]() for name in names}


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sweep_reminders() -> dict[str, int]:
    """Every 15 minutes: reminders that are due. Safe to run twice at once, or again after a crash."""
    return _run_sweeps(["rhi", "actions", "feedback"])


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sweep_escalations() -> dict[str, int]:
    """Daily: escalations up the management line, and risk reviews falling due."""
    return _run_sweeps(["actions", "feedback", "reviews"])
