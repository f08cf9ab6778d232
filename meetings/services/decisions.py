"""Writes for the decisions recorded on an agenda item: confirming risk, referrals, closing a case, other decisions."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from cases import services as case_services
from meetings import quorum
from meetings.models import (
    AgendaItem,
    Decision,
    DecisionKind,
    Meeting,
    MeetingStatus,
)
from meetings.services._shared import _audit, _require_coordination, _require_open
from met.models import User
from riskassessment import services as risk_services
from riskassessment.models import Assessment, Provider


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
