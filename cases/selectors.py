"""Reads of cases shared by more than one caller: the web pages, the API and the home page."""

from django.utils import timezone

from cases.access import cases_visible_to
from cases.missing import overdue_rhi_filter
from cases.models import CaseStatus, Concern, MissingEpisode, RiskLevel


def case_counts(user) -> dict:
    """The home page's figures for a casework role: only cases the user may see are counted."""
    cached = getattr(user, "_met_case_counts", None)
    if cached is not None:
        return cached
    visible = cases_visible_to(user)
    counts = {
        "open_cases": visible.filter(status=CaseStatus.OPEN).count(),
        "high_risk_cases": visible.filter(status=CaseStatus.OPEN, risk_level=RiskLevel.HIGH).count(),
        "overdue_rhis": MissingEpisode.objects.filter(overdue_rhi_filter(now=timezone.now()), case__in=visible).count(),
    }
    if user.sees_all_cases:
        counts["untriaged"] = Concern.objects.filter(triaged_at__isnull=True).count()
    user._met_case_counts = counts  # the panels of one page share one count
    return counts


def casework_panel(user) -> dict | None:
    return case_counts(user) if user.is_practitioner else None


def coordination_panel(user) -> dict | None:
    return case_counts(user) if user.is_coordinator else None


def chairing_panel(user) -> dict | None:
    return case_counts(user) if user.is_chair else None
