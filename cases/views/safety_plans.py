"""Safety plan pages (issue 16, part 1): the plan with its history, and agreeing or revising it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cases import safety_plan
from cases.access import can_change_case, get_case_for_user
from cases.models import SafetyPlan, SafetyPlanMeasure
from cases.safety_plan_forms import PLAN_FIELDS, SafetyPlanForm, measure_formset
from cases.services import safety_plans as services
from cases.views._shared import _audit_view, save_version
from met.access import require_case_role


def _versions(case):
    return list(
        SafetyPlan.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("measures", SafetyPlanMeasure.objects.select_related("agency")))
        .order_by("-number")
    )


@login_required
@require_safe
def safety_plan_detail(request, pk: int):
    """The current plan (or an earlier version, ?version=N) and the list of every version."""
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk)
    versions = _versions(case)
    asked = request.GET.get("version", "")
    number = int(asked) if asked.isascii() and asked.isdigit() else None
    if asked and number is None:
        raise Http404("No such version of the safety plan.")
    if number is None:
        shown = next((v for v in versions if v.is_current), None)
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such version of the safety plan.")
    _audit_view(request, case, "safety_plan" if number is None else f"safety_plan_version_{number}")
    today = timezone.localdate()
    current = next((v for v in versions if v.is_current), None)
    return render(
        request,
        "cases/safety_plan.html",
        {
            "case": case,
            "plan": shown,
            "versions": versions,
            "problem": safety_plan.plan_problem(case, today, plan=current),
            "needs_plan": safety_plan.needs_plan(case),
            "may_change": can_change_case(request.user, case),
        },
    )


def _initial(current: SafetyPlan | None) -> tuple[dict, list[dict]]:
    if current is None:
        return {"based_on": 0}, []
    plan = {name: getattr(current, name) for name in PLAN_FIELDS if name != "change_note"}
    measures = [
        {"what": m.what, "who": m.who, "agency": m.agency_id, "by_when": m.by_when}
        for m in current.measures.select_related("agency")
    ]
    return {**plan, "based_on": current.number}, measures


def _measure_errors_on(form, formset) -> None:
    """The rows' messages (each naming its measure and field) in the summary at the top of the page."""
    for row in formset.forms:
        for errors in row.errors.values():
            for message in errors:
                form.add_error(None, message)
    for message in formset.non_form_errors():
        form.add_error(None, message)


@login_required
@require_http_methods(["GET", "POST"])
def safety_plan_edit(request, pk: int):
    """Agree a first plan, or revise the current one: either way a new version, the earlier kept."""
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    current = SafetyPlan.objects.filter(case=case, is_current=True).first()
    status = 200
    if request.method == "GET":
        _audit_view(request, case, "safety_plan_edit")
        plan_initial, measures_initial = _initial(current)
        form = SafetyPlanForm(initial=plan_initial)
        formset = measure_formset(initial=measures_initial)
    else:
        form = SafetyPlanForm(request.POST)
        formset = measure_formset(request.POST)
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            data = dict(form.cleaned_data)
            based_on = data.pop("based_on")
            plan, status = save_version(
                request,
                form,
                lambda: services.safety_plan_agree(
                    actor=request.user,
                    case=case,
                    based_on=based_on,
                    measures=formset.measures(),
                    request=request,
                    **data,
                ),
                what="Safety plan",
                kept="The earlier version is kept in the plan's history.",
            )
            if plan is not None:
                return redirect("safety_plan_detail", case.pk)
        else:
            _measure_errors_on(form, formset)
            status = 400
    return render(
        request,
        "cases/safety_plan_form.html",
        {"case": case, "form": form, "formset": formset, "current": current},
        status=status,
    )
