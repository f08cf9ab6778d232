"""The active intervention providers are kept a few minutes for the case page, and a change shows at once."""

import pytest

from riskassessment.models import Provider
from riskassessment.services import suggested_providers
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_ours():
    Provider.objects.all().delete()  # whatever a migration seeded


def test_it_reads_the_providers_once_while_none_changes(django_assert_num_queries):
    ProviderFactory(name="Aurora Youth Project", levels=["high"])
    # The providers and (issue 18) the areas each works in: two queries, once.
    with django_assert_num_queries(2):
        first = suggested_providers("high")
        again = suggested_providers("high")
    assert [p.name for p in first] == [p.name for p in again] == ["Aurora Youth Project"]


def test_it_offers_a_new_provider_and_drops_a_retired_one_at_once():
    kept = ProviderFactory(name="Aurora Youth Project", levels=["high"])
    assert [p.name for p in suggested_providers("high")] == ["Aurora Youth Project"]

    ProviderFactory(name="Beacon Mentoring", levels=["high"])
    assert [p.name for p in suggested_providers("high")] == ["Aurora Youth Project", "Beacon Mentoring"]

    kept.is_active = False
    kept.save()
    assert [p.name for p in suggested_providers("high")] == ["Beacon Mentoring"]
