"""Children placed across a border, and cases moving area (issue 18, part 2): who sees what.

- A child's case belongs to its responsible area (Case.area). While a live Placement puts the child in
  another area, that host area's coordinators and chairs see the placement view (summary, risk level,
  safety plan, missing episodes since the placement), never the full case page; every such read is
  audited with the reason "placement".
- Whoever may see the case itself (cases.access) sees the placement view too.
- Only a coordinator or chair of the case's responsible area records or ends a placement, or transfers the
  case: someone who cannot see the case gets a 404, someone who can but is not one of them a 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.access import get_case_for_user
from cases.models import Case, Placement, SafetyPlan
from met.areas import all_area_ids, area_ids, in_area
from met.models import User


def live_placement(case_id: int) -> Placement | None:
    return Placement.objects.filter(case_id=case_id, ended_on__isnull=True).select_related("host_area").first()


def hosts(user: User, placement: Placement | None) -> bool:
    """A coordinator or chair of the area the child is placed in, while the placement lasts."""
    return (
        placement is not None
        and placement.is_live
        and user.is_active
        and user.sees_all_cases
        and in_area(user, placement.host_area_id)
    )


def is_responsible(user: User, case: Case) -> bool:
    """A coordinator or chair of the case's responsible area: they record placements and transfers."""
    return user.is_active and user.sees_all_cases and in_area(user, case.area_id)


@dataclass
class PlacementSight:
    case: Case
    placement: Placement | None  # the live one, if any
    through_placement: bool  # seen only because the child is placed in the viewer's area


def get_placement_view_for_user(user: User, case_pk: int) -> PlacementSight:
    """The placement view of a case: for whoever sees the case, and for the host area's coordinators
    and chairs while the placement lasts. 404 for everyone else, as for a case that does not exist."""
    case = Case.objects.select_related("child", "area", "lead_agency", "lead_professional").filter(pk=case_pk).first()
    if case is None:
        raise Http404("No such case.")
    placement = live_placement(case.pk)
    # A host coordinator who is not also one of the responsible area's sees the case through the
    # placement only: said so in the audit, whatever else cases.access would let them see.
    if hosts(user, placement) and not is_responsible(user, case):
        return PlacementSight(case, placement, through_placement=True)
    case = get_case_for_user(
        user, case_pk, queryset=Case.objects.select_related("child", "area", "lead_agency", "lead_professional")
    )
    return PlacementSight(case, placement, through_placement=False)


def get_case_for_area_change(user: User, case_pk: int) -> Case:
    """A case whose placements and area the user may change: 404 unless they see the case, 403 unless
    they coordinate or chair for its responsible area."""
    case = get_case_for_user(user, case_pk, queryset=Case.objects.select_related("child", "area"))
    require_responsible(user, case)
    return case


def require_responsible(user: User, case: Case) -> None:
    if not is_responsible(user, case):
        raise PermissionDenied(
            "Only a coordinator or chair of the area responsible for this child can record a placement or a transfer."
        )


def several_areas() -> bool:
    """Placements and transfers mean something only with more than one area (cached: no query)."""
    return len(all_area_ids()) > 1


def placed_here(user: User) -> QuerySet[Placement]:
    """The host area's list "Placed here by another authority": live placements into the user's areas,
    with what the list shows read in the same query (and the current safety plan prefetched)."""
    if not (user.is_active and user.sees_all_cases):
        return Placement.objects.none()
    return (
        Placement.objects.filter(ended_on__isnull=True, host_area__in=sorted(area_ids(user)))
        .select_related("case__child", "case__area", "host_area")
        .prefetch_related(
            Prefetch(
                "case__safety_plans", SafetyPlan.objects.filter(is_current=True), to_attr="met_current_safety_plan"
            )
        )
        .order_by("-placed_on", "-pk")
    )
