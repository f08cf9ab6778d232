def axes_username(request, credentials=None) -> str:
    """The sign-in name as the lockout counts it: case-folded, so ADMIN@ and admin@ share one count."""
    source = credentials if credentials is not None else request.POST
    return (source.get("username") or source.get("email") or "").strip().lower()
