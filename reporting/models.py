from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class ReportKind(models.TextChoices):
    MACE_MONTHLY = "mace_monthly", "Monthly MACE report"
    LSCB_QUARTERLY = "lscb_quarterly", "LSCB quarterly report"
    LSCB_HALF_YEAR = "lscb_half_year", "LSCB six-monthly report"


class ReportStatus(models.TextChoices):
    BUILDING = "building", "Building"
    FAILED = "failed", "Build failed"
    DRAFT = "draft", "Ready for the chair's commentary"
    FINAL = "final", "Finalised"


# A build takes seconds; one still "building" after this long was lost (a worker died, or the broker
# was down when it was queued) and is treated as failed, so the chair can try again.
BUILD_TIMEOUT = timedelta(minutes=15)


class Report(models.Model):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    # The local area reported on (issue 18); none for the strategic group's report of every area, an
    # LSCB report only (the monthly MACE report names cases, for its own area's chair).
    area = models.ForeignKey(
        "met.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="Leave empty for the strategic group's report of every area.",
    )
    period_start = models.DateField()
    period_end = models.DateField(help_text="The last day of the period.")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.BUILDING)
    # The measures as built (reporting/metrics.py), frozen with the report.
    data = models.JSONField(default=dict, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    good_practice = models.TextField(blank=True, max_length=10000)
    themes_narrative = models.TextField("themes and trends", blank=True, max_length=10000)
    stuck_cases_narrative = models.TextField("stuck cases", blank=True, max_length=10000)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    build_started_at = models.DateTimeField(default=timezone.now)
    build_error = models.CharField(max_length=500, blank=True)
    # Re-issue: a finalised report found wrong is never changed. A new issue for the same period
    # replaces it, saying why; the old one keeps its PDF and hash and points to its replacement.
    issue = models.PositiveSmallIntegerField(default=1)
    reissue_reason = models.TextField("reason for re-issuing", blank=True, max_length=2000)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        ordering = ["-period_start", "kind", "-issue"]
        constraints = [
            # Per area, and once for every area (no area): NULLs not distinct.
            models.UniqueConstraint(
                fields=["kind", "period_start", "area"],
                condition=Q(superseded_at__isnull=True),
                nulls_distinct=False,
                name="reporting_one_current_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start", "area", "issue"],
                nulls_distinct=False,
                name="reporting_one_issue_number",
            ),
        ]

    def __str__(self) -> str:
        issue = f" (issue {self.issue})" if self.issue > 1 else ""
        return f"{self.get_kind_display()}{self.area_suffix} {self.period_label}{issue}"

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])

    @property
    def is_strategic(self) -> bool:
        """The strategic group's report of every area, with a breakdown by area."""
        return self.area_id is None

    @property
    def area_suffix(self) -> str:
        """Which area, said only where there are several: a single-area installation's titles are as before."""
        from met.areas import all_area_ids

        if self.area_id is not None and len(all_area_ids()) < 2:
            return ""
        return " for every area" if self.area_id is None else f" for {self.area.name}"

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.MACE_MONTHLY:
            return f"{self.period_start:%B %Y}"
        return f"{self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"

    @property
    def is_final(self) -> bool:
        return self.status == ReportStatus.FINAL

    @property
    def is_lscb(self) -> bool:
        return self.kind != ReportKind.MACE_MONTHLY

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def is_reissue(self) -> bool:
        return self.issue > 1

    @property
    def build_stalled(self) -> bool:
        return self.status == ReportStatus.BUILDING and self.build_started_at < timezone.now() - BUILD_TIMEOUT

    @property
    def may_retry(self) -> bool:
        return self.status == ReportStatus.FAILED or self.build_stalled


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class StrategicGroup(models.Model):
    """The MET strategic group that keeps the action plan (seed 001): its chair and deputy chair,
    appointed annually by the LSCB and named here by a system admin, and the date of its next
    6-monthly review of the plan. One row (`current()`)."""

    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="strategic chair",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deputy_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="deputy chair",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    next_review_on = models.DateField("next review of the plan", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return "MET strategic group"

    @classmethod
    def current(cls) -> "StrategicGroup":
        return cls.objects.select_related("chair", "deputy_chair").get_or_create(pk=1)[0]

    def officer_ids(self) -> set[int]:
        """The people who keep the plan: the chair and the deputy chair."""
        return {pk for pk in (self.chair_id, self.deputy_chair_id) if pk is not None}


class Retirable(models.Model):
    """Priorities and actions are retired, never deleted: the plan's history keeps them."""

    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    retired_reason = models.TextField("reason for retiring", blank=True, max_length=2000)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Priority(Retirable):
    """A priority of the strategic MET action plan (seed 002 lists five)."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    # Issue 18: a priority of one local area's plan, or (none) of the plan every area shares.
    area = models.ForeignKey(
        "met.Area",
        verbose_name="area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave empty for a priority every area shares.",
    )
    lead = models.CharField("lead (as the plan words it)", max_length=200, blank=True)
    lead_agency = models.ForeignKey(
        "met.Agency", verbose_name="lead agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="named lead",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class PlanAction(Retirable):
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    ref = models.CharField(max_length=10, unique=True)
    # The action's number within its priority (3 in "1.3"), so that 1.10 comes after 1.9.
    seq = models.PositiveSmallIntegerField(default=0, editable=False)
    what = models.TextField("what are we going to do", max_length=5000)
    how = models.TextField("how are we going to do it", blank=True, max_length=10000)
    who = models.CharField("who is going to do it", max_length=300, blank=True)
    when = models.CharField("when are we going to do it", max_length=200, blank=True)
    difference = models.TextField("what difference will it make", blank=True, max_length=10000)
    agencies = models.ManyToManyField("met.Agency", verbose_name="owning agencies", blank=True, related_name="+")
    lead_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="named lead",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField("due date", null=True, blank=True)

    class Meta:
        ordering = ["priority__number", "seq", "ref"]

    def __str__(self) -> str:
        return f"{self.ref} {self.what[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("plan_action", args=[self.pk])

    @property
    def in_plan(self) -> bool:
        """Neither the action nor its priority retired: it is rated and counted in the plan's summary."""
        return not (self.is_retired or self.priority.is_retired)


class PlanChangeKind(models.TextChoices):
    CREATED = "created", "Added"
    EDITED = "edited", "Edited"
    RETIRED = "retired", "Retired"


class PlanChange(models.Model):
    """One change to a priority or an action of the plan: who, when, and each field's value before and
    after, so that nothing the group wrote is lost when it is rewritten."""

    priority = models.ForeignKey(Priority, null=True, blank=True, on_delete=models.PROTECT, related_name="changes")
    action = models.ForeignKey(PlanAction, null=True, blank=True, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=PlanChangeKind.choices)
    # [[field label, before, after], ...] as shown to people.
    fields = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__isnull=True, action__isnull=False)
                | Q(priority__isnull=False, action__isnull=True),
                name="reporting_planchange_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.action or self.priority} at {self.changed_at:%Y-%m-%d %H:%M}"


class PlanReview(models.Model):
    """A 6-monthly review of the plan by the strategic group, as recorded."""

    held_on = models.DateField("date of the review")
    due_on = models.DateField("date it was due", null=True, blank=True)
    notes = models.TextField(max_length=10000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Review of the plan on {self.held_on}"


class RagUpdate(models.Model):
    """A dated progress rating; the history is kept, the latest is the current rating."""

    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="updates")
    rating = models.CharField(max_length=10, choices=Rag.choices)
    commentary = models.TextField(max_length=5000)
    dated = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dated", "-pk"]

    def __str__(self) -> str:
        return f"{self.action.ref}: {self.rating} on {self.dated}"
