"""Who may see and act on reports (DESIGN §7): the coordinator and chairs see them; only a chair
requests, finalises, re-issues or rebuilds one. They are about the whole MET area, so nobody else does.

Local areas (issue 18): an area's reports are seen by the coordinators and chairs of that area only
(another area's report is a 404, as any record one may not see). The strategic group's report of every
area (Report.area empty, an LSCB report with small counts withheld) is seen by the chairs of any area,
who sit on the strategic group (seed 001), and by a coordinator who covers every area (who sees all
its cases anyway). Not by a system admin: DESIGN §1 and §3 give that role settings, never reports.

The strategic action plan (issue 17 part 3) is read by the coordinator and chairs, and by the strategic
group's chair and deputy chair, who are the only ones to change it: add, edit and retire its
priorities and actions, record its 6-monthly reviews. A system admin names them (as the LSCB
appointed them, seed 001) and sees nothing else of the plan. Everyone else signed in gets 403; a
priority or action that does not exist is a 404 for those who may read the plan.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from met.areas import area_ids, covers_all_areas
from reporting.models import PlanAction, Priority, Report, StrategicGroup

PLAN_EDITORS = "Only the strategic group's chair and deputy chair change the action plan."


def require_oversight(user) -> None:
    if not user.sees_all_cases:
        raise PermissionDenied("Reports are for the MET coordinator and chairs.")


def require_chair(user, doing: str) -> None:
    if not user.is_chair:
        raise PermissionDenied(f"Only a chair {doing} reports.")


def sees_strategic_reports(user) -> bool:
    return user.sees_all_cases and (user.is_chair or covers_all_areas(user))


def reports_visible_to(user) -> QuerySet[Report]:
    """The reports the user may see: of their own areas, and the strategic ones if they may."""
    reports = Report.objects.all()
    if not user.sees_all_cases:
        return reports.none()
    if covers_all_areas(user):
        return reports
    own = Q(area_id__in=sorted(area_ids(user)))
    return reports.filter(own | Q(area__isnull=True) if sees_strategic_reports(user) else own)


def get_report_for_user(user, pk: int, *, figures: bool = True) -> Report:
    """The report if the user may read it, else a 404. `figures=False` leaves its figures (`data`, the
    largest column) unread until something asks for them."""
    require_oversight(user)
    deferred = ("pdf",) if figures else ("pdf", "data")
    try:
        return reports_visible_to(user).select_related("built_by", "finalised_by", "area").defer(*deferred).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None


# --- strategic action plan --------------------------------------------------------------------------


def may_edit_plan(user, group: StrategicGroup | None = None) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.pk in (group or StrategicGroup.current()).officer_ids()


def may_read_plan(user, group: StrategicGroup | None = None) -> bool:
    return user.is_authenticated and (user.sees_all_cases or may_edit_plan(user, group))


def priorities_visible_to(user) -> QuerySet[Priority]:
    """Issue 18: the plan every area shares, and the priorities of the reader's own areas. The strategic
    group's chairs keep the whole plan, so they see every area's; so does whoever covers every area."""
    priorities = Priority.objects.all()
    if may_edit_plan(user) or covers_all_areas(user):
        return priorities
    return priorities.filter(Q(area__isnull=True) | Q(area_id__in=sorted(area_ids(user))))


def require_plan_reader(user) -> None:
    if not may_read_plan(user):
        raise PermissionDenied("The action plan is for the MET coordinator, chairs and the strategic group's chairs.")


def require_plan_editor(user) -> None:
    require_plan_reader(user)
    if not may_edit_plan(user):
        raise PermissionDenied(PLAN_EDITORS)


def require_group_admin(user) -> None:
    if not user.is_system_admin:
        raise PermissionDenied("Only a system admin names the strategic group's chair and deputy chair.")


def get_priority_for_user(user, pk: int, *, write: bool = False) -> Priority:
    require_plan_reader(user)
    try:
        priority = priorities_visible_to(user).select_related("lead_agency", "lead_person", "area").get(pk=pk)
    except Priority.DoesNotExist:
        raise Http404("No such priority.") from None
    if write and not may_edit_plan(user):
        raise PermissionDenied(PLAN_EDITORS)
    return priority


def get_plan_action_for_user(user, pk: int, *, write: bool = False) -> PlanAction:
    require_plan_reader(user)
    try:
        action = PlanAction.objects.select_related("priority", "lead_person", "retired_by").get(
            pk=pk, priority__in=priorities_visible_to(user)
        )
    except PlanAction.DoesNotExist:
        raise Http404("No such action.") from None
    if write and not may_edit_plan(user):
        raise PermissionDenied(PLAN_EDITORS)
    return action


def may_rate_plan(user, group: StrategicGroup | None = None) -> bool:
    """Who records RAG progress: chairs and coordinators as before, and the strategic group's chairs."""
    return user.is_chair or user.is_coordinator or user.is_system_admin or may_edit_plan(user, group)
