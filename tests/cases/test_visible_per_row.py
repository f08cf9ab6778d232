"""The access rule checked row by row for a page of a list (restrict_to_visible(per_row=True)) lets
through exactly the cases, and the records about cases, that the usual form does (issue 14)."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from cases.access import restrict_to_visible
from cases.models import Case, MissingEpisode
from met.models import User
from tests.cases import COORDINATOR, HEALTH, POLICE, SCHOOL, add_episode, make_case, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(demo_data):
    police, health, school = user(POLICE), user(HEALTH), user(SCHOOL)
    made = [
        make_case(agencies=("Police", "Health"), last_name="Bothagency"),
        make_case(agencies=("Education",), last_name="Schoolonly"),
        make_case(agencies=("Police", "Health"), restricted_to=[health], last_name="Namedhealth"),
        make_case(agencies=("Police", "Education"), lead=police, restricted_to=[school], last_name="Policeleads"),
    ]
    for case in made:
        add_episode(case, actor=user(COORDINATOR), days_ago=3)
    made.append(make_case(agencies=("Health",), status="closed", last_name="Closedhealth"))
    # Seen by the police practitioner only through a grant of their own (as an action owner or a named person
    # has), not their agency's.
    own = make_case(agencies=("Education",), last_name="Ownleadonly")
    assign_perm("cases.view_case", police, own)
    made.append(own)
    # A grant of their own on a restricted case they neither lead nor are named on (an action owner's,
    # say) does not let them see it: the restriction wins.
    restricted_own = make_case(agencies=("Police",), restricted_to=[health], last_name="Restrictedown")
    assign_perm("cases.view_case", police, restricted_own)
    made.append(restricted_own)
    return made


@pytest.mark.parametrize("email", [COORDINATOR, POLICE, HEALTH, SCHOOL, "admin.police@example.org"])
def test_it_lets_through_the_same_cases_and_records_as_the_usual_form(cases, email):
    person = User.objects.get(email=email)

    def ids(queryset) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    assert ids(restrict_to_visible(Case.objects.all(), person, per_row=True)) == ids(
        restrict_to_visible(Case.objects.all(), person)
    )
    episodes = MissingEpisode.objects.all()
    assert ids(restrict_to_visible(episodes, person, case_field="case", per_row=True)) == ids(
        restrict_to_visible(episodes, person, case_field="case")
    )


def test_it_shows_a_practitioner_the_cases_they_may_see_on_the_list_and_counts_them(cases, login):
    response = login(user(POLICE)).get(reverse("case_list"))

    names = {case.child.last_name for case in response.context["page"].object_list}
    assert names == {"Bothagency", "Policeleads", "Ownleadonly"}
    assert response.context["page"].paginator.count == 3
    assert "OFFSET 0" in str(response.context["page"].object_list.query)  # the page is checked row by row
