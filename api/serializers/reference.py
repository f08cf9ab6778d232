"""Reference data and the person's own things: agencies, users, categories, who you are, notifications."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers._shared import ModelSerializer
from cases.models import Category
from met.models import Agency, Notification, Role, User


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


# --- notifications ----------------------------------------------------------------------------


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "reason", "link", "created_at", "read_at"]


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many notifications were unread and are now read.")
