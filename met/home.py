"""met's own home-page panels: accounts for agency admins, agencies for system admins."""

from met.access import users_visible_to
from met.models import Agency


def accounts_panel(user) -> dict | None:
    if not (user.is_agency_admin or user.is_system_admin):
        return None
    accounts = users_visible_to(user)
    return {
        "active_accounts": accounts.filter(is_active=True).count(),
        "inactive_accounts": accounts.filter(is_active=False).count(),
    }


def agency_admin_panel(user) -> dict | None:
    return accounts_panel(user) if user.is_agency_admin else None


def system_admin_panel(user) -> dict | None:
    if not user.is_system_admin:
        return None
    return {**(accounts_panel(user) or {}), "agency_count": Agency.objects.filter(is_active=True).count()}
