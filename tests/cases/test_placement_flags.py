"""A child is placed out of area, or placed here by another local authority, never both (issue 20 point 9).

The rule lives in cases.services.placement_problems; every way in refuses a contradiction with the
same clear message (web forms, services, API), and the database's check constraint is the last line.
The migration that added the constraint resolves old contradicting rows and reports them.
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services as api_services
from cases import services
from cases.models import Case, Child, Concern
from cases.services import PLACEMENT_CONFLICT
from met.models import AuditEvent, Notification
from tests.cases import COORDINATOR, POLICE, category, child_data, form_data, make_case, text, user
from tests.cases.test_bad_input import concern_post

# The message as a page shows it (the template escapes nothing in it, but text() unescapes anyway).
CONFLICT_START = "A child cannot be both placed out of area and placed here by another local authority."


def _child_counts():
    return (Child.objects.count(), Case.objects.count(), Concern.objects.count())


# --- web forms ------------------------------------------------------------------------------------


def test_it_refuses_a_new_child_with_both_placement_flags_on_the_concern_form(demo_data, login):
    before = _child_counts()

    response = login(demo_data[POLICE]).post(
        reverse("concern_log"),
        concern_post(
            child_placed_out_of_area="on", child_placed_by_other_authority="on", child_placing_authority="Exampleshire"
        ),
    )

    assert response.status_code == 400
    page = text(response)
    assert CONFLICT_START in page
    assert "There is a problem" in page
    # Once, on the field: the model's constraint does not repeat it at the top.
    assert page.count(CONFLICT_START) == 2  # the error summary's link and the field's message
    assert _child_counts() == before


def test_it_refuses_both_placement_flags_on_the_child_edit_form_and_keeps_the_child(demo_data, login):
    case = make_case(agencies=("Police", "Health"), placed_out_of_area=True)
    client = login(demo_data[COORDINATOR])
    page = client.get(reverse("child_edit", args=[case.pk]))
    data = form_data(page.context["form"])
    data.update(
        placed_by_other_authority="on",
        placing_authority="Exampleshire",
        version=str(case.child.version),
    )
    data["snapshot"] = page.context["form"]["snapshot"].value()

    response = client.post(reverse("child_edit", args=[case.pk]), data)

    assert response.status_code == 400
    assert CONFLICT_START in text(response)
    child = Child.objects.get(pk=case.child_id)
    assert (child.placed_out_of_area, child.placed_by_other_authority, child.placing_authority) == (True, False, "")


def test_it_saves_a_move_from_one_placement_to_the_other_in_one_edit(demo_data, login):
    case = make_case(agencies=("Police", "Health"), placed_out_of_area=True)
    client = login(demo_data[COORDINATOR])
    page = client.get(reverse("child_edit", args=[case.pk]))
    data = form_data(page.context["form"])
    data.pop("placed_out_of_area", None)
    data.update(placed_by_other_authority="on", placing_authority="Exampleshire", version=str(case.child.version))
    data["snapshot"] = page.context["form"]["snapshot"].value()

    response = client.post(reverse("child_edit", args=[case.pk]), data)

    assert response.status_code == 302
    child = Child.objects.get(pk=case.child_id)
    assert (child.placed_out_of_area, child.placed_by_other_authority) == (False, True)


# --- services -------------------------------------------------------------------------------------


def test_it_refuses_both_placement_flags_when_a_concern_is_logged_about_a_new_child(demo_data):
    before = _child_counts()

    with pytest.raises(ValidationError) as refused:
        services.concern_log(
            actor=user(POLICE),
            category=category("cse"),
            observed_at=timezone.now() - timedelta(hours=1),
            description="Seen near the station.",
            new_child=child_data(
                placed_out_of_area=True, placed_by_other_authority=True, placing_authority="Exampleshire"
            ),
        )

    assert refused.value.message_dict["placed_out_of_area"] == [PLACEMENT_CONFLICT]
    assert _child_counts() == before


def _refusal(child: Child, **fields) -> dict:
    with pytest.raises(ValidationError) as refused:
        services.child_update(actor=user(COORDINATOR), child=child, expected_version=child.version, seen=None, **fields)
    return refused.value.message_dict


def test_it_refuses_a_child_update_that_adds_the_opposite_flag_to_the_one_already_set(demo_data):
    child = make_case(agencies=("Police", "Health"), placed_out_of_area=True).child

    # Only the new flag is sent: the service judges it with the flag already saved.
    refused = _refusal(child, placed_by_other_authority=True, placing_authority="Exampleshire")

    assert refused["placed_out_of_area"] == [PLACEMENT_CONFLICT]
    assert Child.objects.get(pk=child.pk).placed_by_other_authority is False


def test_it_still_asks_who_placed_a_child_here(demo_data):
    child = make_case(agencies=("Police",)).child

    assert "placing_authority" in _refusal(child, placed_by_other_authority=True)


# --- API ------------------------------------------------------------------------------------------


def test_it_refuses_both_placement_flags_through_the_api_with_the_same_words(demo_data):
    _, key = api_services.token_create(user=user(POLICE), name="Placement")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    before = _child_counts()

    response = client.post(
        "/api/v1/concerns/",
        {
            "new_child": {
                "first_name": "Rowan",
                "last_name": "Bothways",
                "date_of_birth": "2011-06-02",
                "placed_out_of_area": True,
                "placed_by_other_authority": True,
                "placing_authority": "Exampleshire",
            },
            "category": "cse",
            "observed_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "description": "Seen near the station.",
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert PLACEMENT_CONFLICT in str(response.json())
    assert _child_counts() == before


# --- the database ---------------------------------------------------------------------------------


def test_it_refuses_both_placement_flags_in_the_database_whatever_the_code_does(demo_data):
    child = make_case(agencies=("Police",)).child

    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.filter(pk=child.pk).update(
            placed_out_of_area=True, placed_by_other_authority=True, placing_authority="Exampleshire"
        )

    child.refresh_from_db()
    assert (child.placed_out_of_area, child.placed_by_other_authority) == (False, False)


# --- the migration --------------------------------------------------------------------------------

BEFORE = [("cases", "0004_case_newest_first_index")]


def _leaf():
    return [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "cases"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the test runs the migration inside one PostgreSQL transaction"
)
def test_the_migration_keeps_the_supported_flag_records_the_old_one_and_tells_the_coordinators(demo_data):
    with connection.cursor() as cursor:
        # The demo accounts' checks too: going back removes later apps' foreign keys to met_user.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldChild, OldCase = old.get_model("cases", "Child"), old.get_model("cases", "Case")
    named = OldChild.objects.create(
        first_name="Both",
        last_name="Named",
        placed_out_of_area=True,
        placed_by_other_authority=True,
        placing_authority="Exampleshire",
    )
    unnamed = OldChild.objects.create(
        first_name="Both", last_name="Unnamed", placed_out_of_area=True, placed_by_other_authority=True
    )
    fine = OldChild.objects.create(first_name="Only", last_name="Out", placed_out_of_area=True)
    case = OldCase.objects.create(child_id=named.pk)
    with connection.cursor() as cursor:
        # Fire the deferred foreign-key checks now: PostgreSQL will not alter a table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0005_resolve_contradicting_placements")])
    with connection.cursor() as cursor:
        # Its audit events and notifications leave checks pending too, and a later migration that adds
        # a foreign key to met_user would then be refused.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(_leaf())

    got = {
        c.pk: (c.placed_out_of_area, c.placed_by_other_authority)
        for c in Child.objects.filter(last_name__in=["Named", "Unnamed", "Out"])
    }
    assert got == {named.pk: (False, True), unnamed.pk: (True, False), fine.pk: (True, False)}
    events = {e.child_id: e.detail for e in AuditEvent.objects.filter(action="child.placement_resolved")}
    assert set(events) == {named.pk, unnamed.pk}
    assert events[named.pk]["kept"] == "placed_by_other_authority"
    assert events[named.pk]["before"] == {"placed_out_of_area": True, "placed_by_other_authority": True}
    assert events[unnamed.pk]["kept"] == "placed_out_of_area"
    told = Notification.objects.get(recipient=user(COORDINATOR), subject="Check the placement of 2 children")
    assert f"MET-{case.pk:05d}" in told.body
    assert "Both" not in told.body  # case references, never children's names, in a message
    assert Child.objects.get(pk=named.pk).version == 2


def test_the_migration_does_nothing_when_no_child_has_both_flags(demo_data):
    make_case(agencies=("Police",), placed_out_of_area=True)
    migration = importlib.import_module("cases.migrations.0005_resolve_contradicting_placements")
    before = (AuditEvent.objects.count(), Notification.objects.count())

    migration.resolve(django_apps, None)

    assert (AuditEvent.objects.count(), Notification.objects.count()) == before
