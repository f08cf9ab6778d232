"""Recording feedback to professionals after a meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from meetings import services
from meetings.access import (
    get_feedback_for_user,
    get_meeting_for_user,
)
from meetings.forms import (
    FeedbackSentForm,
)


@login_required
@require_POST
def feedback_record(request, pk: int, feedback_pk: int):
    """Mark feedback as given (how), or send it from MET Hub as an email to the lead professional."""
    meeting = get_meeting_for_user(request.user, pk, write=True)
    feedback = get_feedback_for_user(request.user, meeting, feedback_pk, write=True)
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
