"""The strategic action plan's pages (issue 17 part 3): read by the coordinator and chairs and the
strategic group's chairs; priorities, actions and reviews changed only by the strategic chair and
deputy chair (reporting/access.py); the group's chairs named by a system admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from met.audit import audit
from met.concurrency import StaleEditError
from met.csv import csv_response
from met.views.editing import apply_service_error, versioned_edit
from reporting import plan_review, plan_services, services
from reporting.access import (
    get_plan_action_for_user,
    get_priority_for_user,
    may_edit_plan,
    may_rate_plan,
    priorities_visible_to,
    require_group_admin,
    require_plan_editor,
    require_plan_reader,
)
from reporting.forms import (
    NewPlanActionForm,
    NewPriorityForm,
    PlanActionForm,
    PriorityForm,
    RagForm,
    RetireForm,
    ReviewRecordForm,
    ReviewScheduleForm,
    StrategicGroupForm,
)
from reporting.models import PlanAction, PlanReview, RagUpdate, StrategicGroup


def _form_page(request, template: str, form, context: dict, *, conflict: bool = False):
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


def _after_conflict(form_class, data, *, version: int, error: StaleEditError, **kwargs):
    """The editor's own values, the conflict explained, and the current version so they can send again."""
    data = data.copy()
    data["version"] = version
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, error.message())
    return form


@login_required
@require_safe
def plan(request):
    require_plan_reader(request.user)
    group = StrategicGroup.current()
    visible = priorities_visible_to(request.user)
    summary = services.plan_summary(visible)
    actions = PlanAction.objects.select_related("lead_person").prefetch_related("agencies")
    priorities = visible.select_related("lead_agency", "lead_person", "area").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    today = timezone.localdate()
    in_plan = [p for p in priorities if not p.is_retired]
    return render(
        request,
        "reporting/plan.html",
        {
            "priorities": in_plan,
            "retired_priorities": [p for p in priorities if p.is_retired],
            "retired_actions": [a for p in in_plan for a in p.actions.all() if a.is_retired],
            "latest": summary["latest"],
            "counts": summary["counts"],
            "group": group,
            "may_edit": may_edit_plan(request.user, group),
            "today": today,
            "review_soon": plan_review.reminder_due(group.next_review_on, today),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_action(request, pk: int):
    action = get_plan_action_for_user(request.user, pk)
    group = StrategicGroup.current()
    may_rate = may_rate_plan(request.user, group) and action.in_plan
    form = RagForm(request.POST or None)
    if request.method == "POST":
        if not may_rate_plan(request.user, group):
            raise PermissionDenied("Only members of the strategic group (chairs and coordinators) rate progress.")
        if form.is_valid():
            try:
                services.rag_record(actor=request.user, action=action, request=request, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, f"Progress on {action.ref} recorded.")
                return redirect("plan")
    history = RagUpdate.objects.filter(action=action).select_related("recorded_by")
    changes = action.changes.select_related("changed_by")
    return render(
        request,
        "reporting/plan_action.html",
        {
            "action": action,
            "agencies": action.agencies.all(),
            "form": form,
            "history": history,
            "changes": changes,
            "may_rate": may_rate,
            "may_edit": may_edit_plan(request.user, group) and not action.is_retired,
        },
        status=400 if form.errors else 200,
    )


def _plan_row(action: PlanAction, update: RagUpdate | None) -> list:
    return [
        action.priority.title,
        action.ref,
        action.what,
        action.how,
        action.who,
        action.when,
        action.difference,
        ", ".join(agency.short_name for agency in action.agencies.all()),
        action.lead_person.full_name if action.lead_person else "",
        action.due_date.isoformat() if action.due_date else "",
        "in the plan" if action.in_plan else "retired",
        update.get_rating_display() if update else "",
        update.dated.isoformat() if update else "",
        update.commentary if update else "",
    ]


@login_required
@require_safe
def plan_export(request):
    require_plan_reader(request.user)
    visible = priorities_visible_to(request.user)
    latest = services.plan_summary(visible)["latest"]
    actions = (
        PlanAction.objects.filter(priority__in=visible)
        .select_related("priority", "lead_person")
        .prefetch_related("agencies")
    )
    response = csv_response(
        f"met-action-plan-{timezone.localdate():%Y-%m-%d}.csv",
        [
            "Priority",
            "Ref",
            "What",
            "How",
            "Who",
            "When",
            "Difference",
            "Owning agencies",
            "Named lead",
            "Due date",
            "Status",
            "Rating",
            "As at",
            "Commentary",
        ],
        (_plan_row(action, latest.get(action.pk)) for action in actions),
    )
    audit(
        actor=request.user, action="plan.export", object_type="reporting.planaction", object_id="all", request=request
    )
    return response


# --- priorities -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def priority_new(request):
    require_plan_editor(request.user)
    form = NewPriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            priority = plan_services.priority_create(actor=request.user, request=request, **form.model_data())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Priority {priority} added to the plan.")
            return redirect(f"{reverse('plan')}#priority-{priority.number}")
    return _form_page(request, "reporting/plan_priority_form.html", form, {"priority": None})


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request, pk: int):
    priority = get_priority_for_user(request.user, pk, write=True)
    context = {"priority": priority, "changes": priority.changes.select_related("changed_by")}
    if priority.is_retired:
        return _retired(request, priority)
    return versioned_edit(
        request,
        form_class=PriorityForm,
        instance=priority,
        save=lambda form: plan_services.priority_update(
            actor=request.user, priority=priority, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="reporting/plan_priority_form.html",
        context=context,
        success_message=f"Priority {priority.number} saved. Its earlier wording is kept in its history.",
        success_url=f"{reverse('plan')}#priority-{priority.number}",
    )


def _retired(request, obj):
    return render(
        request,
        "reporting/plan_refused.html",
        {"message": f"This was retired on {timezone.localtime(obj.retired_at):%-d %B %Y} and no longer changes."},
        status=409,
    )


def _retire_page(request, obj, *, retire, template: str, done: str):
    if obj.is_retired:
        return _retired(request, obj)
    form = RetireForm(request.POST or None, initial={"version": obj.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            retire(form.cleaned_data)
        except StaleEditError as error:
            conflict = True
            form = _after_conflict(
                RetireForm, request.POST, version=type(obj).objects.get(pk=obj.pk).version, error=error
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("plan")
    return _form_page(request, template, form, {"subject": obj}, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def priority_retire(request, pk: int):
    priority = get_priority_for_user(request.user, pk, write=True)
    return _retire_page(
        request,
        priority,
        retire=lambda data: plan_services.priority_retire(
            actor=request.user,
            priority=priority,
            expected_version=data["version"],
            reason=data["reason"],
            request=request,
        ),
        template="reporting/plan_retire.html",
        done=f"Priority {priority.number} retired. It stays in the plan's history.",
    )


# --- actions ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, pk: int):
    priority = get_priority_for_user(request.user, pk, write=True)
    if priority.is_retired:
        return _retired(request, priority)
    form = NewPlanActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = plan_services.plan_action_create(
                actor=request.user, priority=priority, request=request, **form.model_data()
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Action {action.ref} added to the plan.")
            return redirect(action)
    return _form_page(request, "reporting/plan_action_form.html", form, {"priority": priority, "action": None})


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = get_plan_action_for_user(request.user, pk, write=True)
    if action.is_retired:
        return _retired(request, action)
    return versioned_edit(
        request,
        form_class=PlanActionForm,
        instance=action,
        save=lambda form: plan_services.plan_action_update(
            actor=request.user, action=action, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="reporting/plan_action_form.html",
        context={"priority": action.priority, "action": action},
        success_message=f"Action {action.ref} saved. Its earlier wording is kept in its history.",
        success_url=action,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_retire(request, pk: int):
    action = get_plan_action_for_user(request.user, pk, write=True)
    return _retire_page(
        request,
        action,
        retire=lambda data: plan_services.plan_action_retire(
            actor=request.user, action=action, expected_version=data["version"], reason=data["reason"], request=request
        ),
        template="reporting/plan_retire.html",
        done=f"Action {action.ref} retired. It stays in the plan's history with its ratings.",
    )


# --- reviews and the strategic group ------------------------------------------------------------------


@login_required
@require_safe
def reviews(request):
    require_plan_reader(request.user)
    group = StrategicGroup.current()
    today = timezone.localdate()
    return render(
        request,
        "reporting/plan_reviews.html",
        {
            "group": group,
            "reviews": PlanReview.objects.select_related("recorded_by"),
            "may_edit": may_edit_plan(request.user, group),
            "today": today,
            "remind_from": plan_review.reminder_from(group.next_review_on) if group.next_review_on else None,
        },
    )


def _group_form_page(request, *, form_class, initial: dict, save, template: str, done: str, success_url: str):
    group = StrategicGroup.current()
    form = form_class(request.POST or None, initial={"version": group.version, **initial(group)})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except StaleEditError as error:
            conflict = True
            form = _after_conflict(form_class, request.POST, version=StrategicGroup.current().version, error=error)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(success_url)
    return _form_page(request, template, form, {"group": group}, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def review_record(request):
    require_plan_editor(request.user)
    return _group_form_page(
        request,
        form_class=ReviewRecordForm,
        initial=lambda group: {},
        save=lambda data: plan_services.plan_review_record(
            actor=request.user,
            expected_version=data["version"],
            held_on=data["held_on"],
            notes=data["notes"],
            next_review_on=data["next_review_on"],
            request=request,
        ),
        template="reporting/plan_review_record.html",
        done="Review recorded, and the next one set.",
        success_url=reverse("plan_reviews"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_schedule(request):
    require_plan_editor(request.user)
    return _group_form_page(
        request,
        form_class=ReviewScheduleForm,
        initial=lambda group: {"next_review_on": group.next_review_on},
        save=lambda data: plan_services.plan_review_schedule(
            actor=request.user, expected_version=data["version"], next_review_on=data["next_review_on"], request=request
        ),
        template="reporting/plan_review_schedule.html",
        done="Date of the next review saved. The strategic chair is reminded a month before it.",
        success_url=reverse("plan_reviews"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategic_group(request):
    require_group_admin(request.user)
    return _group_form_page(
        request,
        form_class=StrategicGroupForm,
        initial=lambda group: {"chair": group.chair_id, "deputy_chair": group.deputy_chair_id},
        save=lambda data: plan_services.strategic_group_update(
            actor=request.user,
            expected_version=data["version"],
            chair=data["chair"],
            deputy_chair=data["deputy_chair"],
            request=request,
        ),
        template="reporting/plan_group.html",
        done="The strategic group's chairs are saved.",
        success_url=reverse("home"),
    )
