from rest_framework.permissions import BasePermission


class HasCaseRole(BasePermission):
    """Casework endpoints: practitioners, coordinators and chairs, as in the web app (403 for admins)."""

    message = "Your role does not include casework. Ask your agency admin if you need it."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_case_role)
