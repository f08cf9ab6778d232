"""Telling people things: an in-app notification, and the same by email once the write commits."""

from django.db import transaction

from met.models import Notification, User


def notify(*, recipient: User, subject: str, body: str, link: str = "", reason: str = "") -> Notification | None:
    if not recipient.is_active:
        return None
    notification = Notification.objects.create(
        recipient=recipient, subject=subject, body=body, link=link, reason=reason
    )
    from met.tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification
