from django.urls import reverse

from met.models import Role


def navigation(request):
    """The links each person sees: only what their roles let them do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/account/2fa/"):
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if user.is_agency_admin or user.is_system_admin:
        items.append(("Accounts", reverse("user_list")))
    if user.has_role(Role.SYSTEM_ADMIN):
        items.append(("Agencies", reverse("agency_list")))
    items.append(("Your account", reverse("account")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ]
    }
