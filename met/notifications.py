"""Telling people things: an in-app notification, and e-mail through the outbox.

Every e-mail is first a pending `OutboxEmail` row, written in the caller's transaction. Once that
commits a worker sends it; if the broker cannot take the task (Redis down), the periodic sweep
`deliver_due` (Celery beat, and `run_due_jobs`) sends it later. Sending claims the row with a
conditional UPDATE, so two workers, or a worker and a sweep, never send the same e-mail.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from met.models import EmailKind, EmailStatus, Notification, OutboxEmail, User

logger = logging.getLogger(__name__)

# How long a sender may hold an e-mail before another may take it over. Far longer than an SMTP
# exchange (EMAIL_TIMEOUT), so only a sender that died gives its e-mail up.
LEASE = timedelta(minutes=10)
# Failed sends back off 2, 4, 8 … minutes up to 6 hours; after this many tries the e-mail is failed.
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=6)


def notify(*, recipient: User, subject: str, body: str, link: str = "", reason: str = "") -> Notification | None:
    if not recipient.is_active:
        return None
    notification = Notification.objects.create(
        recipient=recipient, subject=subject, body=body, link=link, reason=reason
    )
    _queue(OutboxEmail.objects.create(kind=EmailKind.NOTIFICATION, recipient=recipient, notification=notification))
    return notification


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
    from met.tasks import send_email

    # A broker outage is logged by the task class (met/celery.py), not raised: the row is saved and
    # the sweep sends it.
    transaction.on_commit(lambda: send_email.delay(email.pk))


def _render(email: OutboxEmail) -> EmailMessage:
    if email.kind == EmailKind.NOTIFICATION:
        notification = email.notification
        link = f"{settings.MET_BASE_URL}{notification.link}" if notification.link else ""
        body = f"{notification.body}\n\n{link}\n\nWhy you got this: {notification.reason}\n\nMET Hub".replace(
            "\n\n\n\n", "\n\n"
        )
        subject = f"MET Hub: {notification.subject}"
    elif email.kind == EmailKind.INVITATION:
        user = email.recipient
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {"user": user, "link": f"{settings.MET_BASE_URL}{path}", "inviter": email.sender}
        subject, body = "Your MET Hub account", render_to_string("account/email/invitation.txt", context)
    else:
        subject, body = email.subject, email.body
    return EmailMessage(subject, body, None, [email.recipient.email])


def deliver(*, email_id: int) -> bool:
    """Send one pending e-mail unless someone else is sending it. True when this call sent it."""
    now = timezone.now()
    claimed = OutboxEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1, next_attempt_at=now + LEASE
    )
    if not claimed:
        return False
    email = OutboxEmail.objects.select_related("recipient", "sender", "notification").get(pk=email_id)
    if not email.recipient.is_active:
        OutboxEmail.objects.filter(pk=email_id).update(status=EmailStatus.CANCELLED)
        return False
    try:
        _render(email).send()
    except Exception as error:
        failed = email.attempts >= MAX_ATTEMPTS
        retry_at = timezone.now() + min(timedelta(minutes=2**email.attempts), MAX_BACKOFF)
        OutboxEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED if failed else EmailStatus.PENDING,
            next_attempt_at=retry_at,
            last_error=type(error).__name__,
        )
        logger.warning(
            "E-mail %s not sent (attempt %s, %s)%s",
            email_id,
            email.attempts,
            type(error).__name__,
            ": given up" if failed else "; will retry",
        )
        return False
    sent_at = timezone.now()
    OutboxEmail.objects.filter(pk=email_id).update(status=EmailStatus.SENT, sent_at=sent_at, last_error="")
    if email.notification_id:
        Notification.objects.filter(pk=email.notification_id).update(emailed_at=sent_at)
    return True


def deliver_due(*, limit: int = 500) -> int:
    """The sweep: send every pending e-mail whose time has come. Returns how many this call sent."""
    due = (
        OutboxEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(email_id=pk) for pk in list(due))


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
