"""Keeping the strategic action plan (issue 17 part 3): the strategic chair adds, edits and retires
priorities and actions; each change keeps the values before it and is audited; everyone else reads."""

from datetime import date

import pytest
from django.urls import reverse

from met.models import AuditEvent
from reporting import plan_services, services
from reporting.models import PlanAction, PlanChange, Priority, RagUpdate, StrategicGroup
from tests.cases import agency, hidden_value, user

CHAIR = "chair@example.org"
COORDINATOR = "coordinator@example.org"


@pytest.fixture
def strategic_chair(demo_data):
    """The demo chair chairs the strategic group; the coordinator reads the plan but does not keep it."""
    StrategicGroup.objects.update_or_create(pk=1, defaults={"chair": demo_data[CHAIR]})
    return demo_data[CHAIR]


def action_data(**overrides) -> dict:
    data = {
        "what": "Train licensing staff in MET triggers",
        "how": "Half-day course\nAwareness package for taxi firms",
        "who": "SCC & Police Licensing",
        "when": "By March 2027",
        "difference": "Licensed premises report concerns",
        "agencies": [agency("Police").pk],
        "lead_person": "",
        "due_date": "2027-03-31",
    }
    # None leaves a field out: a date typed in its day, month and year boxes is sent without the field's own name.
    return {name: value for name, value in (data | overrides).items() if value is not None}


def test_it_lets_the_strategic_chair_add_an_action_numbered_after_the_last(strategic_chair, login):
    client = login(strategic_chair)
    priority = Priority.objects.get(number=3)

    response = client.post(reverse("plan_action_new", args=[priority.pk]), action_data(lead_person=strategic_chair.pk))

    assert response.status_code == 302
    action = PlanAction.objects.get(ref="3.10")
    assert response["Location"] == reverse("plan_action", args=[action.pk])
    assert action.what == "Train licensing staff in MET triggers"
    assert action.due_date == date(2027, 3, 31)
    assert list(action.agencies.values_list("short_name", flat=True)) == ["Police"]
    assert action.lead_person == strategic_chair
    # 3.10 comes after 3.9, not between 3.1 and 3.2.
    assert list(PlanAction.objects.filter(priority=priority).values_list("ref", flat=True))[-2:] == ["3.9", "3.10"]
    assert PlanChange.objects.get(action=action).kind == "created"
    assert AuditEvent.objects.filter(
        action="plan.action.created", object_id=str(action.pk), actor=strategic_chair
    ).exists()
    page = client.get(reverse("plan")).content.decode()
    assert "Train licensing staff in MET triggers" in page
    assert "Due 31 Mar 2027" in page


def test_it_adds_a_priority_with_the_next_number(strategic_chair, login):
    response = login(strategic_chair).post(
        reverse("plan_priority_new"), {"title": "Transitions to adulthood", "lead": "Adult services", "lead_agency": ""}
    )

    assert response.status_code == 302
    priority = Priority.objects.get(number=6)
    assert priority.title == "Transitions to adulthood"
    assert PlanChange.objects.get(priority=priority).kind == "created"


def test_it_keeps_the_values_before_an_edit_in_the_history(strategic_chair, login):
    client = login(strategic_chair)
    action = PlanAction.objects.get(ref="1.1")
    old_when = action.when
    page = client.get(reverse("plan_action_edit", args=[action.pk])).content.decode()

    response = client.post(
        reverse("plan_action_edit", args=[action.pk]),
        action_data(
            what=action.what,
            how=action.how,
            who=action.who,
            difference=action.difference,
            when="March 2027",
            due_date="",
            agencies=[agency("Police").pk, agency("CSC").pk],
            version=hidden_value(page, "version"),
            snapshot=hidden_value(page, "snapshot"),
        ),
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.when == "March 2027"
    assert action.version == 2
    change = PlanChange.objects.get(action=action)
    assert change.kind == "edited"
    assert change.changed_by == strategic_chair
    assert ["When are we going to do it", old_when, "March 2027"] in change.fields
    labels = [label for label, *_ in change.fields]
    assert labels == ["When are we going to do it", "Owning agencies"]
    event = AuditEvent.objects.get(action="plan.action.edited", object_id=str(action.pk))
    assert event.detail["fields"] == labels
    history = client.get(reverse("plan_action", args=[action.pk])).content.decode()
    assert "History of changes" in history and old_when in history


def test_it_refuses_a_stale_edit_and_says_what_the_other_person_changed(strategic_chair, login):
    client = login(strategic_chair)
    action = PlanAction.objects.get(ref="2.1")
    page = client.get(reverse("plan_action_edit", args=[action.pk])).content.decode()
    form = action_data(
        what=action.what,
        version=hidden_value(page, "version"),
        snapshot=hidden_value(page, "snapshot"),
    )
    # Meanwhile the deputy (same rights) changes "when".
    plan_services.plan_action_update(
        actor=strategic_chair, action=action, expected_version=action.version, seen=None, when="June 2027"
    )

    response = client.post(reverse("plan_action_edit", args=[action.pk]), form)

    assert response.status_code == 409
    assert "June 2027" in response.content.decode()
    action.refresh_from_db()
    assert action.when == "June 2027"
    assert action.how != form["how"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"what": "   "}, "Enter what the group will do."),
        ({"who": "x" * 301}, "Who is going to do it must be 300 characters or fewer."),
        (
            {"due_date": None, "due_date-day": "30", "due_date-month": "2", "due_date-year": "2027"},
            "Due date must be a real date.",
        ),
        (
            {"due_date": None, "due_date-day": "1", "due_date-month": "2", "due_date-year": "9999"},
            "Due date must be between",
        ),
        ({"agencies": ["999999"]}, "Choose owning agencies from the list."),
        ({"lead_person": "999999"}, "Choose the named lead from the list."),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(strategic_chair, login, overrides, message):
    priority = Priority.objects.get(number=2)
    before = (PlanAction.objects.count(), PlanChange.objects.count(), AuditEvent.objects.count())

    response = login(strategic_chair).post(reverse("plan_action_new", args=[priority.pk]), action_data(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert (PlanAction.objects.count(), PlanChange.objects.count(), AuditEvent.objects.count()) == before


def test_it_retires_an_action_which_keeps_its_history_and_leaves_the_summary(strategic_chair, login):
    client = login(strategic_chair)
    action = PlanAction.objects.get(ref="2.2")  # green
    greens = services.plan_summary()["counts"]["green"]

    empty = client.post(reverse("plan_action_retire", args=[action.pk]), {"version": action.version, "reason": ""})
    assert empty.status_code == 400
    assert "Say why it is being retired." in empty.content.decode()

    response = client.post(
        reverse("plan_action_retire", args=[action.pk]), {"version": action.version, "reason": "Hub funded for good"}
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.is_retired and action.retired_by == strategic_chair
    assert RagUpdate.objects.filter(action=action).exists()
    assert services.plan_summary()["counts"]["green"] == greens - 1
    assert PlanChange.objects.get(action=action).reason == "Hub funded for good"
    # Retired: no more edits, and it stays readable.
    assert client.get(reverse("plan_action_edit", args=[action.pk])).status_code == 409
    assert client.get(reverse("plan_action", args=[action.pk])).status_code == 200


def test_it_retires_a_priority_only_once_its_actions_are_retired(strategic_chair, login):
    client = login(strategic_chair)
    priority = Priority.objects.get(number=5)

    refused = client.post(
        reverse("plan_priority_retire", args=[priority.pk]), {"version": priority.version, "reason": "Merged"}
    )
    assert refused.status_code == 400
    assert "retire them first" in refused.content.decode()
    assert not Priority.objects.get(pk=priority.pk).is_retired

    for action in priority.actions.all():
        plan_services.plan_action_retire(
            actor=strategic_chair, action=action, expected_version=action.version, reason="Merged into 2.3"
        )
    response = client.post(
        reverse("plan_priority_retire", args=[priority.pk]), {"version": priority.version, "reason": "Merged"}
    )
    assert response.status_code == 302
    assert Priority.objects.get(pk=priority.pk).is_retired
    assert Priority.objects.filter(number=5).exists()


def test_it_lets_only_the_strategic_chairs_change_the_plan(strategic_chair, demo_data, login):
    action = PlanAction.objects.get(ref="1.1")
    priority = action.priority
    coordinator = login(demo_data[COORDINATOR])
    assert coordinator.get(reverse("plan")).status_code == 200
    assert coordinator.get(reverse("plan_action_edit", args=[action.pk])).status_code == 403
    assert coordinator.post(reverse("plan_action_new", args=[priority.pk]), action_data()).status_code == 403
    assert coordinator.get(reverse("plan_action_edit", args=[999999])).status_code == 404
    practitioner = login(demo_data["practitioner.police@example.org"])
    assert practitioner.get(reverse("plan")).status_code == 403
    assert practitioner.get(reverse("plan_action_edit", args=[action.pk])).status_code == 403
    assert PlanAction.objects.filter(priority=priority).count() == 7
    # Named deputy chair, the coordinator keeps the plan too.
    StrategicGroup.objects.filter(pk=1).update(deputy_chair=demo_data[COORDINATOR])
    assert coordinator.get(reverse("plan_action_edit", args=[action.pk])).status_code == 200


def test_it_lets_a_strategic_chair_without_a_meog_role_read_and_keep_the_plan(demo_data, login):
    lscb_manager = user("practitioner.school@example.org")
    StrategicGroup.objects.update_or_create(pk=1, defaults={"chair": lscb_manager})
    client = login(lscb_manager)
    assert client.get(reverse("plan")).status_code == 200
    assert client.get(reverse("plan_priority_new")).status_code == 200
    assert login(demo_data[CHAIR]).get(reverse("plan_priority_new")).status_code == 403


def test_it_lets_only_a_system_admin_name_the_strategic_chairs(demo_data, login):
    admin = login(demo_data["sysadmin@example.org"])
    group = StrategicGroup.current()
    chair = demo_data[CHAIR]
    assert login(chair).get(reverse("plan_group")).status_code == 403

    same = admin.post(reverse("plan_group"), {"version": group.version, "chair": chair.pk, "deputy_chair": chair.pk})
    assert same.status_code == 400
    assert "Deputy chair must be someone other than the strategic chair." in same.content.decode()

    response = admin.post(reverse("plan_group"), {"version": group.version, "chair": chair.pk, "deputy_chair": ""})
    assert response.status_code == 302
    assert StrategicGroup.current().chair == chair
    assert AuditEvent.objects.filter(action="plan.group").exists()
    stale = admin.post(reverse("plan_group"), {"version": group.version, "chair": "", "deputy_chair": ""})
    assert stale.status_code == 409
    assert StrategicGroup.current().chair == chair


def test_it_shows_the_plan_in_a_fixed_number_of_queries(strategic_chair, login, django_assert_max_num_queries):
    client = login(strategic_chair)
    priority = Priority.objects.get(number=1)
    for n in range(3):
        plan_services.plan_action_create(
            actor=strategic_chair,
            priority=priority,
            what=f"Extra {n}",
            agencies=[agency("Police")],
            lead_person=strategic_chair,
        )
    client.get(reverse("plan"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plan"))
    assert response.status_code == 200
    assert "Extra 2" in response.content.decode()
