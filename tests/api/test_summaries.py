"""The summaries nested in API rows write their fields out directly (api/serializers/reference.py and
risk.py): what they give is exactly what DRF's own serializing of the same fields gives, and the fields
a serializer builds from its model are built once per class but never shared between two serializers."""

import pytest
from rest_framework import serializers as drf

from api.serializers import (
    AgencySummarySerializer,
    AssessmentSerializer,
    CategorySummarySerializer,
    ToolSummarySerializer,
    UserSummarySerializer,
)
from cases.models import Category
from met.models import Agency, User
from riskassessment.models import ToolVersion

pytestmark = pytest.mark.django_db

SUMMARIES = [
    (AgencySummarySerializer, Agency),
    (UserSummarySerializer, User),
    (CategorySummarySerializer, Category),
    (ToolSummarySerializer, ToolVersion),
]


@pytest.mark.parametrize(("summary", "model"), SUMMARIES, ids=[s.__name__ for s, _ in SUMMARIES])
def test_it_gives_what_drf_gives_for_each_summary(demo_data, summary, model):
    records = list(model.objects.all()[:20])
    assert records

    for record in records:
        written = summary(record).data
        general = drf.ModelSerializer.to_representation(summary(), record)
        assert written == general
        assert list(written) == list(summary().fields)  # the same keys, in the schema's order


def test_it_builds_a_serializers_fields_once_and_gives_each_serializer_its_own(demo_data, monkeypatch):
    from api.serializers import _shared

    monkeypatch.setattr(_shared, "_built_fields", {})
    built = []
    real = drf.ModelSerializer.get_fields
    monkeypatch.setattr(drf.ModelSerializer, "get_fields", lambda self: built.append(type(self)) or real(self))
    first, second = AssessmentSerializer(), AssessmentSerializer()

    assert list(first.fields) == list(second.fields)
    assert built.count(AssessmentSerializer) == 1  # built from the model once, copied for the second
    assert first.fields["created_by"] is not second.fields["created_by"]
    assert first.fields["created_by"].parent is first
    assert second.fields["created_by"].parent is second
