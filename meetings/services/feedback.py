"""Writes for feedback to professionals after a meeting (DESIGN §6): recording it given, or e-mailing it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from meetings.agenda import undiscussed_items
from meetings.models import (
    Action,
    Decision,
    Feedback,
    FeedbackMethod,
    Meeting,
)
from meetings.services._shared import _audit, _require_coordination
from met.models import User
from met.workdays import add_working_days


def feedback_create_for_meeting(meeting: Meeting) -> int:
    """One feedback record per case discussed, for its lead professional, due 2 working days later:
    not for an item taken off the agenda, confirmed as not discussed, or with nothing recorded."""
    due = add_working_days(meeting.date, 2)
    created = 0
    items = (
        meeting.items.filter(removed_at__isnull=True, case__isnull=False, not_discussed_at__isnull=True)
        .exclude(pk__in=undiscussed_items(meeting).values("pk"))
        .select_related("case")
    )
    for case in {item.case for item in items}:
        _, made = Feedback.objects.get_or_create(
            meeting=meeting, case=case, defaults={"lead_professional": case.lead_professional, "due_date": due}
        )
        created += made
    return created


@transaction.atomic
def feedback_mark_sent(
    *, actor: User, feedback: Feedback, method: str, note: str = "", request: HttpRequest | None = None
) -> Feedback:
    _require_coordination(actor, feedback.meeting)
    if method not in FeedbackMethod.values:
        raise ValidationError({"method": "Choose how the feedback was given."})
    feedback = Feedback.objects.select_for_update().select_related("case").get(pk=feedback.pk)
    if feedback.sent_at is not None:
        raise ValidationError("Feedback has already been recorded as sent.")
    feedback.sent_at, feedback.sent_by, feedback.method, feedback.note = timezone.now(), actor, method, note.strip()
    feedback.save(update_fields=["sent_at", "sent_by", "method", "note"])
    _audit(actor, "feedback.sent", feedback, request, case=feedback.case, detail={"method": method})
    return feedback


def feedback_email_body(feedback: Feedback) -> str:
    """The email to the lead professional: what the meeting decided and asked, for this child only."""
    meeting, case = feedback.meeting, feedback.case
    decisions = Decision.objects.filter(meeting=meeting, case=case, withdrawn_at__isnull=True).order_by("pk")
    actions = Action.objects.filter(meeting=meeting, case=case).select_related("owner").order_by("pk")
    lines = [f"Feedback from the MEOG meeting of {meeting.date:%-d %B %Y} about case {case.reference}.", ""]
    lines += ["Decisions:"] + [f"- {d.text}" for d in decisions] if decisions else ["No decisions were recorded."]
    lines += [""] + (
        ["Actions:"] + [f"- {a.description} ({a.owner.full_name}, by {a.due_date:%-d %B %Y})" for a in actions]
        if actions
        else ["No actions were set."]
    )
    lines += ["", "The full record is in MET Hub."]
    return "\n".join(lines)


@transaction.atomic
def feedback_send_email(*, actor: User, feedback: Feedback, request: HttpRequest | None = None) -> Feedback:
    from met.notifications import email_message

    _require_coordination(actor, feedback.meeting)
    recipient = feedback.lead_professional or feedback.case.lead_professional
    if recipient is None or not recipient.is_active:
        raise ValidationError(
            "This case has no active lead professional to send feedback to. Record how feedback was given instead."
        )
    email_message(
        recipient=recipient,
        subject=f"MET Hub: MEOG feedback for {feedback.case.reference}",
        body=feedback_email_body(feedback),
    )
    return feedback_mark_sent(
        actor=actor,
        feedback=feedback,
        method=FeedbackMethod.APP_EMAIL,
        note=f"Emailed to {recipient.email}",
        request=request,
    )
