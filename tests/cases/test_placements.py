"""Children placed across a border (issue 18, part 2): the host area's placement view and list, who
records and ends a placement, and the responsible area told when its placed child goes missing.

The world: Southampton (the migration's area, renamed) and Portsmouth; Southampton CSC and Portsmouth
CSC each in their own area, the police across both. A Portsmouth child is placed in Southampton.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Placement
from cases.services import placements as services
from met import services as met_services
from met.areas import forget_areas
from met.models import AgencyKind, Area, AuditEvent, Notification, Reminder, User
from tests.cases import POLICE, POLICE_ADMIN, SCHOOL, add_episode, agency, make_case, text, user
from tests.cases.test_bad_input import episode_post
from tests.factories import UserFactory

REASON = "Residential placement away from the exploiting group in Fratton"


@dataclass
class World:
    soton: Area
    pompey: Area
    soton_coordinator: User
    soton_chair: User
    pompey_coordinator: User
    pompey_chair: User


def build_two_areas() -> World:
    soton = Area.objects.get()
    soton.name, soton.short_name = "Southampton", "Soton"
    soton.save()
    pompey = Area.objects.create(name="Portsmouth", short_name="Pompey")
    forget_areas()
    agency("Police").areas.set([soton, pompey])
    soton_csc = met_services.agency_create(
        actor=None, name="Southampton CSC", short_name="SotonCSC", kind=AgencyKind.CSC, areas=[soton]
    )
    pompey_csc = met_services.agency_create(
        actor=None, name="Portsmouth CSC", short_name="PompeyCSC", kind=AgencyKind.CSC, areas=[pompey]
    )
    return World(
        soton=soton,
        pompey=pompey,
        soton_coordinator=UserFactory(email="coord.soton@example.org", agency=soton_csc, roles=("coordinator",)),
        soton_chair=UserFactory(email="chair.soton@example.org", agency=soton_csc, roles=("chair",)),
        pompey_coordinator=UserFactory(email="coord.pompey@example.org", agency=pompey_csc, roles=("coordinator",)),
        pompey_chair=UserFactory(email="chair.pompey@example.org", agency=pompey_csc, roles=("chair",)),
    )


@pytest.fixture
def areas(demo_data) -> World:
    return build_two_areas()


def fresh(person: User) -> User:
    """The person as a new request reads them (nothing kept on the object from an earlier one)."""
    return User.objects.select_related("agency").get(pk=person.pk)


def case_in(area: Area, **kw) -> Case:
    """A case made as the app makes one (in Southampton, the demo coordinator's area), then put in `area`."""
    case = make_case(agencies=("Police", "Health"), lead=user(POLICE), **kw)
    Case.objects.filter(pk=case.pk).update(area=area)
    return Case.objects.select_related("child", "area").get(pk=case.pk)


def place(world: World, case: Case, *, host: Area | None = None, days_ago: int = 30, reason: str = REASON) -> Placement:
    responsible = world.pompey_coordinator if case.area_id == world.pompey.pk else world.soton_coordinator
    return services.placement_start(
        actor=fresh(responsible),
        case=case,
        host_area=host or (world.soton if case.area_id == world.pompey.pk else world.pompey),
        reason=reason,
        placed_on=timezone.localdate() - timedelta(days=days_ago),
    )


def start_data(area: Area, **overrides) -> dict:
    placed_on = timezone.localdate() - timedelta(days=3)
    data = {
        "host_area": str(area.pk),
        "reason": REASON,
        **date_boxes("placed_on", placed_on),
        "address_note": "Residential children's home",
    }
    data.update(overrides)
    return data


def date_boxes(name: str, day) -> dict:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


# --- the host area's placement view -----------------------------------------------------------------


def test_it_shows_the_host_coordinator_the_placement_view_with_the_reason_first(areas, login):
    case = case_in(areas.pompey, risk_level="high")
    placement = place(areas, case)
    before_episode = add_episode(case, days_ago=40)
    during = add_episode(case, days_ago=5)

    response = login(areas.soton_coordinator).get(reverse("case_placement", args=[case.pk]))

    assert response.status_code == 200
    page = text(response)
    assert case.child.full_name in page
    assert page.index(REASON) < page.index("Summary") < page.index("Safety plan")
    assert "Placed in Southampton since" in page and "High" in page and "Portsmouth" in page
    # Missing episodes since the placement began, not before.
    assert timezone.localtime(during.went_missing_at).strftime("%-d %b %Y %H:%M") in page
    assert timezone.localtime(before_episode.went_missing_at).strftime("%-d %b %Y %H:%M") not in page
    assert "Open the full case" not in page and "End the placement" not in page
    event = AuditEvent.objects.filter(actor=areas.soton_coordinator, action="case.view").latest("pk")
    assert event.child_id == case.child_id
    assert event.detail == {"page": "placement", "reason": "placement"}
    assert placement.is_live


def test_it_shows_the_placement_view_to_a_host_chair_and_to_whoever_sees_the_case(areas, login):
    case = case_in(areas.pompey)
    place(areas, case)
    for person, reason in (
        (areas.soton_chair, "placement"),
        (user(POLICE), "case"),
        (areas.pompey_coordinator, "case"),
    ):
        response = login(person).get(reverse("case_placement", args=[case.pk]))
        assert response.status_code == 200, person
        assert AuditEvent.objects.filter(actor=person, action="case.view").latest("pk").detail["reason"] == reason


def test_it_gives_the_host_coordinator_404_on_the_full_case_page(areas, login):
    case = case_in(areas.pompey)
    place(areas, case)

    client = login(areas.soton_coordinator)

    assert client.get(reverse("case_placement", args=[case.pk])).status_code == 200
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404


def test_it_gives_404_on_the_placement_view_to_those_who_see_neither_the_case_nor_a_placement(areas, login):
    case = case_in(areas.pompey)
    assert login(user(SCHOOL)).get(reverse("case_placement", args=[case.pk])).status_code == 404
    assert login(areas.soton_coordinator).get(reverse("case_placement", args=[case.pk])).status_code == 404
    assert login(areas.soton_coordinator).get(reverse("case_placement", args=[987654321])).status_code == 404


def test_it_gives_403_on_the_placement_view_to_an_admin_role(areas, login):
    case = case_in(areas.pompey)
    place(areas, case)
    assert login(user(POLICE_ADMIN)).get(reverse("case_placement", args=[case.pk])).status_code == 403


def test_it_takes_the_placement_view_away_from_the_host_area_when_the_placement_ends(areas, login):
    case = case_in(areas.pompey)
    placement = place(areas, case)
    services.placement_end(
        actor=fresh(areas.pompey_coordinator),
        placement=placement,
        ended_on=timezone.localdate(),
        expected_version=placement.version,
    )

    client = login(areas.soton_coordinator)

    assert client.get(reverse("case_placement", args=[case.pk])).status_code == 404
    assert case.child.full_name not in text(client.get(reverse("placed_here_list")))


# --- the host area's list -----------------------------------------------------------------------


def test_it_lists_a_child_placed_here_for_the_host_area_only(areas, login):
    case = case_in(areas.pompey, risk_level="high")
    place(areas, case)

    response = login(areas.soton_coordinator).get(reverse("placed_here_list"))

    assert response.status_code == 200
    page = text(response)
    assert case.child.full_name in page and REASON in page and "Portsmouth" in page and "High" in page
    assert "No agreed safety plan" in page  # high risk, no plan
    event = AuditEvent.objects.filter(actor=areas.soton_coordinator, action="placed_here.list").latest("pk")
    assert event.detail == {"children": [case.child_id]}
    # The responsible area's own list is not where its child shows.
    assert case.child.full_name not in text(login(areas.pompey_coordinator).get(reverse("placed_here_list")))


def test_it_refuses_the_list_to_practitioners_and_admins(areas, login):
    assert login(user(POLICE)).get(reverse("placed_here_list")).status_code == 403
    assert login(user(POLICE_ADMIN)).get(reverse("placed_here_list")).status_code == 403
    assert login(areas.soton_chair).get(reverse("placed_here_list")).status_code == 200


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("placed_here_list"))
    assert response.status_code == 200
    return len(queries)


def test_it_reads_the_list_in_the_same_number_of_queries_for_two_children_or_six(areas, login):
    client = login(areas.soton_coordinator)
    for _ in range(2):
        place(areas, case_in(areas.pompey, risk_level="high"))
    _list_queries(client)  # the session, the areas and the caches, as every first page reads them
    small = _list_queries(client)
    for _ in range(4):
        case = case_in(areas.pompey, risk_level="medium")
        place(areas, case)
    larger = _list_queries(client)
    assert small == larger
    assert Placement.objects.filter(ended_on__isnull=True).count() == 6


# --- recording and ending a placement -----------------------------------------------------------


def test_it_records_a_placement_for_the_responsible_coordinator(areas, login):
    case = case_in(areas.pompey)

    client = login(areas.pompey_coordinator)
    assert client.get(reverse("placement_start", args=[case.pk])).status_code == 200
    response = client.post(reverse("placement_start", args=[case.pk]), start_data(areas.soton))

    assert response.status_code == 302
    placement = Placement.objects.get(case=case)
    assert (placement.host_area, placement.reason, placement.recorded_by) == (
        areas.soton,
        REASON,
        areas.pompey_coordinator,
    )
    event = AuditEvent.objects.get(action="placement.start")
    assert event.child_id == case.child_id and REASON not in str(event.detail)


def test_it_refuses_a_portsmouth_coordinator_a_placement_for_a_southampton_case(areas, login):
    case = case_in(areas.soton)

    client = login(areas.pompey_coordinator)

    assert client.get(reverse("placement_start", args=[case.pk])).status_code == 404
    assert client.post(reverse("placement_start", args=[case.pk]), start_data(areas.pompey)).status_code == 404
    with pytest.raises(PermissionDenied):
        services.placement_start(
            actor=fresh(areas.pompey_coordinator),
            case=case,
            host_area=areas.pompey,
            reason=REASON,
            placed_on=timezone.localdate(),
        )
    assert not Placement.objects.exists()


def test_it_refuses_a_practitioner_who_sees_the_case_with_403(areas, login):
    case = case_in(areas.pompey)
    client = login(user(POLICE))
    assert client.get(reverse("placement_start", args=[case.pk])).status_code == 403
    assert client.post(reverse("placement_start", args=[case.pk]), start_data(areas.soton)).status_code == 403
    assert login(user(SCHOOL)).get(reverse("placement_start", args=[case.pk])).status_code == 404
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": "  "}, "Say why the child is placed in that area."),
        ({"host_area": ""}, "Choose the area the child is placed in."),
        (
            date_boxes("placed_on", timezone.localdate() + timedelta(days=2)),
            "Date the placement began must be between",
        ),
        ({"placed_on-day": "31", "placed_on-month": "2"}, "Date the placement began must be a real date."),
    ],
)
def test_it_answers_400_with_the_fields_message_on_bad_input(areas, login, overrides, message):
    case = case_in(areas.pompey)
    response = login(areas.pompey_coordinator).post(
        reverse("placement_start", args=[case.pk]), start_data(areas.soton, **overrides)
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not Placement.objects.exists()


def test_it_refuses_a_placement_in_the_responsible_area_itself(areas, login):
    case = case_in(areas.pompey)
    response = login(areas.pompey_coordinator).post(
        reverse("placement_start", args=[case.pk]), start_data(areas.pompey)
    )
    assert response.status_code == 400
    assert "Choose one of the areas listed." in text(response)
    with pytest.raises(ValidationError, match="other than Portsmouth"):
        services.placement_start(
            actor=fresh(areas.pompey_coordinator),
            case=case,
            host_area=areas.pompey,
            reason=REASON,
            placed_on=timezone.localdate(),
        )
    assert not Placement.objects.exists()


def test_it_refuses_a_second_live_placement_with_409(areas, login):
    case = case_in(areas.pompey)
    place(areas, case)
    third = Area.objects.create(name="Isle of Wight", short_name="IoW")

    response = login(areas.pompey_coordinator).post(reverse("placement_start", args=[case.pk]), start_data(third))

    assert response.status_code == 409
    assert "already placed in Southampton" in text(response)
    assert Placement.objects.filter(case=case).count() == 1


def test_it_ends_a_placement_and_refuses_a_stale_form_with_409(areas, login):
    case = case_in(areas.pompey)
    placement = place(areas, case, days_ago=10)
    client = login(areas.pompey_coordinator)
    page = client.get(reverse("placement_end", args=[case.pk]))
    assert page.status_code == 200
    Placement.objects.filter(pk=placement.pk).update(version=placement.version + 1)  # someone else saved meanwhile
    data = {"placement": placement.pk, "version": placement.version, **date_boxes("ended_on", timezone.localdate())}

    stale = client.post(reverse("placement_end", args=[case.pk]), data)

    assert stale.status_code == 409
    assert Placement.objects.get(pk=placement.pk).ended_on is None
    data["version"] = placement.version + 1
    assert client.post(reverse("placement_end", args=[case.pk]), data).status_code == 302
    ended = Placement.objects.get(pk=placement.pk)
    assert (ended.ended_on, ended.ended_by) == (timezone.localdate(), areas.pompey_coordinator)
    assert AuditEvent.objects.get(action="placement.end").child_id == case.child_id
    # Ending it again: the placement has already ended.
    again = client.post(reverse("placement_end", args=[case.pk]), {**data, "version": ended.version})
    assert again.status_code == 409
    assert "already ended" in text(again)


def test_it_refuses_an_end_before_the_placement_began_with_400(areas, login):
    case = case_in(areas.pompey)
    placement = place(areas, case, days_ago=10)
    data = {
        "placement": placement.pk,
        "version": placement.version,
        **date_boxes("ended_on", timezone.localdate() - timedelta(days=20)),
    }
    response = login(areas.pompey_coordinator).post(reverse("placement_end", args=[case.pk]), data)
    assert response.status_code == 400
    assert "cannot end before it began" in text(response)


def test_it_lets_only_the_responsible_area_end_a_placement(areas, login):
    case = case_in(areas.pompey)
    place(areas, case)
    assert login(areas.soton_coordinator).get(reverse("placement_end", args=[case.pk])).status_code == 404
    assert login(user(POLICE)).get(reverse("placement_end", args=[case.pk])).status_code == 403
    assert login(user(SCHOOL)).get(reverse("placement_end", args=[case.pk])).status_code == 404
    assert login(areas.pompey_chair).get(reverse("placement_end", args=[case.pk])).status_code == 200


def test_it_answers_404_when_there_is_no_placement_to_end(areas, login):
    case = case_in(areas.pompey)
    assert login(areas.pompey_coordinator).get(reverse("placement_end", args=[case.pk])).status_code == 404


# --- the responsible area told when its placed child goes missing ----------------------------------


def test_it_tells_the_responsible_areas_coordinators_once_when_a_placed_child_goes_missing(areas, login):
    case = case_in(areas.pompey)
    place(areas, case)
    second_pompey = UserFactory(
        email="coord2.pompey@example.org", agency=areas.pompey_coordinator.agency, roles=("coordinator",)
    )

    response = login(user(POLICE)).post(reverse("episode_create", args=[case.pk]), episode_post())

    assert response.status_code == 302, text(response)
    told = Notification.objects.filter(subject__contains=case.reference)
    assert sorted(n.recipient_id for n in told) == sorted([areas.pompey_coordinator.pk, second_pompey.pk])
    assert all("missing while placed in Southampton" in n.subject for n in told)
    # Once per episode: asking again tells nobody twice.
    episode = case.missing_episodes.get()
    assert services.placement_missing_notify(episode=episode) == 0
    assert Notification.objects.filter(subject__contains=case.reference).count() == 2
    assert Reminder.objects.filter(kind=services.MISSING_WHILE_PLACED, object_id=episode.pk).count() == 2
    # Nobody in Southampton (the host) nor the chairs: the responsible area's coordinators only.
    for person in (areas.soton_coordinator, areas.soton_chair, areas.pompey_chair, user("coordinator@example.org")):
        assert not Notification.objects.filter(recipient=person, subject__contains=case.reference).exists()


def test_it_tells_nobody_when_the_child_is_not_placed(areas):
    case = case_in(areas.pompey)
    case_services.missing_episode_record(
        actor=fresh(user(POLICE)),
        case=case,
        kind="missing",
        went_missing_at=timezone.now() - timedelta(hours=2),
        returned_at=None,
        reported_to_police=False,
        police_reference="",
        where_found="",
        rhi_offered_at=None,
        rhi_completed_at=None,
        rhi_by="",
        rhi_declined=False,
    )
    assert not Notification.objects.filter(subject__contains=case.reference).exists()


def test_it_tells_a_second_episode_as_a_new_one(areas):
    case = case_in(areas.pompey)
    place(areas, case)
    add_episode(case, actor=fresh(user(POLICE)), days_ago=3)
    add_episode(case, actor=fresh(user(POLICE)), days_ago=1)
    assert (
        Notification.objects.filter(recipient=areas.pompey_coordinator, subject__contains=case.reference).count() == 2
    )


def test_it_does_not_tell_the_coordinator_who_recorded_it(areas):
    case = case_in(areas.pompey)
    place(areas, case)
    add_episode(case, actor=fresh(areas.pompey_coordinator), days_ago=1)
    assert not Notification.objects.filter(
        recipient=areas.pompey_coordinator, subject__contains=case.reference
    ).exists()


def test_it_offers_the_links_on_the_case_page_include_only_to_the_responsible_area(areas):
    from django.template.loader import render_to_string

    case = case_in(areas.pompey)
    rendered = {
        person.email: render_to_string("cases/placement_links.html", {"case": case, "user": fresh(person)})
        for person in (areas.pompey_coordinator, areas.soton_coordinator, user(POLICE))
    }
    assert "Transfer to another area" in rendered[areas.pompey_coordinator.email]
    assert "Record a placement in another area" in rendered[areas.pompey_coordinator.email]
    assert rendered[areas.soton_coordinator.email].strip() == ""
    assert rendered[user(POLICE).email].strip() == ""


def test_it_says_nothing_on_the_case_page_include_with_one_area(demo_data):
    from django.template.loader import render_to_string

    case = make_case()
    assert (
        render_to_string("cases/placement_links.html", {"case": case, "user": user("coordinator@example.org")}).strip()
        == ""
    )
