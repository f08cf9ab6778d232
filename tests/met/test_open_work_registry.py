"""met.open_work: the account pages show the open work the apps above met register, without met
importing them (issue 20). Here with stand-in sources, so the rule is met's alone."""

import pytest

from met import open_work
from met.open_work import WorkCount


@pytest.fixture
def sources(monkeypatch):
    monkeypatch.setattr(open_work, "_sources", {})
    open_work.register_open_work(
        "second",
        counts=lambda ids: {ids[0]: [WorkCount("thing", 2, "2 things")]},
        url=lambda actor, user: f"/second/{user}/",
        order=20,
    )
    open_work.register_open_work(
        "first",
        counts=lambda ids: {ids[0]: [WorkCount("item", 1, "1 item")]},
        url=lambda actor, user: None if actor == "nobody" else f"/first/{user}/",
        order=10,
    )


def test_it_adds_up_every_source_in_its_order_and_lists_people_with_none(sources):
    work = open_work.open_work_for([7, 8])

    assert str(work[7]) == "1 item, 2 things"
    assert work[7].total == 3
    assert (work[8].total, str(work[8])) == (0, "None")


def test_it_asks_no_source_about_nobody(sources, monkeypatch):
    monkeypatch.setattr(open_work, "_sources", {})
    open_work.register_open_work("boom", counts=lambda ids: 1 / 0, url=lambda a, u: None, order=1)

    assert open_work.open_work_for([]) == {}


def test_the_reassign_link_is_the_first_source_that_offers_one(sources):
    assert open_work.reassign_url("coordinator", 7) == "/first/7/"
    assert open_work.reassign_url("nobody", 7) == "/second/7/"


def test_registering_twice_keeps_one(sources):
    open_work.register_open_work("first", counts=lambda ids: {}, url=lambda a, u: None, order=10)

    assert [s.name for s in open_work._ordered()] == ["first", "second"]
