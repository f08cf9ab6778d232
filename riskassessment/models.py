from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, RiskLevel


class ToolVersion(models.Model):
    """One published version of the risk tool (SERAF v1, later perhaps CERAF). Never edited once used."""

    name = models.CharField(max_length=60)
    version = models.CharField(max_length=20)
    description = models.TextField(blank=True)
    # The evidence windows, in months before the assessment date.
    current_months = models.PositiveSmallIntegerField(default=6)
    previous_months = models.PositiveSmallIntegerField(default=12)
    is_current = models.BooleanField(default=False)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="ra_tool_name_version_unique"),
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="ra_one_current_tool"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class IndicatorKind(models.TextChoices):
    VULNERABILITY = "vulnerability", "Vulnerability"
    MODERATE = "moderate", "Moderate risk indicator"
    SIGNIFICANT = "significant", "Significant risk indicator"


class Section(models.Model):
    tool = models.ForeignKey(ToolVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="indicators")
    # Stable across versions, so a new assessment can start from the answers of an older one.
    code = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=IndicatorKind.choices)
    # The points rule: points when seen within `current_months`, and (for significant indicators)
    # when seen between `current_months` and `previous_months`. Untimed indicators score when present.
    points_current = models.PositiveSmallIntegerField(default=1)
    points_previous = models.PositiveSmallIntegerField(default=0)
    time_limited = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section__order", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def asks_previous(self) -> bool:
        return self.points_previous > 0


class ScoreBand(models.Model):
    tool = models.ForeignKey(ToolVersion, on_delete=models.CASCADE, related_name="bands")
    min_score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank for the top band.")
    category = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    suggested_level = models.CharField(max_length=20, choices=RiskLevel.choices)

    class Meta:
        ordering = ["min_score"]

    def __str__(self) -> str:
        return f"Category {self.category}: {self.label}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CONFIRMED = "confirmed", "Confirmed"


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    tool = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    assessment_date = models.DateField(default=timezone.localdate)
    summary = models.TextField("summary of the assessment", blank=True, max_length=5000)
    # Always recomputed on the server from the answers (riskassessment/scoring.py).
    score = models.PositiveSmallIntegerField(default=0)
    category = models.PositiveSmallIntegerField(null=True, blank=True)
    category_label = models.CharField(max_length=60, blank=True)
    suggested_level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    confirmed_level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    override_reason = models.TextField("professional judgement", blank=True, max_length=3000)
    review_due = models.DateField(null=True, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["status", "confirmed_at"]),
            models.Index(fields=["-created_at", "-id"], name="riskassess_newest_first"),  # the API's order
        ]

    def __str__(self) -> str:
        return f"{self.tool} assessment {self.pk} on {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("assessment_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=False)
    evidence = models.TextField(blank=True, max_length=3000)
    last_seen = models.DateField(null=True, blank=True)
    previous_seen = models.DateField(null=True, blank=True)
    points = models.PositiveSmallIntegerField(default=0)
    out_of_date = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="ra_one_answer_per_indicator")]

    def __str__(self) -> str:
        return f"Answer to indicator {self.indicator_id} in assessment {self.assessment_id}"


class Direction(models.TextChoices):
    UP = "up", "Up"
    DOWN = "down", "Down"
    SAME = "same", "Same"


class RiskHistory(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_history")
    from_level = models.CharField(max_length=20, choices=RiskLevel.choices)
    to_level = models.CharField(max_length=20, choices=RiskLevel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name_plural = "risk history"

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_level} → {self.to_level}"


class ReviewInterval(models.Model):
    """How soon a confirmed level must be reviewed. Data, so a system admin can change it."""

    level = models.CharField(max_length=20, choices=RiskLevel.choices, unique=True)
    weeks = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.get_level_display()}: every {self.weeks} weeks"


class ProviderLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    HIGH_POST_EVENT = "high_post_event", "High, after an event"


class Provider(models.Model):
    """An intervention provider and the risk levels it takes (seed 003's mapping is data)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    levels = models.JSONField(default=list, help_text="The risk levels this provider takes.")
    is_active = models.BooleanField(default=True)
    # Each local area has its own providers (issue 18); none named means a service for every area.
    areas = models.ManyToManyField(
        "met.Area", blank=True, related_name="providers", help_text="Leave empty for a provider serving every area."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def serves(self, area_id: int | None) -> bool:
        """Whether the provider works in the area; `_area_ids` is set where providers are kept (services)."""
        ids = getattr(self, "_area_ids", None)
        if ids is None:
            ids = [a.pk for a in self.areas.all()]
        return not ids or area_id in ids

    def takes(self, level: str) -> bool:
        return level in self.levels or (level == ProviderLevel.HIGH and ProviderLevel.HIGH_POST_EVENT in self.levels)


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined by the provider"
    REFUSED = "refused", "Refused by the child or family"
    COMPLETED = "completed", "Work completed"
    # Set only by the meeting withdrawing the referral decision (meetings.services.decision_withdraw).
    WITHDRAWN = "withdrawn", "Withdrawn by the meeting"


class Referral(models.Model):  # noqa: DJ008 - shown through its provider and date
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    referred_on = models.DateField(default=timezone.localdate)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING)
    outcome_note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-pk"]
