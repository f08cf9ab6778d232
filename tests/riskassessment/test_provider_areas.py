"""Intervention providers per area (issue 18, part 1): each area suggests and takes referrals for its own
providers, and those serving every area."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Case
from met.models import Area
from riskassessment import services
from riskassessment.models import Provider
from tests.cases import COORDINATOR, make_case, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(demo_data):
    first, second = Area.objects.get(), Area.objects.create(name="Portsmouth", short_name="Pompey")
    Provider.objects.create(name="Everywhere Project", levels=["high"])
    south = Provider.objects.create(name="South Project", levels=["high"])
    south.areas.set([first])
    north = Provider.objects.create(name="North Project", levels=["high"])
    north.areas.set([second])
    return first, second


def names(providers) -> set[str]:
    return {p.name for p in providers}


def test_it_suggests_the_areas_own_providers_and_those_serving_every_area(areas):
    first, second = areas

    assert names(services.suggested_providers("high", first.pk)) >= {"Everywhere Project", "South Project"}
    assert "North Project" not in names(services.suggested_providers("high", first.pk))
    assert "South Project" not in names(services.suggested_providers("high", second.pk))


def test_it_forgets_the_kept_list_when_a_providers_areas_change(areas):
    first, _ = areas
    assert "North Project" not in names(services.suggested_providers("high", first.pk))

    Provider.objects.get(name="North Project").areas.add(first)

    assert "North Project" in names(services.suggested_providers("high", first.pk))


def test_it_refuses_a_referral_to_a_provider_of_another_area_and_records_nothing(areas):
    first, _ = areas
    case = make_case()
    Case.objects.filter(pk=case.pk).update(area=first)
    north = Provider.objects.get(name="North Project")

    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            actor=user(COORDINATOR), case=case, provider=north, referred_on=timezone.localdate() - timedelta(days=1)
        )

    assert refused.value.message_dict == {"provider": ["This provider does not work in the child's area."]}
    assert not case.referrals.exists()
