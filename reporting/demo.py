"""Demo strategic group: the demo chair also chairs the MET strategic group (with the coordinator as
deputy), the plan's last 6-monthly review is recorded and the next one is three weeks away, so the
reminder shows straight away and the plan's pages are reachable (issue 17 part 3)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from met.models import User
from reporting.models import PlanReview, StrategicGroup


@transaction.atomic
def seed_strategic_group(world: dict | None = None) -> int:
    group = StrategicGroup.current()
    if group.chair_id is not None or PlanReview.objects.exists():
        return 0
    users = {u.email: u for u in User.objects.filter(email__in=["chair@example.org", "coordinator@example.org"])}
    if len(users) < 2:
        return 0
    today = timezone.localdate()
    next_review = today + timedelta(days=21)
    PlanReview.objects.create(
        held_on=next_review - timedelta(days=182),
        notes="Progress reviewed action by action. Data set (1.1) and SERAF consistency (2.1) stay amber; "
        "the licensing awareness package (3.7) to be reported to the next review.",
        recorded_by=users["chair@example.org"],
    )
    group.chair, group.deputy_chair = users["chair@example.org"], users["coordinator@example.org"]
    group.next_review_on = next_review
    group.version += 1
    group.save()
    return 1
