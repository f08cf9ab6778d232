"""SERAF tools and risk assessments."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from api.serializers._shared import VERSION_HELP, ModelSerializer
from api.serializers.reference import UserSummarySerializer
from riskassessment.models import Assessment, Indicator, ScoreBand, Section, ToolVersion


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

    def to_representation(self, tool: ToolVersion) -> dict:
        # Written out as the summaries in reference.py are.
        return {"id": tool.pk, "name": tool.name, "version": tool.version, "is_current": tool.is_current}


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
