"""Sending the outbox: each pending `OutboxEmail` once, by a worker after commit or by the sweep.

Sending claims the row with a conditional UPDATE and a lease, so two workers, or a worker and a sweep,
never send the same e-mail, and one a dead worker held is sent after the lease ends. The tasks
(met/tasks.py) and `run_due_jobs` call this; met/notifications.py writes the rows.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from met.models import EmailKind, EmailStatus, Notification, OutboxEmail

logger = logging.getLogger("met.notifications")

# How long a sender may hold an e-mail before another may take it over. Far longer than an SMTP
# exchange (EMAIL_TIMEOUT), so only a sender that died gives its e-mail up.
LEASE = timedelta(minutes=10)
# Failed sends back off 2, 4, 8 … minutes up to 6 hours; after this many tries the e-mail is failed.
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=6)


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
