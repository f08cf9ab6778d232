"""The access matrix across areas (issue 18): every URL pattern of the web app and the API, for a
coordinator and a chair of a second area, against the objects of the first.

The matrix world (tests/met/test_access_matrix.py) is built in the installation's one area. A second
area then gets its own council (its only agency) with a coordinator and a chair, and the police, whose
practitioner works across both. For them every case, child, meeting, action and report of the first
area is another area's: a 404 wherever the first area's coordinator or chair is served, and never a
name in a list, count, search or export. What is not an area's (accounts, agencies, categories, the
risk tool) answers them as it answers the first area's. The police practitioner, who works across both
areas, keeps exactly the first matrix's answers: that test runs again here with the second area present.
"""

import re

import pytest
from django.core.cache import cache

from met import services as met_services
from met.models import AgencyKind, Area, User
from tests import home_figure
from tests.cases import agency
from tests.met import test_access_matrix as matrix

pytestmark = pytest.mark.django_db

C2 = "coordinator@portsmouth.example.org"
CH2 = "chair@portsmouth.example.org"
# The kinds of object that belong to an area: through their case, or themselves (meetings, reports).
AREA_KINDS = {
    "case",
    "child",
    "concern",
    "episode",
    "document",
    "assessment",
    "referral",
    "meeting",
    "item",
    "feedback",
    "action",
    "report",
    "report_table",
    "child_pair",
    "guest",
    "invitation",
    "decision",
    "open_work_item",
    "audit_round",
    "audit_auditor",
    "audit_case",
    "audit_finding",
    "audit_learning_action",
}

# Pages only the strategic plan's keepers use (reporting/plan_views.py).
PLAN_KEEPERS_ONLY = {
    "plan/priorities/new/",
    "plan/priorities/<int:pk>/edit/",
    "plan/priorities/<int:pk>/retire/",
    "plan/priorities/<int:pk>/actions/new/",
    "plan/actions/<int:pk>/edit/",
    "plan/actions/<int:pk>/retire/",
    "plan/reviews/record/",
    "plan/reviews/next/",
}


@pytest.fixture
def world(demo_data):
    world = matrix.build_world()
    second = Area.objects.create(name="Portsmouth", short_name="Pompey")
    council = met_services.agency_create(
        actor=None, name="Portsmouth Children's Services", short_name="Pompey CSC", kind=AgencyKind.CSC, areas=[second]
    )
    agency("Police").areas.add(second)  # one force across both areas
    for email, role in ((C2, "is_coordinator"), (CH2, "is_chair")):
        User.objects.create_user(email=email, full_name=f"Portsmouth {role[3:]}", agency=council, **{role: True})
    cache.clear()
    return world


def test_it_puts_the_matrix_world_in_the_first_area_only(world):
    from cases.models import Case
    from meetings.models import Meeting

    first = Area.objects.get(name="Local area")
    assert set(Case.objects.values_list("area", flat=True)) == {first.pk}
    assert set(Meeting.objects.values_list("area", flat=True)) == {first.pk}


@pytest.mark.parametrize(("role", "like"), [(C2, matrix.C), (CH2, matrix.CH)])
def test_it_refuses_another_areas_records_on_every_url(world, role, like):
    web, api = matrix._clients(role)
    unexpected = []
    for route, pattern in matrix.url_patterns():
        spec = matrix.spec_for(route)
        kind = matrix.API if route.startswith("api/") else matrix.WEB
        client = api if kind == matrix.API else web
        for variant in spec.variants:
            url = matrix.url_for(route, pattern, matrix.kwargs_for(world, pattern, spec, variant))
            for method in spec.methods:
                if kind == matrix.WEB and method not in ("get", "post"):
                    continue
                first_area = spec.rule(like, variant, method)
                got = matrix.outcome_of(matrix._send(client, method, url, kind), kind)
                if spec.fill in AREA_KINDS and variant != "missing":
                    # Served to the first area's coordinator: not found here. Refused to them by role: refused here too.
                    allowed = {404} if first_area == matrix.OK else {first_area, 404}
                elif spec.fill in AREA_KINDS and first_area == 403:
                    # A missing part of the first area's record (an audit round's finding): the record itself is not found here.
                    allowed = {403, 404}
                elif route in PLAN_KEEPERS_ONLY:
                    # The strategic plan is kept by the strategic group's chair and deputy (the first area's
                    # chair is one): another area's chair reads it and changes nothing.
                    allowed = {403} if variant != "missing" else {403, 404}
                else:
                    allowed = {first_area}
                if got not in allowed:
                    unexpected.append(f"{method.upper()} {url} [{route} / {variant}]: expected {allowed}, got {got}")
    assert not unexpected, f"{role}: {len(unexpected)} unexpected\n" + "\n".join(unexpected)


@pytest.mark.parametrize("role", [C2, CH2])
def test_it_never_names_another_areas_child_in_a_list_count_search_or_export(world, role):
    web, api = matrix._clients(role)
    problems = []
    for template, kind, _ in matrix.LISTS:
        url = template.format(a=world.ids["meeting"]["a"])
        response = (api if kind == matrix.API else web).get(url)
        if response.status_code != 200:
            continue
        body = matrix._content(response)
        for variant, name in world.names.items():
            if name in body or re.search(rf"\b{re.escape(world.references[variant])}\b", body):
                problems.append(f"{url} shows {variant} ({name})")
    for url, _ in matrix.CONCERN_LISTS:
        response = api.get(url)
        if response.status_code == 200 and response.json()["results"]:
            problems.append(f"{url} lists another area's concerns")
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", [C2, CH2])
def test_it_counts_none_of_another_areas_cases_on_the_home_page(world, login, role):
    assert home_figure(login(User.objects.get(email=role)).get("/"), "open_cases") == 0


@pytest.mark.parametrize("role", [matrix.C, matrix.CH, matrix.P])
def test_it_keeps_the_first_matrix_for_the_first_area_and_the_police_across_both(world, role):
    # The first area's coordinator and chair, and the police practitioner (whose agency now works in
    # both areas), meet exactly the expectations of the one-area matrix.
    matrix.test_it_gives_every_url_the_expected_status_for_every_role_and_object(world, role)
