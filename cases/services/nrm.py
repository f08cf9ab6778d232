"""Writes for a case's National Referral Mechanism referral and its decisions (rules: cases/nrm.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases import nrm
from cases.models import Case, NrmReferral
from cases.services.permissions import _child_audit
from met.concurrency import check_version
from met.models import User

NRM_FIELDS = (
    "referred_on",
    "first_responder",
    "reference",
    "rg_decided_on",
    "rg_outcome",
    "cg_decided_on",
    "cg_outcome",
    "ictg_allocated",
    "ictg_name",
    "ictg_allocated_on",
)


def _validate(fields: dict) -> None:
    found = nrm.problems(fields, today=timezone.localdate())
    if found:
        raise ValidationError(found)


@transaction.atomic
def nrm_referral_record(*, actor: User, case: Case, request: HttpRequest | None = None, **fields) -> NrmReferral:
    """The case's NRM referral, recorded for the first time."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if NrmReferral.objects.filter(case=case).exists():
        raise ValidationError("This case already has an NRM referral: change it rather than adding another.")
    fields = {name: fields.get(name, NrmReferral._meta.get_field(name).get_default()) for name in NRM_FIELDS}
    _validate(fields)
    referral = NrmReferral.objects.create(case=case, recorded_by=actor, **fields)
    _child_audit(actor, "nrm_referral.create", referral, case, request)
    return referral


@transaction.atomic
def nrm_referral_update(
    *,
    actor: User,
    referral: NrmReferral,
    expected_version: int,
    seen: dict | None,
    request: HttpRequest | None = None,
    **fields,
) -> NrmReferral:
    referral = NrmReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    check_version(referral, expected_version=expected_version, seen=seen)
    unknown = set(fields) - set(NRM_FIELDS)
    if unknown:
        raise ValueError(f"Not NRM referral fields: {sorted(unknown)}")
    _validate({name: fields.get(name, getattr(referral, name)) for name in NRM_FIELDS})
    changed = [name for name, value in fields.items() if getattr(referral, name) != value]
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.version += 1
    referral.updated_at = timezone.now()
    referral.save()
    _child_audit(actor, "nrm_referral.update", referral, referral.case, request, {"fields": changed})
    return referral
