"""Writes for merging two records of one child and reversing a merge (issue 16, part 5).

The rule (what moves, what is refused, who may): cases/merge.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.access import may_see_child
from cases.merge import merge_problems, rows_on_cases, unmerge_problems
from cases.models import Case, CaseStatus, Child, ChildMerge, Concern
from met.audit import audit
from met.models import User

CASES = "cases.case.child"
POSSIBLE_DUPLICATE = "cases.concern.possible_duplicate_of"


def _lock(*pks: int) -> dict[int, Child]:
    """Both children locked, in id order, so two merges of the same pair cannot deadlock."""
    return {child.pk: child for child in Child.objects.select_for_update().filter(pk__in=pks).order_by("pk")}


def _move_cases(ids, to: Child) -> None:
    # One save per case: each move is in the case's own change history (django-auditlog) and a form
    # open on it meets a new version rather than writing over the move.
    for case in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        case.child = to
        case.version += 1
        case.save(update_fields=["child", "version"])


@transaction.atomic
def child_merge(
    *, survivor: Child, duplicate: Child, by: User, reason: str, request: HttpRequest | None = None
) -> ChildMerge:
    """Merge `duplicate` into `survivor`: its cases (and all on them) move, its record is kept as merged."""
    if not by.is_coordinator:
        raise PermissionDenied("Only the MET coordinator can merge records.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these two records are the same child."})
    locked = _lock(survivor.pk, duplicate.pk)
    if survivor.pk not in locked or duplicate.pk not in locked:
        raise ValidationError("One of these records does not exist.")
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if not (may_see_child(by, survivor.pk) and may_see_child(by, duplicate.pk)):
        raise PermissionDenied("You can only merge records you can see.")
    if problems := merge_problems(survivor, duplicate):
        raise ValidationError(problems)

    case_ids = sorted(Case.objects.filter(child=duplicate).values_list("pk", flat=True))
    carried = rows_on_cases(case_ids)
    _move_cases(case_ids, survivor)
    concerns = sorted(Concern.objects.filter(possible_duplicate_of=duplicate).values_list("pk", flat=True))
    Concern.objects.filter(pk__in=concerns).update(possible_duplicate_of=survivor)
    moved = {CASES: case_ids, POSSIBLE_DUPLICATE: concerns}

    now = timezone.now()
    duplicate.merged_into, duplicate.merged_at = survivor, now
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "merged_at", "version"])
    survivor.version += 1
    survivor.save(update_fields=["version"])
    merge = ChildMerge.objects.create(
        survivor=survivor, duplicate=duplicate, reason=reason, moved=moved, carried=carried, merged_by=by, merged_at=now
    )
    # Both children's trails carry the merge; ids and counts only, never the reason's free text.
    detail = {
        "survivor": survivor.pk,
        "duplicate": duplicate.pk,
        "cases": case_ids,
        "moved": {name: len(ids) for name, ids in moved.items()},
    }
    for child in (survivor, duplicate):
        audit(actor=by, action="child.merge", obj=merge, child_id=child.pk, request=request, detail=detail)
    return merge


@transaction.atomic
def child_unmerge(*, merge: ChildMerge, by: User, reason: str = "", request: HttpRequest | None = None) -> ChildMerge:
    """Reverse a merge: exactly the rows it moved go back to the duplicate, whose record is live again."""
    if not by.is_system_admin:
        raise PermissionDenied("Only a system admin can reverse a merge.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the merge is being reversed."})
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    locked = _lock(merge.survivor_id, merge.duplicate_id)
    merge.survivor, merge.duplicate = locked[merge.survivor_id], locked[merge.duplicate_id]
    if problems := unmerge_problems(merge):
        raise ValidationError(problems)
    survivor, duplicate = merge.survivor, merge.duplicate

    case_ids = merge.moved.get(CASES, [])
    if Case.objects.filter(pk__in=case_ids).exclude(child=survivor).exists():
        raise ValidationError("A case this merge moved is no longer on the record kept: it cannot be moved back.")
    live = Case.objects.exclude(status=CaseStatus.CLOSED)
    if live.filter(child=duplicate).exists() and live.filter(pk__in=case_ids).exists():
        raise ValidationError("The merged record has a live case of its own now: a child has one live case.")
    _move_cases(case_ids, duplicate)
    Concern.objects.filter(pk__in=merge.moved.get(POSSIBLE_DUPLICATE, []), possible_duplicate_of=survivor).update(
        possible_duplicate_of=duplicate
    )

    duplicate.merged_into, duplicate.merged_at = None, None
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "merged_at", "version"])
    survivor.version += 1
    survivor.save(update_fields=["version"])
    merge.reversed_at, merge.reversed_by, merge.reverse_reason = timezone.now(), by, reason
    merge.save(update_fields=["reversed_at", "reversed_by", "reverse_reason"])
    detail = {"survivor": survivor.pk, "duplicate": duplicate.pk, "cases": case_ids}
    for child in (survivor, duplicate):
        audit(actor=by, action="child.unmerge", obj=merge, child_id=child.pk, request=request, detail=detail)
    return merge
