"""Merging two records of one child (issue 16, part 5): the rule. Writes: cases/services/merge.py.

What a merge does. Everything about a child hangs off their cases (concerns, missing episodes, notes,
documents, safety plans, the NRM referral, and above cases risk assessments, referrals, agenda items,
decisions, actions, feedback, links to places and persons of concern). So a merge re-points the
duplicate's cases to the record kept, and with them every row on them, unchanged: each keeps its id, its
history and its audit trail. The few rows that name a child directly are re-pointed too (a concern's
"possibly the same child as").
Audit events cannot be changed (met.models.AuditEvent): they keep the child they were written about, and
"who accessed this record" reads the record kept together with every record merged into it.

The duplicate's record is kept, marked as merged into the survivor, and its links lead to the survivor.
The survivor's own details (names, date of birth, identifiers) stay as they are: the coordinator changes
them afterwards if the duplicate knew better.

Refused (MERGE_PROBLEMS):
- a record into itself;
- into or out of a record already merged (merge into the record it was merged into instead);
- when both records have a case that is not closed. A child has at most one live case
  (cases_one_live_case_per_child), and two live cases cannot become one without deciding, item by item,
  which lead, plan, referral and actions win. So the coordinator first closes the duplicate's case with
  the reason "Duplicate record" (its work stays readable, on the child kept), then merges.

Who: the coordinator only, and only records they may see (cases.access.get_child_for_user). Access to a
case does not change with the child it belongs to: permissions are granted per case (agency involvement,
lead, named people, action owners), so after a merge each case is seen by exactly the people who saw it
before. Someone who saw only the duplicate's case sees, on that case, the child's kept details, which
are the same child's; nobody gains a case they could not see.

Reversing is the system admin's (UNMERGE_PROBLEMS): exactly the rows the merge moved go back.
"""

from collections import defaultdict

from django.apps import apps
from django.db import models

from cases.models import Case, CaseStatus, Child, ChildMerge

SELF = "A record cannot be merged into itself: choose the other record of this child."
ALREADY_MERGED = "Record {pk} was already merged into record {into}: merge into that record instead."
BOTH_LIVE = (
    "Both records have a case that is not closed ({first} and {second}). A child has one live case: close the "
    "duplicate's case with the reason 'Duplicate record' first, then merge the records."
)
UNMERGE_DONE = "This merge was already reversed."
UNMERGE_LATER = "Record {survivor} has since been merged into record {into}: reverse that merge first, then this one."
UNMERGE_MOVED = "Record {duplicate} is no longer merged into record {survivor}: nothing to reverse."

# The rows that name a child directly, moved by the merge itself; any other foreign key to Child must be
# moved by a registered mover (tests/cases/test_merge.py walks every model to check).
CORE_FIELDS = (("cases.case", "child"), ("cases.concern", "possible_duplicate_of"))
# Foreign keys to Child that are about the merge itself, and move nothing.
MERGE_FIELDS = (("cases.child", "merged_into"), ("cases.childmerge", "survivor"), ("cases.childmerge", "duplicate"))


def merge_problems(first: Child, second: Child) -> list[str]:
    """Why these two records cannot be merged (either way round), or nothing."""
    if first.pk == second.pk:
        return [SELF]
    problems = [
        ALREADY_MERGED.format(pk=child.pk, into=child.merged_into_id)
        for child in (first, second)
        if child.merged_into_id is not None
    ]
    live = list(
        Case.objects.filter(child__in=(first, second))
        .exclude(status=CaseStatus.CLOSED)
        .order_by("child_id")
        .values_list("pk", "child_id")
    )
    if len({child_id for _, child_id in live}) == 2:
        problems.append(BOTH_LIVE.format(first=f"MET-{live[0][0]:05d}", second=f"MET-{live[1][0]:05d}"))
    return problems


def unmerge_problems(merge: ChildMerge) -> list[str]:
    if merge.reversed_at is not None:
        return [UNMERGE_DONE]
    survivor, duplicate = merge.survivor, merge.duplicate
    if duplicate.merged_into_id != survivor.pk:
        return [UNMERGE_MOVED.format(duplicate=duplicate.pk, survivor=survivor.pk)]
    if survivor.merged_into_id is not None:
        return [UNMERGE_LATER.format(survivor=survivor.pk, into=survivor.merged_into_id)]
    return []


def surviving_record(child: Child) -> Child:
    """The record a child's links lead to: itself, or the record it was merged into (and so on)."""
    seen = {child.pk}
    while child.merged_into_id is not None and child.merged_into_id not in seen:
        seen.add(child.merged_into_id)
        child = Child.objects.get(pk=child.merged_into_id)
    return child


def merged_record_ids(child_id: int) -> list[int]:
    """The child and every record merged into it, at any depth: whose audit events are this child's."""
    ids, frontier = {child_id}, [child_id]
    while frontier:
        frontier = list(Child.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.update(frontier)
    return sorted(ids)


def _case_foreign_keys() -> list[tuple[type[models.Model], models.Field]]:
    """Every foreign key to Case of every installed model: the rows that move with a case. Permissions
    (guardian's tables) and many-to-many tables are the case's own settings, not records about the child."""
    found = []
    for model in apps.get_models():
        if model._meta.auto_created or model._meta.app_label == "guardian":
            continue
        if model.__name__.endswith("ObjectPermission"):
            continue
        for field in model._meta.get_fields():
            if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is Case:
                found.append((model, field))
    return found


def rows_on_cases(case_ids) -> dict[str, list[int]]:
    """The rows hanging directly off these cases, by model label: what a merge carries along with them."""
    case_ids = list(case_ids)
    carried: dict[str, list[int]] = defaultdict(list)
    if not case_ids:
        return {}
    for model, field in _case_foreign_keys():
        ids = model._default_manager.filter(**{f"{field.name}__in": case_ids}).values_list("pk", flat=True)
        carried[model._meta.label_lower].extend(ids)
    return {label: sorted(set(ids)) for label, ids in sorted(carried.items()) if ids}


def describe_rows(carried: dict[str, list[int]]) -> list[tuple[str, int]]:
    """("missing episodes", 3) pairs for a page, in the models' own words."""
    described = []
    for label, ids in carried.items():
        model = apps.get_model(label)
        name = model._meta.verbose_name if len(ids) == 1 else model._meta.verbose_name_plural
        described.append((str(name), len(ids)))
    return sorted(described)


def describe_merge(merge: ChildMerge) -> list[tuple[str, int]]:
    """What a merge moved, for its page: the cases, then what went with them, then the rows re-pointed."""
    cases = len(merge.moved.get("cases.case.child", []))
    hints = len(merge.moved.get("cases.concern.possible_duplicate_of", []))
    described = [("case" if cases == 1 else "cases", cases)] if cases else []
    described += describe_rows(merge.carried)
    if hints:
        described.append(
            ('concerns\' "possibly the same child"' if hints > 1 else 'concern\'s "possibly the same child"', hints)
        )
    return described


def handled_child_fields() -> set[tuple[str, str]]:
    """Every (model label, field) pointing at Child that a merge deals with: for the test that walks models.
    A new foreign key to Child fails that test until the merge moves (and restores) it here."""
    return set(CORE_FIELDS) | set(MERGE_FIELDS)
