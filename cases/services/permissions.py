"""Permissions kept in step with the case: agency groups and each person's own reasons (cases.extensions adds more)."""

from guardian.shortcuts import assign_perm, remove_perm

from cases import extensions
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    Child,
)
from cases.services._shared import CASE_PERMS
from met.audit import audit
from met.models import Agency, User


def _sync_agency_permissions(case: Case) -> None:
    """Members of every involved agency (through its group) may view and change the case."""
    involved = set(case.agencies_involved.values_list("group_id", flat=True))
    granted = set(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("group_id", flat=True))
    for agency in Agency.objects.filter(group_id__in=involved - granted).select_related("group"):
        for perm in CASE_PERMS:
            assign_perm(perm, agency.group, case)
    for agency in Agency.objects.filter(group_id__in=granted - involved).select_related("group"):
        for perm in CASE_PERMS:
            remove_perm(perm, agency.group, case)


def _set_agencies_involved(case: Case, agencies) -> None:
    """The agencies working on the case, and their permissions. The lead agency is always involved:
    it leads the work, so its people must see the case whatever the form said."""
    involved = set(agencies)
    if case.lead_agency is not None:
        involved.add(case.lead_agency)
    case.agencies_involved.set(involved)
    _sync_agency_permissions(case)


def sync_user_permissions(case: Case) -> None:
    """Give people their own permissions on the case for the reasons they have one, and no others.

    View and change: the lead professional and the people named on a restricted case.
    View only: the owners of its actions (DESIGN §3).
    Logging a concern is not a reason: the person who logged it follows that concern, its triage
    outcome and feedback on the concern's own page (cases.access.get_concern_for_user), not the case.
    Recomputed from the reasons each time, so a former lead loses access when they stop leading.
    """
    from cases.models import CaseUserObjectPermission

    wanted: dict[int, set[str]] = {}
    for user_id in [case.lead_professional_id, *case.restricted_to.values_list("pk", flat=True)]:
        if user_id:
            wanted.setdefault(user_id, set()).update(CASE_PERMS)
    # Reasons the apps above register (meetings: the owners of the case's actions).
    for user_id in extensions.extra_viewers(case):
        wanted.setdefault(user_id, set()).add("view_case")
    held: dict[int, set[str]] = {}
    for user_id, codename in CaseUserObjectPermission.objects.filter(content_object=case).values_list(
        "user_id", "permission__codename"
    ):
        held.setdefault(user_id, set()).add(codename)
    users = {u.pk: u for u in User.objects.filter(pk__in=set(wanted) | set(held))}
    for user_id in set(wanted) | set(held):
        for perm in wanted.get(user_id, set()) - held.get(user_id, set()):
            assign_perm(perm, users[user_id], case)
        for perm in held.get(user_id, set()) - wanted.get(user_id, set()):
            remove_perm(perm, users[user_id], case)


def _child_audit(actor, action, obj, case_or_child, request, detail=None):
    child_id = case_or_child.pk if isinstance(case_or_child, Child) else case_or_child.child_id
    audit(actor=actor, action=action, obj=obj, child_id=child_id, request=request, detail=detail)
