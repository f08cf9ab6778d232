"""Who may see and act on reports (DESIGN §7): the coordinator and chairs see them; only a chair
requests, finalises, re-issues or rebuilds one. They are about the whole MET area, so nobody else does."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from reporting.models import Report


def require_oversight(user) -> None:
    if not user.sees_all_cases:
        raise PermissionDenied("Reports are for the MET coordinator and chairs.")


def require_chair(user, doing: str) -> None:
    if not user.is_chair:
        raise PermissionDenied(f"Only a chair {doing} reports.")


def get_report_for_user(user, pk: int) -> Report:
    require_oversight(user)
    try:
        return Report.objects.select_related("built_by", "finalised_by").defer("pdf").get(pk=pk)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None
