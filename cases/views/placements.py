"""Placement and transfer pages (issue 18, part 2): the host area's view of a child placed there, its list
"Placed here by another authority", and the responsible area's forms to record or end a placement and to
transfer the case (with a confirmation step: a transfer is hard to undo)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cases import safety_plan
from cases.access import may_see_case
from cases.missing import episode_rhi_state
from cases.models import CaseTransfer, MissingEpisode, Placement, SafetyPlan
from cases.placement_forms import PlacementEndForm, PlacementStartForm, TransferForm
from cases.placements import (
    get_case_for_area_change,
    get_placement_view_for_user,
    is_responsible,
    live_placement,
    placed_here,
)
from cases.services import placements as services
from cases.views._shared import PAGE_SIZE
from met.access import require_case_role
from met.areas import coordinators_of
from met.audit import audit, audit_list_page
from met.concurrency import StaleEditError
from met.views.editing import apply_service_error


def _status_of(error: ValidationError) -> int:
    return 409 if getattr(error, "code", None) == services.STATE_CONFLICT else 400


@login_required
@require_safe
def case_placement(request, pk: int):
    """What the host area needs of a child placed there: the reason first, then the summary, risk
    level, safety plan and the missing episodes since the placement began. Audited as a read of the child."""
    require_case_role(request.user)
    sight = get_placement_view_for_user(request.user, pk)
    case, placement = sight.case, sight.placement
    audit(
        actor=request.user,
        action="case.view",
        obj=case,
        child_id=case.child_id,
        request=request,
        detail={"page": "placement", "reason": "placement" if sight.through_placement else "case"},
    )
    plan = SafetyPlan.objects.filter(case=case, is_current=True).prefetch_related("measures__agency").first()
    now = timezone.now()
    episodes = []
    if placement is not None:
        episodes = list(
            MissingEpisode.objects.filter(case=case, went_missing_at__date__gte=placement.placed_on).order_by(
                "-went_missing_at"
            )
        )
        for episode in episodes:
            episode.rhi = episode_rhi_state(episode, now=now)
    responsible = is_responsible(request.user, case)
    history = []
    transfers = []
    if not sight.through_placement:
        history = list(Placement.objects.filter(case=case).select_related("host_area", "recorded_by", "ended_by"))
        transfers = list(
            CaseTransfer.objects.filter(case=case).select_related("from_area", "to_area", "transferred_by")
        )
    return render(
        request,
        "cases/placement_view.html",
        {
            "case": case,
            "child": case.child,
            "placement": placement,
            "through_placement": sight.through_placement,
            "plan": plan,
            "plan_problem": safety_plan.plan_problem(case, timezone.localdate(), plan=plan),
            "episodes": episodes,
            "responsible": responsible,
            "history": history,
            "transfers": transfers,
        },
    )


@login_required
@require_safe
def placed_here_list(request):
    """Children of other areas placed in the coordinator's or chair's own areas, while the placement lasts."""
    require_case_role(request.user)
    if not request.user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator or a chair sees the children placed in their area.")
    page = Paginator(placed_here(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for placement in page.object_list:
        current = placement.case.met_current_safety_plan
        placement.plan = current[0] if current else None
        placement.plan_problem = safety_plan.plan_problem(placement.case, today, plan=placement.plan)
    audit_list_page(
        actor=request.user,
        kind="placed_here",
        child_ids=[p.case.child_id for p in page.object_list],
        request=request,
    )
    return render(request, "cases/placement_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def placement_start(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_area_change(request.user, pk)
    current = live_placement(case.pk)
    form = PlacementStartForm(request.POST or None, case=case)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                placement = services.placement_start(
                    actor=request.user, case=case, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_error(form, error)
                status = _status_of(error)
            else:
                messages.success(
                    request,
                    f"Placement in {placement.host_area} recorded. Its coordinators and chairs now see the "
                    "placement view of this child.",
                )
                return redirect("case_placement", case.pk)
        else:
            status = 400
    return render(
        request, "cases/placement_start.html", {"case": case, "form": form, "current": current}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_end(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_area_change(request.user, pk)
    current = live_placement(case.pk)
    if request.method == "GET":
        if current is None:
            raise Http404("This child has no placement in another area to end.")
        form = PlacementEndForm(initial={"placement": current.pk, "version": current.version})
        return render(request, "cases/placement_end.html", {"case": case, "form": form, "placement": current})
    form = PlacementEndForm(request.POST)
    if not form.is_valid():
        if current is None:
            raise Http404("This child has no placement in another area to end.")
        return render(
            request, "cases/placement_end.html", {"case": case, "form": form, "placement": current}, status=400
        )
    placement = Placement.objects.filter(case=case, pk=form.cleaned_data["placement"]).first()
    if placement is None:
        raise Http404("No such placement of this child.")
    try:
        services.placement_end(
            actor=request.user,
            placement=placement,
            ended_on=form.cleaned_data["ended_on"],
            expected_version=form.cleaned_data["version"],
            request=request,
        )
    except StaleEditError:
        form.add_error(None, "Someone else changed this placement after you opened the form. Check it and try again.")
        status = 409
    except ValidationError as error:
        apply_service_error(form, error)
        status = _status_of(error)
    else:
        messages.success(request, f"Placement in {placement.host_area} ended.")
        return redirect("case_placement", case.pk)
    placement.refresh_from_db()
    return render(
        request, "cases/placement_end.html", {"case": case, "form": form, "placement": placement}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_transfer(request, pk: int):
    """The form, then a confirmation page saying what will happen, then the transfer."""
    require_case_role(request.user)
    case = get_case_for_area_change(request.user, pk)
    form = TransferForm(request.POST or None, case=case)
    context = {"case": case, "form": form}
    if request.method == "GET":
        return render(request, "cases/transfer_form.html", context)
    if not form.is_valid():
        return render(request, "cases/transfer_form.html", context, status=400)
    to_area = form.cleaned_data["to_area"]
    if request.POST.get("confirm") != "yes":
        current = live_placement(case.pk)
        return render(
            request,
            "cases/transfer_confirm.html",
            {
                **context,
                "to_area": to_area,
                "reason": form.cleaned_data["reason"],
                "ends_placement": current if current and current.host_area_id == to_area.pk else None,
                "placement": current,
                "told": coordinators_of(to_area.pk).exclude(pk=request.user.pk),
            },
        )
    try:
        transfer = services.case_transfer(
            actor=request.user, case=case, to_area=to_area, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as error:
        apply_service_error(form, error)
        return render(request, "cases/transfer_form.html", context, status=_status_of(error))
    ended = (
        f" The placement in {transfer.ended_placement.host_area} ended today: the child now lives in the area responsible."
        if transfer.ended_placement
        else ""
    )
    messages.success(
        request,
        f"Case {case.reference} transferred from {transfer.from_area} to {transfer.to_area}; its coordinators have "
        f"been told.{ended}",
    )
    # Someone who does not act in the new area no longer sees the case.
    return redirect(case if may_see_case(request.user, case.pk) else "case_list")
