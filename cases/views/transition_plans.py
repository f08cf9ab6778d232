"""Recording a case's transition plan for the hand-over at 18 (issue 16, part 6). The plan and its earlier
versions are read on the case page (cases/turning_18.py's panel)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases import turning_18
from cases.access import get_case_for_user
from cases.models import TransitionPlan
from cases.services import turning_18 as services
from cases.transition_plan_forms import TransitionPlanForm
from cases.views._shared import _audit_view, save_version
from met.access import require_case_role


@login_required
@require_http_methods(["GET", "POST"])
def transition_plan_edit(request, pk: int):
    """Record a first plan, or change the current one: either way a new version, the earlier kept."""
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    current = TransitionPlan.objects.filter(case=case, is_current=True).first()
    looked_after = case.child.is_looked_after
    status = 200
    if request.method == "GET":
        initial = {"based_on": 0}
        if current is not None:
            initial = {name: getattr(current, name) for name in services.PLAN_FIELDS if name != "change_note"}
            initial["based_on"] = current.number
        form = TransitionPlanForm(initial=initial, looked_after=looked_after)
    else:
        form = TransitionPlanForm(request.POST, looked_after=looked_after)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
            plan, status = save_version(
                request,
                form,
                lambda: services.transition_plan_record(
                    actor=request.user, case=case, based_on=form.cleaned_data["based_on"], request=request, **data
                ),
                what="Transition plan",
                kept="The earlier version is kept on the case page.",
            )
            if plan is not None:
                return redirect(case.get_absolute_url() + "#transition")
        else:
            status = 400
    # The page names the child and shows the current plan: a read, whether first shown or sent back refused.
    _audit_view(request, case, "transition_plan_edit")
    dob = case.child.date_of_birth
    return render(
        request,
        "cases/transition_plan_form.html",
        {
            "case": case,
            "form": form,
            "current": current,
            "birthday": turning_18.birthday(dob) if dob else None,
            "looked_after": looked_after,
        },
        status=status,
    )
