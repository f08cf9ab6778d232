"""Cases in local areas (issue 18): a coordinator or chair works their own area's cases and never sees
another's; a practitioner whose agency works in both areas (the police) sees their cases in either;
a new child's case belongs to the area responsible for them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services as api_services
from cases.models import Case, Child, Concern
from met import services as met_services
from met.models import AgencyKind, Area, User
from tests import home_figure
from tests.cases import (
    COORDINATOR,
    POLICE,
    add_episode,
    agency,
    category,
    child_data,
    log_referral,
    make_case,
    text,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(demo_data):
    """The demo's one area, Southampton-like; Portsmouth with its own council and coordinator; one police force."""
    first = Area.objects.get()
    second = Area.objects.create(name="Portsmouth", short_name="Pompey")
    council = met_services.agency_create(
        actor=None, name="Portsmouth Children's Services", short_name="Pompey CSC", kind=AgencyKind.CSC, areas=[second]
    )
    User.objects.create_user(
        email="coordinator@pompey.example.org", full_name="Pat Pompey", agency=council, is_coordinator=True
    )
    agency("Police").areas.add(second)
    return first, second


def pompey() -> User:
    return User.objects.get(email="coordinator@pompey.example.org")


def api(person: User) -> APIClient:
    client = APIClient()
    _, key = api_services.token_create(user=person, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_it_puts_a_new_childs_case_in_the_area_of_a_logger_who_acts_in_one(areas):
    first, second = areas
    assert log_referral(user(COORDINATOR)).area == first
    assert log_referral(pompey()).area == second


def test_it_asks_someone_acting_in_two_areas_which_is_responsible_and_refuses_without(areas, login):
    _, second = areas
    client = login(user(POLICE))
    form = client.get(reverse("concern_log"))
    assert "Which area is responsible for this child?" in text(form)
    data = {
        **{f"child-{k}": v for k, v in child_data(first_name="Areakid").items()},
        "child-date_of_birth": "2012-03-04",
        "concern-category": category("cse").pk,
        "concern-observed_at": (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "concern-description": "Seen getting into a car with older males.",
    }
    before = (Case.objects.count(), Child.objects.count(), Concern.objects.count())

    refused = client.post(reverse("concern_log"), data)

    assert refused.status_code == 400
    assert "Choose the area responsible for this child." in text(refused)
    assert (Case.objects.count(), Child.objects.count(), Concern.objects.count()) == before

    client.post(reverse("concern_log"), {**data, "concern-area": second.pk})
    assert Case.objects.get(child__first_name="Areakid").area == second


def test_it_takes_the_area_through_the_api_only_among_the_loggers_own(areas):
    first, second = areas
    elsewhere = Area.objects.create(name="Isle of Example", short_name="IoE")
    body = {
        "category": "cse",
        "observed_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "description": "Seen at the station late at night.",
        "new_child": {**child_data(first_name="Apikid"), "date_of_birth": "2012-05-06"},
        "confirm_new_child": True,
    }
    client = api(user(POLICE))
    before = (Case.objects.count(), Child.objects.count(), Concern.objects.count())

    assert client.post("/api/v1/concerns/", body, format="json").json()["errors"]["area"] == [
        "Choose the area responsible for this child."
    ]
    assert (Case.objects.count(), Child.objects.count(), Concern.objects.count()) == before  # nothing half-made
    outside = client.post("/api/v1/concerns/", {**body, "area": elsewhere.pk}, format="json")
    assert outside.status_code == 400 and "area" in outside.json()["errors"]
    made = client.post("/api/v1/concerns/", {**body, "area": second.pk}, format="json")
    assert made.status_code == 201
    assert Case.objects.get(child__first_name="Apikid").area == second
    assert first != second


def test_it_shows_each_coordinator_only_their_own_areas_cases(areas, login):
    ours = make_case(first_name="Southkid")
    theirs = make_case(pompey(), first_name="Northkid")
    assert (ours.area, theirs.area) == areas

    for who, mine, not_mine in ((user(COORDINATOR), ours, theirs), (pompey(), theirs, ours)):
        client = login(who)
        listed = text(client.get(reverse("case_list")))
        searched = text(client.get(reverse("case_search"), {"q": "kid"}))
        triage = text(client.get(reverse("triage_inbox")))
        assert mine.child.first_name in listed and not_mine.child.first_name not in listed
        assert mine.child.first_name in searched and not_mine.child.first_name not in searched
        assert not_mine.child.first_name not in triage
        assert client.get(reverse("case_detail", args=[not_mine.pk])).status_code == 404
        assert client.get(reverse("case_detail", args=[mine.pk])).status_code == 200
        assert home_figure(client.get("/"), "open_cases") == 1
        rows = api(who).get("/api/v1/cases/").json()["results"]
        assert [r["id"] for r in rows] == [mine.pk]
        assert api(who).get(f"/api/v1/cases/{not_mine.pk}/").status_code == 404
        assert api(who).get(f"/api/v1/children/{not_mine.child_id}/").status_code == 404


def test_it_refuses_another_areas_episode_and_concern_as_if_they_did_not_exist(areas, login):
    theirs = make_case(pompey(), first_name="Northkid")
    episode = add_episode(theirs, days_ago=2, hours_away=5)
    concern = theirs.concerns.first()
    client = login(user(COORDINATOR))

    assert client.get(reverse("episode_edit", args=[episode.pk])).status_code == 404
    assert client.get(reverse("concern_detail", args=[concern.pk])).status_code == 404
    assert client.get(reverse("case_edit", args=[theirs.pk])).status_code == 404


def test_it_lets_the_police_practitioner_work_across_both_areas(areas, login):
    police = user(POLICE)
    south = make_case(agencies=("Police",), lead=police, first_name="Southkid")
    north = make_case(pompey(), agencies=("Police",), first_name="Northkid")
    client = login(police)

    listed = text(client.get(reverse("case_list")))

    assert "Southkid" in listed and "Northkid" in listed
    assert client.get(reverse("case_detail", args=[north.pk])).status_code == 200
    assert client.get(reverse("case_detail", args=[south.pk])).status_code == 200


# --- the demo, tried as a new user would (issue 18) ------------------------------------------------


@pytest.mark.django_db
def test_it_seeds_a_demo_of_two_areas_with_a_child_placed_across_the_border(login):
    import os

    from django.core.management import call_command

    from cases.demo import PLACEMENT_REASON
    from cases.models import Placement
    from meetings.models import AgendaItem, Meeting, MeetingStatus

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", "--quiet-logins", stdout=quiet)
    southampton, portsmouth = Area.objects.get(name="Southampton"), Area.objects.get(name="Portsmouth")
    soton, pompey_coordinator = user(COORDINATOR), User.objects.get(email="coordinator.portsmouth@example.org")
    placement = Placement.objects.get(ended_on__isnull=True)
    soton_case = Case.objects.filter(area=southampton).first()

    # Southampton's coordinator cannot open a Portsmouth case, nor Portsmouth's a Southampton one.
    assert login(soton).get(reverse("case_detail", args=[placement.case_id])).status_code == 404
    assert login(pompey_coordinator).get(reverse("case_detail", args=[soton_case.pk])).status_code == 404
    # The placed Portsmouth child is on Southampton's next agenda, with the reason on the page.
    upcoming = Meeting.objects.filter(area=southampton, status=MeetingStatus.SCHEDULED).order_by("date").first()
    assert AgendaItem.objects.filter(meeting=upcoming, case=placement.case, removed_at__isnull=True).exists()
    assert PLACEMENT_REASON in text(login(soton).get(reverse("placed_here_list")))
    # Portsmouth's coordinator was told when the child went missing in Southampton.
    assert pompey_coordinator.notifications.filter(subject__icontains="missing").exists()
    # The police practitioner works across both areas.
    listed = text(login(user(POLICE)).get(reverse("case_list"), {"status": "open"}))
    assert placement.case.child.last_name in listed
    assert placement.case.area == portsmouth


def test_it_tells_only_the_childs_own_areas_coordinators_of_an_overdue_interview_or_review(areas):
    from cases import services as case_services
    from met.models import Notification
    from riskassessment import services as risk_services

    theirs = make_case(pompey(), first_name="Northkid")
    add_episode(theirs, days_ago=5, hours_away=6)  # back four days ago, no interview: overdue
    Case.objects.filter(pk=theirs.pk).update(risk_review_due=timezone.localdate() - timedelta(days=1))

    case_services.rhi_sweep()
    risk_services.review_sweep()

    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert pompey().email in told
    assert COORDINATOR not in told  # Southampton's coordinator never hears of a Portsmouth child
