"""Writes for meetings, their agenda, decisions, actions and the intelligence registers."""

from datetime import date, time
from datetime import date as datetime_date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from cases import services as case_services
from cases.access import may_see_restricted
from cases.models import Case, CaseStatus
from meetings import agenda, escalation, quorum
from meetings.access import may_cancel, may_complete
from meetings.models import (
    Action,
    ActionStatus,
    Addendum,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionKind,
    DisruptionActivity,
    Feedback,
    FeedbackMethod,
    Meeting,
    MeetingStatus,
    PersonLink,
    PersonOfConcern,
    PlaceLink,
    PlaceOfConcern,
)
from met import dates
from met.audit import audit
from met.models import Agency, Reminder, User
from met.reminders import send_once
from met.workdays import add_working_days
from riskassessment import services as risk_services
from riskassessment.models import Assessment, Provider

SIGNED_OFF = "The minutes have been signed off and are read-only. Add an addendum to correct them."


# The first meeting MET Hub could hold: an earlier date is a typing error.
MEETINGS_FROM = datetime_date(2000, 1, 1)


def _require_coordination(actor: User) -> None:
    if not actor.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs run meetings.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.SIGNED_OFF:
        raise PermissionDenied(SIGNED_OFF)


def _audit(actor, action, obj, request, *, case: Case | None = None, detail=None):
    audit(actor=actor, action=action, obj=obj, child_id=case.child_id if case else None, request=request, detail=detail)


# --- meetings and attendance ------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    date: date,
    starts_at: time,
    chair: User,
    location: str = "",
    online_link: str = "",
    request: HttpRequest | None = None,
) -> Meeting:
    _require_coordination(actor)
    if not chair.is_chair or not chair.is_active:
        raise ValidationError({"chair": "Choose someone who holds the chair role."})
    if message := dates.out_of_range("Date", date, earliest=MEETINGS_FROM, latest=dates.years_from_today(2)):
        raise ValidationError({"date": message})
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                date=date,
                starts_at=starts_at,
                chair=chair,
                location=location,
                online_link=online_link,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"date": "There is already a meeting at that date and time."}) from None
    for person in {actor, chair}:
        Attendance.objects.create(meeting=meeting, user=person, agency=person.agency)
    agenda.build(meeting)
    _audit(actor, "meeting.create", meeting, request)
    return meeting


@transaction.atomic
def agenda_rebuild(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> dict[str, int]:
    _require_coordination(actor)
    _require_open(meeting)
    result = agenda.build(meeting)
    _audit(actor, "meeting.agenda_build", meeting, request, detail=result)
    return result


@transaction.atomic
def attendance_set(
    *, actor: User, meeting: Meeting, user: User, status: str, request: HttpRequest | None = None
) -> Attendance:
    _require_coordination(actor)
    _require_open(meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Choose present, apologies or invited."})
    if not user.is_active:
        raise ValidationError({"user": "That account is deactivated."})
    if not user.has_case_role:
        raise ValidationError(
            {"user": "Only people with a casework role attend MEOG: they must be able to see the children discussed."}
        )
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, user=user, defaults={"status": status, "agency": user.agency}
    )
    _audit(actor, "meeting.attendance", meeting, request, detail={"user": user.pk, "status": status})
    return attendance


@transaction.atomic
def statement_accept(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> Attendance:
    """Only the attendee themself accepts the confidentiality statement; the time is recorded."""
    attendance = Attendance.objects.select_for_update().filter(meeting=meeting, user=actor).first()
    if attendance is None:
        raise PermissionDenied("You are not on this meeting's attendance list. Ask the coordinator to add you.")
    if attendance.accepted_statement_at is None:
        attendance.accepted_statement_at = timezone.now()
        attendance.save(update_fields=["accepted_statement_at"])
        _audit(actor, "meeting.accept_statement", meeting, request)
    return attendance


@transaction.atomic
def quorum_exception_record(
    *, actor: User, meeting: Meeting, reason: str, request: HttpRequest | None = None
) -> Meeting:
    if not actor.is_chair:
        raise PermissionDenied("Only a chair can record a quorum exception.")
    _require_open(meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for going ahead without a quorum."})
    meeting.quorum_exception_reason = reason.strip()
    meeting.quorum_exception_by = actor
    meeting.save(update_fields=["quorum_exception_reason", "quorum_exception_by"])
    _audit(actor, "meeting.quorum_exception", meeting, request)
    return meeting


# --- the agenda -------------------------------------------------------------------------------


@transaction.atomic
def item_add(
    *, actor: User, meeting: Meeting, section: int, case: Case, reason: str, request: HttpRequest | None = None
) -> AgendaItem:
    _require_coordination(actor)
    _require_open(meeting)
    top = meeting.items.filter(section=section).aggregate(top=Max("order"))["top"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        section=section,
        case=case,
        reason=reason.strip() or "added by the coordinator",
        order=top + 1,
        added_by=actor,
    )
    _audit(actor, "meeting.item_add", item, request, case=case)
    return item


@transaction.atomic
def item_remove(*, actor: User, item: AgendaItem, reason: str, request: HttpRequest | None = None) -> AgendaItem:
    _require_coordination(actor)
    _require_open(item.meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the item is being taken off the agenda."})
    item.removed_at = timezone.now()
    item.removed_by = actor
    item.removed_reason = reason.strip()
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _audit(actor, "meeting.item_remove", item, request, case=item.case)
    return item


@transaction.atomic
def item_restore(*, actor: User, item: AgendaItem, request: HttpRequest | None = None) -> AgendaItem:
    _require_coordination(actor)
    _require_open(item.meeting)
    item.removed_at, item.removed_by, item.removed_reason = None, None, ""
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _audit(actor, "meeting.item_restore", item, request, case=item.case)
    return item


@transaction.atomic
def item_move(*, actor: User, item: AgendaItem, up: bool, request: HttpRequest | None = None) -> None:
    _require_coordination(actor)
    _require_open(item.meeting)
    siblings = list(item.meeting.items.filter(section=item.section).order_by("order", "pk"))
    index = next(i for i, other in enumerate(siblings) if other.pk == item.pk)
    swap = index - 1 if up else index + 1
    if 0 <= swap < len(siblings):
        siblings[index], siblings[swap] = siblings[swap], siblings[index]
        for order, other in enumerate(siblings, 1):
            if other.order != order:
                AgendaItem.objects.filter(pk=other.pk).update(order=order)


@transaction.atomic
def item_discussion_save(
    *, actor: User, item: AgendaItem, discussion: str, request: HttpRequest | None = None
) -> AgendaItem:
    _require_coordination(actor)
    _require_open(item.meeting)
    item.discussion = discussion.strip()
    item.save(update_fields=["discussion"])
    _audit(actor, "meeting.discussion", item, request, case=item.case)
    return item


# --- decisions --------------------------------------------------------------------------------


def _require_case_item(item: AgendaItem) -> None:
    if item.case_id is None:
        raise ValidationError(
            "This agenda item is about a place or person, not a child: record a general decision instead."
        )


def _decision(actor, item: AgendaItem, kind: str, text: str, request) -> Decision:
    decision = Decision.objects.create(
        meeting=item.meeting, item=item, case=item.case, kind=kind, text=text, recorded_by=actor
    )
    if item.meeting.status == MeetingStatus.SCHEDULED:
        Meeting.objects.filter(pk=item.meeting_id).update(status=MeetingStatus.HELD)
    _audit(actor, f"decision.{kind}", decision, request, case=item.case)
    return decision


@transaction.atomic
def decision_confirm_risk(
    *,
    actor: User,
    item: AgendaItem,
    assessment: Assessment,
    level: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Decision:
    _require_coordination(actor)
    _require_open(item.meeting)
    _require_case_item(item)
    if assessment.case_id != item.case_id:
        raise ValidationError({"assessment": "That assessment is for another child."})
    if not quorum.may_confirm_risk(item.meeting):
        missing = ", ".join(quorum.missing_statutory(quorum.meeting_present_kinds(item.meeting)))
        raise ValidationError(
            f"The meeting is not quorate ({missing} not present), so it cannot confirm risk levels. The chair can record an exception with a reason."
        )
    risk_services.assessment_confirm(actor=actor, assessment=assessment, level=level, reason=reason, request=request)
    text = f"Risk confirmed at {level}" + (
        f" (suggested {assessment.suggested_level}): {reason.strip()}" if level != assessment.suggested_level else "."
    )
    return _decision(actor, item, DecisionKind.RISK_CONFIRMED, text, request)


@transaction.atomic
def decision_referral(
    *, actor: User, item: AgendaItem, provider: Provider, referred_on: date, request: HttpRequest | None = None
) -> Decision:
    _require_coordination(actor)
    _require_open(item.meeting)
    _require_case_item(item)
    latest = item.case.assessments.filter(status="confirmed").first()
    risk_services.referral_create(
        actor=actor, case=item.case, provider=provider, referred_on=referred_on, assessment=latest, request=request
    )
    return _decision(actor, item, DecisionKind.REFERRAL, f"Referral to {provider.name}.", request)


@transaction.atomic
def decision_close_case(
    *, actor: User, item: AgendaItem, reason: str, note: str = "", request: HttpRequest | None = None
) -> Decision:
    _require_coordination(actor)
    _require_open(item.meeting)
    _require_case_item(item)
    case = case_services.case_close(actor=actor, case=item.case, reason=reason, note=note, request=request)
    return _decision(
        actor,
        item,
        DecisionKind.CASE_CLOSED,
        f"Case closed: {case.get_closure_reason_display()}." + (f" {note}" if note else ""),
        request,
    )


@transaction.atomic
def decision_other(*, actor: User, item: AgendaItem, text: str, request: HttpRequest | None = None) -> Decision:
    _require_coordination(actor)
    _require_open(item.meeting)
    if not text.strip():
        raise ValidationError({"text": "Write the decision."})
    return _decision(actor, item, DecisionKind.OTHER, text.strip(), request)


# --- actions ----------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor: User,
    case: Case,
    description: str,
    owner: User,
    due_date: date,
    item: AgendaItem | None = None,
    request: HttpRequest | None = None,
) -> Action:
    if case is None:
        raise ValidationError("Actions are set on a child's case: this agenda item is not about a child.")
    if item is not None:
        _require_coordination(actor)
        _require_open(item.meeting)
    errors = {}
    if not owner.has_case_role:
        errors["owner"] = f"{owner.full_name} has no casework role in MET Hub, so could not see or complete the action."
    if due_date < timezone.localdate():
        errors["due_date"] = "The due date cannot be in the past."
    elif message := dates.out_of_range("Due date", due_date, latest=dates.years_from_today(2)):
        errors["due_date"] = message
    if not owner.is_active:
        errors["owner"] = "That account is deactivated: choose someone who can do the action."
    elif not (case.agencies_involved.filter(pk=owner.agency_id).exists() or owner.pk == case.lead_professional_id):
        errors["owner"] = (
            f"{owner.full_name} works for {owner.agency.short_name}, which is not involved in this case. Involve the agency first, or choose someone else."
        )
    elif case.is_restricted and not may_see_restricted(owner, case):
        # Giving the action would show a restricted child to someone not named on the case. Naming
        # them is the coordinator's deliberate, audited step on the case, not a side effect of this one.
        errors["owner"] = (
            f"This case is restricted and {owner.full_name} is not named on it. Name them on the case first, or choose someone who is."
        )
    if case.status == CaseStatus.CLOSED:
        errors["description"] = "This case is closed."
    if errors:
        raise ValidationError(errors)
    action = Action.objects.create(
        case=case,
        meeting=item.meeting if item else None,
        item=item,
        description=description.strip(),
        owner=owner,
        owner_agency=owner.agency,
        due_date=due_date,
        created_by=actor,
    )
    case_services.sync_user_permissions(case)
    _audit(actor, "action.create", action, request, case=case)
    from met.notifications import notify

    notify(
        recipient=owner,
        subject="You have a new action",
        body=f"An action for case {case.reference} is due on {due_date:%-d %B %Y}.",
        link=action.get_absolute_url(),
        reason="You are the owner of this action.",
    )
    return action


def _lock_open_action(action: Action) -> Action:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the case.
    action = Action.objects.select_for_update(of=("self",)).select_related("case").get(pk=action.pk)
    if action.status != ActionStatus.OPEN:
        raise ValidationError(f"This action is already {action.get_status_display().lower()}.")
    return action


@transaction.atomic
def action_complete(*, actor: User, action: Action, note: str, request: HttpRequest | None = None) -> Action:
    if not may_complete(actor, action):
        raise PermissionDenied("Only the action's owner, the coordinator or a chair can complete it.")
    action = _lock_open_action(action)
    if not note.strip():
        raise ValidationError({"note": "Say what was done."})
    action.status = ActionStatus.DONE
    action.completion_note = note.strip()
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.version += 1
    action.save()
    _audit(actor, "action.complete", action, request, case=action.case)
    return action


@transaction.atomic
def action_cancel(*, actor: User, action: Action, reason: str, request: HttpRequest | None = None) -> Action:
    if not may_cancel(actor, action):
        raise PermissionDenied("Only the coordinator or a chair can cancel an action.")
    action = _lock_open_action(action)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is being cancelled."})
    action.status = ActionStatus.CANCELLED
    action.cancel_reason = reason.strip()
    action.version += 1
    action.save()
    _audit(actor, "action.cancel", action, request, case=action.case)
    return action


# --- sign-off ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_sign_off(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> Meeting:
    if not actor.is_chair:
        raise PermissionDenied("Only a chair signs off the minutes.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    meeting.status = MeetingStatus.SIGNED_OFF
    meeting.signed_off_by = actor
    meeting.signed_off_at = timezone.now()
    meeting.version += 1
    meeting.save()
    feedback_create_for_meeting(meeting)
    _audit(actor, "meeting.sign_off", meeting, request)
    return meeting


@transaction.atomic
def addendum_add(*, actor: User, meeting: Meeting, text: str, request: HttpRequest | None = None) -> Addendum:
    _require_coordination(actor)
    if meeting.status != MeetingStatus.SIGNED_OFF:
        raise ValidationError("The minutes are not signed off yet: edit them directly.")
    if not text.strip():
        raise ValidationError({"text": "Write the correction."})
    addendum = Addendum.objects.create(meeting=meeting, text=text.strip(), author=actor)
    _audit(actor, "meeting.addendum", addendum, request)
    return addendum


# --- places and persons of concern ------------------------------------------------------------


@transaction.atomic
def place_create(*, actor: User, request: HttpRequest | None = None, **fields) -> PlaceOfConcern:
    place = PlaceOfConcern.objects.create(created_by=actor, **fields)
    _audit(actor, "place.create", place, request)
    return place


@transaction.atomic
def person_create(*, actor: User, request: HttpRequest | None = None, **fields) -> PersonOfConcern:
    person = PersonOfConcern.objects.create(created_by=actor, **fields)
    _audit(actor, "person.create", person, request)
    return person


@transaction.atomic
def register_link(
    *,
    actor: User,
    entry: PlaceOfConcern | PersonOfConcern,
    case: Case,
    note: str = "",
    request: HttpRequest | None = None,
):
    """Link a place or person to a case the actor can see (the view checked that)."""
    model, field = (PlaceLink, "place") if isinstance(entry, PlaceOfConcern) else (PersonLink, "person")
    link, created = model.objects.get_or_create(
        **{field: entry, "case": case}, defaults={"note": note, "linked_by": actor}
    )
    if not created:
        raise ValidationError({"case": "This child is already linked."})
    _audit(actor, f"{field}.link", entry, request, case=case)
    return link


@transaction.atomic
def disruption_record(
    *,
    actor: User,
    entry: PlaceOfConcern | PersonOfConcern,
    what: str,
    agency: Agency,
    happened_on: date,
    outcome: str = "",
    request: HttpRequest | None = None,
) -> DisruptionActivity:
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": "The date cannot be in the future."})
    field = "place" if isinstance(entry, PlaceOfConcern) else "person"
    activity = DisruptionActivity.objects.create(
        **{field: entry}, what=what, agency=agency, happened_on=happened_on, outcome=outcome, recorded_by=actor
    )
    _audit(actor, "disruption.create", activity, request)
    return activity


# --- feedback to professionals (DESIGN §6) ----------------------------------------------------


def feedback_create_for_meeting(meeting: Meeting) -> int:
    """One feedback record per case discussed, for its lead professional, due 2 working days later."""
    due = add_working_days(meeting.date, 2)
    created = 0
    items = meeting.items.filter(removed_at__isnull=True, case__isnull=False).select_related("case")
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
    _require_coordination(actor)
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
    decisions = Decision.objects.filter(meeting=meeting, case=case).order_by("pk")
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

    _require_coordination(actor)
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


# --- sweeps: reminders and escalations (meetings/escalation.py has the ladder) ----------------


def _already_sent(kind: str, model, ids) -> set[tuple[int, str, int]]:
    return set(
        Reminder.objects.filter(kind=kind, object_type=model._meta.label_lower, object_id__in=list(ids)).values_list(
            "object_id", "key", "recipient_id"
        )
    )


def actions_sweep(*, today: date | None = None) -> int:
    """Remind owners of due actions and escalate overdue ones. Idempotent; catches up after downtime."""
    today = today or timezone.localdate()
    actions = list(
        Action.objects.filter(status=ActionStatus.OPEN, due_date__lte=today).select_related(
            "owner__line_manager__line_manager", "owner_agency__senior_contact", "case"
        )
    )
    done = _already_sent("action", Action, [a.pk for a in actions])
    sent = 0
    for action in actions:
        for step in escalation.steps_for(
            due=action.due_date, today=today, responsible=action.owner, agency=action.owner_agency
        ):
            for recipient in step.recipients:
                if (action.pk, step.key, recipient.pk) in done:
                    continue
                ref, link = _case_named_for(recipient, action.case, action.get_absolute_url())
                if step.key == escalation.REMINDER:
                    subject, reason = "Your action is due", "You own this action."
                    body = f"Your action on {ref} is due on {action.due_date:%-d %B %Y}: please complete it and record what was done."
                else:
                    level = "Level 1" if step.key == escalation.LEVEL_1 else "Level 2 (continued non-compliance)"
                    subject = f"{level} escalation: overdue action"
                    body = f"An action owned by {action.owner.full_name} ({action.owner_agency.short_name}) on {ref} was due on {action.due_date:%-d %B %Y} and is still open."
                    reason = f"You are in {action.owner.full_name}'s management line, or the agency's senior contact."
                sent += send_once(
                    kind="action",
                    obj=action,
                    key=step.key,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                    link=link,
                    reason=reason,
                )
    return sent


def _case_named_for(recipient: User, case: Case | None, link: str) -> tuple[str, str]:
    """How a reminder names the case: by reference, unless it is restricted and the recipient is not
    named on it (a manager up the escalation line), who learns that work is overdue but not whose."""
    if case is None:
        return "a case", link
    if case.is_restricted and not may_see_restricted(recipient, case):
        return "a restricted case (ask the MET coordinator for details)", ""
    return case.reference, link


def feedback_sweep(*, today: date | None = None) -> int:
    """Remind the coordinator of feedback due today and escalate feedback not sent on time."""
    today = today or timezone.localdate()
    records = list(
        Feedback.objects.filter(sent_at__isnull=True, due_date__lte=today).select_related(
            "meeting__created_by__line_manager__line_manager", "meeting__created_by__agency__senior_contact", "case"
        )
    )
    done = _already_sent("feedback", Feedback, [f.pk for f in records])
    sent = 0
    for record in records:
        responsible = record.meeting.created_by
        for step in escalation.steps_for(
            due=record.due_date, today=today, responsible=responsible, agency=responsible.agency
        ):
            for recipient in step.recipients:
                if (record.pk, step.key, recipient.pk) in done:
                    continue
                ref, _ = _case_named_for(recipient, record.case, "")
                late = (
                    "is due today"
                    if step.key == escalation.REMINDER
                    else f"was due on {record.due_date:%-d %B %Y} and has not been sent"
                )
                sent += send_once(
                    kind="feedback",
                    obj=record,
                    key=step.key,
                    recipient=recipient,
                    subject="Feedback to a professional "
                    + ("is due" if step.key == escalation.REMINDER else "is overdue"),
                    body=f"Feedback to the lead professional on {ref} after {record.meeting} {late}.",
                    link=record.meeting.get_absolute_url() + "#feedback",
                    reason="Feedback goes to professionals within 2 working days of each MEOG meeting.",
                )
    return sent
