"""Merging two records of one child (issue 16, part 5): the coordinator's pages, the record's own link
that leads on to the record kept, and the system admin's pages to reverse a merge.

The rule: cases/merge.py; the writes: cases/services/merge.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cases import merge as merge_rule
from cases.access import get_child_for_user, restrict_to_visible
from cases.duplicates import possible_duplicates
from cases.forms import CHILD_FIELDS
from cases.merge_forms import MergeFindForm, MergeForm, UnmergeForm
from cases.models import Case, CaseStatus, Child, ChildMerge
from cases.services.merge import child_merge, child_unmerge
from met.access import require_case_role
from met.audit import audit, audit_many
from met.views.editing import apply_service_error

ONLY_COORDINATOR = "Only the MET coordinator can merge records."


@login_required
@require_safe
def child_detail(request, pk: int):
    """A child's own link: on to their newest case the user may see (a live one first). A record merged
    into another leads on to the record kept, for whoever may see that one; for anyone else it is a 404."""
    require_case_role(request.user)
    child = Child.objects.filter(pk=pk).first()
    if child is None:
        raise Http404("No such child.")
    kept = merge_rule.surviving_record(child)
    if kept.pk != child.pk:
        get_child_for_user(request.user, kept.pk)
        return redirect("child_detail", pk=kept.pk)
    get_child_for_user(request.user, child.pk)
    visible = restrict_to_visible(Case.objects.filter(child=child), request.user)
    case = visible.exclude(status=CaseStatus.CLOSED).first() or visible.order_by("-created_at", "-pk").first()
    if case is None:
        raise Http404("No such child.")
    return redirect(case)


def _coordinator_children(request, *pks: int) -> list[Child]:
    """The records, 404 when the user may not see one of them (as for one that does not exist), then 403
    when they may see them all but are not the coordinator."""
    require_case_role(request.user)
    children = [get_child_for_user(request.user, pk) for pk in pks]
    if not request.user.is_coordinator:
        raise PermissionDenied(ONLY_COORDINATOR)
    return children


def _summary(child: Child) -> dict:
    """One side of the comparison: the record, its cases and what would move with them."""
    cases = list(Case.objects.filter(child=child).order_by("-created_at", "-pk"))
    return {
        "child": child,
        "cases": cases,
        "moves": merge_rule.describe_rows(merge_rule.rows_on_cases([case.pk for case in cases])),
    }


@login_required
@require_safe
def child_merge_start(request, pk: int):
    """Merge with another record: the possible duplicates the check finds, or a case reference."""
    (child,) = _coordinator_children(request, pk)
    form = MergeFindForm(request.GET if "reference" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("child_merge_compare", pk=child.pk, other_pk=form.cleaned_data["reference"].pk)
    data = {name: getattr(child, name) for name in CHILD_FIELDS}
    # The duplicate check (cases/duplicates.py) gives a merged record as the record kept.
    candidates = [match for match in possible_duplicates(data) if match.pk != child.pk]
    audit_many(
        actor=request.user,
        action="child.merge_search",
        obj=child,
        child_ids=[child.pk, *(c.pk for c in candidates)],
        request=request,
    )
    return render(
        request,
        "cases/merge_start.html",
        {"child": child, "candidates": candidates, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_merge_compare(request, pk: int, other_pk: int):
    """Both records side by side, which to keep and why; then a confirmation page; then the merge."""
    child, other = _coordinator_children(request, pk, other_pk)
    pair = (child, other)
    problems = merge_rule.merge_problems(child, other)
    form = MergeForm(request.POST if request.method == "POST" else None, children=pair)
    context = {
        "child": child,
        "other": other,
        "sides": [_summary(c) for c in pair] if child.pk != other.pk else [_summary(child)],
        "problems": problems,
        "form": form,
    }
    status = 400 if problems and (request.method == "POST" or child.pk == other.pk) else 200
    audit_many(
        actor=request.user, action="child.merge_compare", obj=child, child_ids=[child.pk, other.pk], request=request
    )
    if request.method == "GET" or problems:
        return render(request, "cases/merge_compare.html", context, status=status)
    if not form.is_valid():
        return render(request, "cases/merge_compare.html", context, status=400)
    survivor = child if form.cleaned_data["survivor"] == child.pk else other
    duplicate = other if survivor is child else child
    if request.POST.get("confirm") != "yes":
        # The confirmation page: what happens, in full, before anything does.
        return render(
            request,
            "cases/merge_confirm.html",
            {
                **context,
                "survivor": survivor,
                "duplicate": duplicate,
                "moving": _summary(duplicate),
                "reason": form.cleaned_data["reason"],
            },
        )
    try:
        merge = child_merge(
            survivor=survivor, duplicate=duplicate, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as error:
        apply_service_error(form, error)
        return render(request, "cases/merge_compare.html", context, status=400)
    cases = len(merge.moved.get("cases.case.child", []))
    messages.success(
        request,
        f"Records merged: record {duplicate.pk} ({duplicate.full_name}) is now part of record {survivor.pk} "
        f"({survivor.full_name}); {cases} case{'' if cases == 1 else 's'} moved. Only a system admin can reverse this.",
    )
    return redirect("child_detail", pk=survivor.pk)


# --- the system admin's: merges, and reversing one ---------------------------------------------------


def _require_system_admin(user) -> None:
    if not user.is_system_admin:
        raise PermissionDenied("Only a system admin can see and reverse merges.")


@login_required
@require_safe
def child_merge_list(request):
    """Every merge, newest first. Record numbers, who and when: no child's details (a system admin sees
    no case content)."""
    _require_system_admin(request.user)
    merges = ChildMerge.objects.select_related("merged_by", "reversed_by")
    page = Paginator(merges, 50).get_page(request.GET.get("page"))
    return render(request, "cases/merge_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def child_merge_detail(request, pk: int):
    """One merge: what moved, by kind and count; the form that reverses it."""
    _require_system_admin(request.user)
    merge = get_object_or_404(
        ChildMerge.objects.select_related("merged_by", "reversed_by", "survivor", "duplicate"), pk=pk
    )
    form = UnmergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            child_unmerge(merge=merge, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"Merge {merge.pk} reversed: record {merge.duplicate_id} is a record of its own again."
            )
            return redirect(merge)
    audit(
        actor=request.user,
        action="child_merge.view",
        obj=merge,
        request=request,
        detail={"survivor": merge.survivor_id, "duplicate": merge.duplicate_id},
    )
    return render(
        request,
        "cases/merge_detail.html",
        {
            "merge": merge,
            "form": form,
            "moved": merge_rule.describe_merge(merge),
            "problems": merge_rule.unmerge_problems(merge),
        },
        status=400 if form.errors else 200,
    )
