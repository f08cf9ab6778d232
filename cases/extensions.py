"""What the apps above cases add to a case, without cases importing them (issue 19).

cases knows children, cases, concerns, missing episodes and notes. Risk assessment and meetings hang
more off a case (a risk panel, decisions and actions on the timeline, action owners who may see it);
they register those here in their AppConfig.ready(), and cases runs whatever is registered.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from met import rawsql


@dataclass(frozen=True)
class CasePanel:
    """A section of the case page: `context(case)` gives template variables (merged into the page's)."""

    name: str
    template: str
    context: Callable[..., dict]
    order: int


# name → function(case, now) giving timeline items: dicts with "kind", "at" and "obj".
_timeline_sources: dict[str, Callable[..., Iterable[dict]]] = {}
_panels: dict[str, CasePanel] = {}
# name → function(case) giving the ids of users who may view the case for that reason.
_viewer_reasons: dict[str, Callable[..., Iterable[int]]] = {}
# name → (model, foreign key to Case): "does the case have any of these", read with the case on its page.
_case_facts: dict[str, tuple] = {}
# name → function(case) giving why the case cannot be restricted as it stands (empty when it can).
_restriction_checks: dict[str, Callable[..., list[str]]] = {}


@dataclass(frozen=True)
class ChronologySource:
    """Significant events of a case for its chronology (cases/chronology.py): `entries(case, viewer)` gives
    cases.chronology.Entry items of the `kinds` it declares ((code, label) pairs, in the order the filter
    lists them), in a fixed number of queries whatever their number."""

    name: str
    entries: Callable[..., Iterable]
    kinds: tuple[tuple[str, str], ...]
    order: int


_chronology_sources: dict[str, ChronologySource] = {}


def register_timeline_source(name: str, items: Callable[..., Iterable[dict]]) -> None:
    _timeline_sources[name] = items


def register_case_panel(name: str, *, template: str, context: Callable[..., dict], order: int) -> None:
    _panels[name] = CasePanel(name, template, context, order)


def register_case_fact(name: str, model, *, field: str = "case") -> None:
    _case_facts[name] = (model, field)


def register_viewer_reason(name: str, user_ids: Callable[..., Iterable[int]]) -> None:
    _viewer_reasons[name] = user_ids


def register_restriction_check(name: str, check: Callable[..., list[str]]) -> None:
    _restriction_checks[name] = check


def register_chronology_source(
    name: str, entries: Callable[..., Iterable], *, kinds: Iterable[tuple[str, str]], order: int
) -> None:
    _chronology_sources[name] = ChronologySource(name, entries, tuple(kinds), order)


def chronology_sources() -> list[ChronologySource]:
    return sorted(_chronology_sources.values(), key=lambda s: (s.order, s.name))


def timeline_items(case, now: datetime) -> list[dict]:
    return [item for _, source in sorted(_timeline_sources.items()) for item in source(case, now)]


def with_case_facts(queryset):
    """The case page's query for its case, also saying whether the case has any rows of each registered
    kind (one EXISTS each, run with the case), so that a panel with nothing to show reads nothing. Most
    cases have no notes, documents, plans, referrals or decisions, and asking each table separately
    was a third of the case page's queries (issue 14). Written as SQL: building these as ORM
    subqueries took longer than running them."""
    from cases.models import Case

    return queryset.annotate(
        **{f"met_has_{name}": rawsql.exists(model, field, Case) for name, (model, field) in sorted(_case_facts.items())}
    )


def case_has(case, name: str) -> bool:
    """False only when the case was read with with_case_facts and has none: a case read any other way
    is asked, so nothing depends on how it was read."""
    return getattr(case, f"met_has_{name}", True)


def case_panels() -> list[CasePanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.name))


def extra_viewers(case) -> set[int]:
    return {user_id for _, reason in sorted(_viewer_reasons.items()) for user_id in reason(case)}


def restriction_problems(case) -> list[str]:
    return [problem for _, check in sorted(_restriction_checks.items()) for problem in check(case)]
