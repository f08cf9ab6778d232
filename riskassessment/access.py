"""Who may see and change risk assessments: the case decides (cases/access.py), plus the workflow.

Anyone who can see a case can read its assessments and start a draft. A draft can be changed by
its author and by anyone who may change the case. A submitted or confirmed assessment is
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
        if assessment.created_by_id != user.pk and not can_change_case(user, assessment.case):
            raise PermissionDenied("Only the author of this draft, or someone who works on the case, can change it.")
    return assessment


def get_referral_for_user(user, pk: int, *, write: bool = False) -> Referral:
    try:
        referral = Referral.objects.select_related("case__child", "provider").get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None
    get_case_for_user(user, referral.case_id, write=write)
    return referral
