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


def mark_read(*, user: User, notification_id: int | None = None, request=None) -> int:
    """Mark one of the user's own notifications (or all of them) read; returns how many changed."""
    from django.utils import timezone

    from met.audit import audit

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    count = unread.update(read_at=timezone.now())
    if count:
        audit(
            actor=user,
            action="notification.read" if notification_id is not None else "notification.read_all",
            object_type="met.notification",
            object_id=notification_id if notification_id is not None else "all",
            request=request,
            detail={"count": count},
        )
    return count
