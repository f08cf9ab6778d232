"""Setting up local areas (issue 18, part 1's administration): a system admin adds areas, chooses the
areas each agency works in, and narrows the areas a person acts in. Nobody else may; an agency admin
cannot widen (or narrow) anyone's sight, even with a hand-made form."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from met import services
from met.areas import area_ids
from met.models import Agency, Area, AuditEvent, User
from tests.cases import COORDINATOR, POLICE_ADMIN, SYSADMIN, agency, form_data, make_case, text, user

pytestmark = pytest.mark.django_db

AREA_PAGES = ["area_list", "area_create", "area_detail", "area_edit"]
OTHER_ROLES = [
    POLICE_ADMIN,
    COORDINATOR,
    "chair@example.org",
    "practitioner.police@example.org",
    "practitioner.health@example.org",
]


def url(name: str, area: Area | None = None, pk: int | None = None) -> str:
    if name in ("area_detail", "area_edit"):
        return reverse(name, args=[pk if pk is not None else area.pk])
    return reverse(name)


def local() -> Area:
    return Area.objects.order_by("pk").first()


def edit_form(client, url_name: str, pk: int, **changes) -> dict:
    """What the browser sends back for the edit page as shown, with `changes`."""
    data = form_data(client.get(reverse(url_name, args=[pk])).context["form"])
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def add_area(client, name="Portsmouth", short_name="Pompey") -> Area:
    response = client.post(reverse("area_create"), {"name": name, "short_name": short_name})
    assert response.status_code == 302
    return Area.objects.get(short_name=short_name)


def name_of(case: Case) -> str:
    return case.child.last_name


# --- the whole journey ----------------------------------------------------------------------------


def test_it_lets_a_system_admin_add_an_area_give_it_to_an_agency_and_narrow_a_coordinator(demo_data, login):
    at_home, moved = make_case(), make_case()
    admin = login(user(SYSADMIN))

    pompey = add_area(admin)
    assert AuditEvent.objects.filter(action="area.create", object_id=str(pompey.pk)).exists()

    csc = agency("CSC")
    saved = admin.post(
        reverse("agency_edit", args=[csc.pk]),
        edit_form(admin, "agency_edit", csc.pk, areas=[str(local().pk), str(pompey.pk)]),
    )
    assert saved.status_code == 302
    assert set(csc.areas.values_list("pk", flat=True)) == {local().pk, pompey.pk}
    event = AuditEvent.objects.filter(action="agency.update", object_id=str(csc.pk)).latest("pk")
    assert event.detail["areas"] == {"before": [local().pk], "after": sorted([local().pk, pompey.pk])}

    coordinator = user(COORDINATOR)
    page = admin.get(reverse("user_edit", args=[coordinator.pk]))
    assert "Leave empty for every area their agency works in." in text(page)
    narrowed = admin.post(
        reverse("user_edit", args=[coordinator.pk]),
        edit_form(admin, "user_edit", coordinator.pk, areas=[str(pompey.pk)]),
    )
    assert narrowed.status_code == 302
    assert list(coordinator.areas.values_list("pk", flat=True)) == [pompey.pk]
    event = AuditEvent.objects.filter(action="user.update", object_id=str(coordinator.pk)).latest("pk")
    assert event.detail["areas"] == {"before": [], "after": [pompey.pk]}
    assert 'Acts in</dt><dd class="govuk-summary-list__value">Portsmouth<' in text(
        admin.get(reverse("user_detail", args=[coordinator.pk]))
    )

    Case.objects.filter(pk=moved.pk).update(area=pompey)
    cases = text(login(user(COORDINATOR)).get(reverse("case_list")))
    assert name_of(moved) in cases
    assert name_of(at_home) not in cases


# --- who may use the area pages ---------------------------------------------------------------------


def test_it_serves_every_area_page_to_a_system_admin(demo_data, login):
    client = login(user(SYSADMIN))
    assert [client.get(url(name, local())).status_code for name in AREA_PAGES] == [200] * 4


@pytest.mark.parametrize("email", OTHER_ROLES)
def test_it_refuses_every_area_page_to_every_other_role(demo_data, login, email):
    client = login(user(email))
    before = Area.objects.values_list("pk", "name", "version").order_by("pk")[::1]

    assert [client.get(url(name, local())).status_code for name in AREA_PAGES] == [403] * 4
    posted = {"name": "Taken", "short_name": "Taken", "is_active": "on", "version": 1}
    assert [client.post(url(name, local()), posted).status_code for name in ("area_create", "area_edit")] == [403] * 2
    assert Area.objects.values_list("pk", "name", "version").order_by("pk")[::1] == before


def test_it_answers_404_for_an_area_that_does_not_exist(demo_data, login):
    client = login(user(SYSADMIN))
    assert [client.get(url(name, pk=987654)).status_code for name in ("area_detail", "area_edit")] == [404] * 2
    assert client.post(url("area_edit", pk=987654), {"name": "X", "short_name": "X", "version": 1}).status_code == 404


def test_it_refuses_area_changes_in_the_service_to_anyone_but_a_system_admin(demo_data):
    with pytest.raises(PermissionDenied):
        services.area_create(actor=user(POLICE_ADMIN), name="Portsmouth", short_name="Pompey")
    area = local()
    with pytest.raises(PermissionDenied):
        services.area_update(
            actor=user(COORDINATOR),
            area=area,
            expected_version=area.version,
            name="Renamed",
            short_name=area.short_name,
            is_active=True,
        )
    assert not Area.objects.filter(name__in=["Portsmouth", "Renamed"]).exists()


def test_it_lists_areas_with_their_agencies_and_open_cases_in_the_same_queries_however_many(demo_data, login):
    client = login(user(SYSADMIN))
    make_case()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("area_list")).status_code == 200
        return len(captured)

    queries()  # the first request of a session fills what every page keeps
    small = queries()
    page = text(client.get(reverse("area_list")))
    agencies_here = local().agencies.count()
    assert f">{agencies_here}</td>" in page and ">1</td>" in page
    for n in range(3):
        area = services.area_create(actor=user(SYSADMIN), name=f"Area {n}", short_name=f"A{n}")
        agency("Police").areas.add(area)
    make_case()
    assert queries() == small


# --- editing an area --------------------------------------------------------------------------------


def test_it_renames_an_area_and_audits_it(demo_data, login):
    client = login(user(SYSADMIN))
    area = local()

    response = client.post(url("area_edit", area), edit_form(client, "area_edit", area.pk, name="Southampton"))

    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.version) == ("Southampton", 2)
    event = AuditEvent.objects.get(action="area.update", object_id=str(area.pk))
    assert event.detail == {"fields": ["name"]}


def test_it_refuses_a_stale_area_edit_with_409(demo_data, login):
    client = login(user(SYSADMIN))
    area = local()
    data = edit_form(client, "area_edit", area.pk, name="Southampton")
    Area.objects.filter(pk=area.pk).update(version=area.version + 1, short_name="Soton")

    response = client.post(url("area_edit", area), data)

    assert response.status_code == 409
    assert "Short name:" in text(response) and "Soton" in text(response)
    area.refresh_from_db()
    assert area.name != "Southampton"
    assert not AuditEvent.objects.filter(action="area.update").exists()


def test_it_refuses_to_deactivate_an_area_with_open_cases(demo_data, login):
    client = login(user(SYSADMIN))
    make_case()
    area = local()
    data = edit_form(client, "area_edit", area.pk)
    data.pop("is_active")

    response = client.post(url("area_edit", area), data)

    assert response.status_code == 400
    assert "still has 1 open case and 0 scheduled meetings" in text(response)
    area.refresh_from_db()
    assert area.is_active and area.version == 1


def test_it_deactivates_an_area_with_no_open_cases_or_meetings(demo_data, login):
    client = login(user(SYSADMIN))
    spare = add_area(client)
    data = edit_form(client, "area_edit", spare.pk)
    data.pop("is_active")

    assert client.post(url("area_edit", spare), data).status_code == 302
    spare.refresh_from_db()
    assert not spare.is_active


# --- the areas an agency works in --------------------------------------------------------------------


def test_it_asks_before_taking_an_area_from_an_agencys_coordinators_and_says_what_they_lose(demo_data, login):
    make_case(), make_case()
    client = login(user(SYSADMIN))
    pompey = add_area(client)
    csc = agency("CSC")
    data = edit_form(client, "agency_edit", csc.pk, areas=[str(pompey.pk)])

    confirm = client.post(reverse("agency_edit", args=[csc.pk]), data)

    assert confirm.status_code == 200
    page = text(confirm)
    assert "2 open cases in Local area will no longer be visible to:" in page
    assert user(COORDINATOR).display_name in page
    assert list(csc.areas.values_list("pk", flat=True)) == [local().pk]  # nothing saved yet

    done = client.post(reverse("agency_edit", args=[csc.pk]), {**data, "confirm": "yes"})

    assert done.status_code == 302
    assert list(csc.areas.values_list("pk", flat=True)) == [pompey.pk]
    event = AuditEvent.objects.filter(action="agency.update", object_id=str(csc.pk)).latest("pk")
    assert event.detail["areas"] == {"before": [local().pk], "after": [pompey.pk]}
    assert area_ids(user(COORDINATOR)) == {pompey.pk}


def test_it_requires_an_area_for_an_agency_where_there_are_several(demo_data, login):
    client = login(user(SYSADMIN))
    add_area(client)
    police = agency("Police")

    response = client.post(
        reverse("agency_edit", args=[police.pk]), edit_form(client, "agency_edit", police.pk, areas=[])
    )

    assert response.status_code == 400
    assert "Choose at least one area this agency works in." in text(response)
    assert police.areas.count() == 1


def test_it_keeps_the_agency_forms_working_without_areas_in_a_single_area_installation(demo_data, login):
    client = login(user(SYSADMIN))
    assert "checked" in text(client.get(reverse("agency_create")))

    created = client.post(reverse("agency_create"), {"name": "Youth Club", "short_name": "Youth", "kind": "voluntary"})
    assert created.status_code == 302
    youth = Agency.objects.get(short_name="Youth")
    assert list(youth.areas.all()) == [local()]

    data = edit_form(client, "agency_edit", youth.pk, name="Youth Clubs")
    data.pop("areas", None)
    assert client.post(reverse("agency_edit", args=[youth.pk]), data).status_code == 302
    youth.refresh_from_db()
    assert youth.name == "Youth Clubs" and list(youth.areas.all()) == [local()]
    assert "Areas it works in" in text(client.get(reverse("agency_detail", args=[youth.pk])))


# --- the areas a person acts in ----------------------------------------------------------------------


@pytest.fixture
def police_in_two(demo_data) -> Area:
    pompey = services.area_create(actor=user(SYSADMIN), name="Portsmouth", short_name="Pompey")
    agency("Police").areas.add(pompey)
    return pompey


def test_it_never_lets_an_agency_admin_set_the_areas_a_person_acts_in(police_in_two, login):
    officer = user("practitioner.police@example.org")
    client = login(user(POLICE_ADMIN))
    page = client.get(reverse("user_edit", args=[officer.pk]))
    assert "areas" not in page.context["form"].fields

    data = edit_form(client, "user_edit", officer.pk, job_title="Detective", areas=[str(police_in_two.pk)])
    response = client.post(reverse("user_edit", args=[officer.pk]), data)

    assert response.status_code == 302
    assert not officer.areas.exists()  # the field was ignored: the person still acts in every police area
    event = AuditEvent.objects.filter(action="user.update", object_id=str(officer.pk)).latest("pk")
    assert "areas" not in event.detail
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=user(POLICE_ADMIN),
            user=officer,
            expected_version=User.objects.get(pk=officer.pk).version,
            roles={"practitioner"},
            areas=[police_in_two],
        )
    assert not officer.areas.exists()


def test_it_refuses_an_area_the_persons_agency_does_not_work_in(police_in_two, login):
    elsewhere = services.area_create(actor=user(SYSADMIN), name="Isle of Wight", short_name="IoW")
    officer = user("practitioner.police@example.org")
    client = login(user(SYSADMIN))
    data = edit_form(client, "user_edit", officer.pk, areas=[str(elsewhere.pk)])

    response = client.post(reverse("user_edit", args=[officer.pk]), data)

    assert response.status_code == 400
    assert "Areas this person acts in" in text(response)
    with pytest.raises(ValidationError) as refused:
        services.user_update(
            actor=user(SYSADMIN),
            user=officer,
            expected_version=User.objects.get(pk=officer.pk).version,
            roles={"practitioner"},
            areas=[elsewhere],
        )
    assert "areas" in refused.value.error_dict
    assert not officer.areas.exists()


def test_it_widens_a_person_back_to_every_area_when_left_empty(police_in_two, login):
    officer = user("practitioner.police@example.org")
    officer.areas.set([police_in_two])
    client = login(user(SYSADMIN))

    response = client.post(
        reverse("user_edit", args=[officer.pk]), edit_form(client, "user_edit", officer.pk, areas=[])
    )

    assert response.status_code == 302
    assert not officer.areas.exists()
    assert area_ids(user("practitioner.police@example.org")) == {local().pk, police_in_two.pk}
    event = AuditEvent.objects.filter(action="user.update", object_id=str(officer.pk)).latest("pk")
    assert event.detail["areas"] == {"before": [police_in_two.pk], "after": []}
    page = text(client.get(reverse("user_detail", args=[officer.pk])))
    assert "(every area Police works in)" in page
    agency_page = text(client.get(reverse("agency_detail", args=[agency("Police").pk])))
    assert "Local area, Portsmouth" in agency_page
