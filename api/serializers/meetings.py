"""Meetings, their agenda and decisions, and actions."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers._shared import (
    ModelSerializer,
)
from api.serializers.reference import AgencySummarySerializer, UserSummarySerializer
from cases.models import Case, Child
from meetings.models import Action, AgendaItem, Attendance, Decision, Meeting


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
        fields = [
            "id",
            "kind",
            "text",
            "case",
            "recorded_by",
            "recorded_at",
            "mismatch_reason",
            "withdrawn_at",
            "withdrawn_reason",
        ]


class AgendaItemSerializer(ModelSerializer):
    section_label = serializers.CharField(source="get_section_display", read_only=True)
    case = AgendaCaseSerializer(allow_null=True)
    place = NamedSerializer(allow_null=True)
    person = NamedSerializer(allow_null=True)
    decisions = DecisionSerializer(many=True)
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    slot = LocalTimeField(
        read_only=True, allow_null=True, help_text="When the professionals invited for the item join."
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "section",
            "section_label",
            "order",
            "slot",
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
        from meetings.quorum import is_quorate, present_kinds

        return is_quorate(present_kinds(meeting.attendances.all()))

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
