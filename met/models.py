from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, Group, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone


class AgencyKind(models.TextChoices):
    CSC = "csc", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_OFFENDING = "yos", "Youth offending"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    SUBSTANCE_MISUSE = "substance", "Substance misuse"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    RHI_SERVICE = "rhi", "Return home interview service"
    VOLUNTARY = "voluntary", "Voluntary organisation"
    OTHER = "other", "Other"


# A MEOG meeting is quorate only when each of these kinds is present (DESIGN §1, §5).
STATUTORY_KINDS = frozenset({AgencyKind.CSC, AgencyKind.POLICE, AgencyKind.HEALTH})


class Area(models.Model):
    """A local area with its own MEOG, coordinators, chairs and reports (issue 18): a council's
    footprint, such as Southampton or Portsmouth. A single-area installation has the one area the
    first migration made, and looks exactly as it did before areas existed."""

    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=40, unique=True, help_text="Shown in lists, e.g. “Soton”.")
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, unique=True, help_text="Shown in lists and reports, for example “CSC” or “Police”."
    )
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    is_active = models.BooleanField("active", default=True)
    # Every member belongs to this group, so that involving an agency in a case can grant
    # object permissions to the whole agency at once (django-guardian group permissions).
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    senior_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Receives escalations when a line manager has no manager of their own.",
    )
    # A council's children's services belong to one area; police, health trusts and charities often
    # span several. Members act only in these (User.areas is a subset).
    areas = models.ManyToManyField(Area, related_name="agencies", help_text="The areas this agency works in.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agency_detail", args=[self.pk])

    @property
    def is_statutory(self) -> bool:
        return self.kind in STATUTORY_KINDS


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    COORDINATOR = "coordinator", "Coordinator"
    CHAIR = "chair", "Chair"
    AGENCY_ADMIN = "agency_admin", "Agency admin"
    SYSTEM_ADMIN = "system_admin", "System admin"


ROLE_HELP = {
    Role.PRACTITIONER: "Logs concerns, missing episodes and risk assessments; completes their actions.",
    Role.COORDINATOR: "Triages concerns, runs the weekly MEOG agenda, records actions and sends feedback.",
    Role.CHAIR: "Chairs MEOG, confirms risk levels, signs off minutes and finalises reports.",
    Role.AGENCY_ADMIN: "Manages their own agency's accounts. Sees no case content through this role.",
    Role.SYSTEM_ADMIN: "Manages agencies and settings. Sees no case content through this role.",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_system_admin", True)
        if "agency" not in fields and "agency_id" in fields:
            fields["agency"] = Agency.objects.get(pk=fields.pop("agency_id"))
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    # Where this person acts, when narrower than their agency (a police chair of one area's MEOG): none
    # means all of the agency's areas. Only ever within the agency's; set by a system admin (never an
    # agency admin: that would widen a coordinator's sight), audited.
    areas = models.ManyToManyField(
        Area, related_name="members", blank=True, help_text="Leave empty for every area the agency works in."
    )
    line_manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")

    # A user may hold several roles; one boolean each keeps role checks free of queries.
    is_practitioner = models.BooleanField("practitioner", default=False)
    is_coordinator = models.BooleanField("coordinator", default=False)
    is_chair = models.BooleanField("chair", default=False)
    is_agency_admin = models.BooleanField("agency admin", default=False)
    is_system_admin = models.BooleanField("system admin", default=False)

    is_active = models.BooleanField(
        "active", default=True, help_text="Leavers are deactivated, never deleted, so their records keep an owner."
    )
    # Django admin access; not a MET Hub role.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "agency"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("user_detail", args=[self.pk])

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # What display_name reads: a list that reads only some of a person's columns names these.
    DISPLAY_NAME_FIELDS = ("full_name", "email", "is_active")

    @property
    def display_name(self) -> str:
        """The name to show beside work they own: a leaver is marked, so nobody waits on them (issue 20)."""
        name = self.full_name or self.email
        return name if self.is_active else f"{name} (left)"

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if getattr(self, f"is_{role.value}")]

    def has_role(self, *roles: Role) -> bool:
        return any(getattr(self, f"is_{role.value}") for role in roles)

    @property
    def sees_all_cases(self) -> bool:
        return self.is_coordinator or self.is_chair

    @property
    def has_case_role(self) -> bool:
        return self.is_practitioner or self.is_coordinator or self.is_chair


class AuditEvent(models.Model):
    """Who did what to which record, when and from where.

    Rows are only ever inserted: the application offers no way to change or delete them,
    and on PostgreSQL a trigger refuses UPDATE and DELETE outright.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    # Set on every event that touches a child, so "who accessed this child's record" is one query.
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    via_api = models.BooleanField(default=False)
    # Ids and field names only: free text about a child is never copied in here.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class Notification(models.Model):
    """An in-app message, also emailed. Says why the person got it and links to the record."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    subject = models.CharField(max_length=200)
    # Written by the system, never copied from free text about a child: emails leave the service.
    body = models.TextField()
    reason = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class EmailKind(models.TextChoices):
    NOTIFICATION = "notification", "Notification"
    INVITATION = "invitation", "Invitation"
    MESSAGE = "message", "Message"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class OutboxEmail(models.Model):
    """An e-mail to send, written in the same transaction as the record it is about.

    A worker sends it once that transaction commits; when the broker is down, or sending fails, or a
    worker dies mid-send, the periodic sweep (met.outbox.deliver_due) sends it later. Whoever
    sends first claims the row with a conditional UPDATE, so each e-mail goes out once.
    """

    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Only a notification's e-mail has one: its text comes from the notification when it is sent.
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="email"
    )
    # Who sent an invitation. Its link holds a password-setting token, so it is made when the e-mail
    # is sent and never stored.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A message's text, fixed when it was written (blank for the other kinds).
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not before then: the next retry after a failure, or the end of a sender's lease on the row, so that
    # a worker killed mid-send leaves the e-mail to be retried once the lease runs out.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The exception's class only: messages can quote addresses or text.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="met_outbox_pending_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} e-mail #{self.pk} to {self.recipient_id} ({self.status})"


class NonWorkingDay(models.Model):
    """A one-off day off for everyone (say, an extra bank holiday), added by a system admin."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class Reminder(models.Model):
    """One reminder or escalation, sent once. The unique key is what makes every sweep idempotent:
    a retried, duplicated or concurrent sweep that tries to send the same thing again finds the row."""

    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    # The step within a kind: escalation level "1"/"2", or the date a review fell due.
    key = models.CharField(max_length=40, default="")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders")
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "key", "recipient"], name="met_reminder_once"
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}#{self.object_id} {self.key} → {self.recipient_id}"
