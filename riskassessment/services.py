"""Writes for risk assessments, confirmation, risk history, referrals and the tool's settings."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, RiskLevel
from met import cache
from met.areas import AreaCoordinators
from met.audit import audit
from met.concurrency import check_version
from met.models import User
from riskassessment import definition, scoring
from riskassessment.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Direction,
    Indicator,
    Provider,
    Referral,
    ReferralOutcome,
    ReviewInterval,
    RiskHistory,
    ScoreBand,
    Section,
    ToolVersion,
)

LEVEL_ORDER = {RiskLevel.NOT_ASSESSED: -1, RiskLevel.NONE: 0, RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
CONFIRMABLE_LEVELS = (RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)


@dataclass(frozen=True)
class AnswerData:
    indicator_id: int
    present: bool
    evidence: str = ""
    last_seen: date | None = None
    previous_seen: date | None = None


def _audit(actor, action, obj, case: Case, request, detail=None):
    audit(actor=actor, action=action, obj=obj, child_id=case.child_id, request=request, detail=detail)


def current_tool() -> ToolVersion:
    tool = ToolVersion.objects.filter(is_current=True).first()
    if tool is None:
        raise ValidationError("No risk tool has been published. Ask the system admin.")
    return tool


def rules_of(tool: ToolVersion) -> dict[int, scoring.Rule]:
    return {
        i.pk: scoring.Rule(i.points_current, i.points_previous, i.time_limited)
        for i in Indicator.objects.filter(section__tool=tool)
    }


def compute(tool: ToolVersion, answers: list[AnswerData], assessment_date: date) -> scoring.Result:
    """Score answers with the rules of the version they were made with."""
    return scoring.score(
        [scoring.AnswerIn(a.indicator_id, a.present, a.last_seen, a.previous_seen) for a in answers],
        assessment_date=assessment_date,
        rules=rules_of(tool),
        bands=definition.bands_of(tool),
        current_months=tool.current_months,
        previous_months=tool.previous_months,
    )


def validate_answers(tool: ToolVersion, answers: list[AnswerData], assessment_date: date, *, complete: bool) -> None:
    """Dates in the past and not after the assessment; indicators of this tool only; evidence when complete."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if assessment_date > today:
        errors["assessment_date"] = "The assessment date cannot be in the future."
    elif assessment_date.year < 1900:
        raise ValidationError({"assessment_date": "Check the year of the assessment date."})
    indicators = {i.pk: i for i in Indicator.objects.filter(section__tool=tool)}
    for answer in answers:
        indicator = indicators.get(answer.indicator_id)
        if indicator is None:
            # A tampered form, or one from another tool version: refuse the whole save.
            raise ValidationError(
                "The form does not match this assessment's tool version. Reload the page and try again."
            )
        # Keys name the form fields (ind_<id>_<part>), so each message sits next to its indicator.
        key = f"ind_{indicator.pk}_"
        for part, seen in (("last_seen", answer.last_seen), ("previous_seen", answer.previous_seen)):
            if seen is not None and seen > assessment_date:
                errors[key + part] = f"“{indicator.text}”: the date seen cannot be after the assessment date."
        if answer.previous_seen and answer.last_seen and answer.previous_seen > answer.last_seen:
            errors[key + "previous_seen"] = (
                f"“{indicator.text}”: the earlier occurrence must be before the date last seen."
            )
        if complete and answer.present:
            if not answer.evidence.strip():
                errors[key + "evidence"] = f"“{indicator.text}”: give the evidence for ticking it."
            elif indicator.time_limited and answer.last_seen is None:
                errors[key + "last_seen"] = f"“{indicator.text}”: give the date it was last seen."
    if errors:
        raise ValidationError(errors)


def _store(assessment: Assessment, answers: list[AnswerData]) -> None:
    result = compute(assessment.tool, answers, assessment.assessment_date)
    assessment.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            indicator_id=a.indicator_id,
            present=a.present,
            evidence=a.evidence,
            last_seen=a.last_seen,
            previous_seen=a.previous_seen,
            points=result.indicators[a.indicator_id].points,
            out_of_date=result.indicators[a.indicator_id].out_of_date,
        )
        for a in answers
        if a.present or a.evidence or a.last_seen or a.previous_seen
    )
    assessment.score = result.score
    assessment.category = result.category
    assessment.category_label = result.label
    assessment.suggested_level = result.suggested_level


def answers_of(assessment: Assessment) -> list[AnswerData]:
    return [
        AnswerData(a.indicator_id, a.present, a.evidence, a.last_seen, a.previous_seen)
        for a in assessment.answers.all()
    ]


@transaction.atomic
def assessment_start(*, actor: User, case: Case, request: HttpRequest | None = None) -> Assessment:
    """A new draft on the current tool version, starting as a copy of the case's last assessment."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed.")
    tool = current_tool()
    last = case.assessments.exclude(status=AssessmentStatus.DRAFT).order_by("-created_at", "-pk").first()
    assessment = Assessment.objects.create(case=case, tool=tool, created_by=actor, copied_from=last)
    if last is not None:
        # Carry answers over by indicator code, so a copy works across tool versions too.
        by_code = {i.code: i.pk for i in Indicator.objects.filter(section__tool=tool)}
        copied = [
            AnswerData(by_code[a.indicator.code], a.present, a.evidence, a.last_seen, a.previous_seen)
            for a in last.answers.select_related("indicator")
            if a.indicator.code in by_code
        ]
        assessment.summary = last.summary
        _store(assessment, copied)
        assessment.save()
    _audit(actor, "assessment.create", assessment, case, request, {"copied_from": last.pk if last else None})
    return assessment


def _lock_draft(assessment: Assessment, expected_version: int | None) -> Assessment:
    assessment = Assessment.objects.select_for_update().select_related("tool", "case").get(pk=assessment.pk)
    if expected_version is not None:
        check_version(assessment, expected_version=expected_version, seen=None)
    if assessment.status != AssessmentStatus.DRAFT:
        raise PermissionDenied(
            "This assessment has been submitted and can no longer be changed. Start a new one to update it."
        )
    return assessment


@transaction.atomic
def assessment_save_draft(
    *,
    actor: User,
    assessment: Assessment,
    expected_version: int,
    assessment_date: date,
    summary: str,
    answers: list[AnswerData],
    request: HttpRequest | None = None,
) -> Assessment:
    assessment = _lock_draft(assessment, expected_version)
    validate_answers(assessment.tool, answers, assessment_date, complete=False)
    assessment.assessment_date = assessment_date
    assessment.summary = summary
    _store(assessment, answers)
    assessment.version += 1
    assessment.save()
    _audit(actor, "assessment.update", assessment, assessment.case, request, {"score": assessment.score})
    return assessment


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment, request: HttpRequest | None = None) -> Assessment:
    assessment = _lock_draft(assessment, None)
    # Nothing ticked is a legitimate answer: a score of 0, not at risk.
    answers = answers_of(assessment)
    validate_answers(assessment.tool, answers, assessment.assessment_date, complete=True)
    _store(assessment, answers)  # recomputed on the server, whatever the browser showed
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_by = actor
    assessment.submitted_at = timezone.now()
    assessment.version += 1
    assessment.save()
    _audit(actor, "assessment.submit", assessment, assessment.case, request, {"score": assessment.score})
    return assessment


def review_due_for(level: str, on: date) -> date | None:
    interval = ReviewInterval.objects.filter(level=level).first()
    return on + timedelta(weeks=interval.weeks) if interval else None


def direction(from_level: str, to_level: str) -> str:
    before, after = LEVEL_ORDER[from_level], LEVEL_ORDER[to_level]
    return Direction.UP if after > before else Direction.DOWN if after < before else Direction.SAME


@transaction.atomic
def assessment_confirm(
    *, actor: User, assessment: Assessment, level: str, reason: str = "", request: HttpRequest | None = None
) -> Assessment:
    """Confirm a submitted assessment: the only way a case's current risk level changes."""
    if not actor.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator or a chair can confirm a risk level.")
    assessment = Assessment.objects.select_for_update().select_related("case").get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Only a submitted assessment can be confirmed.")
    if level not in CONFIRMABLE_LEVELS:
        raise ValidationError({"level": "Choose the confirmed risk level."})
    if level != assessment.suggested_level and not reason.strip():
        raise ValidationError(
            {"reason": "Record the professional judgement for choosing a level different from the suggested one."}
        )
    case = Case.objects.select_for_update().get(pk=assessment.case_id)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed.")
    today = timezone.localdate()
    assessment.status = AssessmentStatus.CONFIRMED
    assessment.confirmed_level = level
    assessment.override_reason = reason.strip()
    assessment.confirmed_by = actor
    assessment.confirmed_at = timezone.now()
    assessment.review_due = review_due_for(level, today)
    assessment.version += 1
    assessment.save()
    before = case.risk_level
    RiskHistory.objects.create(
        case=case,
        from_level=before,
        to_level=level,
        direction=direction(before, level),
        assessment=assessment,
        changed_by=actor,
        reason=reason.strip(),
    )
    Case.objects.filter(pk=case.pk).update(
        risk_level=level, risk_review_due=assessment.review_due, version=case.version + 1
    )
    _audit(
        actor,
        "assessment.confirm",
        assessment,
        case,
        request,
        {"from": before, "to": level, "suggested": assessment.suggested_level},
    )
    return assessment


PROVIDERS_KEY = "met:providers:active"


def suggested_providers(level: str, area_id: int | None = None) -> list[Provider]:
    """The active providers that take this risk level and work in the case's area (issue 18)."""
    # Every case page names the providers for its level: the short list is kept five minutes rather
    # than read each time (issue 14), and forgotten when a provider or its areas change (riskassessment/apps.py).
    providers = cache.get(PROVIDERS_KEY)
    if providers is None:
        providers = list(Provider.objects.filter(is_active=True).prefetch_related("areas"))
        for provider in providers:
            provider._area_ids = [a.pk for a in provider.areas.all()]
        cache.set(PROVIDERS_KEY, providers, 300)
    return [p for p in providers if p.takes(level) and p.serves(area_id)]


def forget_providers(**kwargs) -> None:
    cache.delete(PROVIDERS_KEY)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    provider: Provider,
    referred_on: date,
    assessment: Assessment | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    if referred_on > timezone.localdate():
        raise ValidationError({"referred_on": "The referral date cannot be in the future."})
    if not provider.is_active:
        raise ValidationError({"provider": "This provider no longer takes referrals."})
    if not provider.serves(case.area_id):
        raise ValidationError({"provider": "This provider does not work in the child's area."})
    referral = Referral.objects.create(
        case=case, provider=provider, referred_on=referred_on, referred_by=actor, assessment=assessment
    )
    _audit(actor, "referral.create", referral, case, request, {"provider": provider.pk})
    return referral


@transaction.atomic
def referral_record_outcome(
    *, actor: User, referral: Referral, outcome: str, note: str = "", request: HttpRequest | None = None
) -> Referral:
    if outcome not in ReferralOutcome.values or outcome == ReferralOutcome.WITHDRAWN:
        raise ValidationError({"outcome": "Choose an outcome."})
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if referral.outcome == ReferralOutcome.WITHDRAWN:
        raise ValidationError("The meeting withdrew this referral: it has no outcome to record.")
    referral.outcome = outcome
    referral.outcome_note = note
    referral.save(update_fields=["outcome", "outcome_note"])
    _audit(actor, "referral.update", referral, referral.case, request, {"outcome": outcome})
    return referral


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral, note: str, request: HttpRequest | None = None) -> Referral:
    """The meeting withdrew the decision that made this referral: kept, marked withdrawn, counted in
    no report (reporting.metrics.referrals_by_provider)."""
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    referral.outcome = ReferralOutcome.WITHDRAWN
    referral.outcome_note = (referral.outcome_note + "\n" if referral.outcome_note else "") + note
    referral.save(update_fields=["outcome", "outcome_note"])
    _audit(actor, "referral.withdraw", referral, referral.case, request, {"outcome": referral.outcome})
    return referral


# --- system admin: the tool and its settings --------------------------------------------------


@transaction.atomic
def tool_publish(*, actor: User, data: dict, request: HttpRequest | None = None) -> ToolVersion:
    if not actor.is_system_admin:
        raise PermissionDenied("Only a system admin can publish a risk tool version.")
    errors = definition.validate(data)
    if errors:
        raise ValidationError(errors)
    if ToolVersion.objects.filter(name=data["name"].strip(), version=data["version"].strip()).exists():
        raise ValidationError(f"{data['name']} v{data['version']} already exists: give the new version another number.")
    tool = definition.create_tool(
        data,
        models={"ToolVersion": ToolVersion, "Section": Section, "Indicator": Indicator, "ScoreBand": ScoreBand},
        published_by=actor,
    )
    audit(actor=actor, action="risk_tool.publish", obj=tool, request=request)
    return tool


@transaction.atomic
def review_intervals_update(*, actor: User, weeks: dict[str, int], request: HttpRequest | None = None) -> None:
    if not actor.is_system_admin:
        raise PermissionDenied("Only a system admin can change review intervals.")
    for level, value in weeks.items():
        if not 1 <= value <= 104:
            raise ValidationError({level: "Enter a number of weeks from 1 to 104."})
        ReviewInterval.objects.update_or_create(level=level, defaults={"weeks": value})
    audit(
        actor=actor,
        action="review_intervals.update",
        object_type="riskassessment.reviewinterval",
        object_id="all",
        request=request,
        detail=weeks,
    )


@transaction.atomic
def provider_save(*, actor: User, provider: Provider | None, request: HttpRequest | None = None, **fields) -> Provider:
    if not actor.is_system_admin:
        raise PermissionDenied("Only a system admin manages intervention providers.")
    provider = provider or Provider()
    areas = fields.pop("areas", None)
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.save()
    if areas is not None:
        provider.areas.set(areas)  # none: a provider for every area (issue 18)
    detail = {"levels": provider.levels, "areas": sorted(a.pk for a in provider.areas.all())}
    audit(actor=actor, action="provider.save", obj=provider, request=request, detail=detail)
    return provider


def review_sweep(*, today: date | None = None) -> int:
    """Tell the lead professional and the coordinators when an open case's risk review falls due."""
    from met.reminders import Section, digest

    today = today or timezone.localdate()
    cases = Case.objects.filter(
        status=CaseStatus.OPEN, risk_review_due__isnull=False, risk_review_due__lte=today
    ).select_related("lead_professional")
    coordinators = AreaCoordinators()  # each case's own area's (issue 18)
    section = Section("Risk reviews due", reverse("reviews_due"))
    with digest() as reminders:
        for case in cases.iterator(chunk_size=2000):
            lead = [case.lead_professional] if case.lead_professional else []
            for recipient in {*lead, *coordinators.for_area(case.area_id)}:
                reminders.add(
                    kind="risk_review",
                    obj=case,
                    key=case.risk_review_due.isoformat(),
                    recipient=recipient,
                    section=section,
                    subject="Risk review due",
                    line=f"The {case.get_risk_level_display().lower()} risk level of {case.reference} is due for review on {case.risk_review_due:%-d %B %Y}. Start a new SERAF from the case page.",
                    link=case.get_absolute_url(),
                    reason="You are the lead professional, or a MET coordinator.",
                )
        return reminders.pending("risk_review")
