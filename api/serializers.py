"""What the API sends and accepts. Serializers check the shape of input; the services judge it.

Responses and requests are separate serializers where they differ, so the schema shows clients
exactly what to send. Nested objects are small summaries: a client follows the id for the rest.
"""

from django.core import signing
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from cases.forms import CHILD_FIELDS, FLAG_CHOICES, CaseEditForm
from cases.missing import RHIStatus, episode_rhi_state
from cases.models import Case, Category, Child, Concern, MissingEpisode
from cases.services import EPISODE_FIELDS
from meetings.models import Action, AgendaItem, Attendance, Decision, Meeting
from met.concurrency import snapshot
from met.models import Agency, Notification, Role, User
from riskassessment.models import Assessment, Indicator, ScoreBand, Section, ToolVersion

SNAPSHOT_SALT = "api.snapshot"
VERSION_HELP = (
    "The version you read. Required, here or as an If-Match header; a stale one gets 409 (412 with If-Match)."
)
SNAPSHOT_HELP = (
    "Opaque. Send it back with a change to be told exactly what someone else changed if your copy is out of date."
)
CASE_SNAPSHOT_FIELDS = CaseEditForm.snapshot_fields
EPISODE_SNAPSHOT_FIELDS = list(EPISODE_FIELDS)


class ModelSerializer(serializers.ModelSerializer):
    """Dates from the model are checked for a plausible year (api/fields.py)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: fields.DateField,
        models.DateTimeField: fields.DateTimeField,
    }


# --- errors (for the schema; api/exceptions.py builds them) ------------------------------------


@extend_schema_field({"type": "object", "additionalProperties": True})
class FieldErrorsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words to show a person.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. not_found, permission_denied.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = FieldErrorsField(
        help_text="The messages for each field, as {field: [messages]} (nested like the request for nested input); "
        "errors about the request as a whole are under non_field_errors."
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    was = serializers.CharField(help_text="The value when you read the record.")
    now = serializers.CharField(help_text="The value someone else saved since.")


class StaleErrorSerializer(ErrorSerializer):
    changes = ChangeSerializer(
        many=True,
        help_text="What someone else changed since you read the record: listed when you sent back its snapshot.",
    )
    current_version = serializers.IntegerField()
    current = serializers.DictField(help_text="The record as it is now, as its GET returns it.")


# --- reference data ---------------------------------------------------------------------------


class AgencySummarySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind"]


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind", "is_active", "is_statutory"]


class UserSummarySerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "agency"]


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "definition"]


class CategorySummarySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name"]


class MeSerializer(ModelSerializer):
    agency = AgencySummarySerializer()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "job_title", "agency", "roles"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user: User) -> list[str]:
        return [role.value for role in user.roles]


# --- children ---------------------------------------------------------------------------------


class ChildInCaseSerializer(ModelSerializer):
    age = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", *CHILD_FIELDS, "age", "created_at", "version"]

    def get_age(self, child: Child) -> int | None:
        return child.age()


class ChildSerializer(ChildInCaseSerializer):
    cases = serializers.SerializerMethodField(help_text="The child's cases that you can see.")

    class Meta(ChildInCaseSerializer.Meta):
        fields = [*ChildInCaseSerializer.Meta.fields, "cases"]

    def get_cases(self, child: Child) -> list[int]:
        return [case.pk for case in child.visible_cases]


class ChildInputSerializer(ModelSerializer):
    """A child new to MET Hub. Identifiers are checked by the service, which can point to the existing child."""

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        extra_kwargs = {name: {"validators": []} for name in ("police_number", "csc_number", "nhs_number")}


# --- cases ------------------------------------------------------------------------------------


def sign_snapshot(instance: models.Model, names: list[str]) -> str:
    return signing.dumps(snapshot(instance, names), salt=SNAPSHOT_SALT)


def read_snapshot(value: str | None) -> dict | None:
    if not value:
        return None
    try:
        return signing.loads(value, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        raise serializers.ValidationError(
            {"snapshot": ["This snapshot was not made by MET Hub, or was changed: send it back as you received it."]}
        ) from None


class CaseSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)
    child = ChildInCaseSerializer()
    categories = CategorySummarySerializer(many=True)
    lead_agency = AgencySummarySerializer(allow_null=True)
    lead_professional = UserSummarySerializer(allow_null=True)
    agencies_involved = AgencySummarySerializer(many=True)
    restricted_to = UserSummarySerializer(
        many=True, help_text="On a restricted case, the people besides coordinators and chairs who may see it."
    )
    flags = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "status",
            "child",
            "categories",
            "risk_level",
            "risk_review_due",
            "lead_agency",
            "lead_professional",
            "agencies_involved",
            "is_restricted",
            "restricted_to",
            "flags",
            "voice_of_child",
            "closure_reason",
            "closure_note",
            "opened_at",
            "closed_at",
            "created_at",
            "version",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=FLAG_CHOICES)))
    def get_flags(self, case: Case) -> list[str]:
        child = case.child
        present = {
            "frequent_missing": case.is_frequent_missing,
            "high_risk": case.is_high_risk,
            "placed_out_of_area": child.placed_out_of_area,
            "placed_here": child.placed_by_other_authority,
            "restricted": case.is_restricted,
        }
        return [code for code, _ in FLAG_CHOICES if present[code]]


class CaseDetailSerializer(CaseSerializer):
    snapshot = serializers.SerializerMethodField(help_text=SNAPSHOT_HELP)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "snapshot"]

    def get_snapshot(self, case: Case) -> str:
        return sign_snapshot(case, CASE_SNAPSHOT_FIELDS)


class VersionedInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0, help_text=VERSION_HELP)
    snapshot = serializers.CharField(
        required=False, allow_blank=True, help_text="The snapshot you read, to be told what changed on a conflict."
    )


def _practitioners():
    return User.objects.filter(is_active=True, is_practitioner=True)


class CaseUpdateSerializer(VersionedInputSerializer):
    """Practitioners who work on the case may change the voice of the child; coordinators and chairs the rest."""

    voice_of_child = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    lead_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), required=False, allow_null=True
    )
    lead_professional = serializers.PrimaryKeyRelatedField(
        queryset=_practitioners(), required=False, allow_null=True, help_text="Must work for the lead agency."
    )
    agencies_involved = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), many=True, required=False
    )
    categories = fields.SlugRelatedField(slug_field="code", queryset=Category.objects.all(), many=True, required=False)
    is_restricted = serializers.BooleanField(required=False)
    restricted_to = serializers.PrimaryKeyRelatedField(queryset=_practitioners(), many=True, required=False)


# --- concerns ---------------------------------------------------------------------------------


class ConcernSerializer(ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    child = serializers.IntegerField(source="case.child_id", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source_agency = AgencySummarySerializer()
    logged_by = UserSummarySerializer()

    class Meta:
        model = Concern
        fields = [
            "id",
            "case",
            "case_reference",
            "child",
            "category",
            "observed_at",
            "description",
            "source_agency",
            "logged_by",
            "logged_at",
            "triaged_at",
            "outcome",
        ]


class ConcernCreateSerializer(serializers.Serializer):
    """Either `case` (a case you can see: the concern is about its child) or `new_child`, not both."""

    case = fields.IdField(required=False)
    new_child = ChildInputSerializer(required=False)
    confirm_new_child = serializers.BooleanField(
        default=False,
        help_text="After a 409 listing possible duplicates: true to say this really is a different child.",
    )
    category = fields.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    observed_at = fields.DateTimeField(help_text="When it happened: your best estimate if you are not sure.")
    description = serializers.CharField(max_length=10000, help_text="What you saw or were told. Facts first.")

    def validate(self, data):
        if ("case" in data) == ("new_child" in data):
            raise serializers.ValidationError(
                "Say who the concern is about: give either “case” (an existing case) or “new_child”, not both."
            )
        return data


class DuplicateChildSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="The child's case: log the concern against it if this is them.")
    reference = serializers.CharField()
    child = ChildInCaseSerializer()


class PossibleDuplicateSerializer(ErrorSerializer):
    candidates = DuplicateChildSerializer(many=True)


# --- missing episodes -------------------------------------------------------------------------


class RhiSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(RHIStatus.LABELS.items()))
    label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="72 hours after the child's return.")


class MissingEpisodeSerializer(ModelSerializer):
    rhi = serializers.SerializerMethodField(help_text="Where the return home interview stands now.")
    recorded_by = UserSummarySerializer()

    class Meta:
        model = MissingEpisode
        fields = ["id", "case", *EPISODE_FIELDS, "rhi", "recorded_by", "recorded_at", "version"]

    @extend_schema_field(RhiSerializer)
    def get_rhi(self, episode: MissingEpisode) -> dict:
        state = episode_rhi_state(episode, now=self.context.get("now") or timezone.now())
        due_at = serializers.DateTimeField().to_representation(state.due_at) if state.due_at else None
        return {"status": state.status, "label": state.label, "due_at": due_at}


class MissingEpisodeDetailSerializer(MissingEpisodeSerializer):
    snapshot = serializers.SerializerMethodField(help_text=SNAPSHOT_HELP)

    class Meta(MissingEpisodeSerializer.Meta):
        fields = [*MissingEpisodeSerializer.Meta.fields, "snapshot"]

    def get_snapshot(self, episode: MissingEpisode) -> str:
        return sign_snapshot(episode, EPISODE_SNAPSHOT_FIELDS)


class MissingEpisodeCreateSerializer(ModelSerializer):
    case = fields.IdField(help_text="A case you work on.")

    class Meta:
        model = MissingEpisode
        fields = ["case", *EPISODE_FIELDS]


class MissingEpisodeUpdateSerializer(VersionedInputSerializer, ModelSerializer):
    class Meta:
        model = MissingEpisode
        fields = [*EPISODE_FIELDS, "version", "snapshot"]
        extra_kwargs = {name: {"required": False} for name in EPISODE_FIELDS}


# --- risk assessments -------------------------------------------------------------------------


class IndicatorSerializer(ModelSerializer):
    asks_previous = serializers.BooleanField(read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "text", "kind", "points_current", "points_previous", "time_limited", "asks_previous"]


class SectionSerializer(ModelSerializer):
    indicators = IndicatorSerializer(many=True)

    class Meta:
        model = Section
        fields = ["title", "guidance", "indicators"]


class ScoreBandSerializer(ModelSerializer):
    class Meta:
        model = ScoreBand
        fields = ["min_score", "max_score", "category", "label", "suggested_level"]


class ToolSummarySerializer(ModelSerializer):
    class Meta:
        model = ToolVersion
        fields = ["id", "name", "version", "is_current"]


class ToolSerializer(ModelSerializer):
    sections = SectionSerializer(many=True)
    bands = ScoreBandSerializer(many=True)

    class Meta:
        model = ToolVersion
        fields = [
            "id",
            "name",
            "version",
            "description",
            "current_months",
            "previous_months",
            "is_current",
            "published_at",
            "sections",
            "bands",
        ]


class AnswerSerializer(serializers.Serializer):
    present = serializers.BooleanField()
    evidence = serializers.CharField(allow_blank=True)
    last_seen = serializers.DateField(allow_null=True)
    previous_seen = serializers.DateField(allow_null=True)
    points = serializers.IntegerField(help_text="Scored on the server from the tool version's rules.")
    out_of_date = serializers.BooleanField(help_text="Ticked, but last seen too long ago to score.")


class AnswerInputSerializer(serializers.Serializer):
    present = serializers.BooleanField(default=False)
    evidence = serializers.CharField(default="", allow_blank=True, max_length=3000)
    last_seen = fields.DateField(required=False, allow_null=True, default=None)
    previous_seen = fields.DateField(
        required=False, allow_null=True, default=None, help_text="For significant indicators: 6 to 12 months before."
    )


class AssessmentSerializer(ModelSerializer):
    tool = ToolSummarySerializer()
    created_by = UserSummarySerializer()
    submitted_by = UserSummarySerializer(allow_null=True)
    confirmed_by = UserSummarySerializer(allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "tool",
            "status",
            "assessment_date",
            "summary",
            "score",
            "category",
            "category_label",
            "suggested_level",
            "confirmed_level",
            "override_reason",
            "review_due",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "confirmed_by",
            "confirmed_at",
            "version",
        ]


class AssessmentDetailSerializer(AssessmentSerializer):
    answers = serializers.SerializerMethodField(
        help_text="The answers given, by indicator code (see the risk tool); indicators not listed are unanswered."
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers"]

    @extend_schema_field(serializers.DictField(child=AnswerSerializer()))
    def get_answers(self, assessment: Assessment) -> dict:
        return {
            answer.indicator.code: AnswerSerializer(answer).data
            for answer in sorted(assessment.answers.all(), key=lambda a: (a.indicator.section.order, a.indicator.order))
        }


class AssessmentInputSerializer(serializers.Serializer):
    assessment_date = fields.DateField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    answers = serializers.DictField(
        child=AnswerInputSerializer(),
        required=False,
        help_text="Answers by indicator code. Each one replaces that indicator's answer; indicators left out keep theirs.",
    )


class AssessmentCreateSerializer(AssessmentInputSerializer):
    case = fields.IdField(help_text="A case you can see. The draft starts as a copy of its last assessment.")


class AssessmentUpdateSerializer(AssessmentInputSerializer):
    version = serializers.IntegerField(required=False, min_value=0, help_text=VERSION_HELP)


# --- meetings ---------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "10:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day in UK local time, as hours and minutes."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingSerializer(ModelSerializer):
    chair = UserSummarySerializer()
    starts_at = LocalTimeField(read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "date", "starts_at", "chair", "location", "online_link", "status", "signed_off_at", "version"]


class AttendanceSerializer(ModelSerializer):
    user = UserSummarySerializer()
    agency = AgencySummarySerializer()

    class Meta:
        model = Attendance
        fields = ["user", "agency", "status", "accepted_statement_at"]


class ChildNameSerializer(ModelSerializer):
    class Meta:
        model = Child
        fields = ["id", "first_name", "last_name", "known_as"]


class AgendaCaseSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)
    child = ChildNameSerializer()

    class Meta:
        model = Case
        fields = ["id", "reference", "child", "risk_level"]


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DecisionSerializer(ModelSerializer):
    recorded_by = UserSummarySerializer()

    class Meta:
        model = Decision
        fields = ["id", "kind", "text", "case", "recorded_by", "recorded_at"]


class AgendaItemSerializer(ModelSerializer):
    section_label = serializers.CharField(source="get_section_display", read_only=True)
    case = AgendaCaseSerializer(allow_null=True)
    place = NamedSerializer(allow_null=True)
    person = NamedSerializer(allow_null=True)
    decisions = DecisionSerializer(many=True)
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "section",
            "section_label",
            "order",
            "case",
            "place",
            "person",
            "reason",
            "discussion",
            "removed_at",
            "removed_reason",
            "decisions",
            "actions",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(many=True)
    quorate = serializers.SerializerMethodField(help_text="CSC, Health and Police each present.")
    child_details_visible = serializers.SerializerMethodField(
        help_text="False until you accept the meeting's confidentiality statement (POST …/accept-statement/): "
        "until then the agenda (items) is withheld."
    )
    items = serializers.SerializerMethodField(
        help_text="The agenda, with decisions; null until child details are visible."
    )

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "confidentiality_statement",
            "quorum_exception_reason",
            "attendances",
            "quorate",
            "child_details_visible",
            "items",
        ]

    def get_quorate(self, meeting: Meeting) -> bool:
        from meetings.quorum import is_quorate

        return is_quorate(a.agency.kind for a in meeting.attendances.all() if a.status == "present")

    def get_child_details_visible(self, meeting: Meeting) -> bool:
        return self.context["child_details_visible"]

    @extend_schema_field(AgendaItemSerializer(many=True, allow_null=True))
    def get_items(self, meeting: Meeting) -> list | None:
        items = self.context.get("items")
        return None if items is None else AgendaItemSerializer(items, many=True).data


# --- actions ----------------------------------------------------------------------------------


class ActionSerializer(ModelSerializer):
    case_reference = serializers.SerializerMethodField()
    owner = UserSummarySerializer()
    owner_agency = AgencySummarySerializer()
    completed_by = UserSummarySerializer(allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "case",
            "case_reference",
            "meeting",
            "item",
            "description",
            "owner",
            "owner_agency",
            "due_date",
            "status",
            "is_overdue",
            "completion_note",
            "completed_at",
            "completed_by",
            "cancel_reason",
            "created_at",
            "version",
        ]

    def get_case_reference(self, action: Action) -> str | None:
        return action.case.reference if action.case_id else None

    def get_is_overdue(self, action: Action) -> bool:
        return action.is_overdue(cutoff=self.context.get("overdue_cutoff"))


class ActionCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What was done.")


# --- notifications ----------------------------------------------------------------------------


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "reason", "link", "created_at", "read_at"]


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many notifications were unread and are now read.")
