"""Writes for concerns and triage: logging one, opening or closing the case, adding it to an open case."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases.access import may_see_case
from cases.merge import surviving_record
from cases.models import (
    Case,
    CaseStatus,
    Category,
    Child,
    ClosureReason,
    Concern,
    ConcernOutcome,
)
from cases.services.permissions import _child_audit, _set_agencies_involved, sync_user_permissions
from cases.services.validation import validate_child
from met.areas import area_ids, default_area_id
from met.models import Agency, Area, User
from met.notifications import notify


def _new_case_area(actor: User, child: Child, area: Area | None) -> int:
    if area is not None:
        return area.pk
    last = Case.objects.filter(child=child).order_by("-created_at", "-pk").values_list("area_id", flat=True).first()
    if last is not None:
        return last
    mine = area_ids(actor)
    if len(mine) == 1:
        return next(iter(mine))
    fallback = default_area_id()
    if fallback is not None:
        return fallback
    raise ValidationError({"area": "Choose the area responsible for this child."})


@transaction.atomic
def concern_log(
    *,
    actor: User,
    category: Category,
    observed_at: datetime,
    description: str,
    child: Child | None = None,
    new_child: dict | None = None,
    possible_duplicate_of: Child | None = None,
    area: Area | None = None,
    request: HttpRequest | None = None,
) -> Concern:
    """Log a concern about an existing child (their live case, or a new referral) or a new child.

    `area`: the area responsible for the child, when this makes a new case (issue 18); without it, the
    area of the child's last case, else the logger's own when they act in one area only."""
    if (child is None) == (new_child is None):
        raise ValueError("Give exactly one of child or new_child.")
    if observed_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"observed_at": "When it happened cannot be in the future."})
    if child is None:
        data = validate_child(dict(new_child))
        try:
            with transaction.atomic():
                child = Child.objects.create(created_by=actor, **data)
        except IntegrityError:
            raise ValidationError(
                "Another child with one of these identifiers was saved a moment ago. Search again."
            ) from None
        _child_audit(actor, "child.create", child, child, request)
    elif child.merged_into_id is not None:
        # A record merged into another (cases/merge.py): the concern is about the child of the record kept.
        child = surviving_record(child)
    case = Case.objects.select_for_update().filter(child=child).exclude(status=CaseStatus.CLOSED).first()
    if case is None:
        case = Case.objects.create(child=child, created_by=actor, area_id=_new_case_area(actor, child, area))
        _child_audit(actor, "case.refer", case, case, request)
    concern = Concern.objects.create(
        case=case,
        logged_by=actor,
        source_agency=actor.agency,
        category=category,
        observed_at=observed_at,
        description=description,
        possible_duplicate_of=possible_duplicate_of,
    )
    case.categories.add(category)
    sync_user_permissions(case)
    _child_audit(actor, "concern.create", concern, case, request, {"case": case.pk})
    return concern


def _notify_loggers(concerns, *, subject: str, body: Callable[[str | None], str], case: Case) -> None:
    """Tell each person who logged one of the concerns what became of it. `body(reference)` gets the
    case's reference only for someone who may see the case; the others hear the outcome (DESIGN §3)."""
    for concern in concerns:
        sees_case = may_see_case(concern.logged_by, case.pk)
        notify(
            recipient=concern.logged_by,
            subject=subject,
            body=body(case.reference if sees_case else None),
            link=reverse("concern_detail", args=[concern.pk]),
            reason="You logged this concern.",
        )


@transaction.atomic
def case_open(
    *,
    actor: User,
    case: Case,
    lead_agency: Agency,
    lead_professional: User | None,
    agencies_involved,
    categories,
    request: HttpRequest | None = None,
) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.REFERRED:
        raise ValidationError(
            "Only a referred case can be opened: this one is already " + case.get_status_display().lower() + "."
        )
    if lead_professional is not None and lead_professional.agency_id != lead_agency.pk:
        raise ValidationError({"lead_professional": "The lead professional must work for the lead agency."})
    if not categories:
        raise ValidationError({"categories": "Choose at least one exploitation category."})
    case.status = CaseStatus.OPEN
    case.opened_at = timezone.now()
    case.lead_agency = lead_agency
    case.lead_professional = lead_professional
    case.version += 1
    case.save()
    _set_agencies_involved(case, agencies_involved)
    case.categories.set(categories)
    sync_user_permissions(case)
    pending = list(case.concerns.filter(triaged_at__isnull=True).select_related("logged_by"))
    case.concerns.filter(triaged_at__isnull=True).update(
        triaged_at=timezone.now(), triaged_by=actor, outcome=ConcernOutcome.CASE_OPENED
    )
    _child_audit(
        actor, "case.open", case, case, request, {"agencies": sorted(a.pk for a in case.agencies_involved.all())}
    )
    _notify_loggers(
        pending,
        subject="Your concern: a MET case has been opened",
        body=lambda ref: (
            f"The MET coordinator has opened {f'case {ref}' if ref else 'a case'} for the concern "
            f"you logged. The lead agency is {lead_agency.name}."
        ),
        case=case,
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str, note: str = "", request: HttpRequest | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is already closed.")
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose a reason for closing the case."})
    if reason == ClosureReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the case is being closed."})
    was_referral = case.status == CaseStatus.REFERRED
    case.status = CaseStatus.CLOSED
    case.closure_reason = reason
    case.closure_note = note
    case.closed_at = timezone.now()
    case.version += 1
    case.save()
    pending = list(case.concerns.filter(triaged_at__isnull=True).select_related("logged_by"))
    case.concerns.filter(triaged_at__isnull=True).update(
        triaged_at=timezone.now(), triaged_by=actor, outcome=ConcernOutcome.CASE_CLOSED
    )
    _child_audit(actor, "case.close", case, case, request, {"reason": reason, "at_triage": was_referral})
    _notify_loggers(
        pending,
        subject="Your concern has been reviewed",
        # No actor: MET Hub closed it by a rule (the 18th birthday), which nobody reviewed.
        body=lambda ref: (
            f"The MET coordinator reviewed the concern you logged and closed it: {ClosureReason(reason).label}."
            if actor is not None
            else f"MET Hub closed the case on the concern you logged: {ClosureReason(reason).label}."
        ),
        case=case,
    )
    return case


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern, request: HttpRequest | None = None) -> Concern:
    """A new concern about a child whose case is already open: seen by the coordinator, stays on the case."""
    concern = Concern.objects.select_for_update().select_related("case", "logged_by").get(pk=concern.pk)
    if concern.triaged_at is not None:
        raise ValidationError("This concern has already been triaged.")
    if concern.case.status != CaseStatus.OPEN:
        raise ValidationError("Open the case, or close it, to triage a concern on a referral.")
    concern.triaged_at = timezone.now()
    concern.triaged_by = actor
    concern.outcome = ConcernOutcome.ADDED_TO_CASE
    concern.save(update_fields=["triaged_at", "triaged_by", "outcome"])
    _child_audit(actor, "concern.triage", concern, concern.case, request)
    _notify_loggers(
        [concern],
        subject="Your concern has been added to the child's case",
        body=lambda ref: (
            f"The MET coordinator has added the concern you logged to the child's open case{f' {ref}' if ref else ''}."
        ),
        case=concern.case,
    )
    return concern
