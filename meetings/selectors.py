"""Reads of meetings shared by more than one caller: the agenda page, its PDFs and the API."""

from django.db.models import Prefetch, prefetch_related_objects

from meetings.access import visible_items
from meetings.agenda import placed_here_case_ids
from meetings.models import AgendaItem, Decision, ItemInvitation, Meeting, Section
from met import rawsql
from met.models import User


def item_queryset():
    """Agenda items with what the agenda shows of each, in a fixed number of queries."""
    return AgendaItem.objects.select_related("case__child", "case__lead_professional", "place", "person", "removed_by")


def _placed_last(item) -> bool:
    return item.placed_here  # a stable sort: the agenda's own order is kept within each group


# What the agenda page shows of each item's case, child, place, person and remover: their full rows were
# some eighty columns for 40 items, a fifth of building and reading the agenda (issue 14). A field
# shown later must be added here, or each item reads it alone (tests/meetings/test_query_counts.py).
AGENDA_RELATED = {
    "case": ("child", "area", "status", "risk_level", "is_restricted", "lead_professional"),
    "case__child": ("first_name", "last_name"),
    "place": ("name",),
    "person": ("name",),
    "removed_by": User.DISPLAY_NAME_FIELDS,
}


def agenda_sections(meeting: Meeting, user, *, detail: bool = True):
    """The items the user may see, by section, and the removed ones: (items, sections, removed).
    With detail=False, only what the agenda page shows: not each item's actions (the minutes show them)
    nor its lead professional (the pack and the item pages do)."""
    # Prefetched into lists (to_attr): into a related manager Django builds a filtered queryset per
    # item to hold them, which on a 40-item agenda cost more than reading the decisions (issue 14).
    # Each is read only for the items that have some: an agenda before its meeting has no decisions and
    # usually no invitations, and the two reads cost a tenth of the page (EXISTS per item costs little).
    optional = (
        (
            "decision_list",
            rawsql.exists(Decision, "item", AgendaItem),
            Prefetch("decisions", queryset=Decision.objects.order_by("pk"), to_attr="decision_list"),
        ),
        (
            "live_invitations",
            rawsql.exists(ItemInvitation, "item", AgendaItem, unset="withdrawn_at"),
            Prefetch(
                "invitations",
                queryset=ItemInvitation.objects.filter(withdrawn_at__isnull=True).select_related(
                    "user__agency", "guest"
                ),
                to_attr="live_invitations",
            ),
        ),
    )
    facts = {f"met_has_{name}": exists for name, exists, _ in optional}
    if detail:
        rows = item_queryset().prefetch_related("actions__owner").annotate(**facts).filter(meeting=meeting)
    else:
        # The page names each child, not their lead professional (the pack and the item pages do); of
        # the case, child, place, person and remover only what it shows (AGENDA_RELATED), with
        # met.rawsql.select (see why there).
        rows = rawsql.select(AgendaItem, where={"meeting": meeting.pk}, related=AGENDA_RELATED, annotate=facts)
    items = visible_items(user, rows)
    for name, _, prefetch in optional:
        having = [item for item in items if getattr(item, f"met_has_{name}")]
        for item in items:
            if not getattr(item, f"met_has_{name}"):
                setattr(item, name, [])
        if having:
            prefetch_related_objects(having, prefetch)
    # Another area's children placed in this one (issue 18) go last in section 5, under their own
    # heading (PLACED_HERE_HEADING).
    placed = placed_here_case_ids(meeting, (i.case for i in items if i.case_id))
    for item in items:
        item.placed_here = item.case_id in placed
    # Every section, in DESIGN §5's order, even when empty: the contents list shows each with its count.
    sections = [
        (section, sorted((i for i in items if i.section == section.value and not i.removed_at), key=_placed_last))
        for section in Section
    ]
    removed = [i for i in items if i.removed_at]
    return items, sections, removed
