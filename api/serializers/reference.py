"""Reference data and the person's own things: agencies, users, categories, who you are, notifications."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers._shared import ModelSerializer
from cases.models import Category
from met.models import Agency, Notification, Role, User

# The summaries of related records nested in every row of a list write their few fields out directly:
# through DRF's general machinery (a field object, its source and its checks for each value) they were a
# third of serializing a page of assessments (issue 14). What they give is held to what DRF would give
# (tests/api/test_summaries.py); the fields still describe them in the schema.


class AgencySummarySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind"]

    def to_representation(self, agency: Agency) -> dict:
        return {"id": agency.pk, "name": agency.name, "short_name": agency.short_name, "kind": agency.kind}


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind", "is_active", "is_statutory"]


class UserSummarySerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "agency"]

    def to_representation(self, user: User) -> dict:
        return {"id": user.pk, "full_name": user.full_name, "agency": user.agency_id}


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "definition"]


class CategorySummarySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name"]

    def to_representation(self, category: Category) -> dict:
        return {"code": category.code, "name": category.name}


class MeSerializer(ModelSerializer):
    agency = AgencySummarySerializer()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "job_title", "agency", "roles"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user: User) -> list[str]:
        return [role.value for role in user.roles]


# --- notifications ----------------------------------------------------------------------------


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "reason", "link", "created_at", "read_at"]


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many notifications were unread and are now read.")
