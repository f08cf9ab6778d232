"""Writes for children and cases: editing them, who works on a case, notes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from cases import extensions
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Child,
)
from cases.services.permissions import _child_audit, _set_agencies_involved, sync_user_permissions
from cases.services.validation import validate_child
from met.concurrency import check_version
from met.models import User


@transaction.atomic
def child_update(
    *, actor: User, child: Child, expected_version: int, seen: dict | None, request: HttpRequest | None = None, **fields
) -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    check_version(child, expected_version=expected_version, seen=seen)
    fields = validate_child(fields, instance=child)
    changed = [name for name, value in fields.items() if getattr(child, name) != value]
    for name, value in fields.items():
        setattr(child, name, value)
    child.version += 1
    child.save()
    _child_audit(actor, "child.update", child, child, request, {"fields": changed})
    return child


# Who may change which fields of a case: the one list the edit forms, this service and the API share.
# Practitioners who work on the case record the voice of the child; who works on it is the coordinator's call.
COORDINATOR_CASE_FIELDS = (
    "lead_agency",
    "lead_professional",
    "agencies_involved",
    "categories",
    "is_restricted",
    "restricted_to",
    "voice_of_child",
)
PRACTITIONER_CASE_FIELDS = ("voice_of_child",)


@transaction.atomic
def case_update(
    *, actor: User, case: Case, expected_version: int, seen: dict | None, request: HttpRequest | None = None, **fields
) -> Case:
    allowed = COORDINATOR_CASE_FIELDS if actor.sees_all_cases else PRACTITIONER_CASE_FIELDS
    if not set(fields) <= set(allowed):
        raise PermissionDenied("Only the MET coordinator or a chair can change who works on a case.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_version(case, expected_version=expected_version, seen=seen)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed. Log a new concern to refer the child again.")
    lead_agency = fields.get("lead_agency", case.lead_agency)
    lead_professional = fields.get("lead_professional", case.lead_professional)
    if lead_professional is not None and lead_agency is not None and lead_professional.agency_id != lead_agency.pk:
        raise ValidationError({"lead_professional": "The lead professional must work for the lead agency."})
    if "categories" in fields and not fields["categories"]:
        raise ValidationError({"categories": "Choose at least one exploitation category."})
    if fields.get("is_restricted") and not fields.get("restricted_to"):
        raise ValidationError({"restricted_to": "Name at least one person who may see this restricted case."})
    many = {name: fields.pop(name) for name in ("agencies_involved", "categories", "restricted_to") if name in fields}
    changed = [name for name, value in fields.items() if getattr(case, name) != value] + sorted(many)
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    case.save()
    if "agencies_involved" in many or "lead_agency" in fields:
        _set_agencies_involved(case, many.get("agencies_involved", case.agencies_involved.all()))
    if "categories" in many:
        case.categories.set(many["categories"])
    if "restricted_to" in many:
        case.restricted_to.set(many["restricted_to"])
    if case.is_restricted and (problems := extensions.restriction_problems(case)):
        # Restricting a case must not hide it from someone who still has open work on it.
        raise ValidationError({"restricted_to": problems})
    sync_user_permissions(case)
    _child_audit(actor, "case.update", case, case, request, {"fields": changed})
    return case


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str, request: HttpRequest | None = None) -> CaseNote:
    if not text.strip():
        raise ValidationError({"text": "Enter the note."})
    note = CaseNote.objects.create(case=case, author=actor, text=text.strip())
    _child_audit(actor, "case_note.create", note, case, request)
    return note
