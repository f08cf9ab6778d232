"""Who may see and change accounts and agencies.

The rule for each model lives in one helper: a record the user may not see is a 404 (the same
as one that does not exist); a record they may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
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
