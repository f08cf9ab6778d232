"""What the cases pages share."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from cases.models import Case
from cases.services._versions import CONFLICT
from met.audit import audit
from met.views.editing import apply_service_error

PAGE_SIZE = 25


def _audit_view(request, case: Case, page: str) -> None:
    audit(
        actor=request.user, action="case.view", obj=case, child_id=case.child_id, request=request, detail={"page": page}
    )


def save_version(request, form, save, *, what: str, kept: str):
    """Record a new version of a plan kept as versions (cases/services/_versions.py) through `save()`. Saved: a
    message, and (the version, 200). Refused: the reason on the form, and (None, 409 when someone recorded a
    newer version meanwhile, else 400)."""
    try:
        plan = save()
    except ValidationError as error:
        apply_service_error(form, error)
        return None, 409 if getattr(error, "code", None) == CONFLICT else 400
    messages.success(request, f"{what} version {plan.number} recorded." + (f" {kept}" if plan.number > 1 else ""))
    return plan, 200
