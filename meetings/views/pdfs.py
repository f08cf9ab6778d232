"""The meeting pack and minutes as PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from meetings import quorum, selectors
from meetings.access import (
    get_meeting_for_user,
    require_child_details,
)
from meetings.models import Meeting
from meetings.views._shared import _audit_children
from met.access import require_case_role


def _pdf(request, meeting: Meeting, *, template: str, filename: str, action: str) -> HttpResponse:
    from weasyprint import HTML

    require_child_details(request.user, meeting)
    items, sections, _ = selectors.agenda_sections(meeting, request.user)
    attendances = meeting.attendances.select_related("user", "agency")
    present_kinds = quorum.present_kinds(attendances)
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
