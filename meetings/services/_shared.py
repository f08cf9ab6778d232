"""What the meetings services share: who may run a meeting, signed-off minutes, auditing."""

from datetime import date as datetime_date

from django.core.exceptions import PermissionDenied

from cases.models import Case
from meetings.models import (
    Meeting,
    MeetingStatus,
)
from met import dates
from met.audit import audit
from met.models import User

SIGNED_OFF = "The minutes have been signed off and are read-only. Add an addendum to correct them."


# The dates a person may give, for the forms and these services alike: a meeting from the first MET
# Hub could hold to two years ahead; an action due within two years. Anything else is a typing error.
MEETING_DATES = {"earliest": datetime_date(2000, 1, 1), "latest": dates.years_from_today(2)}
DUE_DATES = {"latest": dates.years_from_today(2)}


def _require_coordination(actor: User) -> None:
    if not actor.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs run meetings.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.SIGNED_OFF:
        raise PermissionDenied(SIGNED_OFF)


def _audit(actor, action, obj, request, *, case: Case | None = None, detail=None):
    audit(actor=actor, action=action, obj=obj, child_id=case.child_id if case else None, request=request, detail=detail)
