"""Possible duplicate children (DESIGN §2): same date of birth and a similar name, or a shared identifier.

Checked before a new child is created, so that one child does not end up with two records and two
half-pictures of the risk to them.
"""

from difflib import SequenceMatcher

from django.db.models import Q

from cases.merge import surviving_record
from cases.models import Child

SIMILARITY = 0.75  # "Jayden Smith" ~ "Jaden Smith", "Kayleigh Jones" ~ "Kayley Jones"


def _normal(text: str) -> str:
    return " ".join((text or "").lower().replace("-", " ").replace("'", "").split())


def names_similar(a_first: str, a_last: str, b_first: str, b_last: str, b_known_as: str = "") -> bool:
    a_full, b_full = _normal(f"{a_first} {a_last}"), _normal(f"{b_first} {b_last}")
    if SequenceMatcher(None, a_full, b_full).ratio() >= SIMILARITY:
        return True
    if _normal(a_last) == _normal(b_last) and _normal(a_first)[:1] == _normal(b_first)[:1]:
        return True
    # A known-as name used as a first name: "Kez Brown" for Kerry-Ann Brown known as Kez.
    return bool(b_known_as) and _normal(a_last) == _normal(b_last) and _normal(a_first) in _normal(b_known_as).split()


def possible_duplicates(data: dict, *, limit: int = 10) -> list[Child]:
    identifiers = Q()
    for name in ("police_number", "csc_number", "nhs_number"):
        value = (data.get(name) or "").strip()
        if value:
            identifiers |= Q(**{name: value})
    found: dict[int, Child] = {}
    if identifiers:
        for child in Child.objects.filter(identifiers)[:limit]:
            found[child.pk] = child
    dob = data.get("date_of_birth")
    if dob is not None:
        for child in Child.objects.filter(date_of_birth=dob)[:200]:
            if child.pk not in found and names_similar(
                data.get("first_name", ""), data.get("last_name", ""), child.first_name, child.last_name, child.known_as
            ):
                found[child.pk] = child
    # A record merged into another is found by its old details, and stands for the record kept.
    kept: dict[int, Child] = {}
    for child in found.values():
        child = surviving_record(child) if child.merged_into_id is not None else child
        kept.setdefault(child.pk, child)
    return list(kept.values())[:limit]
