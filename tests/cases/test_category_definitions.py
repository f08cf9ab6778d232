"""Issue 16 part 7: the MET Information Guide's definitions wherever a category is chosen."""

import html

from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_create
from cases.models import Category
from tests.cases import COORDINATOR, SCHOOL, make_case, user


def _shows_every_definition(page: str) -> None:
    page = html.unescape(page)
    categories = list(Category.objects.all())
    assert categories
    assert "What each kind of concern means" in page
    for category in categories:
        assert category.definition
        # Each definition's first line, right after the category's name in the list.
        first_line = category.definition.splitlines()[0]
        assert f"{category.name}</dt>" in page
        assert first_line in page


def test_it_shows_the_definitions_where_a_practitioner_logs_a_concern(demo_data, login):
    page = login(demo_data[SCHOOL]).get(reverse("concern_log")).content.decode()
    _shows_every_definition(page)
    # Before the choice, so it is read first.
    assert page.index("What each kind of concern means") < page.index('id="id_concern-category"')


def test_it_shows_the_definitions_when_a_concern_is_logged_on_a_case(demo_data, login):
    case = make_case(agencies=("Police",))
    page = login(demo_data[COORDINATOR]).get(reverse("concern_log_for_case", args=[case.pk])).content.decode()
    _shows_every_definition(page)


def test_it_gives_each_category_its_definition_in_the_api(demo_data):
    _, key = token_create(user=user(SCHOOL), name="School system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = client.get(reverse("api:category-list")).json()
    rows = body["results"] if isinstance(body, dict) else body
    by_code = {row["code"]: row["definition"] for row in rows}
    assert by_code == {c.code: c.definition for c in Category.objects.all()}
