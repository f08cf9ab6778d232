"""The dashboard's figures: this month so far, from a few grouped queries, cached for a minute.

A minute old is fine for a page that shows a month's trend and the standing caseload (the lists behind
each figure are live), and it keeps the page quick when several coordinators open it at once at the
size of a whole region. Cached for everyone alike: only coordinators and chairs see the dashboard,
and both see every case.
"""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from cases.missing import overdue_rhi_filter
from cases.models import Case, CaseStatus, MissingEpisode
from meetings.models import Action
from met import cache
from reporting import metrics, services, tables

SECONDS = 60
# Stuck cases named on the page; the rest are in the download.
STUCK_SHOWN = 20


def figures(today: date) -> dict:
    key = f"met:dashboard:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _compute(today)
        cache.set(key, found, SECONDS)
    return found


def _compute(today: date) -> dict:
    start, end = services.month_bounds(today)
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    by_level = dict(open_cases.order_by().values_list("risk_level").annotate(n=Count("pk")))
    standing = open_cases.aggregate(
        frequent_missing=Count("pk", filter=Q(is_frequent_missing=True)),
        reviews_overdue=Count("pk", filter=Q(risk_review_due__lt=today)),
    )
    stuck = metrics.stuck_cases(end)
    return {
        "month": start,
        "new_concerns": metrics.new_concerns(start, end),
        "missing": metrics.missing_summary(start, end),
        # The level each open case holds now (kept on the case as each confirmation is recorded).
        "open_by_risk": [
            (level.value, tables.LEVEL_LABELS[level.value], by_level.get(level.value, 0)) for level in metrics.LEVELS
        ],
        "overdue_actions": list(
            Action.objects.overdue(today)
            .values("owner_agency_id", "owner_agency__short_name")
            .annotate(n=Count("pk"))
            .order_by("-n", "owner_agency__short_name")
        ),
        "rhi": metrics.return_home_interviews(start, end),
        "rhi_overdue": MissingEpisode.objects.filter(
            overdue_rhi_filter(now=timezone.now()), case__status=CaseStatus.OPEN
        ).count(),
        "stuck": stuck[:STUCK_SHOWN],
        "stuck_total": len(stuck),
        **standing,
    }
