"""meetings/quorum.py: children's social care, health and police must each be present."""

import pytest

from meetings.quorum import is_quorate, missing_statutory


def test_it_is_quorate_with_the_three_statutory_agencies():
    assert is_quorate(["csc", "health", "police", "education"])


@pytest.mark.parametrize("absent", ["csc", "health", "police"])
def test_it_is_inquorate_without_any_one_of_them(absent):
    present = [kind for kind in ("csc", "health", "police") if kind != absent] + ["education", "voluntary"]
    assert not is_quorate(present)
    assert len(missing_statutory(present)) == 1


def test_it_names_who_is_missing():
    assert missing_statutory(["police"]) == ["Children's social care", "Health"]
    assert missing_statutory([]) == ["Children's social care", "Health", "Police"]
