"""Reads of meetings shared by more than one caller: the agenda page, its PDFs and the API."""

from django.db.models import Prefetch

from meetings.access import visible_items
from meetings.models import AgendaItem, Decision, ItemInvitation, Meeting, Section


def item_queryset():
    """Agenda items with what the agenda shows of each, in a fixed number of queries."""
    return AgendaItem.objects.select_related("case__child", "case__lead_professional", "place", "person", "removed_by")


def agenda_sections(meeting: Meeting, user, *, with_actions: bool = True):
    """The items the user may see, by section, and the removed ones: (items, sections, removed).
    The agenda page does not show each item's actions (the minutes do): it reads them only when asked."""
    prefetches = [
        Prefetch("decisions", queryset=Decision.objects.order_by("pk")),
        Prefetch(
            "invitations",
            queryset=ItemInvitation.objects.filter(withdrawn_at__isnull=True).select_related("user__agency", "guest"),
            to_attr="live_invitations",
        ),
    ]
    if with_actions:
        prefetches.append("actions__owner")
    items = visible_items(user, item_queryset().filter(meeting=meeting).prefetch_related(*prefetches))
    # Every section, in DESIGN §5's order, even when empty: the contents list shows each with its count.
    sections = [(section, [i for i in items if i.section == section.value and not i.removed_at]) for section in Section]
    removed = [i for i in items if i.removed_at]
    return items, sections, removed
