"""Agenda item pages: adding, removing, restoring and moving items, and running each item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import cases_visible_to, get_case_for_user
from meetings import agenda, quorum, selectors, services
from meetings.access import (
    get_item_for_user,
    get_meeting_for_user,
    require_child_details,
    visible_items,
)
from meetings.forms import (
    ActionForm,
    AddItemForm,
    CloseDecisionForm,
    ConfirmRiskForm,
    DiscussionForm,
    OtherDecisionForm,
    ReferralDecisionForm,
    RemoveItemForm,
    WithdrawDecisionForm,
)
from meetings.models import AgendaItem, Decision, Section
from meetings.views._shared import _audit_children
from met.access import require_case_role
from met.areas import all_area_ids, covers_all_areas, in_area
from met.audit import audit
from met.views.editing import apply_service_error
from riskassessment import services as risk_services


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if meeting.is_signed_off:
        raise PermissionDenied(services.SIGNED_OFF)
    form = AddItemForm(request.POST or None, initial={"section": Section.NEW_CONCERNS})
    if request.method == "POST" and form.is_valid():
        case = get_case_for_user(request.user, form.cleaned_data["case"])
        services.item_add(
            actor=request.user,
            meeting=meeting,
            section=form.cleaned_data["section"],
            case=case,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, f"{case.child.full_name} added to the agenda.")
        return redirect(meeting)
    cases = (
        cases_visible_to(request.user)
        .exclude(status="closed")
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
    )
    if len(all_area_ids()) > 1:
        cases = cases.filter(area_id=meeting.area_id)  # each area's MEOG discusses its own children (issue 18)
    return render(
        request,
        "meetings/item_add.html",
        {"meeting": meeting, "form": form, "cases": cases},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request, pk: int, item_pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    item = get_item_for_user(request.user, meeting, item_pk, queryset=selectors.item_queryset())
    form = RemoveItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.item_remove(actor=request.user, item=item, reason=form.cleaned_data["reason"], request=request)
        messages.success(
            request, f"{item.subject_label} taken off the agenda. It will not come back when the agenda is rebuilt."
        )
        return redirect(meeting)
    if meeting.is_signed_off:
        raise PermissionDenied(services.SIGNED_OFF)
    return render(
        request,
        "meetings/item_remove.html",
        {"meeting": meeting, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_restore(request, pk: int, item_pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    services.item_restore(
        actor=request.user,
        item=get_item_for_user(request.user, meeting, item_pk, queryset=selectors.item_queryset()),
        request=request,
    )
    return redirect(meeting)


@login_required
@require_POST
def item_move(request, pk: int, item_pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    services.item_move(
        actor=request.user,
        item=get_item_for_user(request.user, meeting, item_pk, queryset=selectors.item_queryset()),
        up=request.POST.get("direction") == "up",
        request=request,
    )
    return redirect(
        f"{meeting.get_absolute_url()}#section-{get_item_for_user(request.user, meeting, item_pk, queryset=selectors.item_queryset()).section}"
    )


ITEM_FORMS = {
    "discussion": DiscussionForm,
    "confirm": ConfirmRiskForm,
    "referral": ReferralDecisionForm,
    "close": CloseDecisionForm,
    "decision": OtherDecisionForm,
    "action": ActionForm,
}


# What a host area records about another area's child placed there (issue 18): the discussion and
# its own decisions; risk, referrals, closing and actions on the case are the responsible area's.
PLACED_HERE_FORMS = ("discussion", "decision")


def _item_forms(item: AgendaItem, bound=None, which: str | None = None, *, case_forms: bool = True):
    forms_ = {}
    for name, form_class in ITEM_FORMS.items():
        if not case_forms and name not in PLACED_HERE_FORMS:
            continue
        kwargs = {}
        if name == "confirm":
            if not item.case_id:
                continue
            kwargs["case"] = item.case
        if name == "action":
            kwargs["case"] = item.case
        data = bound if name == which else None
        initial = {"discussion": item.discussion} if name == "discussion" else None
        forms_[name] = form_class(data, initial=initial, **kwargs)
    return forms_


@login_required
@require_http_methods(["GET", "POST"])
def item_detail(request, pk: int, item_pk: int):
    """Running the meeting, one item at a time: discussion, decisions and new actions."""
    require_case_role(request.user)
    meeting = get_meeting_for_user(request.user, pk)
    item = get_item_for_user(request.user, meeting, item_pk, queryset=selectors.item_queryset())
    require_child_details(request.user, meeting)
    which = request.POST.get("form") if request.method == "POST" else None
    if request.method == "POST":
        if not request.user.sees_all_cases:
            raise PermissionDenied("Only the MET coordinator and chairs record the meeting.")
        if meeting.is_signed_off:
            raise PermissionDenied(services.SIGNED_OFF)
        if which not in ITEM_FORMS:
            return HttpResponse("Unknown form.", status=400)
    # Another area's child placed here (issue 18): the host area's coordinators see what the
    # placement shows, not the full case page, so the item does not link to it for them, and they
    # record the discussion and their decisions; the case's own work stays with its area.
    placed_from = item.case.area if item.case_id and item.case.area_id != meeting.area_id else None
    own_case = (
        placed_from is None
        or covers_all_areas(request.user)
        or not request.user.sees_all_cases
        or in_area(request.user, item.case.area_id)
    )
    forms_ = _item_forms(item, request.POST, which, case_forms=own_case)
    if which and which not in forms_:
        messages.error(
            request,
            "This agenda item is about a place or person, not a child: record a general decision instead."
            if own_case
            else f"This child is {placed_from.name}'s: record the discussion and your decisions; {placed_from.name} "
            "confirms risk, refers, sets actions and closes the case.",
        )
        return render(
            request,
            "meetings/item_detail.html",
            {"meeting": meeting, "item": item, "forms": forms_, "can_run": True, "case_forms": own_case},
            status=400,
        )
    if which:
        form = forms_[which]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "discussion":
                    services.item_discussion_save(
                        actor=request.user, item=item, discussion=data["discussion"], request=request
                    )
                    done = "Discussion saved."
                elif which == "confirm":
                    services.decision_confirm_risk(actor=request.user, item=item, request=request, **data)
                    done = f"Risk level confirmed as {data['level']}."
                elif which == "referral":
                    services.decision_referral(actor=request.user, item=item, request=request, **data)
                    done = f"Referral to {data['provider'].name} recorded."
                elif which == "close":
                    services.decision_close_case(actor=request.user, item=item, request=request, **data)
                    done = "Case closed."
                elif which == "decision":
                    services.decision_other(actor=request.user, item=item, text=data["text"], request=request)
                    done = "Decision recorded."
                else:
                    services.action_create(actor=request.user, case=item.case, item=item, request=request, **data)
                    done = f"Action for {data['owner'].full_name} recorded."
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, done)
                return redirect("meeting_item", pk=meeting.pk, item_pk=item.pk)
    if item.case_id:
        audit(actor=request.user, action="meeting.view_item", obj=item, child_id=item.case.child_id, request=request)
    # Previous and next follow the running order, among the items this viewer may see.
    live = visible_items(
        request.user,
        meeting.items.filter(removed_at__isnull=True).select_related("case").order_by("section", "order", "pk"),
    )
    siblings = [i.pk for _, i in agenda.running_order(live, meeting.starts_at)]
    index = siblings.index(item.pk) if item.pk in siblings else -1
    context = {
        "meeting": meeting,
        "item": item,
        "placed_from": placed_from,
        "case_link": own_case,
        "case_forms": own_case,
        "forms": forms_,
        "decisions": item.decisions.select_related("recorded_by", "withdrawn_by"),
        "suggested_providers": risk_services.suggested_providers(item.case.risk_level, item.case.area_id)
        if item.case_id
        else [],
        "actions": item.actions.select_related("owner", "owner_agency"),
        "invitations": item.invitations.filter(withdrawn_at__isnull=True).select_related("user__agency", "guest"),
        "may_confirm": quorum.may_confirm_risk(meeting),
        "can_run": request.user.sees_all_cases and not meeting.is_signed_off,
        "previous_pk": siblings[index - 1] if index > 0 else None,
        "next_pk": siblings[index + 1] if 0 <= index < len(siblings) - 1 else None,
    }
    return render(request, "meetings/item_detail.html", context, status=400 if which and forms_[which].errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decision_withdraw(request, pk: int, item_pk: int, decision_pk: int):
    """Withdraw a decision recorded in error, with a reason, after a confirmation page. It stays in the record."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    item = get_item_for_user(request.user, meeting, item_pk, queryset=selectors.item_queryset())
    require_child_details(request.user, meeting)
    try:
        decision = item.decisions.select_related("recorded_by").get(pk=decision_pk)
    except Decision.DoesNotExist:
        raise Http404("No such decision.") from None
    form = WithdrawDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_withdraw(
                actor=request.user, decision=decision, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, "Decision withdrawn. It stays in the minutes, marked as withdrawn, with your reason."
            )
            return redirect("meeting_item", pk=meeting.pk, item_pk=item.pk)
    _audit_children(request, meeting, [item], "meeting.decision_withdraw_page")
    return render(
        request,
        "meetings/decision_withdraw.html",
        {"meeting": meeting, "item": item, "decision": decision, "form": form},
        status=400 if form.errors else 200,
    )
