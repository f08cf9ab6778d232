"""Who may see and change which audit round, sampled case and learning action (issue 17).

- Coordinators and chairs see every round of their own areas (issue 18): one they lead, or whose
  sample holds a case of their areas (a round started by someone of some areas only is drawn from
  those, quality/sampling.py); with one area, every round, as before. The round's lead and chairs run it:
  add and remove auditors, moderate, record findings and learning actions, close it. Nobody else, so
  nobody can make themselves an auditor.
- An auditor sees the round and its sampled cases only while it runs (from its start date to its end
  date, inclusive, and until it is closed), and nothing else: no other case, no list or count beyond the
  sample. After the round a former auditor sees nothing of it.
- A restricted case stays hidden from auditors not named on it.
- A learning action is seen by whoever sees its round and by its owner; its owner and the round's
  runners complete it.
A round, case or action the user may not see is a 404; one they may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.access import may_see_restricted
from met.access import require_case_role
from met.areas import area_ids, covers_all_areas
from met.models import Reminder, User
from quality.models import AuditRound, LearningAction, RoundAuditor, RoundStatus, SampledCase


def running(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status=RoundStatus.OPEN, starts_on__lte=today, ends_on__gte=today)


def may_run(user: User, round_: AuditRound) -> bool:
    return user.is_active and (round_.lead_id == user.pk or user.is_chair)


def may_start_rounds(user: User) -> bool:
    return user.is_active and user.sees_all_cases


def active_auditor(user: User, round_: AuditRound, today=None) -> RoundAuditor | None:
    """The user's place on the round while it runs, or None."""
    if not user.is_active or not round_.is_running(today or timezone.localdate()):
        return None
    return (
        RoundAuditor.objects.filter(round=round_, user=user, removed_at__isnull=True).select_related("agency").first()
    )


def rounds_visible_to(user: User) -> QuerySet[AuditRound]:
    if not user.is_active or not user.has_case_role:
        return AuditRound.objects.none()
    mine = RoundAuditor.objects.filter(round=OuterRef("pk"), user=user, removed_at__isnull=True)
    if user.sees_all_cases:
        if covers_all_areas(user):
            return AuditRound.objects.all()
        of_my_areas = SampledCase.objects.filter(round=OuterRef("pk"), case__area__in=sorted(area_ids(user)))
        return AuditRound.objects.filter(Q(lead=user) | Exists(of_my_areas) | (running() & Exists(mine)))
    return AuditRound.objects.filter(running(), Exists(mine))


def get_round_for_user(user: User, pk: int, *, run: bool = False) -> AuditRound:
    require_case_role(user)
    try:
        round_ = rounds_visible_to(user).select_related("lead", "lead_agency", "tool").get(pk=pk)
    except AuditRound.DoesNotExist:
        raise Http404("No such audit round.") from None
    if run and not may_run(user, round_):
        raise PermissionDenied("Only the round's lead or a chair can do this.")
    return round_


def get_sampled_for_user(user: User, round_: AuditRound, case_pk: int) -> SampledCase:
    """A case of the round's sample; any other case, even one the user sees elsewhere, is a 404 here."""
    try:
        sampled = SampledCase.objects.select_related("case__child", "case__lead_agency").get(
            round=round_, case_id=case_pk
        )
    except SampledCase.DoesNotExist:
        raise Http404("That case is not in this round's sample.") from None
    if not sees_sampled_case(user, sampled.case, auditing=lambda: active_auditor(user, round_)):
        raise Http404("That case is not in this round's sample.")
    return sampled


def sees_sampled_case(user: User, case, *, auditing) -> bool:
    """Whether a sampled case shows to the user: not a restricted one they are not named on, nor, for a
    coordinator or chair of some areas only, another area's child unless they audit the round
    (issue 18). `auditing`: the user's place on the round, or a callable giving it (read only if needed)."""
    if not may_see_restricted(user, case):
        return False
    if not user.sees_all_cases or covers_all_areas(user) or case.area_id in area_ids(user):
        return True
    return (auditing() if callable(auditing) else auditing) is not None


def require_auditor(user: User, round_: AuditRound) -> RoundAuditor:
    found = active_auditor(user, round_)
    if found is None:
        raise PermissionDenied("Only the round's auditors grade cases, each for their own agency.")
    return found


def learning_actions_visible_to(user: User) -> QuerySet[LearningAction]:
    if not user.is_active or not user.has_case_role:
        return LearningAction.objects.none()
    if user.sees_all_cases and covers_all_areas(user):
        return LearningAction.objects.all()
    # The managers and senior contacts an overdue action was escalated to follow its link to it.
    told = Reminder.objects.filter(kind="learning_action", recipient=user).values("object_id")
    return LearningAction.objects.filter(Q(owner=user) | Q(finding__round__in=rounds_visible_to(user)) | Q(pk__in=told))


def get_learning_action_for_user(user: User, pk: int, *, write: bool = False) -> LearningAction:
    require_case_role(user)
    try:
        action = (
            learning_actions_visible_to(user)
            .select_related("owner", "owner_agency", "finding__round", "created_by", "closed_by")
            .get(pk=pk)
        )
    except LearningAction.DoesNotExist:
        raise Http404("No such learning action.") from None
    if write and not (action.owner_id == user.pk or may_run(user, action.finding.round)):
        raise PermissionDenied("Only the action's owner, the round's lead or a chair can complete it.")
    return action
