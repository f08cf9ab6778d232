"""Reads shared by the audit pages, the home page and the reports (issue 17)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from meetings.escalation import overdue_cutoff
from met.models import User
from quality.access import rounds_visible_to
from quality.models import (
    AgencyAnswer,
    AuditQuestion,
    AuditRound,
    Finding,
    Grade,
    LearningAction,
    LearningActionStatus,
    QuestionGrade,
    RoundAuditor,
    SampledCase,
)

GRADE_ORDER = [value for value, _ in Grade.choices]


def tool_questions(round_: AuditRound) -> list[AuditQuestion]:
    """The questions of the round's tool version, in the tool's order."""
    return list(AuditQuestion.objects.filter(section__tool_id=round_.tool_id).select_related("section"))


def round_list(user: User) -> QuerySet[AuditRound]:
    """The rounds the user may see, with their counts, in one query."""
    return _with_counts(rounds_visible_to(user).select_related("lead", "lead_agency"))


def _with_counts(rounds: QuerySet[AuditRound]) -> QuerySet[AuditRound]:
    return rounds.annotate(
        cases=Count("sample", distinct=True),
        moderated=Count("sample", filter=Q(sample__moderated_at__isnull=False), distinct=True),
    ).order_by("-starts_on", "-pk")


def round_sample(round_: AuditRound) -> list[SampledCase]:
    return list(
        SampledCase.objects.filter(round=round_)
        .select_related("case__child", "case__lead_agency", "moderated_by")
        .prefetch_related(
            Prefetch("answers", AgencyAnswer.objects.select_related("agency", "auditor")),
            "case__agencies_involved",
        )
    )


def round_auditors(round_: AuditRound) -> list[RoundAuditor]:
    return list(RoundAuditor.objects.filter(round=round_).select_related("user", "agency", "added_by", "removed_by"))


def round_findings(round_: AuditRound) -> list[Finding]:
    return list(
        Finding.objects.filter(round=round_)
        .select_related("recorded_by", "sampled__case")
        .prefetch_related(Prefetch("actions", LearningAction.objects.select_related("owner", "owner_agency")))
    )


def grade_counts(grades: QuerySet[QuestionGrade], by: str) -> dict[str, dict[str, int]]:
    """{row label: {grade: count}} for grades grouped by `by` ("question" or "agency"), in the tool's order."""
    field = {"question": "question__text", "agency": "answer__agency__short_name"}[by]
    order = {"question": ("question__section__order", "question__order"), "agency": ("answer__agency__short_name",)}[by]
    rows: dict[str, dict[str, int]] = {}
    for label, grade, n in (
        grades.values(field, "grade").annotate(n=Count("pk")).order_by(*order).values_list(field, "grade", "n")
    ):
        rows.setdefault(label, dict.fromkeys(GRADE_ORDER, 0))[grade] += n
    return rows


def round_grades(round_: AuditRound) -> dict[str, dict]:
    grades = QuestionGrade.objects.filter(answer__sampled__round=round_)
    return {"by_question": grade_counts(grades, "question"), "by_agency": grade_counts(grades, "agency")}


def my_learning_actions(user: User) -> QuerySet[LearningAction]:
    # One's own actions are always among those one may see (learning_actions_visible_to): asked that
    # way, the home page built the whole visibility rule (2.4 ms, every view) to find the owner's.
    if not user.is_active or not user.has_case_role:
        return LearningAction.objects.none()
    return LearningAction.objects.filter(owner=user, status=LearningActionStatus.OPEN)


def home_panel(user: User) -> dict | None:
    """Rounds the person audits now (or, for coordinators and chairs, every open round) and their open
    learning actions; hidden when there are none."""
    if not user.has_case_role:
        return None
    # The panel shows each round's title, dates and counts, not its lead (round_list reads those).
    rounds = list(_with_counts(rounds_visible_to(user).filter(status="open"))[:5])
    actions = list(my_learning_actions(user)[:5])
    if not rounds and not actions and not user.sees_all_cases:
        return None
    return {"rounds": rounds, "learning_actions": actions, "today": timezone.localdate()}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_figures(start: date, end: date) -> dict:
    """Case audits for a report (issue 17, part 2): grades given in the period by question and by agency,
    final grades agreed in it, and learning actions open and overdue at its end and closed in it."""
    since, until = _moment(start), _moment(end)
    grades = QuestionGrade.objects.filter(answer__updated_at__gte=since, answer__updated_at__lt=until)
    final = dict.fromkeys(GRADE_ORDER, 0)
    for grade, n in (
        SampledCase.objects.filter(moderated_at__gte=since, moderated_at__lt=until)
        .values("final_grade")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("final_grade", "n")
    ):
        final[grade] += n
    open_then = Q(created_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=until))
    # Overdue at the end: open on the period's last day, a working day past its due date (as MEOG actions).
    cutoff = overdue_cutoff(end - timedelta(days=1))
    actions = LearningAction.objects.aggregate(
        open=Count("pk", filter=open_then),
        overdue=Count("pk", filter=open_then & Q(due_date__lt=cutoff)),
        closed=Count("pk", filter=Q(status=LearningActionStatus.DONE, closed_at__gte=since, closed_at__lt=until)),
    )
    return {
        "by_question": grade_counts(grades, "question"),
        "by_agency": grade_counts(grades, "agency"),
        "final": final,
        "learning_actions": actions,
    }
