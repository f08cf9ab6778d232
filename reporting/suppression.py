"""Small-count suppression for reports in wide circulation (LSCB), primary and secondary.

Primary suppression withholds every count from 1 to 4. That alone is not enough: a withheld count
can often be worked out from the figures around it (10 interviews completed, 6 within 72 hours:
4 were late). So the report's figures are described as cells tied together by relations
(total = sum of parts), some of them published and some only derivable (the late interviews), and
more published cells are withheld until no small count can be worked out from what is published by
any combination of additions and subtractions (a linear-algebra check, not just one relation at a
time, so that one withholding forcing another is followed through).

What this does not defend against: reasoning from bounds (a withheld count is known to be at least
0) in large tables, which needs a full statistical disclosure control tool. The relations here are
short, and the checks in tests/reporting/test_suppression.py cover the report's own tables.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

PRIMARY, SECONDARY = "primary", "secondary"


def is_small(value) -> bool:
    """A count that could identify a child: 1 to 4."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), between cell keys."""

    total: str
    parts: tuple[str, ...]


def withhold(values: dict[str, int], relations: Iterable[Relation], published: set[str]) -> dict[str, str]:
    """The published cells to withhold, each marked primary or secondary.

    `values` holds every cell, published or derivable only; `published` names those the report shows.
    """
    relations = [r for r in relations if r.parts]
    protected = {key for key, value in values.items() if is_small(value)}
    withheld = dict.fromkeys(protected & published, PRIMARY)
    unknown = (set(values) - published) | set(withheld)
    while leaks := sorted(_determined(relations, values, unknown) & protected):
        choice = _complement(leaks[0], relations, values, unknown, published)
        if choice is None:  # everything related is withheld already; nothing more can help
            break
        withheld[choice] = SECONDARY
        unknown.add(choice)
    return withheld


def _complement(leak: str, relations: list[Relation], values: dict, unknown: set, published: set) -> str | None:
    """The published cell to withhold next: the smallest that stops `leak` being worked out, looking first
    in the relations that give it away; failing that, the smallest of those, to make progress."""
    near = {key for r in relations if leak in (r.total, *r.parts) for key in (r.total, *r.parts)}
    anywhere = {key for r in relations for key in (r.total, *r.parts)}
    pools = [
        sorted((key for key in pool & published if key not in unknown), key=lambda k: (values[k], k))
        for pool in (near, anywhere)
    ]
    for candidates in pools:
        for key in candidates:
            if leak not in _determined(relations, values, unknown | {key}):
                return key
    return next((candidates[0] for candidates in pools if candidates), None)


def _determined(relations: list[Relation], values: dict, unknown: set) -> set[str]:
    """The unknown cells whose values follow from the known ones through the relations.

    Each relation is a linear equation; with the known cells substituted, an unknown is determined
    exactly when its unit vector lies in the row space of the equations over the unknowns, that is
    when it is a pivot of the reduced row echelon form whose row has no free variable in it.

    Equations that share no unknown are independent, so each group of them that does is solved on its
    own: the strategic report's breakdown by area (issue 18) ties hundreds of cells, in small groups
    (a figure, its areas' figures and the few they relate to), and one elimination over all of them
    took seconds on every page view.
    """
    equations = []
    for relation in relations:
        row: dict[str, int] = {}
        for key, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if key in unknown:
                row[key] = row.get(key, 0) + sign
        row = {key: coefficient for key, coefficient in row.items() if coefficient}
        if row:
            equations.append(row)
    found: set[str] = set()
    for group in _groups(equations):
        found |= _solve(group)
    return found


def _groups(equations: list[dict[str, int]]) -> list[list[dict[str, int]]]:
    """The equations in groups that share unknowns (union-find over the unknowns)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for row in equations:
        first, *rest = row
        for key in rest:
            parent[root(key)] = root(first)
    groups: dict[str, list[dict[str, int]]] = {}
    for row in equations:
        groups.setdefault(root(next(iter(row))), []).append(row)
    return list(groups.values())


def _solve(equations: list[dict[str, int]]) -> set[str]:
    columns = sorted({key for row in equations for key in row})
    index = {key: i for i, key in enumerate(columns)}
    rows = []
    for equation in equations:
        row = [Fraction(0)] * len(columns)
        for key, coefficient in equation.items():
            row[index[key]] = Fraction(coefficient)
        rows.append(row)
    pivots = _reduce(rows)
    free = set(range(len(columns))) - set(pivots)
    return {columns[col] for col, row in zip(pivots, rows, strict=False) if not any(row[f] for f in free)}


def _reduce(rows: list[list[Fraction]]) -> list[int]:
    """Gauss-Jordan elimination in place: the pivot columns, the i-th pivot being in row i."""
    pivots: list[int] = []
    width = len(rows[0]) if rows else 0
    top = 0
    for col in range(width):
        pivot = next((i for i in range(top, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        lead = rows[top][col]
        rows[top] = [value / lead for value in rows[top]]
        for i, row in enumerate(rows):
            if i != top and row[col]:
                factor = row[col]
                rows[i] = [a - factor * b for a, b in zip(row, rows[top], strict=True)]
        pivots.append(col)
        top += 1
    return pivots
