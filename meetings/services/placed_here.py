"""Telling a child's responsible area that another area's MEOG discussed them (issue 18).

A child placed in another area (cases.models.Placement) is on the host area's agenda
(meetings/agenda.py, placed_here). When that meeting records something on the child's item (a
discussion, a decision or an action), the coordinators of the case's own area are told, once per
meeting and child: a met.models.Reminder row per coordinator is the "already told" mark, as the
reminder sweeps keep theirs, so a second decision or a concurrent save tells nobody twice.
"""

from django.db import IntegrityError, transaction

from meetings.models import AgendaItem
from met.areas import coordinators_of
from met.models import Reminder
from met.notifications import Message, notify_many

KIND = "placed_discussed"


def notify_placed_discussed(item: AgendaItem) -> int:
    """Tell the responsible area's coordinators that their child was discussed at this (another area's)
    meeting, unless they were told already for this meeting. Returns how many were told now."""
    case, meeting = item.case, item.meeting
    if case is None or case.area_id == meeting.area_id:
        return 0
    told = Reminder.objects.filter(kind=KIND, object_type="meetings.meeting", object_id=meeting.pk, key=str(case.pk))
    already = set(told.values_list("recipient_id", flat=True))
    recipients = [user for user in coordinators_of(case.area_id) if user.pk not in already]
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            marks = Reminder.objects.bulk_create(
                [
                    Reminder(
                        kind=KIND, object_type="meetings.meeting", object_id=meeting.pk, key=str(case.pk), recipient=u
                    )
                    for u in recipients
                ]
            )
    except IntegrityError:
        return 0  # a save at the same moment told them
    host = meeting.area.name
    notifications = notify_many(
        [
            Message(
                recipient=user,
                subject=f"{case.reference} was discussed at {host}'s MEOG",
                body=(
                    f"{case.reference}, placed in {host}, was discussed at {host}'s MEOG of "
                    f"{meeting.date:%-d %B %Y}. The case is your area's; ask {host}'s MET coordinator for what was decided."
                ),
                link=case.get_absolute_url(),
                reason=f"You coordinate {case.area.name}, the area responsible for this child.",
            )
            for user in recipients
        ]
    )
    for mark, notification in zip(marks, notifications, strict=True):
        mark.notification = notification
    Reminder.objects.bulk_update(marks, ["notification"])
    return len(recipients)
