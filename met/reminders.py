"""Sending a reminder or escalation exactly once (DESIGN §6).

`send_once` writes the Reminder row, the in-app notification and its pending e-mail (the outbox,
met/notifications.py) in one transaction; the e-mail is sent once that commits, or by the outbox
sweep if the broker could not take it. A second sweep that reaches the same reminder, at the same
moment or after a crash and retry, hits the unique constraint and sends nothing.
"""

from django.db import IntegrityError, transaction
from django.db.models import Model

from met.models import Reminder, User
from met.notifications import notify


def send_once(
    *, kind: str, obj: Model, key: str = "", recipient: User, subject: str, body: str, link: str = "", reason: str = ""
) -> bool:
    """True when this call sent it; False when it had been sent already (or the recipient cannot receive it)."""
    if recipient is None or not recipient.is_active:
        return False
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                kind=kind, object_type=obj._meta.label_lower, object_id=obj.pk, key=key, recipient=recipient
            )
            reminder.notification = notify(recipient=recipient, subject=subject, body=body, link=link, reason=reason)
            reminder.save(update_fields=["notification"])
    except IntegrityError:
        return False
    return True


def sent(kind: str, obj: Model) -> list[Reminder]:
    return list(
        Reminder.objects.filter(kind=kind, object_type=obj._meta.label_lower, object_id=obj.pk)
        .select_related("recipient")
        .order_by("created_at")
    )
