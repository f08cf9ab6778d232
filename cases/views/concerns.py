"""Logging a concern (with the duplicate check) and the coordinator's triage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import selectors, services
from cases.access import (
    cases_visible_to,
    get_case_for_user,
    get_concern_for_user,
    may_see_case,
    require_coordination,
)
from cases.duplicates import possible_duplicates
from cases.forms import (
    ChildForm,
    CloseCaseForm,
    ConcernForm,
    DuplicateChoiceForm,
    OpenCaseForm,
)
from cases.models import CaseStatus
from cases.views._shared import PAGE_SIZE, _audit_view
from met.access import require_case_role
from met.audit import audit_list_page
from met.views.editing import apply_service_error


@login_required
@require_http_methods(["GET", "POST"])
def concern_log(request):
    """Log a concern about a child: search first, warn of possible duplicates, then create."""
    require_case_role(request.user)
    child_form = ChildForm(request.POST or None, prefix="child")
    concern_form = ConcernForm(request.POST or None, prefix="concern", user=request.user)
    candidates, choice_form = [], None
    if request.method == "POST" and child_form.is_valid() & concern_form.is_valid():
        data = child_form.cleaned_data
        matches = possible_duplicates(data)
        visible_ids = set(
            cases_visible_to(request.user).filter(child__in=[m.pk for m in matches]).values_list("child_id", flat=True)
        )
        candidates = [m for m in matches if m.pk in visible_ids]
        # A match the user may not see is never shown to them; the coordinator checks it at triage.
        hidden_match = next((m for m in matches if m.pk not in visible_ids), None)
        choice = request.POST.get("duplicate-choice")
        if candidates and choice is None:
            choice_form = DuplicateChoiceForm(prefix="duplicate", candidates=candidates)
            return render(
                request, "cases/concern_form.html", _concern_context(child_form, concern_form, candidates, choice_form)
            )
        child = None
        if candidates:
            choice_form = DuplicateChoiceForm(request.POST, prefix="duplicate", candidates=candidates)
            if not choice_form.is_valid():
                return render(
                    request,
                    "cases/concern_form.html",
                    _concern_context(child_form, concern_form, candidates, choice_form),
                    status=400,
                )
            if choice_form.cleaned_data["choice"] != DuplicateChoiceForm.NEW:
                child = choice_form.candidates[choice_form.cleaned_data["choice"]]
        try:
            concern = services.concern_log(
                actor=request.user,
                child=child,
                new_child=None if child else data,
                possible_duplicate_of=hidden_match if child is None else None,
                request=request,
                **concern_form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_error(
                child_form
                if hasattr(error, "error_dict") and set(error.error_dict) & set(child_form.fields)
                else concern_form,
                error,
            )
        else:
            messages.success(
                request, "Concern logged. The MET coordinator will review it; you will be told what happens."
            )
            return redirect("concern_detail", pk=concern.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/concern_form.html",
        _concern_context(child_form, concern_form, candidates, choice_form),
        status=status,
    )


def _concern_context(child_form, concern_form, candidates, choice_form):
    return {
        "child_form": child_form,
        "concern_form": concern_form,
        "candidates": candidates,
        "choice_form": choice_form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def concern_log_for_case(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_log(actor=request.user, child=case.child, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Concern logged and added to the child's record.")
            return redirect("concern_detail", pk=concern.pk)
    return render(
        request, "cases/concern_for_case.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_safe
def concern_detail(request, pk: int):
    require_case_role(request.user)
    concern = get_concern_for_user(request.user, pk)
    _audit_view(request, concern.case, "concern")
    sees_case = may_see_case(request.user, concern.case_id)
    return render(
        request, "cases/concern_detail.html", {"concern": concern, "case": concern.case, "sees_case": sees_case}
    )


# --- triage ---------------------------------------------------------------------------------


@login_required
@require_safe
def triage_inbox(request):
    require_coordination(request.user)
    concerns = (
        selectors.untriaged_concerns(request.user)
        .select_related("case__child", "logged_by", "possible_duplicate_of")
        .order_by("logged_at")
    )
    page = Paginator(concerns, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_related(page.object_list, "category", "source_agency")
    audit_list_page(
        actor=request.user, kind="triage", child_ids=[c.case.child_id for c in page.object_list], request=request
    )
    return render(request, "cases/triage_inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request, pk: int):
    require_coordination(request.user)
    case = get_case_for_user(request.user, pk)
    if case.status != CaseStatus.REFERRED:
        messages.info(request, f"This case is already {case.get_status_display().lower()}.")
        return redirect(case)
    initial = {"categories": list(case.categories.all())}
    form = OpenCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_open(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} opened. The agencies involved can now see it.")
            return redirect(case)
    _audit_view(request, case, "open")
    return render(request, "cases/case_open.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, pk: int):
    require_coordination(request.user)
    case = get_case_for_user(request.user, pk)
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} closed. Nothing has been deleted.")
            return redirect(case)
    return render(request, "cases/case_close.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def concern_acknowledge(request, pk: int):
    require_coordination(request.user)
    concern = get_concern_for_user(request.user, pk, write=True)
    try:
        services.concern_acknowledge(actor=request.user, concern=concern, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("triage_inbox")
    messages.success(request, f"Concern added to case {concern.case.reference}.")
    return redirect("triage_inbox")
