"""The problem profile per area (issue 18, part 5): someone who acts in several areas may look at one
area's network; a coordinator of one area sees only their area's children, whatever they ask for."""

import pytest
from django.urls import reverse

from cases.models import Case
from met import services as met_services
from met.models import AgencyKind, Area, User
from tests.cases import CHAIR, COORDINATOR, agency, text, user
from tests.meetings.test_profile import DAY, QUERY, at, episode, link, make_case, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_areas(demo_data):
    first = Area.objects.get()
    second = Area.objects.create(name="Portsmouth", short_name="Pompey")
    council = met_services.agency_create(
        actor=None, name="Portsmouth Children's Services", short_name="Pompey CSC", kind=AgencyKind.CSC, areas=[second]
    )
    User.objects.create_user(email="c@pompey.example.org", full_name="Pat Pompey", agency=council, is_coordinator=True)
    agency("Police").areas.add(second)  # the demo chair is a police officer: they chair in both areas
    south = make_case(agencies=("Police",), first_name="Southkid")
    north = make_case(agencies=("Police",), first_name="Northkid")
    Case.objects.filter(pk=north.pk).update(area=second)
    dee = person("Dee")
    for case in (south, north):
        link(dee, case)
        episode(case, at(DAY, 20), hours=8, where="Bus station")
    return first, second


def test_it_lets_someone_in_two_areas_look_at_one_areas_network(two_areas, login):
    _, second = two_areas
    client = login(user(CHAIR))

    both = text(client.get(reverse("problem_profile"), QUERY))
    north_only = text(client.get(reverse("problem_profile"), {**QUERY, "area": second.pk}))

    assert "Southkid" in both and "Northkid" in both
    assert "Northkid" in north_only and "Southkid" not in north_only
    assert 'name="area"' in both


def test_it_shows_a_coordinator_only_their_own_areas_children_whatever_they_ask(two_areas, login):
    first, _ = two_areas
    client = login(User.objects.get(email="c@pompey.example.org"))

    page = text(client.get(reverse("problem_profile"), QUERY))
    asked = client.get(reverse("problem_profile"), {**QUERY, "area": first.pk})

    assert "Northkid" in page and "Southkid" not in page
    assert 'name="area"' not in page  # one area: nothing to choose
    assert "Southkid" not in text(asked)


def test_it_refuses_an_area_the_person_does_not_act_in(two_areas, login):
    elsewhere = Area.objects.create(name="Isle of Example", short_name="IoE")

    response = login(user(CHAIR)).get(reverse("problem_profile"), {**QUERY, "area": elsewhere.pk})

    assert response.status_code == 400
    assert "Choose one of your areas." in text(response)
    assert user(COORDINATOR)  # the first area's coordinator is untouched by all this
