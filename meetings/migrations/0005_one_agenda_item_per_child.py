"""One agenda item per child (or place or person) per meeting (issue 20).

Until now the agenda had an item per reason: a child could appear in six sections. For each meeting,
the items about the same subject become one, in the section of the most urgent reason (the lowest
section number), carrying every reason; decisions and actions that pointed at the others point at it;
their discussion summaries are kept, each under its section's name; a coordinator's hand-added reason
is kept as such. The merged item is on the agenda if any of them was; the removal reasons of the
others are kept in an audit event, which also records which items were merged into which.
"""

from django.db import migrations

SEPARATOR = " · "
SECTION_LABELS = {
    1: "New concerns and screenings",
    2: "Changes in risk",
    3: "High-risk cases",
    4: "Frequent missing and overdue return home interviews",
    5: "Children placed out of area or placed here",
    6: "Actions from previous meetings",
    7: "Cases due for risk review",
    8: "Places and persons of concern",
}


def compose(reasons, manual_reason, manual_section):
    entries = sorted(
        [(r["section"], r["text"]) for r in reasons]
        + ([(manual_section, manual_reason)] if manual_reason and manual_section else []),
        key=lambda entry: entry[0],
    )
    return SEPARATOR.join(text for _, text in entries) or manual_reason or "added by the coordinator"


def merge(apps, schema_editor):
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    Decision = apps.get_model("meetings", "Decision")
    Action = apps.get_model("meetings", "Action")
    AuditEvent = apps.get_model("met", "AuditEvent")
    groups = {}
    for item in AgendaItem.objects.order_by("meeting_id", "section", "order", "pk"):
        subject = (
            ("case", item.case_id)
            if item.case_id
            else ("place", item.place_id)
            if item.place_id
            else (
                "person",
                item.person_id,
            )
        )
        groups.setdefault((item.meeting_id, subject), []).append(item)
    for items in groups.values():
        keep, others = items[0], items[1:]
        reasons, manual = [], None
        for item in items:
            if item.auto_key:
                reasons.append({"section": item.section, "text": item.reason})
            elif manual is None:
                manual = item
        keep.reasons = reasons
        if manual is not None:
            keep.manual_reason, keep.manual_section, keep.added_by_id = (
                manual.reason[:500],
                manual.section,
                manual.added_by_id,
            )
        keep.reason = compose(reasons, keep.manual_reason, keep.manual_section)
        if not others:
            keep.save()
            continue
        discussions = [(item.section, item.discussion.strip()) for item in items if item.discussion.strip()]
        if len({text for _, text in discussions}) > 1:
            keep.discussion = "\n\n".join(f"{SECTION_LABELS[section]}: {text}" for section, text in discussions)
        elif discussions:
            keep.discussion = discussions[0][1]
        live = [item for item in items if item.removed_at is None]
        if live and keep.removed_at is not None:
            keep.removed_at, keep.removed_by_id, keep.removed_reason = None, None, ""
        keep.save()
        other_ids = [item.pk for item in others]
        Decision.objects.filter(item_id__in=other_ids).update(item_id=keep.pk)
        Action.objects.filter(item_id__in=other_ids).update(item_id=keep.pk)
        AuditEvent.objects.create(
            actor=None,
            action="meeting.item_merge",
            object_type="meetings.agendaitem",
            object_id=str(keep.pk),
            child_id=None,
            detail={
                "merged": other_ids,
                "sections": [item.section for item in items],
                "removed": {str(item.pk): item.removed_by_id for item in others if item.removed_at is not None},
            },
        )
        AgendaItem.objects.filter(pk__in=other_ids).delete()
    # The merged items keep their relative order in their (possibly new) section.
    for meeting_id in {meeting_id for meeting_id, _ in groups}:
        for section in SECTION_LABELS:
            for order, pk in enumerate(
                AgendaItem.objects.filter(meeting_id=meeting_id, section=section)
                .order_by("order", "pk")
                .values_list("pk", flat=True),
                1,
            ):
                AgendaItem.objects.filter(pk=pk).update(order=order)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_agenda_item_reasons"), ("met", "0001_initial")]

    operations = [migrations.RunPython(merge, migrations.RunPython.noop)]
