"""Error bodies, for the schema (api/exceptions.py builds them)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
