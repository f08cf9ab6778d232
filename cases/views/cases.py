"""The case page and its edits, notes, and who accessed the record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import extensions, selectors, services
from cases.access import (
    can_change_case,
    get_case_for_user,
    restrict_to_visible,
)
from cases.forms import (
    CaseEditForm,
    ChildEditForm,
    NoteForm,
    VoiceForm,
)
from cases.merge import merged_record_ids
from cases.models import Case
from cases.views._shared import _audit_view
from met import rawsql
from met.access import require_case_role
from met.audit import audit
from met.models import AuditEvent
from met.views.editing import versioned_edit


def _case_page(request, case: Case, *, note_form: NoteForm, status: int = 200):
    """The case page, with the sections other apps add to it (cases.extensions); its view is audited."""
    _audit_view(request, case, "case")
    context = {
        "case": case,
        "child": case.child,
        **selectors.case_page_timeline(case, timezone.now()),
        "may_change": can_change_case(request.user, case),
        "note_form": note_form,
        # Most children have one case: read the others only when the case query found some.
        "other_cases": restrict_to_visible(case.child.cases.exclude(pk=case.pk), request.user)
        if getattr(case, "met_has_other_cases", True)
        else [],
        "case_panels": [panel.template for panel in extensions.case_panels()],
    }
    for panel in extensions.case_panels():
        context.update(panel.context(case))
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_safe
def case_detail(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(
        request.user,
        pk,
        queryset=extensions.with_case_facts(
            selectors.case_queryset().annotate(
                # Whether the child has another case, asked with the case itself.
                met_has_other_cases=rawsql.exists(Case, "child", Case, "child", other_row=True)
            )
        ),
    )
    selectors.with_lookups([case], "categories", "agencies_involved")
    return _case_page(request, case, note_form=NoteForm())


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    if request.method == "GET":
        _audit_view(request, case, "edit")
    return versioned_edit(
        request,
        # Practitioners who may change the case record the voice of the child; who works on it is the coordinator's call.
        form_class=CaseEditForm if request.user.sees_all_cases else VoiceForm,
        instance=case,
        save=lambda form: services.case_update(
            actor=request.user, case=case, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="cases/case_edit.html",
        context={"case": case},
        success_message="Case updated.",
        success_url=case,
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    if request.method == "GET":
        _audit_view(request, case, "child_edit")
    return versioned_edit(
        request,
        form_class=ChildEditForm,
        instance=case.child,
        save=lambda form: services.child_update(
            actor=request.user, child=case.child, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="cases/child_edit.html",
        context={"case": case},
        success_message="Child's details updated.",
        success_url=case,
    )


@login_required
@require_POST
def case_note_add(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.case_note_add(actor=request.user, case=case, text=form.cleaned_data["text"], request=request)
        messages.success(request, "Note added.")
        return redirect(case)
    return _case_page(request, case, note_form=form, status=400)


# --- who accessed this record ---------------------------------------------------------------


@login_required
@require_safe
def case_access_log(request, pk: int):
    user = request.user
    if not (user.is_chair or user.is_system_admin):
        raise PermissionDenied("Only chairs and system admins can see who accessed a record.")
    if user.is_chair:
        case = get_case_for_user(user, pk)
        show_child = True
    else:
        # A system admin sees who accessed the record, not what is in it.
        case = Case.objects.filter(pk=pk).first()
        if case is None:
            raise Http404("No such case.")
        show_child = False
    # Audit events keep the child they were written about: a record merged into this one brings its own.
    events = AuditEvent.objects.filter(child_id__in=merged_record_ids(case.child_id)).select_related("actor__agency")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit(actor=user, action="case.view_access_log", obj=case, child_id=case.child_id, request=request)
    return render(request, "cases/access_log.html", {"case": case, "page": page, "show_child": show_child})
