"""The meeting pack and minutes as PDF."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from meetings import quorum, selectors
from meetings.access import (
    get_guest_for_user,
    get_meeting_for_user,
    require_child_details,
)
from meetings.models import AttendanceScope, AttendanceStatus, Meeting
from meetings.views._shared import _audit_children
from met.access import require_case_role


def _for_guest(request, meeting: Meeting, sections):
    """`?guest=<id>`: the pack the coordinator prints for a guest invited for chosen items: only those."""
    raw = request.GET.get("guest")
    if raw is None:
        return None, sections
    if not raw.isdigit():
        raise Http404("No such guest.")
    guest = get_guest_for_user(request.user, meeting, int(raw))
    if guest.scope != AttendanceScope.ITEMS:
        return guest, sections
    invited = set(guest.invitations.filter(withdrawn_at__isnull=True).values_list("item_id", flat=True))
    return guest, [(section, [i for i in items if i.pk in invited]) for section, items in sections]


def _pdf(request, meeting: Meeting, *, template: str, filename: str, action: str) -> HttpResponse:
    from weasyprint import HTML

    require_child_details(request.user, meeting)
    items, sections, _ = selectors.agenda_sections(meeting, request.user)
    guest, sections = _for_guest(request, meeting, sections)
    if guest is not None:
        shown = {i.pk for _, section_items in sections for i in section_items}
        items = [i for i in items if i.pk in shown]
    attendances = [
        a for a in meeting.attendances.select_related("user", "agency") if a.status != AttendanceStatus.INVITED
    ]
    present_kinds = quorum.present_kinds(attendances)
    html = render_to_string(
        template,
        {
            "meeting": meeting,
            "sections": sections,
            "for_guest": guest,
            # Someone invited for chosen items sees only their sections, not the empty others.
            "limited": guest is not None
            or meeting.attendances.filter(user=request.user, scope=AttendanceScope.ITEMS).exists(),
            "attendances": attendances,
            "guests": [g for g in meeting.guests.all() if g.status != AttendanceStatus.INVITED],
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
