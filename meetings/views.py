"""MEOG meetings, their agenda and minutes, actions, and the places/persons of concern registers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import cases_visible_to, get_case_for_user
from meetings import quorum, services
from meetings.access import (
    actions_visible_to,
    get_action_for_user,
    get_meeting_for_user,
    get_person_for_user,
    get_place_for_user,
    may_cancel,
    may_complete,
    may_see_child_details,
    meetings_visible_to,
    persons_visible_to,
    places_visible_to,
    require_child_details,
    visible_items,
)
from meetings.forms import (
    ActionForm,
    AddendumForm,
    AddItemForm,
    AttendanceForm,
    CancelActionForm,
    CloseDecisionForm,
    CompleteActionForm,
    ConfirmRiskForm,
    DiscussionForm,
    DisruptionForm,
    FeedbackSentForm,
    LinkForm,
    MeetingForm,
    OtherDecisionForm,
    PersonForm,
    PlaceForm,
    QuorumExceptionForm,
    ReferralDecisionForm,
    RemoveItemForm,
)
from meetings.models import ActionStatus, AgendaItem, Decision, Feedback, Meeting, Section, overdue_cutoff
from met.access import require_case_role
from met.audit import audit, audit_list_page, audit_many
from met.reminders import sent as sent_reminders
from met.views.editing import apply_service_error


def _item_queryset():
    return AgendaItem.objects.select_related("case__child", "case__lead_professional", "place", "person", "removed_by")


def _get_item(request, meeting: Meeting, item_pk: int) -> AgendaItem:
    try:
        return _item_queryset().get(pk=item_pk, meeting=meeting)
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item.") from None


def _audit_children(request, meeting: Meeting, items, action: str) -> None:
    """Showing the agenda, the pack or the minutes is a read of every child on it."""
    audit_many(
        actor=request.user,
        action=action,
        obj=meeting,
        child_ids=[item.case.child_id for item in items if item.case_id],
        request=request,
    )


# --- meetings -------------------------------------------------------------------------------


@login_required
@require_safe
def meeting_list(request):
    require_case_role(request.user)
    meetings = meetings_visible_to(request.user).select_related("chair").order_by("-date", "-starts_at")
    today = timezone.localdate()
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {"page": page, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not request.user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs schedule meetings.")
    today = timezone.localdate()
    next_week = today + timezone.timedelta(days=7)
    form = MeetingForm(request.POST or None, initial={"date": next_week, "starts_at": "10:00"})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"{meeting} scheduled. The agenda has been built from the data: check it and add or remove items.",
            )
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _agenda_sections(meeting: Meeting, user):
    items = visible_items(
        user,
        _item_queryset()
        .filter(meeting=meeting)
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("pk")), "actions__owner"),
    )
    sections = [(section, [i for i in items if i.section == section.value and not i.removed_at]) for section in Section]
    removed = [i for i in items if i.removed_at]
    return items, sections, removed


@login_required
@require_safe
def meeting_detail(request, pk: int):
    require_case_role(request.user)
    meeting = get_meeting_for_user(request.user, pk)
    attendances = list(meeting.attendances.select_related("user", "agency"))
    mine = next((a for a in attendances if a.user_id == request.user.pk), None)
    present_kinds = [a.agency.kind for a in attendances if a.status == "present"]
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "mine": mine,
        "missing_statutory": quorum.missing_statutory(present_kinds),
        "may_confirm": quorum.may_confirm_risk(meeting),
        "can_run": request.user.sees_all_cases and not meeting.is_signed_off,
        "attendance_form": AttendanceForm(),
        "quorum_form": QuorumExceptionForm(),
        "addendum_form": AddendumForm(),
        "show_children": may_see_child_details(request.user, meeting),
        "today": timezone.localdate(),
    }
    if request.user.sees_all_cases:
        context["feedback"] = meeting.feedback.select_related("case__child", "lead_professional", "sent_by")
        context["feedback_form"] = FeedbackSentForm()
    if context["show_children"]:
        items, sections, removed = _agenda_sections(meeting, request.user)
        context.update(sections=sections, removed=removed, item_count=len(items) - len(removed))
        _audit_children(request, meeting, items, "meeting.view_agenda")
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_POST
def meeting_accept(request, pk: int):
    require_case_role(request.user)
    meeting = get_meeting_for_user(request.user, pk)
    if request.POST.get("user") and request.POST["user"] != str(request.user.pk):
        raise PermissionDenied("You can only accept the confidentiality statement for yourself.")
    services.statement_accept(actor=request.user, meeting=meeting, request=request)
    messages.success(request, "Thank you. You have accepted the confidentiality statement for this meeting.")
    return redirect(meeting)


@login_required
@require_POST
def meeting_rebuild(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    result = services.agenda_rebuild(actor=request.user, meeting=meeting, request=request)
    messages.success(
        request,
        f"Agenda brought up to date: {result['added']} new item{'s' if result['added'] != 1 else ''}, {result['updated']} updated. Your own changes are kept.",
    )
    return redirect(meeting)


@login_required
@require_POST
def meeting_attendance(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_set(actor=request.user, meeting=meeting, request=request, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(meeting)
        messages.success(request, f"Attendance recorded for {form.cleaned_data['user'].full_name}.")
        return redirect(meeting)
    messages.error(request, "Choose a person and whether they are present.")
    return redirect(meeting)


@login_required
@require_POST
def meeting_quorum_exception(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = QuorumExceptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for going ahead without a quorum.")
        return redirect(meeting)
    services.quorum_exception_record(
        actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"], request=request
    )
    messages.success(request, "Quorum exception recorded. The meeting can now confirm risk levels.")
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_sign_off(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if request.method == "POST":
        services.meeting_sign_off(actor=request.user, meeting=meeting, request=request)
        messages.success(request, "Minutes signed off. They are now read-only; corrections are added as addenda.")
        return redirect(meeting)
    if not request.user.is_chair:
        raise PermissionDenied("Only a chair signs off the minutes.")
    if meeting.is_signed_off:
        raise PermissionDenied(services.SIGNED_OFF)
    return render(
        request,
        "meetings/sign_off.html",
        {"meeting": meeting, "decision_count": meeting.decisions.count(), "action_count": meeting.actions.count()},
    )


@login_required
@require_POST
def meeting_addendum(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(actor=request.user, meeting=meeting, text=form.cleaned_data["text"], request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(meeting)
        messages.success(request, "Addendum added to the minutes.")
    else:
        messages.error(request, "Write the correction.")
    return redirect(meeting)


# --- agenda items ---------------------------------------------------------------------------


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
    item = _get_item(request, meeting, item_pk)
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
    services.item_restore(actor=request.user, item=_get_item(request, meeting, item_pk), request=request)
    return redirect(meeting)


@login_required
@require_POST
def item_move(request, pk: int, item_pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    services.item_move(
        actor=request.user,
        item=_get_item(request, meeting, item_pk),
        up=request.POST.get("direction") == "up",
        request=request,
    )
    return redirect(f"{meeting.get_absolute_url()}#section-{_get_item(request, meeting, item_pk).section}")


ITEM_FORMS = {
    "discussion": DiscussionForm,
    "confirm": ConfirmRiskForm,
    "referral": ReferralDecisionForm,
    "close": CloseDecisionForm,
    "decision": OtherDecisionForm,
    "action": ActionForm,
}


def _item_forms(item: AgendaItem, bound=None, which: str | None = None):
    forms_ = {}
    for name, form_class in ITEM_FORMS.items():
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
    require_child_details(request.user, meeting)
    item = _get_item(request, meeting, item_pk)
    if not visible_items(request.user, [item]):
        raise Http404("No such agenda item.")
    which = request.POST.get("form") if request.method == "POST" else None
    if request.method == "POST":
        if not request.user.sees_all_cases:
            raise PermissionDenied("Only the MET coordinator and chairs record the meeting.")
        if meeting.is_signed_off:
            raise PermissionDenied(services.SIGNED_OFF)
        if which not in ITEM_FORMS:
            return HttpResponse("Unknown form.", status=400)
    forms_ = _item_forms(item, request.POST, which)
    if which and which not in forms_:
        messages.error(
            request, "This agenda item is about a place or person, not a child: record a general decision instead."
        )
        return render(
            request,
            "meetings/item_detail.html",
            {"meeting": meeting, "item": item, "forms": forms_, "can_run": True},
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
    siblings = list(
        meeting.items.filter(removed_at__isnull=True).order_by("section", "order", "pk").values_list("pk", flat=True)
    )
    index = siblings.index(item.pk) if item.pk in siblings else -1
    context = {
        "meeting": meeting,
        "item": item,
        "forms": forms_,
        "decisions": item.decisions.select_related("recorded_by"),
        "actions": item.actions.select_related("owner", "owner_agency"),
        "may_confirm": quorum.may_confirm_risk(meeting),
        "can_run": request.user.sees_all_cases and not meeting.is_signed_off,
        "previous_pk": siblings[index - 1] if index > 0 else None,
        "next_pk": siblings[index + 1] if 0 <= index < len(siblings) - 1 else None,
    }
    return render(request, "meetings/item_detail.html", context, status=400 if which and forms_[which].errors else 200)


# --- PDFs -----------------------------------------------------------------------------------


def _pdf(request, meeting: Meeting, *, template: str, filename: str, action: str) -> HttpResponse:
    from weasyprint import HTML

    require_child_details(request.user, meeting)
    items, sections, _ = _agenda_sections(meeting, request.user)
    attendances = meeting.attendances.select_related("user", "agency")
    present_kinds = [a.agency.kind for a in attendances if a.status == "present"]
    html = render_to_string(
        template,
        {
            "meeting": meeting,
            "sections": sections,
            "attendances": attendances,
            "missing_statutory": quorum.missing_statutory(present_kinds),
            "addenda": meeting.addenda.select_related("author"),
            "printed_by": request.user,
            "printed_at": timezone.now(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    _audit_children(request, meeting, items, action)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def meeting_pack_pdf(request, pk: int):
    require_case_role(request.user)
    meeting = get_meeting_for_user(request.user, pk)
    return _pdf(
        request,
        meeting,
        template="meetings/pack_pdf.html",
        filename=f"meog-pack-{meeting.date}.pdf",
        action="meeting.pack_pdf",
    )


@login_required
@require_safe
def meeting_minutes_pdf(request, pk: int):
    require_case_role(request.user)
    meeting = get_meeting_for_user(request.user, pk)
    return _pdf(
        request,
        meeting,
        template="meetings/minutes_pdf.html",
        filename=f"meog-minutes-{meeting.date}.pdf",
        action="meeting.minutes_pdf",
    )


# --- actions --------------------------------------------------------------------------------


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
    actions = actions.select_related("case__child", "owner", "owner_agency", "meeting").order_by("due_date", "pk")
    page = Paginator(actions, 25).get_page(request.GET.get("page"))
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


# --- registers ------------------------------------------------------------------------------

REGISTERS = {
    "place": {
        "form": PlaceForm,
        "visible": places_visible_to,
        "get": get_place_for_user,
        "create": services.place_create,
        "title": "Places of concern",
    },
    "person": {
        "form": PersonForm,
        "visible": persons_visible_to,
        "get": get_person_for_user,
        "create": services.person_create,
        "title": "Persons of concern",
    },
}


@login_required
@require_safe
def register_list(request, kind: str):
    require_case_role(request.user)
    spec = REGISTERS[kind]
    entries = spec["visible"](request.user).prefetch_related("links")
    page = Paginator(entries.order_by("name", "pk"), 25).get_page(request.GET.get("page"))
    return render(request, "meetings/register_list.html", {"page": page, "kind": kind, "title": spec["title"]})


@login_required
@require_http_methods(["GET", "POST"])
def register_create(request, kind: str):
    require_case_role(request.user)
    spec = REGISTERS[kind]
    form = spec["form"](request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = spec["create"](actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{entry.name} added. Link the children it concerns below.")
        return redirect(entry)
    return render(
        request,
        "meetings/register_form.html",
        {"form": form, "kind": kind, "title": spec["title"]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_detail(request, kind: str, pk: int):
    require_case_role(request.user)
    spec = REGISTERS[kind]
    entry = spec["get"](request.user, pk)
    link_form, disruption_form = LinkForm(), DisruptionForm()
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "link":
            link_form = LinkForm(request.POST)
            if link_form.is_valid():
                case = get_case_for_user(request.user, link_form.cleaned_data["case"], write=True)
                try:
                    services.register_link(
                        actor=request.user, entry=entry, case=case, note=link_form.cleaned_data["note"], request=request
                    )
                except ValidationError as error:
                    apply_service_error(link_form, error)
                else:
                    messages.success(request, f"Linked to {case.reference}.")
                    return redirect(entry)
        elif which == "disruption":
            disruption_form = DisruptionForm(request.POST)
            if disruption_form.is_valid():
                try:
                    services.disruption_record(
                        actor=request.user, entry=entry, request=request, **disruption_form.cleaned_data
                    )
                except ValidationError as error:
                    apply_service_error(disruption_form, error)
                else:
                    messages.success(request, "Disruption activity recorded.")
                    return redirect(entry)
        else:
            return HttpResponse("Unknown form.", status=400)
    visible = set(cases_visible_to(request.user).values_list("pk", flat=True))
    # Only links to children the viewer may see; not even their number otherwise.
    links = [link for link in entry.links.select_related("case__child", "linked_by") if link.case_id in visible]
    # The page names those children: a read of each, as on the agenda.
    audit_many(
        actor=request.user,
        action=f"{kind}.view",
        obj=entry,
        child_ids=[link.case.child_id for link in links],
        request=request,
    )
    status = 400 if link_form.errors or disruption_form.errors else 200
    return render(
        request,
        "meetings/register_detail.html",
        {
            "entry": entry,
            "kind": kind,
            "title": spec["title"],
            "links": links,
            "disruptions": entry.disruptions.select_related("agency", "recorded_by"),
            "link_form": link_form,
            "disruption_form": disruption_form,
        },
        status=status,
    )


@login_required
@require_POST
def feedback_record(request, pk: int, feedback_pk: int):
    """Mark feedback as given (how), or send it from MET Hub as an email to the lead professional."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    try:
        feedback = meeting.feedback.select_related("case", "lead_professional").get(pk=feedback_pk)
    except Feedback.DoesNotExist:
        raise Http404("No such feedback record.") from None
    try:
        if request.POST.get("send") == "email":
            services.feedback_send_email(actor=request.user, feedback=feedback, request=request)
            messages.success(request, "Feedback emailed to the lead professional.")
        else:
            form = FeedbackSentForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose how the feedback was given.")
                return redirect(f"{meeting.get_absolute_url()}#feedback")
            services.feedback_mark_sent(actor=request.user, feedback=feedback, request=request, **form.cleaned_data)
            messages.success(request, "Feedback recorded as given.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{meeting.get_absolute_url()}#feedback")
