"""What the API serializers share: the base serializer with bounded fields, versions and snapshots."""

import copy

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


# Serializer class -> its fields as ModelSerializer.get_fields builds them, before they are bound.
_built_fields: dict[type, dict] = {}


class ModelSerializer(serializers.ModelSerializer):
    """Dates from the model are checked for a plausible year (api/fields.py).

    The fields are built from the model once per class and copied for each serializer, as DRF copies
    declared fields: building them from the model's metadata again on every request was a tenth of an API
    list page (issue 14). They depend on the class alone (Meta and declared fields), never on a request."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: fields.DateField,
        models.DateTimeField: fields.DateTimeField,
    }

    def get_fields(self):
        cls = type(self)
        if cls not in _built_fields:
            _built_fields[cls] = super().get_fields()
        return copy.deepcopy(_built_fields[cls])
