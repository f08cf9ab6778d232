import re
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Upper
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from met.areas import default_area_id
from met.models import Agency


class Category(models.Model):
    """An exploitation category. Rows (with their definitions) are data, loaded by a migration."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    definition = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Identifies in another way"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    # The five broad groups of the 2021 census for England and Wales.
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class Child(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField("known as", max_length=100, blank=True, help_text="Nicknames or other names used.")
    date_of_birth = models.DateField("date of birth", null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN)
    address_district = models.CharField("district", max_length=100, blank=True)
    school = models.CharField(max_length=200, blank=True)
    # Each identifier is optional, and unique when present (NULL, not "", when absent).
    police_number = models.CharField("police identifier", max_length=40, null=True, blank=True, unique=True)
    csc_number = models.CharField("social care identifier", max_length=40, null=True, blank=True, unique=True)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    is_looked_after = models.BooleanField("looked after", default=False)
    placed_out_of_area = models.BooleanField("placed out of area", default=False)
    placed_by_other_authority = models.BooleanField("placed here by another local authority", default=False)
    placing_authority = models.CharField("placing authority", max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Merging duplicate records (issue 16, part 5; cases/merge.py): a merged record is kept, never deleted,
    # and points at the record that was kept; its cases and everything on them moved there (ChildMerge).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_children", editable=False
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every name in one upper-case string, kept by the database, for the child search (cases/views/lists.py):
    # a word is looked for once a child rather than in each of the three names, on one trigram index
    # (PostgreSQL, migration 0018). Counting the first hundred children matching "mar" among 100,000
    # went from 3.5 to 2.4 ms and their page from 1.3 to 0.9 ms (issue 14). A space between the names:
    # the search splits its words on spaces, so no word can match across two names.
    search_name = models.GeneratedField(
        expression=Upper(
            Concat("first_name", Value(" "), "last_name", Value(" "), "known_as", output_field=models.TextField())
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["date_of_birth"]), models.Index(fields=["last_name", "first_name"])]
        constraints = [
            # The last line behind cases.services.placement_problems: the two flags name opposite directions.
            models.CheckConstraint(
                condition=~Q(placed_out_of_area=True, placed_by_other_authority=True),
                name="cases_child_one_placement_direction",
                violation_error_message=(
                    "A child cannot be both placed out of area and placed here by another local authority."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        on = on or timezone.localdate()
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action needed"
    RISK_REDUCED = "risk_reduced", "Risk reduced"
    TRANSFERRED = "transferred", "Moved away or transferred to another area"
    # Turning 18 (issue 16, part 6): the case closes on the 18th birthday (cases/turning_18.py) with this reason.
    ADULT = "adult", "Transferred to adult services"
    DUPLICATE = "duplicate", "Duplicate record"
    OTHER = "other", "Other"


class RiskLevel(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    NONE = "none", "No risk identified"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# A case reference as people type it: "MET-00042", "met42", "42" (ASCII digits only).
CASE_REFERENCE = re.compile(r"^\s*(?:MET-?)?0*(\d{1,12})\s*$", re.IGNORECASE | re.ASCII)


def case_id_from_reference(text: str) -> int | None:
    """The case id a typed reference names (Case.reference reads it back), or None if it is not one."""
    match = CASE_REFERENCE.match(text)
    return int(match.group(1)) if match else None


class Case(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    # The child's responsible area (issue 18): its coordinators and chairs see the case. A move is a
    # recorded transfer, never an edit of this field.
    area = models.ForeignKey(
        "met.Area", on_delete=models.PROTECT, related_name="cases", default=default_area_id, editable=False
    )
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    categories = models.ManyToManyField(Category, blank=True, related_name="cases")
    lead_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="led_cases")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="led_cases"
    )
    agencies_involved = models.ManyToManyField(Agency, blank=True, related_name="involved_cases")
    risk_level = models.CharField(
        "current risk level", max_length=20, choices=RiskLevel.choices, default=RiskLevel.NOT_ASSESSED
    )
    # Set when a risk level is confirmed (riskassessment), from the level's review interval.
    risk_review_due = models.DateField("risk review due", null=True, blank=True, db_index=True)
    voice_of_child = models.TextField(
        "voice of the child", blank=True, max_length=5000, help_text="The child's own words, wishes and feelings."
    )
    is_frequent_missing = models.BooleanField("frequent missing", default=False, editable=False)
    is_restricted = models.BooleanField(
        "restricted", default=False, help_text="Only named people, coordinators and chairs can see a restricted case."
    )
    restricted_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True, max_length=2000)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A child has at most one case that is not closed.
            models.UniqueConstraint(
                fields=["child"], condition=~Q(status="closed"), name="cases_one_live_case_per_child"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "risk_level"]),
            # The case list's order (newest first), so a page is read in order rather than sorted.
            models.Index(fields=["-created_at", "-id"], name="cases_case_newest_first"),
            # Reviews due (open cases, soonest first): without it the planner walked the review-date
            # index past 18,000 closed cases for each page (issue 14). Status leads rather than being a
            # partial index's condition: the page's statement is prepared, and from its sixth run
            # PostgreSQL plans it once for any status, which a partial index for "open" cannot serve
            # (15 ms a page instead of 0.5).
            models.Index(fields=["status", "risk_review_due", "id"], name="cases_case_status_review_due"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"MET-{self.pk:05d}"

    @property
    def is_high_risk(self) -> bool:
        return self.risk_level == RiskLevel.HIGH


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class ConcernOutcome(models.TextChoices):
    CASE_OPENED = "case_opened", "Case opened"
    CASE_CLOSED = "case_closed", "Closed at triage"
    ADDED_TO_CASE = "added_to_case", "Added to the open case"


class Concern(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="concerns")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_logged")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    observed_at = models.DateTimeField("when it happened")
    description = models.TextField("what you saw or were told", max_length=10000)
    # Set when the logger's details matched a child they cannot see: the coordinator checks it at triage.
    possible_duplicate_of = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now, editable=False)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=ConcernOutcome.choices, blank=True)

    class Meta:
        ordering = ["-logged_at"]
        indexes = [
            models.Index(fields=["triaged_at"]),
            # The API lists newest first: without it, a sort of every concern for each page (issue 14).
            models.Index(fields=["-logged_at", "-id"], name="cases_concern_newest_first"),
            # The triage inbox, oldest first, and its count on the coordinator's home page. Without it the
            # planner walked the index above past 150,000 triaged concerns: 154 -> 0.3 ms (issue 14).
            models.Index(
                fields=["logged_at"], condition=models.Q(triaged_at__isnull=True), name="cases_concern_untriaged"
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk} on {self.case}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    # None: written by MET Hub itself (the closure on the 18th birthday, cases/services/turning_18.py).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=10000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.case}"


class EpisodeKind(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent (whereabouts known or not at risk)"


class MissingEpisode(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField(max_length=20, choices=EpisodeKind.choices, default=EpisodeKind.MISSING)
    went_missing_at = models.DateTimeField("went missing at")
    returned_at = models.DateTimeField("returned at", null=True, blank=True)
    reported_to_police = models.BooleanField(default=False)
    police_reference = models.CharField(max_length=40, blank=True)
    where_found = models.CharField(max_length=300, blank=True)
    rhi_offered_at = models.DateTimeField("return home interview offered at", null=True, blank=True)
    rhi_completed_at = models.DateTimeField("return home interview completed at", null=True, blank=True)
    rhi_by = models.CharField("interview carried out by", max_length=200, blank=True)
    rhi_declined = models.BooleanField("child declined the interview", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-went_missing_at"]
        indexes = [
            models.Index(fields=["case", "went_missing_at"]),
            models.Index(fields=["returned_at"]),
            # The API lists newest first: 64 ms to sort 300,000 episodes for each page without it (issue 14).
            models.Index(fields=["-went_missing_at", "-id"], name="cases_episode_newest_first"),
            # Returns still waiting for an interview (cases.missing.overdue_rhi_filter): a count on every
            # home page and the dashboard, 41 -> 3 ms at 300,000 episodes (issue 14).
            models.Index(
                fields=["returned_at", "case"],
                condition=models.Q(kind="missing", rhi_completed_at__isnull=True, rhi_declined=False),
                name="cases_episode_rhi_awaited",
            ),
        ]

    def __str__(self) -> str:
        return f"Missing episode {self.pk} on {self.case}"


# --- documents on a case (issue 16, part 3) -------------------------------------------------------


class DocumentKind(models.TextChoices):
    REFERRAL = "referral", "Referral form"
    MEETING_NOTES = "meeting_notes", "Strategy or meeting notes"
    PHOTOGRAPH = "photograph", "Photograph"
    REPORT = "report", "Report or assessment"
    OTHER = "other", "Other"


class CaseDocument(models.Model):
    """A file held on a case. The bytes live in the "documents" storage under a random name; the name
    the uploader's computer gave it is kept only to describe it. Archived, never deleted (DESIGN §8)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    description = models.TextField(max_length=2000, blank=True)
    original_name = models.CharField("file name when uploaded", max_length=255, blank=True, editable=False)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )
    archive_reason = models.TextField(max_length=2000, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="cases_document_case_newest")]

    def __str__(self) -> str:
        return f"Document {self.pk} on {self.case}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


# --- safety plans (issue 16, part 1) --------------------------------------------------------------


class PlanAgreedAt(models.TextChoices):
    MEOG = "meog", "At a MEOG meeting"
    OUTSIDE = "outside", "Outside a MEOG (for example at a strategy meeting or a visit)"


class SafetyPlan(models.Model):
    """One version of a case's safety plan (seed 003: "ensure risk/safety plans are agreed ... and recorded
    in police/CSC systems"). A revision adds a version and leaves the earlier ones as they were: exactly
    one version per case is current (cases/safety_plan.py reads only that one)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_plans")
    number = models.PositiveIntegerField("version", editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    agreed_on = models.DateField("date agreed")
    agreed_at = models.CharField("where it was agreed", max_length=20, choices=PlanAgreedAt.choices)
    meeting_note = models.CharField(
        "which meeting", max_length=200, blank=True, help_text="For example the MEOG of 3 December 2026."
    )
    review_date = models.DateField("review date")
    child_views = models.TextField("the child's views", max_length=5000, blank=True)
    carers_views = models.TextField("the parents' or carers' views", max_length=5000, blank=True)
    police_reference = models.CharField("recorded on the police system (reference)", max_length=60, blank=True)
    csc_reference = models.CharField("recorded on the CSC system (reference)", max_length=60, blank=True)
    change_note = models.CharField("what changed and why", max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="cases_safetyplan_one_number_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="cases_safetyplan_one_current_per_case"
            ),
            models.CheckConstraint(
                condition=Q(review_date__gte=models.F("agreed_on")),
                name="cases_safetyplan_review_after_agreed",
                violation_error_message="The review date cannot be before the date the plan was agreed.",
            ),
        ]
        indexes = [
            # The flag's filter (cases.safety_plan.flagged_cases): the current plan of a case, and its review date.
            models.Index(fields=["case", "review_date"], condition=Q(is_current=True), name="cases_safetyplan_current"),
        ]

    def __str__(self) -> str:
        return f"Safety plan version {self.number} on {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("safety_plan_detail", args=[self.case_id]) + f"?version={self.number}"


class SafetyPlanMeasure(models.Model):
    """An agreed measure of one plan version: what, who (person and agency), by when."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="measures")
    order = models.PositiveSmallIntegerField(default=0)
    what = models.TextField("what will be done", max_length=2000)
    who = models.CharField("who (person)", max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="agency")
    by_when = models.DateField("by when")

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"Measure {self.order} of {self.plan}"


# --- turning 18: transition plans (issue 16, part 6) ----------------------------------------------


class AdultServicesOutcome(models.TextChoices):
    AWAITED = "awaited", "Awaiting a decision"
    ACCEPTED = "accepted", "Accepted by adult services"
    NOT_ELIGIBLE = "not_eligible", "Not accepted (does not meet adult services' criteria)"


class TransitionPlan(models.Model):
    """One version of a case's plan for the hand-over at 18 (seed 002; rule: cases/turning_18.py): the referral
    to adult services, the leaving-care team and personal adviser of a looked-after child, who is responsible.
    Versioned like SafetyPlan: a change adds a version and keeps the earlier ones; one version is current."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transition_plans")
    number = models.PositiveIntegerField("version", editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    agreed_on = models.DateField("date agreed")
    responsible = models.CharField("who is responsible for the hand-over", max_length=200)
    responsible_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name="their agency"
    )
    adult_team = models.CharField("adult services team", max_length=200, blank=True)
    adult_referred_on = models.DateField("date referred to adult services", null=True, blank=True)
    adult_reference = models.CharField("adult services reference", max_length=60, blank=True)
    adult_outcome = models.CharField(
        "adult services decision", max_length=20, choices=AdultServicesOutcome.choices, blank=True
    )
    leaving_care_team = models.CharField("leaving-care team", max_length=200, blank=True)
    personal_adviser = models.CharField("personal adviser", max_length=200, blank=True)
    notes = models.TextField("notes", max_length=5000, blank=True)
    change_note = models.CharField("what changed and why", max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="cases_transitionplan_one_number_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="cases_transitionplan_one_current_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Transition plan version {self.number} on {self.case}"


# --- National Referral Mechanism (issue 16, part 2) -----------------------------------------------


class NrmOutcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class NrmReferral(models.Model):
    """A case's referral into the National Referral Mechanism and the Competent Authority's decisions
    (seed 002: "Ensure use of National Referral Mechanism for trafficking"). Target times: cases/nrm.py."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="nrm_referral")
    referred_on = models.DateField("referral date")
    first_responder = models.CharField("first responder organisation", max_length=200)
    reference = models.CharField("NRM reference", max_length=60, blank=True)
    rg_decided_on = models.DateField("reasonable grounds decision date", null=True, blank=True)
    rg_outcome = models.CharField("reasonable grounds decision", max_length=10, choices=NrmOutcome.choices, blank=True)
    cg_decided_on = models.DateField("conclusive grounds decision date", null=True, blank=True)
    cg_outcome = models.CharField("conclusive grounds decision", max_length=10, choices=NrmOutcome.choices, blank=True)
    ictg_allocated = models.BooleanField("Independent Child Trafficking Guardian allocated", default=False)
    ictg_name = models.CharField("guardian's name or service", max_length=200, blank=True)
    ictg_allocated_on = models.DateField("guardian allocated on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "NRM referral"
        indexes = [
            # Reports count referrals and decisions by date; "RG overdue" looks for referrals still waiting.
            models.Index(fields=["referred_on"]),
            models.Index(fields=["rg_decided_on"]),
            models.Index(fields=["cg_decided_on"]),
        ]

    def __str__(self) -> str:
        return f"NRM referral on {self.case}"


# --- merging duplicate children (issue 16, part 5) --------------------------------------------------


class ChildMerge(models.Model):
    """One merge of a duplicate child's record into the record kept (cases/merge.py, cases/services/merge.py).

    `moved` says exactly which rows were re-pointed from the duplicate to the survivor, by what moved them
    ("cases.case.child", "cases.concern.possible_duplicate_of", or a mover registered by an app above cases)
    and their ids: reversing the merge points exactly those rows back. `carried` lists, for the record, the
    rows that went along because they hang off the moved cases (concerns, episodes, assessments, actions,
    documents...), by model label. A reversed merge stays, with who reversed it, when and why."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    duplicate = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_absorbed")
    reason = models.TextField("why these records are the same child", max_length=2000)
    moved = models.JSONField(default=dict, editable=False)
    carried = models.JSONField(default=dict, editable=False)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    merged_at = models.DateTimeField(default=timezone.now, editable=False)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reversed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reverse_reason = models.TextField("why the merge was reversed", max_length=2000, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=models.F("duplicate")),
                name="cases_childmerge_not_itself",
                violation_error_message="A record cannot be merged into itself.",
            ),
            # A record is merged into one other at a time: merging it again needs the first merge reversed.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=Q(reversed_at__isnull=True),
                name="cases_childmerge_one_live_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge {self.pk}: child {self.duplicate_id} into {self.survivor_id}"

    def get_absolute_url(self) -> str:
        return reverse("child_merge_detail", args=[self.pk])

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


# --- areas: children placed across a border, cases moving home (issue 18, part 2) ------------------


class Placement(models.Model):
    """A child placed in another area than the one responsible for their case (seed 003: "placed out
    of county or placed by other Local Authorities"). While it lasts the host area's coordinators and
    chairs see what they need of the case (cases/placements.py), and the responsible area hears of
    what happens there."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="placements")
    host_area = models.ForeignKey("met.Area", on_delete=models.PROTECT, related_name="placements_hosted")
    reason = models.TextField("why the child is placed there", max_length=2000)
    address_note = models.CharField("placement (type or provider, not the address)", max_length=200, blank=True)
    placed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-placed_on", "-pk"]
        indexes = [models.Index(fields=["host_area", "ended_on"], name="cases_placement_host_live")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ended_on__isnull=True), name="cases_one_live_placement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} placed in {self.host_area}"

    @property
    def is_live(self) -> bool:
        return self.ended_on is None


class CaseTransfer(models.Model):
    """A case moved to another responsible area (the child moved home): recorded, never an edit, so
    the history says where it was and who moved it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_area = models.ForeignKey("met.Area", on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey("met.Area", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=2000)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-transferred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_area} → {self.to_area}"
