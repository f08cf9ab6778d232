"""Open work a person holds in the apps above met, for the account pages (issue 20).

met knows accounts, not actions or cases. meetings registers here, in its AppConfig.ready(), how to
count a person's open work (actions, lead-professional roles, feedback owed to them) and where it
can be reassigned; the account pages show what is registered, so a leaver's work is seen where
they are deactivated, without met importing meetings.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkCount:
    kind: str
    count: int
    phrase: str  # "3 open actions"


@dataclass(frozen=True)
class WorkSource:
    """`counts(user_ids)` gives, for each user holding any, their WorkCounts (a fixed number of
    queries whatever the number of users); `url(actor, user)` where the actor may reassign it, or None."""

    name: str
    counts: Callable[[list[int]], dict[int, list[WorkCount]]]
    url: Callable[[object, object], str | None]
    order: int


_sources: dict[str, WorkSource] = {}


def register_open_work(name: str, *, counts: Callable, url: Callable, order: int) -> None:
    _sources[name] = WorkSource(name, counts, url, order)


def _ordered() -> list[WorkSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.name))


@dataclass(frozen=True)
class OpenWork:
    counts: tuple[WorkCount, ...]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)

    def __str__(self) -> str:
        return ", ".join(c.phrase for c in self.counts) if self.counts else "None"


def open_work_for(user_ids: Iterable[int]) -> dict[int, OpenWork]:
    """Every given user's open work (an empty OpenWork for those who hold none)."""
    user_ids = list(user_ids)
    found: dict[int, list[WorkCount]] = {pk: [] for pk in user_ids}
    if user_ids:
        for source in _ordered():
            for pk, counts in source.counts(user_ids).items():
                found.setdefault(pk, []).extend(counts)
    return {pk: OpenWork(tuple(counts)) for pk, counts in found.items()}


def reassign_url(actor, user) -> str | None:
    """Where the actor can move the user's open work, or None if they may not."""
    for source in _ordered():
        if url := source.url(actor, user):
            return url
    return None
