"""The concerns list names a concern's case only to those who may see that case (cases.access.case_seen_column)."""

import pytest
from django.utils import timezone

from cases.models import Category
from tests.api.world import CHAIR, COORDINATOR, HEALTH, POLICE, SCHOOL
from tests.cases import user
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_by_school(world):
    """A concern the school logged that joined "seen", a case nobody from Education may see (as when
    the coordinator finds the school's new child was a child already known)."""
    school = user(SCHOOL)
    return ConcernFactory(
        case=world.seen,
        logged_by=school,
        source_agency=school.agency,
        category=Category.objects.order_by("pk").first(),
        logged_at=timezone.now(),
        description="Seen getting into cars after school.",
    )


def listed(token_client, email, concern):
    response = token_client(user(email)).get("/api/v1/concerns/", {"page_size": 100})
    assert response.status_code == 200
    return next((row for row in response.json()["results"] if row["id"] == concern.pk), None)


def test_it_shows_the_logger_their_concern_without_a_case_they_may_not_see(token_client, world, logged_by_school):
    row = listed(token_client, SCHOOL, logged_by_school)
    assert row is not None
    assert (row["case"], row["case_reference"], row["child"]) == (None, None, None)
    assert world.seen.reference not in str(row)


@pytest.mark.parametrize("email", [POLICE, HEALTH, COORDINATOR, CHAIR])
def test_it_names_the_case_to_those_who_may_see_it(token_client, world, logged_by_school, email):
    row = listed(token_client, email, logged_by_school)
    assert row is not None
    assert row["case"] == world.seen.pk
    assert row["case_reference"] == world.seen.reference
