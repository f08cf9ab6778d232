"""What the cases pages share."""

from cases.models import Case
from met.audit import audit

PAGE_SIZE = 25


def _audit_view(request, case: Case, page: str) -> None:
    audit(
        actor=request.user, action="case.view", obj=case, child_id=case.child_id, request=request, detail={"page": page}
    )
