"""Case audits per area (issue 18): a round started by a coordinator or chair of one area samples that
area's cases and is seen by its coordinators and chairs, not another area's; a sampled case of another
area stays a 404 to them; an overdue learning action falls to the coordinators of the round's area.

The world is the meetings one (tests/meetings/test_areas.py): Southampton and Portsmouth, a council and
its coordinators in each, the police across both.
"""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from met.models import Reminder
from quality import services
from quality.access import rounds_visible_to
from quality.models import FindingKind, LearningAction
from tests.factories import UserFactory
from tests.meetings.test_areas import world  # noqa: F401 (the fixture)


def _start(actor, criteria=None):
    today = timezone.localdate()
    return services.round_start(
        actor=actor,
        title="Children placed across the border",
        theme="placements",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=20),
        sample_size=50,
        criteria=criteria or {},
        seed=7,
    )


def test_it_samples_a_round_from_its_starters_areas_and_shows_it_to_those_areas_only(world, login):  # noqa: F811
    round_ = _start(world["soton_coordinator"])
    assert round_.drawn_case_ids == [world["soton_case"].pk]
    assert "areas: Southampton" in round_.criteria_described
    assert round_ in rounds_visible_to(world["soton_chair"])
    assert round_ not in rounds_visible_to(world["pompey_coordinator"])
    assert login(world["pompey_coordinator"]).get(round_.get_absolute_url()).status_code == 404
    assert login(world["pompey_chair"]).get(round_.get_absolute_url()).status_code == 404
    page = login(world["soton_chair"]).get(round_.get_absolute_url())
    assert page.status_code == 200
    assert world["soton_case"].reference in page.content.decode()
    listing = login(world["pompey_coordinator"]).get(reverse("audit_round_list")).content.decode()
    assert round_.title not in listing


def test_it_keeps_another_areas_child_out_of_a_round_across_areas(world, login):  # noqa: F811
    # A chair from the police, who works in both areas, draws from both.
    police_chair = UserFactory(agency=world["police"], roles=("chair",))
    round_ = _start(police_chair)
    assert set(round_.drawn_case_ids) == {world["soton_case"].pk, world["pompey_case"].pk, world["placed_case"].pk}
    client = login(world["soton_coordinator"])
    page = client.get(round_.get_absolute_url()).content.decode()
    assert world["soton_case"].reference in page
    assert world["pompey_case"].reference not in page
    assert client.get(reverse("audit_case_detail", args=[round_.pk, world["pompey_case"].pk])).status_code == 404
    assert client.get(reverse("audit_case_detail", args=[round_.pk, world["soton_case"].pk])).status_code == 200


def test_it_escalates_an_overdue_learning_action_to_the_rounds_areas_coordinators(world, settings):  # noqa: F811
    settings.MET_ESCALATION_LEVEL2_WORKING_DAYS = 5
    round_ = _start(world["pompey_coordinator"])
    finding = services.finding_record(
        actor=world["pompey_coordinator"], round_=round_, kind=FindingKind.LEARNING, text="Plans lacked dates."
    )
    action = services.learning_action_create(
        actor=world["pompey_coordinator"],
        finding=finding,
        description="Date every plan.",
        owner=world["officer"],  # no line manager; the police have no senior contact
        due_date=timezone.localdate() + timedelta(days=1),
    )
    LearningAction.objects.filter(pk=action.pk).update(due_date=date(2026, 11, 2))
    services.learning_actions_sweep(today=date(2026, 11, 4))
    told = set(
        Reminder.objects.filter(kind="learning_action", object_id=action.pk, key="1").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {world["pompey_coordinator"].pk, world["pompey_coordinator_2"].pk}
