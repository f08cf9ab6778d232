from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from met.models import Notification, Role, User


def _header_facts(user) -> int:
    """The two things every page's header shows besides the name, in one round trip: the person's agency
    (kept on `user`, so that a later `user.agency` reads nothing) and how many notifications they have
    not read. Read separately they were two of a list page's eleven queries (issue 14)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        User.objects.only("pk", "agency")
        .select_related("agency")
        .annotate(unread=Coalesce(Subquery(unread), 0))
        .get(pk=user.pk)
    )
    if not User.agency.is_cached(user):
        User.agency.field.set_cached_value(user, row.agency)
    return row.unread


def navigation(request):
    """The links each person sees: only what their roles let them do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/account/2fa/"):
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if user.has_case_role:
        items.append(("Cases", reverse("case_list")))
        items.append(("Log a concern", reverse("concern_log")))
    if user.has_case_role:
        items.append(("Meetings", reverse("meeting_list")))
        items.append(("Your actions", reverse("my_actions")))
    if user.sees_all_cases:
        items.append(("Triage", reverse("triage_inbox")))
        items.append(("Dashboard", reverse("dashboard")))
    if user.is_agency_admin or user.is_system_admin:
        items.append(("Accounts", reverse("user_list")))
    if user.has_role(Role.SYSTEM_ADMIN):
        items.append(("Agencies", reverse("agency_list")))
        items.append(("Areas", reverse("area_list")))
        items.append(("Risk tool", reverse("tool_versions")))
        items.append(("Merged records", reverse("child_merge_list")))
    items.append(("Your account", reverse("account")))
    path = request.path
    unread = _header_facts(user)
    items.append((f"Notifications ({unread})" if unread else "Notifications", reverse("notifications")))
    return {
        "unread_notifications": unread,
        "nav_items": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ],
    }
