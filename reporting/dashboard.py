"""The dashboard's figures: this month so far, from a few grouped queries, cached for a minute.

A minute old is fine for a page that shows a month's trend and the standing caseload (the lists behind
each figure are live), and it keeps the page quick when several coordinators open it at once at the
size of a whole region. Only coordinators and chairs see the dashboard; each sees the figures of their
own areas (issue 18), kept once per set of areas (everyone covering every area shares one).
"""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from cases.missing import overdue_rhi_filter
from cases.models import Case, CaseStatus, MissingEpisode
from met import cache
from met.areas import area_ids, covers_all_areas
from reporting import metrics, services, tables

SECONDS = 60
# Stuck cases named on the page; the rest are in the download.
STUCK_SHOWN = 20


def scope(user) -> list[int] | None:
    """The areas the user's figures count (metrics' `areas`): None, no filter, for someone covering them all."""
    return None if covers_all_areas(user) else sorted(area_ids(user))


def figures(today: date, areas: list[int] | None = None) -> dict:
    key = f"met:dashboard:{today.isoformat()}" + ("" if areas is None else ":" + ",".join(map(str, areas)))
    found = cache.get(key)
    if found is None:
        found = _compute(today, areas)
        cache.set(key, found, SECONDS)
    return found


def _compute(today: date, areas: list[int] | None) -> dict:
    start, end = services.month_bounds(today)
    a = {"areas": areas}
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    if areas is not None:
        open_cases = open_cases.filter(area_id__in=areas)
    by_level = dict(open_cases.order_by().values_list("risk_level").annotate(n=Count("pk")))
    standing = open_cases.aggregate(
        frequent_missing=Count("pk", filter=Q(is_frequent_missing=True)),
        reviews_overdue=Count("pk", filter=Q(risk_review_due__lt=today)),
    )
    stuck = metrics.stuck_cases(end, **a)
    rhi_overdue = MissingEpisode.objects.filter(overdue_rhi_filter(now=timezone.now()), case__status=CaseStatus.OPEN)
    if areas is not None:
        rhi_overdue = rhi_overdue.filter(case__area_id__in=areas)
    return {
        "month": start,
        "new_concerns": metrics.new_concerns(start, end, **a),
        "missing": metrics.missing_summary(start, end, **a),
        # The level each open case holds now (kept on the case as each confirmation is recorded).
        "open_by_risk": [
            (level.value, tables.LEVEL_LABELS[level.value], by_level.get(level.value, 0)) for level in metrics.LEVELS
        ],
        "overdue_actions": list(
            metrics.actions_in(areas)
            .overdue(today)
            .values("owner_agency_id", "owner_agency__short_name")
            .annotate(n=Count("pk"))
            .order_by("-n", "owner_agency__short_name")
        ),
        "rhi": metrics.return_home_interviews(start, end, **a),
        "rhi_overdue": rhi_overdue.count(),
        "stuck": stuck[:STUCK_SHOWN],
        "stuck_total": len(stuck),
        **standing,
    }
