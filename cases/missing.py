"""The rules about missing children (DESIGN §2, §6).

- Frequent missing: 3 or more episodes *starting* within a rolling 90 days. The window is the
  90 calendar days up to and including the day the rule is applied (today, for the flag): an
  episode that started 89 days ago counts, one that started 90 days ago does not. Only starts
  count: an episode that began before the window and ended inside it does not.
- Return home interview (RHI): due within 72 hours of the child's return. A reminder goes at 48
  hours; from the 72nd hour on, with no interview recorded, it is overdue.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

FREQUENT_MISSING_EPISODES = 3
FREQUENT_MISSING_WINDOW_DAYS = 90
RHI_DUE_HOURS = 72
RHI_REMINDER_HOURS = 48


def _window_start(as_of: date) -> date:
    return as_of - timedelta(days=FREQUENT_MISSING_WINDOW_DAYS - 1)


def episodes_in_window(starts: Iterable[datetime], *, as_of: date) -> int:
    """How many episodes started within the 90 days up to and including `as_of`."""
    first = _window_start(as_of)
    return sum(1 for start in starts if first <= timezone.localdate(start) <= as_of)


def is_frequent_missing(starts: Iterable[datetime], *, as_of: date) -> bool:
    return episodes_in_window(starts, as_of=as_of) >= FREQUENT_MISSING_EPISODES


def window_bounds(as_of: date) -> tuple[datetime, datetime]:
    """The window as aware datetimes [start, end), for filtering episodes in the database."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(_window_start(as_of), datetime.min.time(), tzinfo=tz)
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


class RHIStatus:
    NOT_APPLICABLE = "not_applicable"  # still missing, or an absence rather than a missing episode
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"
    DECLINED = "declined"

    LABELS = {
        NOT_APPLICABLE: "Not due",
        DUE: "Due",
        OVERDUE: "Overdue",
        DONE: "Done within 72 hours",
        DONE_LATE: "Done, after 72 hours",
        DECLINED: "Declined by the child",
    }


@dataclass(frozen=True)
class RHIState:
    status: str
    due_at: datetime | None

    @property
    def label(self) -> str:
        return RHIStatus.LABELS[self.status]


def rhi_due_at(returned_at: datetime | None) -> datetime | None:
    return returned_at + timedelta(hours=RHI_DUE_HOURS) if returned_at else None


def rhi_state(
    *, kind: str, returned_at: datetime | None, completed_at: datetime | None, declined: bool, now: datetime
) -> RHIState:
    """Where an episode's return home interview stands at `now`. Exactly 72 hours is still in time."""
    due_at = rhi_due_at(returned_at)
    if kind != "missing" or returned_at is None:
        return RHIState(RHIStatus.NOT_APPLICABLE, None)
    if completed_at is not None:
        return RHIState(RHIStatus.DONE if completed_at <= due_at else RHIStatus.DONE_LATE, due_at)
    if declined:
        return RHIState(RHIStatus.DECLINED, due_at)
    return RHIState(RHIStatus.OVERDUE if now > due_at else RHIStatus.DUE, due_at)


def episode_rhi_state(episode, *, now: datetime | None = None) -> RHIState:
    return rhi_state(
        kind=episode.kind,
        returned_at=episode.returned_at,
        completed_at=episode.rhi_completed_at,
        declined=episode.rhi_declined,
        now=now or timezone.now(),
    )


def overdue_rhi_filter(*, now: datetime):
    """Database filter (on MissingEpisode) matching the OVERDUE state of rhi_state."""
    from django.db.models import Q

    return Q(
        kind="missing",
        returned_at__isnull=False,
        returned_at__lt=now - timedelta(hours=RHI_DUE_HOURS),
        rhi_completed_at__isnull=True,
        rhi_declined=False,
    )
