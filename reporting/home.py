"""The home page's panel for the strategic action plan (met.registry): the strategic chairs see the
next review of the plan; a system admin sees who the group's chairs are, and where to name them."""

from django.utils import timezone

from reporting import plan_review
from reporting.models import StrategicGroup


def plan_panel(user) -> dict | None:
    if not user.is_system_admin:
        # One short query, only for the people who might keep the plan.
        ids = StrategicGroup.objects.filter(pk=1).values_list("chair_id", "deputy_chair_id").first()
        if not ids or user.pk not in ids:
            return None
    group = StrategicGroup.current()
    today = timezone.localdate()
    return {
        "group": group,
        "keeps_plan": user.pk in group.officer_ids(),
        "names_chairs": user.is_system_admin,
        "review_soon": plan_review.reminder_due(group.next_review_on, today),
        "overdue": group.next_review_on is not None and group.next_review_on < today,
    }
