"""Multi-agency case audits (issue 17, part 1; seeds 000 and 001).

An audit round samples cases reproducibly (quality/sampling.py), each auditing agency answers the audit
tool's questions for its own involvement, the round's lead moderates a final grade per case
(quality/moderation.py), and findings of good practice and learning may create learning actions that
remind and escalate like MEOG actions (quality/services.py's sweep, meetings/escalation.py's ladder).
The audit tool is versioned data like SERAF: each round records the version it used.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from meetings.escalation import overdue_cutoff
from met.models import Agency, Area


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class AuditTool(models.Model):
    """One published version of the case audit tool. Never edited once a round has used it."""

    name = models.CharField(max_length=80)
    version = models.CharField(max_length=20)
    description = models.TextField(blank=True)
    is_current = models.BooleanField(default=False)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="quality_tool_name_version_unique"),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="quality_one_current_tool"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class AuditSection(models.Model):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class AuditQuestion(models.Model):
    section = models.ForeignKey(AuditSection, on_delete=models.CASCADE, related_name="questions")
    # Stable across versions, so the reports can compare a question's grades over time.
    code = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section__order", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AuditRound(models.Model):
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=200)
    # The round's duration: auditors see the sampled cases from the first day to the last, inclusive.
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="rounds")
    # How the sample was drawn, kept so that it can be drawn again and checked (quality/sampling.py).
    criteria = models.JSONField(default=dict, blank=True)
    sample_size = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    drawn_case_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether the auditors' case permissions are granted now; the access sweep brings it in step with the dates.
    access_open = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="quality_round_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audit_round_detail", args=[self.pk])

    @property
    def criteria_described(self) -> list[str]:
        """How the sample was chosen, in words for the round's page."""
        labels = {
            "category": "category",
            "risk_level": "risk level",
            "status": "status",
            "closed_from": "closed on or after",
            "closed_to": "closed on or before",
            "references": "only",
        }
        criteria = dict(self.criteria)
        if criteria.get("areas"):  # kept as ids (issue 18), shown by name
            criteria["areas"] = list(Area.objects.filter(pk__in=criteria["areas"]).values_list("name", flat=True))
        return [f"{labels.get(k, k)}: {', '.join(v) if isinstance(v, list) else v}" for k, v in criteria.items()]

    def is_running(self, today) -> bool:
        return self.status == RoundStatus.OPEN and self.starts_on <= today <= self.ends_on


class RoundAuditor(models.Model):
    """An auditor on a round, answering for their own agency. Removed auditors are kept, with when and by whom."""

    round = models.ForeignKey(AuditRound, on_delete=models.PROTECT, related_name="auditors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__short_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"], condition=Q(removed_at__isnull=True), name="quality_auditor_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Auditor {self.user_id} on round {self.round_id}"


class SampledCase(models.Model):
    """A case drawn into a round's sample, and the lead's moderated final grade for it."""

    round = models.ForeignKey(AuditRound, on_delete=models.PROTECT, related_name="sample")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    final_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    final_reasons = models.TextField("reasons", blank=True, max_length=5000)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["round", "case"], name="quality_case_sampled_once")]

    def __str__(self) -> str:
        return f"{self.case} in round {self.round_id}"

    def get_absolute_url(self) -> str:
        return reverse("audit_case_detail", args=[self.round_id, self.case_id])


class AgencyAnswer(models.Model):
    """One agency's audit of its involvement in one sampled case: a grade and evidence per question."""

    sampled = models.ForeignKey(SampledCase, on_delete=models.PROTECT, related_name="answers")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    involvement = models.TextField("your agency's involvement", max_length=5000)
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agency__short_name"]
        constraints = [models.UniqueConstraint(fields=["sampled", "agency"], name="quality_one_answer_per_agency")]

    def __str__(self) -> str:
        return f"Answer of agency {self.agency_id} on {self.sampled_id}"


class QuestionGrade(models.Model):
    answer = models.ForeignKey(AgencyAnswer, on_delete=models.CASCADE, related_name="grades")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    evidence = models.TextField(max_length=5000)

    class Meta:
        ordering = ["question__section__order", "question__order"]
        constraints = [models.UniqueConstraint(fields=["answer", "question"], name="quality_one_grade_per_question")]

    def __str__(self) -> str:
        return f"{self.grade} for question {self.question_id}"


class FindingKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", "Good practice"
    LEARNING = "learning", "Learning"


class Finding(models.Model):
    round = models.ForeignKey(AuditRound, on_delete=models.PROTECT, related_name="findings")
    sampled = models.ForeignKey(SampledCase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=FindingKind.choices)
    text = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} finding {self.pk}"


class LearningActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class LearningAction(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(max_length=3000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=LearningActionStatus.choices, default=LearningActionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(blank=True, max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"Learning action {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("learning_action_detail", args=[self.pk])

    def is_overdue(self, *, cutoff=None) -> bool:
        """Open a working day past its due date, as a MEOG action is (meetings/escalation.overdue_cutoff)."""
        return self.status == LearningActionStatus.OPEN and self.due_date < (cutoff or overdue_cutoff())
