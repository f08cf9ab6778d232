"""Drawing a round's sample of cases, reproducibly (issue 17).

The criteria pick the candidates (category, risk level, status, closed within a period, named
references); restricted cases are never drawn, since auditors from other agencies may not see them.
A round started by a coordinator or chair of some areas only draws from their areas' cases (issue
18): the areas are kept in the criteria ("areas", ids), so that a redraw draws from the same.
The candidates' ids are sorted and `random.Random(seed).sample` draws from them: the same seed over the
same cases always gives the same sample, in the same order. The round stores the seed, the criteria and
the ids drawn, so anyone can draw it again and check (`redraw`).
"""

import random
import secrets
from datetime import date

from django.db.models import QuerySet

from cases.models import Case, CaseStatus, case_id_from_reference

CRITERIA = ("category", "risk_level", "status", "closed_from", "closed_to", "references", "areas")
MAX_SAMPLE = 50


def new_seed() -> int:
    return secrets.randbelow(2**31)


def candidates(criteria: dict) -> QuerySet[Case]:
    """The cases the criteria allow, never referred (not yet a case) nor restricted ones."""
    cases = Case.objects.exclude(status=CaseStatus.REFERRED).filter(is_restricted=False)
    if criteria.get("category"):
        cases = cases.filter(categories__code=criteria["category"])
    if criteria.get("risk_level"):
        cases = cases.filter(risk_level=criteria["risk_level"])
    if criteria.get("status"):
        cases = cases.filter(status=criteria["status"])
    if criteria.get("closed_from"):
        cases = cases.filter(status=CaseStatus.CLOSED, closed_at__date__gte=date.fromisoformat(criteria["closed_from"]))
    if criteria.get("closed_to"):
        cases = cases.filter(status=CaseStatus.CLOSED, closed_at__date__lte=date.fromisoformat(criteria["closed_to"]))
    if criteria.get("areas"):
        cases = cases.filter(area__in=criteria["areas"])
    if criteria.get("references"):
        ids = [case_id_from_reference(ref) for ref in criteria["references"]]
        cases = cases.filter(pk__in=ids)
    return cases.distinct()


def draw(candidate_ids, size: int, seed: int) -> list[int]:
    """`size` of the candidates at random with the seed (all of them when there are no more)."""
    ids = sorted(set(candidate_ids))
    if size >= len(ids):
        return ids
    return random.Random(seed).sample(ids, size)  # noqa: S311 (reproducible on purpose: the seed is recorded)


def redraw(criteria: dict, size: int, seed: int) -> list[int]:
    return draw(candidates(criteria).values_list("pk", flat=True), size, seed)
