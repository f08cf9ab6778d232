"""Who may see and change risk assessments: the case decides (cases/access.py), plus the workflow.

Anyone who can see a case can read its assessments; starting or changing a draft needs change
permission on the case (a view-only user gets 403, DESIGN §3), so an author whose agency is no
longer involved cannot go on editing their draft. A submitted or confirmed assessment is
read-only for everyone; only coordinators and chairs confirm.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.access import can_change_case, get_case_for_user
from riskassessment.models import Assessment, AssessmentStatus, Referral


def get_assessment_for_user(user, pk: int, *, write: bool = False) -> Assessment:
    try:
        assessment = Assessment.objects.select_related(
            "tool", "case__child", "created_by", "confirmed_by", "submitted_by"
        ).get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None
    get_case_for_user(user, assessment.case_id)
    if write:
        if assessment.status != AssessmentStatus.DRAFT:
            raise PermissionDenied(
                "This assessment has been submitted and can no longer be changed. Start a new one to update it."
            )
        if not can_change_case(user, assessment.case):
            raise PermissionDenied("You can see this case but not change it, so you cannot change its assessments.")
    return assessment


def get_referral_for_user(user, pk: int, *, write: bool = False) -> Referral:
    try:
        referral = Referral.objects.select_related("case__child", "provider").get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None
    get_case_for_user(user, referral.case_id, write=write)
    return referral
