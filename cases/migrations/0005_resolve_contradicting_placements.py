"""Children recorded as both "placed out of area" and "placed here by another local authority".

The two flags describe opposite directions (this authority's child living elsewhere; another
authority's child living here), so from 0006 the database refuses a child with both. Rows that
already have both are not wiped (clearing both would silently drop the child from the agenda's
placements section) and not left contradicting (the constraint could not be added on SQLite, and
every later save of the row would fail). Instead, for each such child:

- the flag with evidence behind it is kept: "placed here" when a placing authority is named (the
  forms have long required one for it), otherwise "placed out of area" — either way the child stays
  flagged as placed across a border, so stays on the MEOG agenda's placements section;
- the record as it was is kept in an audit event `child.placement_resolved` (flags before, flag kept,
  why), so nothing is lost and the change can be traced;
- every active coordinator is told in MET Hub which cases to check with the lead professional.

Nothing happens when no child has both flags (the usual case).
"""

from django.db import migrations
from django.utils import timezone

BOTH = {"placed_out_of_area": True, "placed_by_other_authority": True}


def resolve(apps, schema_editor):
    Child = apps.get_model("cases", "Child")
    Case = apps.get_model("cases", "Case")
    AuditEvent = apps.get_model("met", "AuditEvent")
    Notification = apps.get_model("met", "Notification")
    User = apps.get_model("met", "User")

    children = list(Child.objects.filter(**BOTH).order_by("pk"))
    if not children:
        return
    now = timezone.now()
    lines = []
    for child in children:
        named = bool((child.placing_authority or "").strip())
        kept = "placed_by_other_authority" if named else "placed_out_of_area"
        cleared = "placed_out_of_area" if named else "placed_by_other_authority"
        Child.objects.filter(pk=child.pk).update(**{cleared: False}, version=child.version + 1)
        AuditEvent.objects.create(
            at=now,
            action="child.placement_resolved",
            object_type="cases.child",
            object_id=str(child.pk),
            child_id=child.pk,
            detail={
                "before": dict(BOTH),
                "kept": kept,
                "cleared": cleared,
                "why": "placing authority named" if named else "no placing authority named",
            },
        )
        case = Case.objects.filter(child_id=child.pk).order_by("-pk").first()
        reference = f"MET-{case.pk:05d}" if case else f"child record {child.pk}"
        label = "placed here by another local authority" if named else "placed out of area"
        lines.append(f"- {reference}: kept “{label}”")
    body = (
        "These children were recorded as both placed out of area and placed here by another local "
        "authority, which MET Hub no longer allows. One flag was kept for each (the one a placing "
        "authority supports, otherwise ‘placed out of area’), so they stay on the agenda's placements "
        "section; the record as it was is in the audit trail.\n"
        + "\n".join(lines)
        + "\nCheck each with the lead professional and correct the child's details if needed."
    )
    for coordinator in User.objects.filter(is_active=True, is_coordinator=True):
        Notification.objects.create(
            recipient=coordinator,
            subject=f"Check the placement of {len(children)} child{'ren' if len(children) != 1 else ''}",
            body=body,
            reason="You are a MET coordinator: placements decide the agenda's placements section.",
            created_at=now,
        )
    print(f"\n  cases: {len(children)} child(ren) had both placement flags; resolved and reported (see docstring).")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_newest_first_index"),
        ("met", "0007_audit_no_truncate"),
    ]

    operations = [migrations.RunPython(resolve, migrations.RunPython.noop)]
