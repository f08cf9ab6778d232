"""cases/duplicates.py: same date of birth and a similar name, or a shared identifier."""

from datetime import date

import pytest

from cases.duplicates import names_similar, possible_duplicates
from cases.models import Child

DOB = date(2010, 3, 27)


@pytest.fixture
def jayden(db):
    return Child.objects.create(
        first_name="Jayden", last_name="Brambleton", date_of_birth=DOB, known_as="JJ", police_number="P-123"
    )


def test_it_finds_the_same_child_with_a_slightly_different_spelling(jayden):
    assert possible_duplicates({"first_name": "Jaden", "last_name": "Brambleton", "date_of_birth": DOB}) == [jayden]


def test_it_finds_the_same_surname_and_initial(jayden):
    assert possible_duplicates({"first_name": "J", "last_name": "brambleton", "date_of_birth": DOB}) == [jayden]


def test_it_finds_a_known_as_name_used_as_first_name(jayden):
    assert possible_duplicates({"first_name": "JJ", "last_name": "Brambleton", "date_of_birth": DOB}) == [jayden]


def test_it_ignores_a_similar_name_with_another_date_of_birth(jayden):
    assert (
        possible_duplicates({"first_name": "Jayden", "last_name": "Brambleton", "date_of_birth": date(2010, 3, 28)})
        == []
    )


def test_it_ignores_a_different_name_with_the_same_date_of_birth(jayden):
    assert possible_duplicates({"first_name": "Poppy", "last_name": "Quillfield", "date_of_birth": DOB}) == []


def test_it_finds_a_shared_identifier_whatever_the_name(jayden):
    assert possible_duplicates(
        {"first_name": "Someone", "last_name": "Else", "date_of_birth": None, "police_number": " P-123 "}
    ) == [jayden]


def test_it_does_not_match_on_blank_identifiers(jayden):
    assert (
        possible_duplicates(
            {"first_name": "Someone", "last_name": "Else", "police_number": "", "csc_number": "", "nhs_number": ""}
        )
        == []
    )


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        (("Kayleigh", "Jones"), ("Kayley", "Jones"), True),
        (("Mia", "Wrenfield"), ("Mia", "Wren-Field"), True),
        (("Oscar", "Copperby"), ("Tyler", "Mossgate"), False),
    ],
)
def test_it_judges_names_similar(a, b, similar):
    assert names_similar(a[0], a[1], b[0], b[1]) is similar
