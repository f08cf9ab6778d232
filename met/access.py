"""Who may see and change accounts and agencies.

The rule for each model lives in one helper: a record the user may not see is a 404 (the same
as one that does not exist); a record they may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from met.models import Agency, User


def users_visible_to(actor: User) -> QuerySet[User]:
    users = User.objects.select_related("agency", "line_manager")
    if actor.is_system_admin:
        return users
    if actor.is_agency_admin:
        return users.filter(agency_id=actor.agency_id)
    return users.none()


def get_user_for_admin(actor: User, pk: int, *, write: bool = False) -> User:
    try:
        user = users_visible_to(actor).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such account.") from None
    if write and user.is_system_admin and not actor.is_system_admin:
        raise PermissionDenied("Only a system admin can change a system admin's account.")
    return user


# --- moving a person's open work to someone else (issue 20) ---------------------------------------
# The MET coordinator may move anyone's work; an agency admin only between their own agency's staff,
# and never to themselves: making yourself an action's owner or a case's lead is a way to see a child.


def may_reassign_work(actor: User) -> bool:
    return actor.is_active and (actor.is_coordinator or actor.is_agency_admin)


def work_owners_visible_to(actor: User) -> QuerySet[User]:
    """Whose open work the actor may see and move."""
    users = User.objects.select_related("agency")
    if actor.is_coordinator:
        return users
    if actor.is_agency_admin:
        return users.filter(agency_id=actor.agency_id)
    return users.none()


def get_work_owner_for_user(actor: User, pk: int) -> User:
    if not may_reassign_work(actor):
        raise PermissionDenied("Only the MET coordinator and agency admins reassign work.")
    try:
        return work_owners_visible_to(actor).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such account.") from None


def work_receivers_for(actor: User, from_user: User) -> QuerySet[User]:
    """Who the actor may give from_user's work to: active people with a casework role, other than
    from_user; within the actor's agency, and not the actor, unless the actor is the coordinator."""
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(is_practitioner=True) | Q(is_coordinator=True) | Q(is_chair=True))
        .exclude(pk=from_user.pk)
        .select_related("agency")
    )
    if actor.is_coordinator:
        return users
    if actor.is_agency_admin:
        return users.filter(agency_id=actor.agency_id).exclude(pk=actor.pk)
    return users.none()


def agencies_visible_to(actor: User) -> QuerySet[Agency]:
    if actor.is_system_admin:
        return Agency.objects.all()
    if actor.is_agency_admin:
        return Agency.objects.filter(pk=actor.agency_id)
    return Agency.objects.none()


def get_agency_for_admin(actor: User, pk: int, *, write: bool = False) -> Agency:
    try:
        agency = agencies_visible_to(actor).select_related("senior_contact").get(pk=pk)
    except Agency.DoesNotExist:
        raise Http404("No such agency.") from None
    if write and not actor.is_system_admin:
        raise PermissionDenied("Only a system admin can change an agency.")
    return agency


def require_case_role(user) -> None:
    """Case pages are for practitioners, coordinators and chairs; admin roles see no case content (DESIGN §3)."""
    if not user.has_case_role:
        raise PermissionDenied("Your role does not include casework. Ask your agency admin if you need it.")
