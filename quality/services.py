"""Writes for case audits (issue 17): rounds, auditors, answers, moderation, findings, learning actions,
and the two sweeps (auditors' access in step with the round's dates; learning-action reminders).

Every write checks its input and raises a ValidationError naming the field before it writes anything,
inside one transaction, so bad input leaves nothing behind. A stale edit (built on an older version)
raises one with code CONFLICT, which the views answer with 409.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services.permissions import sync_user_permissions
from meetings import escalation
from met.areas import AreaCoordinators, area_ids, covers_all_areas
from met.audit import audit
from met.models import Agency, User
from met.notifications import notify
from met.reminders import Section, digest
from quality import moderation, sampling
from quality.access import running
from quality.models import (
    AgencyAnswer,
    AuditRound,
    AuditTool,
    Finding,
    FindingKind,
    Grade,
    LearningAction,
    LearningActionStatus,
    QuestionGrade,
    RoundAuditor,
    RoundStatus,
    SampledCase,
)
from quality.selectors import tool_questions

CONFLICT = "conflict"
GRADES = set(Grade.values)


def _fail(field: str, message: str, code: str | None = None):
    raise ValidationError({field: [ValidationError(message, code=code)]})


# --- rounds ---------------------------------------------------------------------------------------


@transaction.atomic
def round_start(
    *,
    actor: User,
    title: str,
    theme: str,
    starts_on: date,
    ends_on: date,
    sample_size: int,
    criteria: dict | None = None,
    seed: int | None = None,
    request: HttpRequest | None = None,
) -> AuditRound:
    """Start a round led by the actor, and draw and record its sample."""
    criteria = {k: v for k, v in (criteria or {}).items() if k in sampling.CRITERIA and v not in (None, "", [])}
    # A coordinator or chair of some areas audits their own areas' cases (issue 18); with one area,
    # or for someone covering them all, nothing is added and the sample is drawn as before.
    criteria.pop("areas", None)
    if not covers_all_areas(actor):
        criteria["areas"] = sorted(area_ids(actor))
    if not title.strip():
        _fail("title", "Enter the round's title.")
    if not theme.strip():
        _fail("theme", "Enter the round's theme.")
    if ends_on < starts_on:
        _fail("ends_on", "End date must be the same as or after the start date.")
    if not 1 <= sample_size <= sampling.MAX_SAMPLE:
        _fail("sample_size", f"Number of cases to sample must be from 1 to {sampling.MAX_SAMPLE}.")
    tool = AuditTool.objects.filter(is_current=True).first()
    if tool is None:
        _fail("__all__", "There is no current audit tool: ask a system admin to publish one.")
    seed = sampling.new_seed() if seed is None else seed
    drawn = sampling.redraw(criteria, sample_size, seed)
    if not drawn:
        _fail(
            "sample_size",
            "Number of cases to sample: no case matches the criteria chosen, so the sample would be empty. "
            "Choose wider criteria.",
        )
    round_ = AuditRound.objects.create(
        title=title.strip(),
        theme=theme.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        lead=actor,
        lead_agency=actor.agency,
        tool=tool,
        criteria=criteria,
        sample_size=sample_size,
        seed=seed,
        drawn_case_ids=drawn,
        created_by=actor,
    )
    SampledCase.objects.bulk_create(
        SampledCase(round=round_, case_id=case_id, position=n) for n, case_id in enumerate(drawn, 1)
    )
    audit(
        actor=actor,
        action="audit_round.start",
        obj=round_,
        request=request,
        detail={"seed": seed, "criteria": criteria, "drawn": drawn},
    )
    return round_


def _refresh_access(round_: AuditRound) -> bool:
    """Give or take the auditors' view of the sampled cases so it matches the round's dates and status now."""
    should = AuditRound.objects.filter(running(), pk=round_.pk).exists()
    for case in Case.objects.filter(pk__in=round_.sample.values("case_id")):
        sync_user_permissions(case)
    changed = should != round_.access_open
    AuditRound.objects.filter(pk=round_.pk).update(access_open=should)
    round_.access_open = should
    return changed


@transaction.atomic
def auditor_add(*, actor: User, round_: AuditRound, auditor: User, request: HttpRequest | None = None) -> RoundAuditor:
    if round_.status != RoundStatus.OPEN:
        _fail("email", "Email address: the round is closed, so no auditor can be added.")
    if not auditor.is_active or not auditor.has_case_role:
        _fail("email", "Email address: that person has no casework role, so they cannot audit cases.")
    if RoundAuditor.objects.filter(round=round_, user=auditor, removed_at__isnull=True).exists():
        _fail("email", f"Email address: {auditor.full_name} is already an auditor on this round.")
    place = RoundAuditor.objects.create(round=round_, user=auditor, agency=auditor.agency, added_by=actor)
    _refresh_access(round_)
    audit(actor=actor, action="audit_round.auditor_add", obj=round_, request=request, detail={"user": auditor.pk})
    notify(
        recipient=auditor,
        subject=f"You are an auditor on “{round_.title}”",
        body=(
            f"{actor.full_name} added you as {auditor.agency.short_name}'s auditor on the case audit “{round_.title}”, "
            f"from {round_.starts_on:%-d %B %Y} to {round_.ends_on:%-d %B %Y}. You can see the sampled cases, "
            "read-only, for those dates."
        ),
        link=round_.get_absolute_url(),
        reason="You were added as an auditor on a case audit round.",
    )
    return place


@transaction.atomic
def auditor_remove(*, actor: User, place: RoundAuditor, request: HttpRequest | None = None) -> None:
    if place.removed_at is not None:
        return
    place.removed_at, place.removed_by = timezone.now(), actor
    place.save(update_fields=["removed_at", "removed_by"])
    _refresh_access(place.round)
    audit(
        actor=actor,
        action="audit_round.auditor_remove",
        obj=place.round,
        request=request,
        detail={"user": place.user_id},
    )


@transaction.atomic
def round_close(*, actor: User, round_: AuditRound, request: HttpRequest | None = None) -> AuditRound:
    """End the round: the auditors' view of its cases ends with it."""
    if round_.status == RoundStatus.CLOSED:
        _fail("__all__", "The round is already closed.")
    round_.status, round_.closed_at, round_.closed_by = RoundStatus.CLOSED, timezone.now(), actor
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    _refresh_access(round_)
    audit(actor=actor, action="audit_round.close", obj=round_, request=request)
    return round_


def access_sweep() -> int:
    """Open the auditors' view of the sampled cases when a round starts, and end it when the round ends.
    Idempotent: a round already in step is left alone. Returns how many rounds changed."""
    changed = 0
    to_open = AuditRound.objects.filter(running(), access_open=False)
    to_close = AuditRound.objects.filter(access_open=True).exclude(running())
    for round_ in list(to_open) + list(to_close):
        with transaction.atomic():
            changed += _refresh_access(round_)
    return changed


# --- answers and moderation -----------------------------------------------------------------------


def auditing_agencies(round_: AuditRound) -> dict[int, str]:
    """The agencies with an auditor on the round: id → short name."""
    return dict(
        RoundAuditor.objects.filter(round=round_, removed_at__isnull=True).values_list(
            "agency_id", "agency__short_name"
        )
    )


@transaction.atomic
def answer_record(
    *,
    actor: User,
    round_: AuditRound,
    case: Case,
    agency: Agency,
    involvement: str,
    grades: dict[str, tuple[str, str]],
    expected_version: int = 0,
    request: HttpRequest | None = None,
) -> AgencyAnswer:
    """The agency's grades (question code → (grade, evidence)) for one sampled case; a new answer
    (expected_version 0) or a revision of the one at `expected_version`."""
    sampled = SampledCase.objects.select_for_update().filter(round=round_, case=case).first()
    if sampled is None:
        _fail("case", f"Case: {case.reference} is not in this round's sample, so it cannot be graded here.")
    if not round_.is_running(timezone.localdate()):
        _fail("__all__", "The round is not running, so its cases cannot be graded now.")
    questions = {q.code: q for q in tool_questions(round_)}
    errors: dict[str, list[str]] = {}
    if not involvement.strip():
        errors["involvement"] = ["Enter your agency's involvement."]
    for code, question in questions.items():
        grade, evidence = grades.get(code, ("", ""))
        if grade not in GRADES:
            errors[f"grade_{code}"] = [f"Choose a grade for “{question.text.rstrip('.')}”."]
        if not (evidence or "").strip():
            errors[f"evidence_{code}"] = [f"Enter the evidence for “{question.text.rstrip('.')}”."]
    if errors:
        raise ValidationError(errors)
    answer = AgencyAnswer.objects.select_for_update().filter(sampled=sampled, agency=agency).first()
    now, before = timezone.now(), {}
    if answer is None:
        if expected_version:
            _fail("__all__", "This answer has gone: open the form again from the round's page.", CONFLICT)
        answer = AgencyAnswer.objects.create(
            sampled=sampled, agency=agency, auditor=actor, involvement=involvement, answered_at=now, updated_at=now
        )
    else:
        if expected_version != answer.version:
            _fail(
                "__all__",
                f"{answer.auditor.full_name} changed {agency.short_name}'s answer while you were editing it. "
                "Your changes were not saved: open the form again to see theirs.",
                CONFLICT,
            )
        before = {g.question.code: [g.grade, g.evidence] for g in answer.grades.select_related("question")}
        answer.auditor, answer.involvement, answer.updated_at = actor, involvement, now
        answer.version += 1
        answer.save(update_fields=["auditor", "involvement", "updated_at", "version"])
    # A revision changes each grade in place; what it said before is kept in the audit event.
    for code, question in questions.items():
        QuestionGrade.objects.update_or_create(
            answer=answer,
            question=question,
            defaults={"grade": grades[code][0], "evidence": grades[code][1].strip()},
        )
    audit(
        actor=actor,
        action="audit_case.answer",
        obj=answer,
        child_id=case.child_id,
        request=request,
        detail={"round": round_.pk, "case": case.pk, "reason": "case_audit", "before": before},
    )
    return answer


@transaction.atomic
def moderate(
    *,
    actor: User,
    round_: AuditRound,
    sampled: SampledCase,
    grade: str,
    reasons: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> SampledCase:
    """The lead agrees the case's final grade with reasons, once every agency that must answer has."""
    sampled = SampledCase.objects.select_for_update().select_related("case").get(pk=sampled.pk)
    if round_.status != RoundStatus.OPEN:
        _fail("__all__", "The round is closed, so its grades can no longer change.")
    waiting = moderation.waiting_for(sampled, auditing=auditing_agencies(round_))
    if not sampled.answers.exists():
        _fail("final_grade", "Final grade: no agency has answered for this case yet, so there is nothing to moderate.")
    if waiting:
        _fail(
            "final_grade",
            f"Final grade: waiting for {', '.join(waiting)} to answer for this case. "
            "Moderate once every involved agency's auditor has answered.",
        )
    errors: dict[str, list[str]] = {}
    if grade not in GRADES:
        errors["final_grade"] = ["Choose the final grade."]
    if not reasons.strip():
        errors["final_reasons"] = ["Enter the reasons for the final grade."]
    if errors:
        raise ValidationError(errors)
    if expected_version != sampled.version:
        _fail(
            "__all__", "Someone moderated this case while you were: open the page again to see their grade.", CONFLICT
        )
    sampled.final_grade, sampled.final_reasons = grade, reasons.strip()
    sampled.moderated_by, sampled.moderated_at = actor, timezone.now()
    sampled.version += 1
    sampled.save(update_fields=["final_grade", "final_reasons", "moderated_by", "moderated_at", "version"])
    audit(
        actor=actor,
        action="audit_case.moderate",
        obj=sampled,
        child_id=sampled.case.child_id,
        request=request,
        detail={"round": round_.pk, "grade": grade},
    )
    return sampled


# --- findings and learning actions ----------------------------------------------------------------


@transaction.atomic
def finding_record(
    *,
    actor: User,
    round_: AuditRound,
    kind: str,
    text: str,
    sampled: SampledCase | None = None,
    request: HttpRequest | None = None,
) -> Finding:
    if kind not in FindingKind.values:
        _fail("kind", "Choose whether the finding is good practice or learning.")
    if not text.strip():
        _fail("text", "Enter the finding.")
    if sampled is not None and sampled.round_id != round_.pk:
        _fail("sampled", "Case: choose a case from this round's sample.")
    finding = Finding.objects.create(round=round_, sampled=sampled, kind=kind, text=text.strip(), recorded_by=actor)
    audit(actor=actor, action="audit_finding.record", obj=finding, request=request, detail={"round": round_.pk})
    return finding


@transaction.atomic
def learning_action_create(
    *,
    actor: User,
    finding: Finding,
    description: str,
    owner: User,
    due_date: date,
    request: HttpRequest | None = None,
) -> LearningAction:
    if finding.kind != FindingKind.LEARNING:
        _fail("__all__", "Only a learning point creates learning actions.")
    if not description.strip():
        _fail("description", "Enter what needs to be done.")
    if not owner.is_active:
        _fail("owner_email", "Owner's email address: that account is not active.")
    if due_date < timezone.localdate():
        _fail("due_date", "Due date cannot be in the past.")
    action = LearningAction.objects.create(
        finding=finding,
        description=description.strip(),
        owner=owner,
        owner_agency=owner.agency,
        due_date=due_date,
        created_by=actor,
    )
    audit(actor=actor, action="learning_action.create", obj=action, request=request)
    notify(
        recipient=owner,
        subject="A learning action from a case audit is yours",
        body=f"From the case audit “{finding.round.title}”: {action.description} Due by {due_date:%-d %B %Y}.",
        link=action.get_absolute_url(),
        reason="You own a learning action from a multi-agency case audit.",
    )
    return action


@transaction.atomic
def learning_action_complete(
    *, actor: User, action: LearningAction, note: str, request: HttpRequest | None = None
) -> LearningAction:
    action = LearningAction.objects.select_for_update().get(pk=action.pk)
    if action.status != LearningActionStatus.OPEN:
        _fail("__all__", "This learning action is no longer open.")
    if not note.strip():
        _fail("completion_note", "Enter what was done.")
    action.status, action.closed_at, action.closed_by = LearningActionStatus.DONE, timezone.now(), actor
    action.completion_note = note.strip()
    action.save(update_fields=["status", "closed_at", "closed_by", "completion_note"])
    audit(actor=actor, action="learning_action.complete", obj=action, request=request)
    return action


def _round_areas(round_ids) -> dict[int, int]:
    """For each round whose sample is of one area only, that area."""
    found: dict[int, set[int]] = {}
    for round_id, area_id in (
        SampledCase.objects.filter(round_id__in=round_ids).values_list("round_id", "case__area_id").distinct()
    ):
        found.setdefault(round_id, set()).add(area_id)
    return {round_id: next(iter(areas)) for round_id, areas in found.items() if len(areas) == 1}


def learning_actions_sweep(*, today: date | None = None) -> int:
    """Remind owners of learning actions due, and escalate overdue ones up the owner's management line,
    exactly as MEOG actions are (meetings/escalation.py). Each step is recorded once per action and person."""
    today = today or timezone.localdate()
    actions = LearningAction.objects.filter(status=LearningActionStatus.OPEN, due_date__lte=today).select_related(
        "owner__line_manager__line_manager", "owner_agency__senior_contact", "finding__round"
    )
    # The last resort is the coordinators of the round's area: the one area its sample was drawn from
    # (issue 18), or every coordinator for a round across areas.
    coordinators = AreaCoordinators()
    areas_of = _round_areas(actions.values("finding__round_id"))
    mine = Section("Your learning actions from case audits", reverse("audit_round_list"))
    escalated = Section("Overdue learning actions escalated to you", reverse("audit_round_list"))
    with digest() as reminders:
        for action in actions.iterator(chunk_size=2000):
            title = action.finding.round.title
            for step in escalation.steps_for(
                due=action.due_date,
                today=today,
                responsible=action.owner,
                agency=action.owner_agency,
                everyone=coordinators.for_area(areas_of.get(action.finding.round_id)),
            ):
                for recipient in step.recipients:
                    if step.key == escalation.REMINDER:
                        section, subject, reason = mine, "Your learning action is due", "You own this learning action."
                        line = (
                            f"Your learning action from the case audit “{title}” is due on {action.due_date:%-d %B %Y}."
                        )
                    else:
                        level = "Level 1" if step.key == escalation.LEVEL_1 else "Level 2 (continued non-compliance)"
                        section, subject = escalated, f"{level} escalation: overdue learning action"
                        line = (
                            f"{level}: a learning action owned by {action.owner.full_name} "
                            f"({action.owner_agency.short_name}) from the case audit “{title}” was due on "
                            f"{action.due_date:%-d %B %Y} and is still open."
                        )
                        reason = (
                            f"You are in {action.owner.full_name}'s management line, or the agency's senior contact."
                        )
                    reminders.add(
                        kind="learning_action",
                        obj=action,
                        key=step.key,
                        recipient=recipient,
                        section=section,
                        subject=subject,
                        line=line,
                        link=action.get_absolute_url(),
                        reason=reason,
                        urgent=step.key == escalation.LEVEL_2,
                    )
        return reminders.pending("learning_action")
