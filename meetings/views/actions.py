"""Action pages: the lists, one action, completing, cancelling and setting one on a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import get_case_for_user
from cases.selectors import with_related
from meetings import services
from meetings.access import (
    actions_visible_to,
    get_action_for_user,
    may_cancel,
    may_complete,
)
from meetings.escalation import overdue_cutoff
from meetings.forms import (
    ActionForm,
    CancelActionForm,
    CompleteActionForm,
)
from meetings.models import ActionStatus
from met.access import require_case_role
from met.audit import audit, audit_list_page
from met.models import User
from met.pagination import CountKeptPaginator, count_key
from met.reminders import sent as sent_reminders
from met.views.editing import apply_service_error

# Of each action only what the lists show: the full rows of action, case, child and owner are some
# seventy columns to read and build (issue 14). A field shown later must be added here, or each row
# reads it alone (tests/meetings/test_query_counts.py).
ACTION_ROW_FIELDS = (
    *("id", "case", "owner", "owner_agency", "description", "due_date", "status"),
    *("case__child", "case__child__first_name", "case__child__last_name"),
    *(f"owner__{name}" for name in User.DISPLAY_NAME_FIELDS),
)


def _action_list(request, actions, *, title: str, template_extra: dict | None = None):
    status = request.GET.get("status", "open")
    if status not in {"open", "done", "cancelled", "all"}:
        return render(
            request,
            "meetings/action_list.html",
            {"error": "Choose open, done, cancelled or all.", "title": title, "page": None},
            status=400,
        )
    if status != "all":
        actions = actions.filter(status=status)
    # The owner's agency from the cache, not joined (cases.selectors.with_related): planning the join
    # took longer than running the query, on every page.
    actions = actions.select_related("case__child", "owner").only(*ACTION_ROW_FIELDS).order_by("due_date", "pk")
    # A long list's total is kept half a minute (met/pagination.py), as the case list's: with areas the
    # count joins cases and meetings, 90 ms at 100,000 actions, on every page otherwise (issue 14).
    paginator = CountKeptPaginator(actions, 25, key=count_key(request.user, f"actions:{title}", request.GET))
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = with_related(page.object_list, "owner_agency")
    audit_list_page(
        actor=request.user,
        kind="actions",
        child_ids=[a.case.child_id for a in page.object_list if a.case_id],
        request=request,
    )
    return render(
        request,
        "meetings/action_list.html",
        {"page": page, "title": title, "status": status, "overdue_before": overdue_cutoff(), **(template_extra or {})},
    )


@login_required
@require_safe
def my_actions(request):
    return _action_list(request, actions_visible_to(request.user).filter(owner=request.user), title="Your actions")


@login_required
@require_safe
def agency_actions(request):
    if not request.user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs see actions for every agency.")
    from met.models import Agency

    agencies = Agency.objects.filter(is_active=True)
    actions = actions_visible_to(request.user)
    chosen = request.GET.get("agency")
    if chosen:
        if not chosen.isdigit() or not agencies.filter(pk=chosen).exists():
            return render(
                request,
                "meetings/action_list.html",
                {"error": "That agency is not one of the options.", "title": "Actions by agency", "page": None},
                status=400,
            )
        actions = actions.filter(owner_agency_id=chosen)
    return _action_list(
        request, actions, title="Actions by agency", template_extra={"agencies": agencies, "chosen": chosen}
    )


@login_required
@require_safe
def action_detail(request, pk: int):
    require_case_role(request.user)
    action = get_action_for_user(request.user, pk)
    if action.case_id:
        audit(actor=request.user, action="action.view", obj=action, child_id=action.case.child_id, request=request)
    is_open = action.status == ActionStatus.OPEN
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": action,
            "escalations": sent_reminders("action", action),
            "may_complete": is_open and may_complete(request.user, action),
            "may_cancel": is_open and may_cancel(request.user, action),
            "complete_form": CompleteActionForm(),
            "cancel_form": CancelActionForm(),
            "overdue_before": overdue_cutoff(),
        },
    )


@login_required
@require_POST
def action_complete(request, pk: int):
    action = get_action_for_user(request.user, pk, write=True)
    form = CompleteActionForm(request.POST)
    if form.is_valid():
        try:
            services.action_complete(actor=request.user, action=action, note=form.cleaned_data["note"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action marked as done.")
            return redirect(action)
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": action,
            "may_complete": True,
            "complete_form": form,
            "cancel_form": CancelActionForm(),
            "overdue_before": overdue_cutoff(),
        },
        status=400,
    )


@login_required
@require_POST
def action_cancel(request, pk: int):
    action = get_action_for_user(request.user, pk)
    if not may_cancel(request.user, action):
        raise PermissionDenied("Only the coordinator or a chair can cancel an action.")
    form = CancelActionForm(request.POST)
    if form.is_valid():
        try:
            services.action_cancel(
                actor=request.user, action=action, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action cancelled.")
            return redirect(action)
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": action,
            "may_cancel": True,
            "complete_form": CompleteActionForm(),
            "cancel_form": form,
            "overdue_before": overdue_cutoff(),
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_action_create(request, pk: int):
    """An ad hoc action on a case, outside a meeting."""
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    form = ActionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Action recorded.")
            return redirect(case)
    return render(
        request, "meetings/case_action_form.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )
