"""Meeting pages: the list, scheduling, the agenda page, attendance, the statement, quorum and sign-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meetings import agenda, quorum, selectors, services
from meetings.access import (
    get_meeting_for_user,
    may_see_child_details,
    meetings_visible_to,
    require_child_details,
    visible_items,
)
from meetings.forms import (
    AddendumForm,
    FeedbackSentForm,
    MeetingForm,
    QuorumExceptionForm,
)
from meetings.models import Attendance, AttendanceScope, Guest, ItemInvitation
from meetings.views._shared import _audit_children
from met import rawsql
from met.access import require_case_role
from met.areas import all_area_ids, area_ids
from met.views.editing import apply_service_error

# What the attendance list and the quorum rule use of each attendee's agency (its name orders the list).
ATTENDANCE_AGENCY = ("name", "short_name", "kind")


@login_required
@require_safe
def meeting_list(request):
    require_case_role(request.user)
    meetings = meetings_visible_to(request.user).select_related("chair", "area").order_by("-date", "-starts_at")
    today = timezone.localdate()
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    # Someone whose meetings are of several areas (issue 18) sees which area each is for.
    show_area = len(all_area_ids()) > 1 and (not request.user.sees_all_cases or len(area_ids(request.user)) > 1)
    return render(request, "meetings/meeting_list.html", {"page": page, "today": today, "show_area": show_area})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not request.user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs schedule meetings.")
    today = timezone.localdate()
    next_week = today + timezone.timedelta(days=7)
    form = MeetingForm(request.POST or None, initial={"date": next_week, "starts_at": "10:00"}, user=request.user)
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


@login_required
@require_safe
def meeting_detail(request, pk: int):
    require_case_role(request.user)
    meeting = get_meeting_for_user(request.user, pk)
    # Of each person and agency only what the page and the quorum rule use (met.rawsql.select).
    attendances = rawsql.select(
        Attendance, where={"meeting": meeting.pk}, related={"user": ("full_name",), "agency": ATTENDANCE_AGENCY}
    )
    mine = next((a for a in attendances if a.user_id == request.user.pk), None)
    guests = rawsql.select(Guest, where={"meeting": meeting.pk})
    present_kinds = quorum.present_kinds(attendances)
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "guests": guests,
        "mine": mine,
        # Someone invited for chosen items learns only when and how many before accepting the statement.
        "my_slots": sorted(
            {
                i.item.slot
                for i in ItemInvitation.objects.filter(
                    user=request.user, item__meeting=meeting, withdrawn_at__isnull=True
                ).select_related("item")
                if i.item.slot
            }
        )
        if mine and mine.scope == AttendanceScope.ITEMS
        else [],
        "missing_statutory": quorum.missing_statutory(present_kinds),
        "may_confirm": quorum.may_confirm_risk(meeting, present=present_kinds),
        "can_run": request.user.sees_all_cases and not meeting.is_signed_off,
        "quorum_form": QuorumExceptionForm(),
        "addendum_form": AddendumForm(),
        "show_children": may_see_child_details(request.user, meeting, attendances=attendances),
        # Addenda correct signed-off minutes: a meeting not yet signed off has none.
        "addenda": list(meeting.addenda.select_related("author")) if meeting.is_signed_off else [],
        "today": timezone.localdate(),
    }
    if request.user.sees_all_cases:
        # Feedback is owed from sign-off (services.meeting_sign_off): an agenda before it has none to read.
        context["feedback"] = (
            meeting.feedback.select_related("case__child", "lead_professional", "sent_by")
            if meeting.is_signed_off
            else []
        )
        context["feedback_form"] = FeedbackSentForm()
    if context["show_children"]:
        items, sections, removed = selectors.agenda_sections(meeting, request.user, detail=False)
        live = [i for i in items if not i.removed_at]
        # Each item's address, from the meeting's: reversing it for each of 40 items was a tenth of
        # the agenda's rendering (tests/meetings/test_agenda_by_child.py holds it to the URLconf).
        base = meeting.get_absolute_url()
        for item in items:
            item.page_url = f"{base}items/{item.pk}/"
        context.update(
            sections=sections,
            removed=removed,
            item_count=len(live),
            running_order=agenda.running_order(
                sorted(live, key=lambda i: (i.section, i.order, i.pk)), meeting.starts_at
            )
            if any(i.slot for i in live)
            else [],
        )
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
    """The chair signs off a held meeting, first confirming each item with nothing recorded as not discussed."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if not request.user.is_chair:
        raise PermissionDenied("Only a chair signs off the minutes.")
    if meeting.is_signed_off:
        raise PermissionDenied(services.SIGNED_OFF)
    require_child_details(request.user, meeting)  # the page names the children not discussed
    error = None
    if request.method == "POST":
        raw = request.POST.getlist("not_discussed")
        try:
            if not all(value.isdigit() for value in raw):
                raise ValidationError("The form was not filled in as expected: reload the page and try again.")
            services.meeting_sign_off(
                actor=request.user, meeting=meeting, not_discussed={int(v) for v in raw}, request=request
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, "Minutes signed off. They are now read-only; corrections are added as addenda.")
            return redirect(meeting)
    undiscussed = visible_items(
        request.user, selectors.item_queryset().filter(pk__in=agenda.undiscussed_items(meeting).values("pk"))
    )
    _audit_children(request, meeting, undiscussed, "meeting.sign_off_page")
    return render(
        request,
        "meetings/sign_off.html",
        {
            "meeting": meeting,
            "decision_count": meeting.decisions.filter(withdrawn_at__isnull=True).count(),
            "action_count": meeting.actions.count(),
            "undiscussed": undiscussed,
            "started": timezone.now() >= services.meeting_start(meeting),
            "error": error,
            "confirmed": set(request.POST.getlist("not_discussed")) if request.method == "POST" else set(),
        },
        status=400 if error else 200,
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
