"""MEOG quorum (seed 003, DESIGN §5): children's social care, health and police must each be present."""

from collections.abc import Iterable

from met.models import STATUTORY_KINDS, AgencyKind


def missing_statutory(present_kinds: Iterable[str]) -> list[str]:
    """The statutory agency kinds with nobody present, as labels; empty when the meeting is quorate."""
    present = set(present_kinds)
    return [AgencyKind(kind).label for kind in sorted(STATUTORY_KINDS) if kind not in present]


def is_quorate(present_kinds: Iterable[str]) -> bool:
    return not missing_statutory(present_kinds)


def present_kinds(attendances) -> list[str]:
    """The agency kinds of the people present, from attendances already loaded (with their agency)."""
    from meetings.models import AttendanceStatus

    return [a.agency.kind for a in attendances if a.status == AttendanceStatus.PRESENT]


def meeting_present_kinds(meeting) -> list[str]:
    from meetings.models import AttendanceStatus

    return list(meeting.attendances.filter(status=AttendanceStatus.PRESENT).values_list("agency__kind", flat=True))


def may_confirm_risk(meeting, *, present: Iterable[str] | None = None) -> bool:
    """An inquorate meeting confirms no risk levels, unless the chair recorded an exception. `present`:
    present_kinds() of attendances the caller has loaded already."""
    if meeting.quorum_exception_reason:
        return True
    return is_quorate(meeting_present_kinds(meeting) if present is None else present)
