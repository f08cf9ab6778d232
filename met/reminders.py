"""Reminders and escalations: each recorded once, sent as one digest per person (DESIGN §6).

A sweep adds what it finds to a `Digest`; the digest drops what was recorded before, then writes
everything in one transaction with a handful of bulk inserts: the `Reminder` rows (one per item,
step and person — their unique key is what makes every sweep idempotent), one in-app notification
per person listing their items, and its pending e-mail (the outbox, met/notifications.py). A
level-2 escalation is urgent and goes on its own. `met.registry.run_sweeps` holds one digest open
over all the sweeps it runs, so a person gets one e-mail per run, not one per item.

Items with a due date (actions, feedback, risk reviews) go in at most one digest a day: someone who
already had today's gets later ones tomorrow, when the sweep finds them again (the escalation
ladder catches up). Return home interviews run on hours, not days, and go in the run that finds them.

A second sweep that reaches the same reminder, at the same moment or after a crash and retry, hits
the unique constraint, rolls back and starts over without what the first one recorded.
"""

import contextvars
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from met.models import Reminder, User
from met.notifications import Message, notify_many
from met.workdays import one_calendar

# Lines listed per section of a digest; the rest are counted, with the link to the full list.
LINES_PER_SECTION = 20
# Retries after a concurrent sweep recorded some of the same reminders first.
ATTEMPTS = 3


@dataclass(frozen=True)
class Section:
    """A heading in the digest ("Actions due"), and the page that lists all of them."""

    title: str
    link: str = ""


@dataclass
class Item:
    kind: str
    object_type: str
    object_id: int
    key: str
    recipient: User
    section: Section
    subject: str
    line: str
    link: str
    reason: str
    urgent: bool
    daily: bool

    @property
    def once(self) -> tuple[str, str, int, str, int]:
        return (self.kind, self.object_type, self.object_id, self.key, self.recipient.pk)


@dataclass
class Digest:
    items: dict[tuple, Item] = field(default_factory=dict)

    def add(
        self,
        *,
        kind: str,
        obj: Model,
        key: str = "",
        recipient: User | None,
        section: Section,
        subject: str,
        line: str,
        link: str = "",
        reason: str = "",
        urgent: bool = False,
        daily: bool = True,
    ) -> None:
        """Queue one reminder for this run (nothing is written until `send`)."""
        if recipient is None or not recipient.is_active:
            return
        item = Item(
            kind, obj._meta.label_lower, obj.pk, key, recipient, section, subject, line, link, reason, urgent, daily
        )
        self.items.setdefault(item.once, item)

    def pending(self, kind: str) -> int:
        """How many reminders of this kind `send` would record now."""
        return sum(1 for item in self._due() if item.kind == kind)

    def send(self) -> int:
        """Record and send what is due; returns how many reminders this call recorded."""
        for attempt in range(ATTEMPTS):
            due = self._due()
            if not due:
                return 0
            try:
                with transaction.atomic():
                    self._write(due)
            except IntegrityError:
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            self.items.clear()
            return len(due)
        return 0

    def _due(self) -> list[Item]:
        """Items not recorded before, less the day-based ones of people who had today's digest."""
        if not self.items:
            return []
        by_type: dict[tuple[str, str], list[int]] = defaultdict(list)
        for kind, object_type, object_id, *_ in self.items:
            by_type[(kind, object_type)].append(object_id)
        recorded = set()
        for (kind, object_type), ids in by_type.items():
            recorded |= set(
                Reminder.objects.filter(kind=kind, object_type=object_type, object_id__in=ids).values_list(
                    "kind", "object_type", "object_id", "key", "recipient_id"
                )
            )
        today_began = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        daily_kinds = {item.kind for item in self.items.values() if item.daily}
        had_today = set(
            Reminder.objects.filter(
                kind__in=daily_kinds,
                recipient_id__in={item.recipient.pk for item in self.items.values() if item.daily},
                created_at__gte=today_began,
            ).values_list("recipient_id", flat=True)
        )
        return [
            item
            for once, item in self.items.items()
            if once not in recorded and (item.urgent or not item.daily or item.recipient.pk not in had_today)
        ]

    def _write(self, due: list[Item]) -> None:
        urgent = [item for item in due if item.urgent]
        grouped: dict[int, list[Item]] = defaultdict(list)
        for item in due:
            if not item.urgent:
                grouped[item.recipient.pk].append(item)
        messages = [[item] for item in urgent] + list(grouped.values())
        notifications = notify_many([_message(items) for items in messages])
        Reminder.objects.bulk_create(
            [
                Reminder(
                    kind=item.kind,
                    object_type=item.object_type,
                    object_id=item.object_id,
                    key=item.key,
                    recipient=item.recipient,
                    notification=notification,
                )
                for items, notification in zip(messages, notifications, strict=True)
                for item in items
            ],
            batch_size=2000,
        )


def _message(items: list[Item]) -> Message:
    first = items[0]
    if len(items) == 1:
        return Message(first.recipient, first.subject, first.line, first.link, first.reason)
    sections: dict[Section, list[Item]] = defaultdict(list)
    for item in items:
        sections[item.section].append(item)
    parts = [f"{len(items)} things need you today."]
    for section, members in sections.items():
        lines = [f"{section.title} ({len(members)})"]
        for item in members[:LINES_PER_SECTION]:
            lines.append(f"- {item.line}")
            if item.link:
                lines.append(f"  {settings.MET_BASE_URL}{item.link}")
        if len(members) > LINES_PER_SECTION:
            more = f"- and {len(members) - LINES_PER_SECTION} more"
            lines.append(f"{more}: {settings.MET_BASE_URL}{section.link}" if section.link else more)
        parts.append("\n".join(lines))
    links = {s.link for s in sections if s.link}
    reasons = sorted({item.reason for item in items if item.reason})
    return Message(
        first.recipient,
        f"{len(items)} reminders: " + ", ".join(s.title.lower() for s in sections),
        "\n\n".join(parts),
        links.pop() if len(links) == 1 else "/",
        " ".join([*reasons, "Everything due for you is in one message a day; urgent escalations come on their own."])[
            :300
        ],
    )


_open: contextvars.ContextVar[Digest | None] = contextvars.ContextVar("met_digest", default=None)


@contextmanager
def digest():
    """The digest of this run: a new one sent when the block ends, or the one an outer block holds
    open (run_sweeps), which sends everything its sweeps found together."""
    outer = _open.get()
    if outer is not None:
        yield outer
        return
    current = Digest()
    token = _open.set(current)
    try:
        with one_calendar():
            yield current
    finally:
        _open.reset(token)
    current.send()


def sent(kind: str, obj: Model) -> list[Reminder]:
    return list(
        Reminder.objects.filter(kind=kind, object_type=obj._meta.label_lower, object_id=obj.pk)
        .select_related("recipient")
        .order_by("created_at")
    )
