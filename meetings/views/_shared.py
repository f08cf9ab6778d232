"""What the meetings pages share."""

from meetings.models import Meeting
from met.audit import audit_many


def _audit_children(request, meeting: Meeting, items, action: str) -> None:
    """Showing the agenda, the pack or the minutes is a read of every child on it."""
    audit_many(
        actor=request.user,
        action=action,
        obj=meeting,
        child_ids=[item.case.child_id for item in items if item.case_id],
        request=request,
    )
