"""Writes for the decisions recorded on an agenda item: confirming risk, referrals, closing a case, other decisions."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases import services as case_services
from meetings import quorum
from meetings.models import (
    Addendum,
    AgendaItem,
    Decision,
    DecisionKind,
    Meeting,
    MeetingStatus,
)
from meetings.services._shared import _audit, _require_coordination, _require_open, _require_own_case
from meetings.services.placed_here import notify_placed_discussed
from met.models import User
from riskassessment import services as risk_services
from riskassessment.models import Assessment, Provider, ProviderLevel


def _require_case_item(item: AgendaItem) -> None:
    if item.case_id is None:
        raise ValidationError(
            "This agenda item is about a place or person, not a child: record a general decision instead."
        )


def _decision(actor, item: AgendaItem, kind: str, text: str, request, **fields) -> Decision:
    decision = Decision.objects.create(
        meeting=item.meeting, item=item, case=item.case, kind=kind, text=text, recorded_by=actor, **fields
    )
    if item.meeting.status == MeetingStatus.SCHEDULED:
        Meeting.objects.filter(pk=item.meeting_id).update(status=MeetingStatus.HELD)
    _audit(actor, f"decision.{kind}", decision, request, case=item.case)
    notify_placed_discussed(item)
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
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    _require_case_item(item)
    _require_own_case(actor, item)
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


def referral_mismatch(case, provider: Provider) -> str:
    """Why a provider does not fit the child's confirmed risk level (the level -> provider mapping is data,
    riskassessment.Provider.levels, from seed 003), or "" when it does."""
    if provider.takes(case.risk_level):
        return ""
    takes = ", ".join(ProviderLevel(level).label.lower() for level in provider.levels if level in ProviderLevel.values)
    level = case.get_risk_level_display().lower()
    suggested = ", ".join(p.name for p in risk_services.suggested_providers(case.risk_level, case.area_id))
    return f"{provider.name} takes {takes or 'no'} risk; {case.child.full_name}'s confirmed risk level is {level}." + (
        f" Providers for that level: {suggested}." if suggested else ""
    )


@transaction.atomic
def decision_referral(
    *,
    actor: User,
    item: AgendaItem,
    provider: Provider,
    referred_on: date,
    mismatch_reason: str = "",
    request: HttpRequest | None = None,
) -> Decision:
    """A referral to an intervention. A provider that does not take the child's confirmed risk level
    needs a recorded reason."""
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    _require_case_item(item)
    _require_own_case(actor, item)
    mismatch = referral_mismatch(item.case, provider)
    mismatch_reason = mismatch_reason.strip()
    errors = {}
    if referred_on > timezone.localdate():
        errors["referred_on"] = "The referral date cannot be in the future."
    if mismatch and not mismatch_reason:
        errors["mismatch_reason"] = (
            f"{mismatch} Give the reason for referring to {provider.name}, or choose another provider."
        )
    if errors:
        raise ValidationError(errors)
    latest = item.case.assessments.filter(status="confirmed").first()
    referral = risk_services.referral_create(
        actor=actor, case=item.case, provider=provider, referred_on=referred_on, assessment=latest, request=request
    )
    text = f"Referral to {provider.name}." + (
        f" Outside the provider's risk levels ({item.case.get_risk_level_display().lower()}): {mismatch_reason}"
        if mismatch
        else ""
    )
    return _decision(
        actor,
        item,
        DecisionKind.REFERRAL,
        text,
        request,
        referral=referral,
        mismatch_reason=mismatch_reason if mismatch else "",
    )


@transaction.atomic
def decision_withdraw(*, actor: User, decision: Decision, reason: str, request: HttpRequest | None = None) -> Decision:
    """Withdraw a decision recorded in error, with a reason. It is kept, marked withdrawn, in the minutes
    and on the case; a withdrawn referral decision notes the withdrawal on its referral. After sign-off
    the withdrawal is also added to the minutes as an addendum, beside them."""
    _require_coordination(actor, decision.meeting)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting", "case", "referral")
        .get(pk=decision.pk)
    )
    if decision.withdrawn_at is not None:
        raise ValidationError("This decision has already been withdrawn.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the decision is being withdrawn."})
    decision.withdrawn_at, decision.withdrawn_by, decision.withdrawn_reason = timezone.now(), actor, reason
    decision.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    if decision.referral is not None:
        risk_services.referral_withdraw(
            actor=actor,
            referral=decision.referral,
            note=f"Referral decision withdrawn by the meeting on {timezone.localdate():%-d %B %Y}: {reason}",
            request=request,
        )
    if decision.meeting.status == MeetingStatus.SIGNED_OFF:
        Addendum.objects.create(
            meeting=decision.meeting,
            text=f"Decision withdrawn ({decision.get_kind_display().lower()}"
            + (f", {decision.case.reference}" if decision.case_id else "")
            + f"): “{decision.text}” Reason: {reason}",
            author=actor,
        )
    _audit(actor, "decision.withdraw", decision, request, case=decision.case, detail={"kind": decision.kind})
    return decision


@transaction.atomic
def decision_close_case(
    *, actor: User, item: AgendaItem, reason: str, note: str = "", request: HttpRequest | None = None
) -> Decision:
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    _require_case_item(item)
    _require_own_case(actor, item)
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
    _require_coordination(actor, item.meeting)
    _require_open(item.meeting)
    if not text.strip():
        raise ValidationError({"text": "Write the decision."})
    return _decision(actor, item, DecisionKind.OTHER, text.strip(), request)
