"""What the meetings services share: who may run a meeting, signed-off minutes, auditing."""

from datetime import date as datetime_date

from django.core.exceptions import PermissionDenied

from cases.models import Case
from meetings.models import (
    Meeting,
    MeetingStatus,
)
from met import dates
from met.areas import covers_all_areas, in_area
from met.audit import audit
from met.models import User

SIGNED_OFF = "The minutes have been signed off and are read-only. Add an addendum to correct them."


# The dates a person may give, for the forms and these services alike: a meeting from the first MET
# Hub could hold to two years ahead; an action due within two years. Anything else is a typing error.
MEETING_DATES = {"earliest": datetime_date(2000, 1, 1), "latest": dates.years_from_today(2)}
DUE_DATES = {"latest": dates.years_from_today(2)}


def _require_coordination(actor: User, meeting: Meeting | None = None) -> None:
    """Coordinators and chairs run meetings, each only the meetings of their own areas (issue 18): the
    views already answer 404 for another area's meeting; this holds for any other caller too."""
    if not actor.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs run meetings.")
    if meeting is not None and not covers_all_areas(actor) and not in_area(actor, meeting.area_id):
        raise PermissionDenied("Only the coordinators and chairs of the meeting's area run it.")


def _require_own_case(actor: User, item) -> None:
    """Another area's child placed here (issue 18): the host area discusses them and records its own
    decisions; confirming risk, referring, closing the case and setting actions on it are the
    responsible area's."""
    case = item.case
    if case is None or case.area_id == item.meeting.area_id or covers_all_areas(actor) or in_area(actor, case.area_id):
        return
    raise PermissionDenied(f"This child is {case.area.name}'s: {case.area.name}'s MEOG decides the case's own work.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.SIGNED_OFF:
        raise PermissionDenied(SIGNED_OFF)


def _audit(actor, action, obj, request, *, case: Case | None = None, detail=None):
    audit(actor=actor, action=action, obj=obj, child_id=case.child_id if case else None, request=request, detail=detail)
