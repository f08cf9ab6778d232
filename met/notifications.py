"""Telling people things: an in-app notification, and e-mail through the outbox.

Every e-mail is first a pending `OutboxEmail` row, written in the caller's transaction. Once that
commits a worker sends it (met/outbox.py); if the broker cannot take the task (Redis down), the
periodic sweep `deliver_due` (Celery beat, and `run_due_jobs`) sends it later.
"""

from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from met.models import EmailKind, Notification, OutboxEmail, User
from met.outbox import deliver
from met.tasks import send_email


def notify(*, recipient: User, subject: str, body: str, link: str = "", reason: str = "") -> Notification | None:
    if not recipient.is_active:
        return None
    notification = Notification.objects.create(
        recipient=recipient, subject=subject, body=body, link=link, reason=reason
    )
    _queue(OutboxEmail.objects.create(kind=EmailKind.NOTIFICATION, recipient=recipient, notification=notification))
    return notification


class Message(NamedTuple):
    recipient: User
    subject: str
    body: str
    link: str = ""
    reason: str = ""


def notify_many(messages: list[Message]) -> list[Notification | None]:
    """`notify` for many people at once: two bulk inserts and one queuing after commit, in order
    (None where the recipient is inactive)."""
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=m.recipient, subject=m.subject, body=m.body, link=m.link, reason=m.reason)
            for m in messages
            if m.recipient.is_active
        ]
    )
    emails = OutboxEmail.objects.bulk_create(
        [OutboxEmail(kind=EmailKind.NOTIFICATION, recipient=n.recipient, notification=n) for n in notifications]
    )
    ids = [email.pk for email in emails]
    transaction.on_commit(lambda: [send_email.delay(pk) for pk in ids])
    made = iter(notifications)
    return [next(made) if m.recipient.is_active else None for m in messages]


def email_message(*, recipient: User, subject: str, body: str) -> OutboxEmail:
    """An e-mail that is not an in-app notification, sent once the caller's transaction commits."""
    email = OutboxEmail.objects.create(kind=EmailKind.MESSAGE, recipient=recipient, subject=subject, body=body)
    _queue(email)
    return email


def email_invitation(*, user: User, inviter: User) -> bool:
    """The link with which a new person chooses their password, sent now, in this process: the admin
    who asked is told it went. Should sending fail, the sweep retries it."""
    email = OutboxEmail.objects.create(kind=EmailKind.INVITATION, recipient=user, sender=inviter)
    return deliver(email_id=email.pk)


def _queue(email: OutboxEmail) -> None:
    # A broker outage is logged by the task class (met/celery.py), not raised: the row is saved and
    # the sweep sends it.
    transaction.on_commit(lambda: send_email.delay(email.pk))


def mark_read(*, user: User, notification_id: int | None = None, request=None) -> int:
    """Mark one of the user's own notifications (or all of them) read; returns how many changed."""
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
