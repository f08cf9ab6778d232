from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from meetings.escalation import overdue_cutoff
from met.areas import default_area_id
from met.models import Agency

DEFAULT_CONFIDENTIALITY_STATEMENT = (
    "Information about children shared at this meeting is confidential. It is shared only to keep "
    "children safe, under the agencies' information-sharing agreements. I will not pass it on except "
    "to record it on my agency's systems or to act on it for the child's safety, and I will keep any "
    "notes or printed papers secure and destroy them when no longer needed."
)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    SIGNED_OFF = "signed_off", "Minutes signed off"


class Meeting(models.Model):
    # Each area runs its own MEOG (issue 18).
    area = models.ForeignKey(
        "met.Area", on_delete=models.PROTECT, related_name="meetings", default=default_area_id, editable=False
    )
    date = models.DateField()
    starts_at = models.TimeField("start time", default="10:00")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_chaired")
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online meeting link", blank=True)
    confidentiality_statement = models.TextField(default=DEFAULT_CONFIDENTIALITY_STATEMENT)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    quorum_exception_reason = models.TextField(blank=True)
    quorum_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-starts_at"]
        # One meeting per slot in each area (issue 18): two areas' MEOGs may meet at the same time.
        constraints = [
            models.UniqueConstraint(fields=["area", "date", "starts_at"], name="meetings_one_meeting_per_area_slot")
        ]

    def __str__(self) -> str:
        return f"MEOG {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])

    @property
    def is_signed_off(self) -> bool:
        return self.status == MeetingStatus.SIGNED_OFF


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    INVITED = "invited", "Invited"


class AttendanceScope(models.TextChoices):
    """The core panel attends the whole meeting; a professional working with a child is invited for that
    child's item only, at a time slot, and sees nothing else of the meeting's children."""

    MEETING = "meeting", "The whole meeting"
    ITEMS = "items", "Their invited items only"


class StatementMethod(models.TextChoices):
    ACCOUNT = "account", "Accepted in MET Hub"
    ON_DEVICE = "on_device", "Accepted on the coordinator's device"
    SIGNED = "signed", "Signed the paper statement"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    # The agency they represented that day, kept even if they later move agency.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)
    scope = models.CharField(max_length=10, choices=AttendanceScope.choices, default=AttendanceScope.MEETING)
    accepted_statement_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


class Guest(models.Model):
    """A meeting attendee without an account (DESIGN §2): a housing or placement provider, a Street
    Pastor... recorded in the minutes. They cannot sign in, so they accept the confidentiality statement
    on the coordinator's device, or the coordinator records that they signed the paper one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)
    scope = models.CharField(max_length=10, choices=AttendanceScope.choices, default=AttendanceScope.MEETING)
    accepted_statement_at = models.DateTimeField(null=True, blank=True)
    statement_method = models.CharField(max_length=20, choices=StatementMethod.choices, blank=True)
    statement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Section(models.IntegerChoices):
    NEW_CONCERNS = 1, "New concerns and screenings"
    RISK_CHANGES = 2, "Changes in risk"
    HIGH_RISK = 3, "High-risk cases"
    MISSING = 4, "Frequent missing and overdue return home interviews"
    PLACEMENTS = 5, "Children placed out of area or placed here"
    ACTIONS = 6, "Actions from previous meetings"
    REVIEWS = 7, "Cases due for risk review"
    INTELLIGENCE = 8, "Places and persons of concern"


class AgendaItem(models.Model):
    """One child (or place or person) on one meeting's agenda, with every reason it is there.

    `reasons` holds what the data says (refreshed by each rebuild, meetings/agenda.py), `manual_reason`
    what the coordinator said when adding it by hand; the item sits in the section of its most urgent
    reason. `order_pinned` marks an item the coordinator moved: a rebuild keeps it where it was put and
    sorts the rest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    section = models.PositiveSmallIntegerField(choices=Section.choices)
    # What the item is about: a case, or a place or person of concern.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items")
    place = models.ForeignKey(
        "PlaceOfConcern", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    person = models.ForeignKey(
        "PersonOfConcern", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    reason = models.TextField(help_text="Why it is on the agenda: every reason, most urgent first.")
    # [{"section": 3, "text": "high risk"}, ...], one entry per section the data puts the item in.
    reasons = models.JSONField(default=list, blank=True)
    manual_reason = models.TextField(blank=True, max_length=500)
    manual_section = models.PositiveSmallIntegerField(choices=Section.choices, null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    order_pinned = models.BooleanField(default=False)
    # When the professionals invited for this item join (issue 20): the running order keeps to it.
    slot = models.TimeField("time slot", null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)
    discussion = models.TextField("discussion summary", blank=True, max_length=5000)
    # Confirmed by the chair at sign-off: the item was not reached, so it is carried to the next agenda
    # and its child is owed no feedback from this meeting.
    not_discussed_at = models.DateTimeField(null=True, blank=True)
    not_discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], condition=Q(case__isnull=False), name="meetings_item_once_per_case"
            ),
            models.UniqueConstraint(
                fields=["meeting", "place"], condition=Q(place__isnull=False), name="meetings_item_once_per_place"
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=Q(person__isnull=False), name="meetings_item_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.case_id:
            return self.case.child.full_name
        if self.place_id:
            return self.place.name
        if self.person_id:
            return self.person.name
        return "Item"

    @property
    def is_manual(self) -> bool:
        return self.added_by_id is not None


class ItemInvitation(models.Model):
    """A professional (with an account, or a guest) invited to one agenda item: they see, accept the
    statement for and get in their pack only the items they are invited to. Withdrawn, never deleted."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="item_invitations"
    )
    guest = models.ForeignKey(Guest, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, guest__isnull=True) | Q(user__isnull=True, guest__isnull=False),
                name="meetings_invitation_of_one_person",
            ),
            models.UniqueConstraint(
                fields=["item", "user"], condition=Q(user__isnull=False), name="meetings_invite_user_once"
            ),
            models.UniqueConstraint(
                fields=["item", "guest"], condition=Q(guest__isnull=False), name="meetings_invite_guest_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.item_id}"

    @property
    def invitee_label(self) -> str:
        if self.user_id:
            return f"{self.user.full_name} ({self.user.agency.short_name})"
        return f"{self.guest.name} ({self.guest.organisation})"


class DecisionKind(models.TextChoices):
    RISK_CONFIRMED = "risk_confirmed", "Risk level confirmed"
    REFERRAL = "referral", "Referral to an intervention"
    CASE_CLOSED = "case_closed", "Case closed"
    OTHER = "other", "Other decision"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    text = models.TextField(max_length=3000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # A referral decision: the referral it made, and why, when the provider does not take the child's
    # confirmed risk level (the level -> provider mapping is riskassessment.Provider.levels).
    referral = models.ForeignKey(
        "riskassessment.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    mismatch_reason = models.TextField(blank=True, max_length=2000)
    # A decision is withdrawn with a reason, never deleted: it stays in the minutes, marked.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: date | None = None) -> "ActionQuerySet":
        return self.filter(status=ActionStatus.OPEN, due_date__lt=overdue_cutoff(today))


class Action(models.Model):
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField("what needs doing", max_length=2000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completion_note = models.TextField(blank=True, max_length=2000)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # With the id, the actions lists' whole order (due date, then id): without it the planner
            # preferred the index below and stepped over 67,000 done actions for each page (issue 14).
            models.Index(fields=["status", "due_date", "id"], name="meetings_action_status_due"),
            models.Index(fields=["owner", "status"]),
            # The API lists every action by due date: a sort of 100,000 rows for each page without it.
            models.Index(fields=["due_date", "id"], name="meetings_action_due_order"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return reverse("action_detail", args=[self.pk])

    def is_overdue(self, today: date | None = None, *, cutoff: date | None = None) -> bool:
        """As Action.objects.overdue(); pass `cutoff` (overdue_cutoff()) when checking many at once."""
        return self.status == ActionStatus.OPEN and self.due_date < (cutoff or overdue_cutoff(today))


class Addendum(models.Model):
    """A correction to signed-off minutes: the minutes stay as signed, the correction sits beside them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(max_length=3000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to {self.meeting}"


# --- intelligence registers -------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    ADDRESS = "address", "Address"
    VENUE = "venue", "Venue"
    PARK = "park", "Park or open space"
    HOTEL = "hotel", "Hotel"
    TAKEAWAY = "takeaway", "Takeaway"
    ONLINE = "online", "Online platform"
    OTHER = "other", "Other"


class PlaceOfConcern(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    address = models.CharField("address or online handle", max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cases = models.ManyToManyField(Case, through="PlaceLink", related_name="places")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "places of concern"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("place_detail", args=[self.pk])


class PersonOfConcern(models.Model):
    name = models.CharField("name or alias", max_length=200)
    aliases = models.CharField("other names", max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=3000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cases = models.ManyToManyField(Case, through="PersonLink", related_name="persons")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "persons of concern"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.pk])


class PlaceLink(models.Model):
    place = models.ForeignKey(PlaceOfConcern, on_delete=models.PROTECT, related_name="links")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="place_links")
    note = models.CharField(max_length=300, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "case"], name="meetings_place_link_once")]

    def __str__(self) -> str:
        return f"{self.place} – {self.case}"


class PersonLink(models.Model):
    person = models.ForeignKey(PersonOfConcern, on_delete=models.PROTECT, related_name="links")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="person_links")
    note = models.CharField(max_length=300, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "case"], name="meetings_person_link_once")]

    def __str__(self) -> str:
        return f"{self.person} – {self.case}"


class DisruptionActivity(models.Model):
    place = models.ForeignKey(
        PlaceOfConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="disruptions"
    )
    person = models.ForeignKey(
        PersonOfConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="disruptions"
    )
    what = models.TextField(max_length=2000)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="Who carried it out.")
    happened_on = models.DateField("when")
    outcome = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name_plural = "disruption activities"
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=False, person__isnull=True) | Q(place__isnull=True, person__isnull=False),
                name="meetings_disruption_about_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.what[:60]


class FeedbackMethod(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Phone call"
    IN_PERSON = "in_person", "In person"
    APP_EMAIL = "app_email", "Email sent from MET Hub"


class Feedback(models.Model):
    """Feedback to a case's lead professional after a meeting, due 2 working days after it (seed 003)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="feedback")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="feedback")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20, choices=FeedbackMethod.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meetings_feedback_once_per_case")]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"Feedback on {self.case} after {self.meeting}"
