"""The problem profile (issue 18, part 5): children, persons and places of concern, shared missing
locations and children missing together, as groups; who links the most children; month on month.

The domain tests build crafted networks and read meetings.profile directly; the page tests check who may
see what (a practitioner never meets a child they may not see, not even as a count), the audit, the
CSV, bad dates and the number of queries.
"""

import csv
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from meetings import profile, services
from meetings.models import PersonLink, PlaceLink, PlaceOfConcern
from met.models import AuditEvent
from tests.cases import (
    CHAIR,
    COORDINATOR,
    HEALTH,
    POLICE,
    POLICE_ADMIN,
    SYSADMIN,
    add_episode,
    main_content,
    make_case,
    text,
    user,
)

# A fixed period in the past, so that nothing depends on today: October 2026, compared with September.
PERIOD = profile.Period(date(2026, 10, 1), date(2026, 10, 31))
DAY = date(2026, 10, 10)
QUERY = {"start": "2026-10-01", "end": "2026-10-31"}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def link(entry, case, when: datetime | None = None):
    services.register_link(actor=user(COORDINATOR), entry=entry, case=case)
    model, field = (PlaceLink, "place") if isinstance(entry, PlaceOfConcern) else (PersonLink, "person")
    model.objects.filter(**{field: entry, "case": case}).update(linked_at=when or at(DAY, 12))


def person(name: str):
    return services.person_create(actor=user(COORDINATOR), name=name)


def place(name: str):
    return services.place_create(actor=user(COORDINATOR), name=name, kind="takeaway")


def episode(case: Case, went: datetime, *, hours: float = 6, where: str = ""):
    return add_episode(case, went_missing_at=went, returned_at=went + timedelta(hours=hours), where_found=where)


def build(cases=None, period: profile.Period = PERIOD) -> profile.Profile:
    return profile.build_profile(cases if cases is not None else Case.objects.all(), period)


def group_names(result: profile.Profile) -> list[set[str]]:
    return [{m.name for m in g.members} for g in result.groups]


def name(case: Case) -> str:
    return case.child.full_name


# --- the network ----------------------------------------------------------------------------------


def test_it_finds_separate_groups_and_joins_them_through_a_child(demo_data):
    # Named so that Dee's group sorts first among equal groups: generated names run on from the tests
    # before this one in the same worker and wrap ("FamilyZzz", then "FamilyBaaz").
    a, b, c, d, e = (make_case(last_name=last) for last in ("Aldergrove", "Ashcombe", "Birchley", "Brackenby", "Cole"))
    dee, shop = person("Dee"), place("Chicken Shop")
    link(dee, a)
    link(dee, b)
    link(shop, c)
    link(shop, d)

    result = build()

    assert group_names(result) == [{name(a), name(b), "Dee"}, {name(c), name(d), "Chicken Shop"}]
    assert [(g.children, g.size, g.links) for g in result.groups] == [(2, 3, 2), (2, 3, 2)]

    link(dee, e)
    link(shop, e)
    result = build()

    assert group_names(result) == [{name(x) for x in (a, b, c, d, e)} | {"Dee", "Chicken Shop"}]
    assert result.groups[0].children == 5
    assert result.figures == profile.Figures(groups=1, children=5, persons=1, places=1, links=6)


def test_it_links_children_found_at_the_same_place_whatever_the_spelling(demo_data):
    a, b, c, d = (make_case() for _ in range(4))
    episode(a, at(DAY, 20), where="The Bus Station, High St.")
    episode(b, at(DAY + timedelta(days=3), 20), where="  the bus station  high st ")
    episode(c, at(DAY + timedelta(days=5), 20), where="Café Rouge")  # alone there: links nobody
    # Both "returned home": a phrase, not a place where they were found together.
    episode(c, at(DAY + timedelta(days=7), 20), where="Returned home")
    episode(d, at(DAY + timedelta(days=9), 20), where="returned home.")

    result = build()

    assert group_names(result) == [{name(a), name(b), "The Bus Station, High St."}]
    location = result.groups[0].of_kind(profile.LOCATION)[0]
    assert (location.children, location.url) == (2, None)
    assert profile.normalise_place("Friend’s Address!") == "friends address"
    assert profile.normalise_place("CAFÉ  rouge") == profile.normalise_place("cafe-rouge") == "cafe rouge"


def test_it_links_children_missing_together_within_two_hours_and_not_a_minute_more(demo_data):
    a, b, c, d, e, f = (make_case() for _ in range(6))
    episode(a, at(DAY, 20), hours=10)
    episode(b, at(DAY, 22), hours=1)  # exactly two hours later, a still away: together
    episode(c, at(DAY + timedelta(days=2), 20), hours=10)
    episode(d, at(DAY + timedelta(days=2), 22, 1), hours=1)  # two hours and a minute: not together
    episode(e, at(DAY + timedelta(days=4), 20), hours=0.5)
    episode(f, at(DAY + timedelta(days=4), 21), hours=1)  # e was back by then: not together
    episode(a, at(DAY + timedelta(days=6), 20), hours=2)
    episode(a, at(DAY + timedelta(days=6), 21), hours=2)  # the same child twice: no link to itself

    result = build()

    assert group_names(result) == [{name(a), name(b)}]
    assert result.graph.edges[("child", a.child_id), ("child", b.child_id)]["kinds"] == {profile.TOGETHER}


def test_it_counts_only_links_made_in_the_period(demo_data):
    a, b = make_case(), make_case()
    dee = person("Dee")
    link(dee, a, at(date(2026, 9, 30), 23, 59))  # the evening before: last period
    link(dee, b, at(date(2026, 11, 1), 0, 0))  # the midnight after: next period
    episode(a, at(date(2026, 11, 1), 0, 30), hours=3)
    episode(b, at(date(2026, 11, 1), 1), hours=3)

    assert build().groups == []
    assert group_names(build(period=profile.Period(date(2026, 9, 1), date(2026, 9, 30)))) == [{name(a), "Dee"}]


def test_it_ranks_persons_and_places_by_the_children_they_link(demo_data):
    cases = [make_case() for _ in range(5)]
    dee, jay, shop, park = person("Dee"), person("Jay"), place("Chicken Shop"), place("Skate Park")
    for case in cases[:3]:
        link(dee, case)
    link(jay, cases[4])
    for case in cases[1:5]:
        link(shop, case)
    link(park, cases[0])

    result = build()

    assert [(m.name, m.children) for m in result.top_persons] == [("Dee", 3), ("Jay", 1)]
    assert [(m.name, m.children) for m in result.top_places] == [("Chicken Shop", 4), ("Skate Park", 1)]
    assert {m.group for m in result.top_persons + result.top_places} == {1}


def test_it_compares_the_period_with_the_previous_one_of_equal_length(demo_data):
    a, b, c, d = (make_case() for _ in range(4))
    dee, shop = person("Dee"), place("Chicken Shop")
    # September: one group of two children.
    link(dee, a, at(date(2026, 9, 5), 10))
    link(dee, b, at(date(2026, 9, 6), 10))
    # October: two groups, four children, five links.
    link(shop, a)
    link(shop, b)
    link(shop, c)
    episode(d, at(DAY, 20), hours=5)
    episode(c, at(DAY, 21), hours=5)

    result = build()

    assert result.previous == profile.Period(date(2026, 9, 1), date(2026, 9, 30))
    assert result.changes == [
        ("Groups", 1, 1, 0),
        ("Children in groups", 4, 2, 2),
        ("Persons of concern in groups", 0, 1, -1),
        ("Places of concern in groups", 1, 0, 1),
        ("New links", 4, 2, 2),
    ]


def test_it_takes_the_last_three_full_months_by_default_and_compares_like_with_like():
    period = profile.default_period(date(2026, 12, 3))

    assert period == profile.Period(date(2026, 9, 1), date(2026, 11, 30))
    assert period.previous() == profile.Period(date(2026, 6, 1), date(2026, 8, 31))
    assert profile.Period(date(2026, 10, 5), date(2026, 10, 14)).previous() == profile.Period(
        date(2026, 9, 25), date(2026, 10, 4)
    )
    assert profile.period_from(date(2026, 10, 5), None, date(2026, 12, 3)) == profile.Period(
        date(2026, 10, 5), date(2026, 12, 3)
    )
    assert profile.period_from(None, date(2026, 11, 30), date(2026, 12, 3)) == period


def test_it_draws_the_largest_groups_only_beyond_the_cap(demo_data, monkeypatch):
    cases = [make_case() for _ in range(6)]
    for n, pair in enumerate((cases[0:3], cases[3:5], cases[5:6])):
        entry = person(f"Adult {n}")
        for case in pair:
            link(entry, case)
    monkeypatch.setattr(profile, "MAX_DRAWN_GROUPS", 2)

    drawing = profile.draw(build())

    assert [g.children for g in drawing.groups] == [3, 2]
    assert [g.children for g in drawing.listed] == [3, 2]
    assert [g.children for g in drawing.left_out] == [1]
    assert len(drawing.nodes) == 7
    assert profile.draw(build()).nodes == drawing.nodes  # the same data draws the same picture

    # A group too big to draw with the others is passed over for smaller ones, and listed all the same.
    monkeypatch.setattr(profile, "MAX_DRAWN_GROUPS", 30)
    monkeypatch.setattr(profile, "MAX_DRAWN_NODES", 3)
    monkeypatch.setattr(profile, "MAX_LISTED_MEMBERS", 3)
    drawing = profile.draw(build())

    assert [g.number for g in drawing.groups] == [2]
    assert [g.number for g in drawing.undrawn] == [1, 3]
    first = drawing.listed[0]
    assert ([m.kind for m in first.shown], first.not_shown) == (["child", "child", "person"], 1)
    assert drawing.child_ids == sorted([c.child_id for c in cases[0:2]] + [c.child_id for c in cases[3:6]]), (
        "the drawn and listed children, not the one left out of group 1's list"
    )


def test_it_names_on_the_page_only_the_groups_it_shows_and_every_group_in_the_csv(demo_data, monkeypatch):
    big, small = [make_case() for _ in range(3)], make_case()
    dee, jay = person("Dee"), person("Jay")
    for case in big:
        link(dee, case)
    link(jay, small)
    monkeypatch.setattr(profile, "MAX_DRAWN_GROUPS", 1)

    page = main_content(get(COORDINATOR))
    sheet = get(COORDINATOR, "problem_profile_csv").content.decode()

    assert "There are 2 groups. This page shows the largest 1" in page
    # The top lists rank every person and place; the children of the groups not shown are in the CSV only.
    assert name(small) not in page and small.reference not in page
    assert name(small) in sheet
    shown = set(AuditEvent.objects.filter(action="problem_profile.view").values_list("child_id", flat=True))
    assert shown == {c.child_id for c in big}


# --- the page -----------------------------------------------------------------------------------


@pytest.fixture
def world(demo_data):
    """Seen by the police practitioner: `own` (Police, Health). Hidden from them: `other` (Education
    only) and `secret` (Police involved, restricted to the health practitioner). All three meet Dee, the
    takeaway and each other on the same evening."""
    own = make_case(agencies=("Police", "Health"), first_name="Ownkid")
    other = make_case(agencies=("Education",), first_name="Otherkid")
    secret = make_case(agencies=("Police", "Health"), first_name="Secretkid", restricted_to=[user(HEALTH)])
    dee, shop = person("Dee"), place("Chicken Shop")
    for case in (own, other, secret):
        link(dee, case)
        link(shop, case)
    episode(own, at(DAY, 20), hours=8, where="Bus station")
    episode(other, at(DAY, 20, 30), hours=8, where="bus station")
    episode(secret, at(DAY, 21), hours=8, where="Bus Station")
    return {"own": own, "other": other, "secret": secret, "dee": dee, "shop": shop}


def get(email: str, url_name: str = "problem_profile", query=QUERY, **kwargs):
    from django.test import Client

    client = Client()
    client.force_login(user(email))
    return client.get(reverse(url_name), query, **kwargs)


def csv_cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_shows_the_coordinator_the_whole_network_drawn_and_tabled(world):
    response = get(COORDINATOR)

    assert response.status_code == 200
    page = text(response)
    svg = re.search(r"<svg[^>]*role=\"group\".*?</svg>", page, re.S).group(0)
    for kid in ("own", "other", "secret"):
        case = world[kid]
        assert f'<a href="/cases/{case.pk}/"><title>Child: {name(case)} ({case.reference}), group 1</title>' in svg
    assert f'<a href="/persons/{world["dee"].pk}/"><title>Person of concern: Dee, links 3 children, group 1' in svg
    assert f'<a href="/places/{world["shop"].pk}/"><title>Place of concern: Chicken Shop, links 3' in svg
    # A shared location opens nothing: it is words typed on episodes.
    assert "<g><title>Shared missing location: Bus Station, links 3 children, group 1</title>" in svg
    # Shapes, not only colours: a circle for a child, a square for a person, a diamond for a place.
    assert svg.count("<circle") == 3 and svg.count("<rect") == 1 and svg.count("<polygon") == 2
    assert 'stroke-dasharray="8 4"' in svg  # went missing together
    # The key names each shape and line in words too.
    assert '<span class="govuk-visually-hidden">Diamond</span></dt><dd>Place of concern</dd>' in page
    assert '<span class="govuk-visually-hidden">Dashed line</span></dt><dd>Went missing at the same time</dd>' in page
    table = page[page.index('<h2 class="govuk-heading-m">Groups</h2>') :]
    assert all(name(world[kid]) in table for kid in ("own", "other", "secret"))
    # Spelt three ways, it is named as most spell it, the first in the alphabet on a tie.
    assert "Found at “Bus Station”, 3 children" in table


def test_it_never_shows_a_practitioner_a_child_they_may_not_see(world):
    own, hidden = world["own"], [world["other"], world["secret"]]

    page = main_content(get(POLICE))
    cells = csv_cells(get(POLICE, "problem_profile_csv"))
    sheet = "\n".join(",".join(row) for row in cells)

    for body in (page, sheet):
        assert name(own) in body
        for case in hidden:
            assert name(case) not in body and case.reference not in body and f"/cases/{case.pk}/" not in body
    # Dee and the takeaway link one child the practitioner sees, and are not counted with the others;
    # alone at the bus station, their child links no location; nothing says other children exist.
    assert "Person of concern: Dee, links 1 child, group 1" in page
    assert ["Top person of concern", "1", "Person of concern", "Dee", "", "1", "", "", ""] in cells
    assert "bus station" not in page.lower() and "bus station" not in sheet.lower()
    assert "other children" not in page.lower() and "other children" not in sheet.lower()
    assert ["Change", "", "", "Children in groups", "", "", "1", "0", "1"] in cells
    # The coordinator sees the whole network.
    assert ["Change", "", "", "Children in groups", "", "", "3", "0", "3"] in csv_cells(
        get(COORDINATOR, "problem_profile_csv")
    )


def test_it_shows_the_health_practitioner_the_restricted_child_they_are_named_on(world):
    page = main_content(get(HEALTH))

    assert name(world["own"]) in page and name(world["secret"]) in page
    assert name(world["other"]) not in page


@pytest.mark.parametrize("email", [SYSADMIN, POLICE_ADMIN])
@pytest.mark.parametrize("url_name", ["problem_profile", "problem_profile_csv"])
def test_it_refuses_a_role_without_casework(world, email, url_name):
    response = get(email, url_name)

    assert response.status_code == 403
    assert name(world["own"]) not in text(response)


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    assert client.get(reverse("problem_profile")).status_code == 302
    assert client.get(reverse("problem_profile_csv")).status_code == 302


def test_it_audits_each_child_shown(world):
    get(POLICE)
    get(CHAIR, "problem_profile_csv")

    def read(action: str) -> set[tuple]:
        return set(AuditEvent.objects.filter(action=action).values_list("actor__email", "child_id", "object_id"))

    # One event per child, so each shows in "who accessed this record".
    assert read("problem_profile.view") == {(POLICE, world["own"].child_id, "2026-10-01/2026-10-31")}
    assert read("problem_profile.download_csv") == {
        (CHAIR, world[kid].child_id, "2026-10-01/2026-10-31") for kid in ("own", "other", "secret")
    }


def test_it_says_when_nothing_was_linked_in_the_period(world):
    page = main_content(get(COORDINATOR, query={"start": "2026-01-01", "end": "2026-01-31"}))

    assert "No links recorded in this period" in page
    assert "<svg" not in page.split("No links recorded")[0].split("Problem profile</h1>")[1]
    assert not AuditEvent.objects.filter(action="problem_profile.view").exists()


def test_it_opens_on_the_last_three_full_months(world):
    page = main_content(get(COORDINATOR, query={}))
    period = profile.default_period(timezone.localdate())

    assert f"{period.start:%-d %B %Y} to {period.end:%-d %B %Y}" in page


@pytest.mark.parametrize("url_name", ["problem_profile", "problem_profile_csv"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-10-31", "end": "2026-10-01"}, "End date must be the same as or after the start date"),
        ({"start-day": "32", "start-month": "10", "start-year": "2026"}, "Start date must be a real date"),
        ({"end-day": "1", "end-month": "10", "end-year": ""}, "End date must include a year"),
        ({"start": "0001-01-01"}, "Start date must be between"),
    ],
)
def test_it_refuses_bad_dates_naming_the_field(world, url_name, query, message):
    response = get(COORDINATOR, url_name, query=query)

    assert response.status_code == 400
    assert message in text(response)
    assert name(world["own"]) not in text(response)
    assert not AuditEvent.objects.filter(action__startswith="problem_profile").exists()


def _grow(n: int):
    """n more children each linked to a new person, a shared place and a location, missing together in pairs."""
    shop = PlaceOfConcern.objects.get(name="Chicken Shop")
    for i in range(n):
        case = make_case(agencies=("Police", "Health"))
        link(person(f"Adult {i}"), case)
        link(shop, case)
        episode(case, at(DAY + timedelta(days=i % 3), 20, i), hours=4, where="Bus station")


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_reads_the_same_number_of_queries_whatever_the_size(world, email, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url_name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(email, url_name).status_code == 200
        return len(queries)

    small = {url_name: count(url_name) for url_name in ("problem_profile", "problem_profile_csv")}
    _grow(12)
    for url_name, queries in small.items():
        with django_assert_num_queries(queries):
            response = get(email, url_name)
        assert response.status_code == 200
    assert len(profile.build_profile(Case.objects.all(), PERIOD).members) > 15


def test_it_draws_the_network_around_the_demo_takeaway(db, time_machine):
    from django.core.management import call_command

    # The demo's network is dated back from the first of the month and its filler episodes back from today,
    # so on some days a filler child's episode starts within two hours of a network child's ("together") and
    # joins the takeaway's group to an unrelated "Town centre" one (on 4 December 2026: 21:00 and 19:00 on
    # 11 November). One fixed day keeps this the same network on every run.
    time_machine.move_to(datetime(2026, 12, 3, 12, tzinfo=timezone.get_default_timezone()), tick=False)
    call_command("seed_demo")
    result = profile.build_profile(Case.objects.all(), profile.default_period(timezone.localdate()))

    takeaway = result.members[(profile.PLACE, PlaceOfConcern.objects.get(name="Example Chicken Takeaway").pk)]
    group = next(g for g in result.groups if g.number == takeaway.group)
    assert takeaway.children == 3
    assert group.children >= 5
    assert [m.name for m in group.of_kind(profile.PERSON)] == ["‘Big Dee’ (demo)"]
    assert [m.name for m in group.of_kind(profile.LOCATION)] == ["Example Chicken Takeaway, High Street"]
    assert result.previous_figures.links >= 1
