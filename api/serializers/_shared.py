"""What the API serializers share: the base serializer with bounded fields, versions and snapshots."""

from django.db import models
from rest_framework import serializers

from api import fields
from cases.forms import CaseEditForm
from cases.services import EPISODE_FIELDS

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
