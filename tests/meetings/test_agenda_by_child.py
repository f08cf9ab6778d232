# ruff: noqa: F811 - `people` is test_agenda's fixture, imported
"""meetings/agenda.py: one item per child with every reason, in the section of the most urgent one;
section 6 sorted by escalation level then days overdue, also after a rebuild, except items the
coordinator moved; and the data migration that merges the old per-reason items."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, RiskLevel
from meetings import agenda, services
from meetings.escalation import LEVEL_1, LEVEL_2
from meetings.models import Action, AgendaItem, Decision, Meeting, Section
from met.models import Reminder
from tests.meetings.test_agenda import TODAY, make_case, people  # noqa: F401 - the fixture


@pytest.fixture
def previous_meeting(people):  # a fortnight ago, so actions from it can be well overdue
    return Meeting.objects.create(
        date=TODAY - timedelta(days=14), chair=people["chair@example.org"], created_by=people["coordinator@example.org"]
    )


def new_meeting(people):
    return Meeting.objects.create(
        date=TODAY + timedelta(days=2), chair=people["chair@example.org"], created_by=people["coordinator@example.org"]
    )


def overdue_action(people, meeting, case, days_late: int, level: str | None = None) -> Action:
    police = people["practitioner.police@example.org"]
    action = Action.objects.create(
        case=case,
        meeting=meeting,
        description="Visit",
        owner=police,
        owner_agency=police.agency,
        due_date=TODAY - timedelta(days=days_late),
        created_by=police,
    )
    if level:
        for key in (LEVEL_1, LEVEL_2) if level == LEVEL_2 else (LEVEL_1,):
            Reminder.objects.create(
                kind="action", object_type="meetings.action", object_id=action.pk, key=key, recipient=police
            )
    return action


def live(meeting, section):
    return list(
        AgendaItem.objects.filter(meeting=meeting, section=section, removed_at__isnull=True)
        .order_by("order")
        .values_list("case_id", flat=True)
    )


def test_it_puts_each_child_on_the_agenda_once_with_every_reason_in_the_most_urgent_section(people, previous_meeting):
    police = people["practitioner.police@example.org"]
    case = make_case(people, "Many")
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)
    for days in (60, 40, 20, 10):
        went = timezone.now() - timedelta(days=days)
        case_services.missing_episode_record(
            actor=police,
            case=case,
            kind="missing",
            went_missing_at=went,
            returned_at=went + timedelta(hours=3),
            rhi_completed_at=went + timedelta(hours=20),
        )
    overdue_action(people, previous_meeting, case, 9, LEVEL_1)
    meeting = new_meeting(people)
    agenda.build(meeting)

    items = AgendaItem.objects.filter(meeting=meeting, case=case)
    assert items.count() == 1
    item = items.get()
    assert item.section == Section.HIGH_RISK
    # A high-risk child without an agreed safety plan carries that reason too (issue 16, part 1).
    assert item.reason.startswith(
        "high risk · no agreed safety plan · 4 missing episodes in 90 days · action for Police overdue "
    )
    assert item.reason.endswith("working days, escalated to line manager")
    assert [r["section"] for r in item.reasons] == [
        Section.HIGH_RISK,
        Section.HIGH_RISK,
        Section.MISSING,
        Section.ACTIONS,
    ]


def test_it_moves_an_item_to_a_more_urgent_section_on_rebuild_without_a_second_item(people, previous_meeting):
    case = make_case(people, "Rising")
    overdue_action(people, previous_meeting, case, 3)
    meeting = new_meeting(people)
    agenda.build(meeting)
    assert live(meeting, Section.ACTIONS) == [case.pk]
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)
    result = agenda.build(meeting)
    assert result == {"added": 0, "updated": 1}
    assert live(meeting, Section.ACTIONS) == []
    assert live(meeting, Section.HIGH_RISK) == [case.pk]
    assert AgendaItem.objects.filter(meeting=meeting, case=case).count() == 1


def test_it_orders_actions_by_escalation_level_then_days_overdue_also_after_a_rebuild(people, previous_meeting):
    plain, level1, level2, newer = (make_case(people, n) for n in ("Plain", "Levelone", "Leveltwo", "Newer"))
    overdue_action(people, previous_meeting, plain, 20)
    overdue_action(people, previous_meeting, level1, 8, LEVEL_1)
    overdue_action(people, previous_meeting, level2, 4, LEVEL_2)
    meeting = new_meeting(people)
    agenda.build(meeting)
    assert live(meeting, Section.ACTIONS) == [level2.pk, level1.pk, plain.pk]

    # Later, a new action escalates to level 2 and is more overdue: a rebuild sorts it in, not at the end.
    overdue_action(people, previous_meeting, newer, 12, LEVEL_2)
    agenda.build(meeting)
    assert live(meeting, Section.ACTIONS) == [newer.pk, level2.pk, level1.pk, plain.pk]


def test_it_keeps_only_the_items_the_coordinator_moved_where_they_were_put(people, previous_meeting):
    coordinator = people["coordinator@example.org"]
    a, b, c = (make_case(people, n) for n in ("Acase", "Bcase", "Ccase"))
    overdue_action(people, previous_meeting, a, 2)
    overdue_action(people, previous_meeting, b, 6, LEVEL_1)
    overdue_action(people, previous_meeting, c, 10, LEVEL_2)
    meeting = new_meeting(people)
    agenda.build(meeting)
    assert live(meeting, Section.ACTIONS) == [c.pk, b.pk, a.pk]
    item_a = AgendaItem.objects.get(meeting=meeting, case=a)
    services.item_move(actor=coordinator, item=item_a, up=True)  # the coordinator wants A before B
    assert live(meeting, Section.ACTIONS) == [c.pk, a.pk, b.pk]

    # B now escalates to level 2 and is more overdue than C: unmoved items are sorted again, A stays second.
    Reminder.objects.create(
        kind="action",
        object_type="meetings.action",
        object_id=Action.objects.get(case=b).pk,
        key=LEVEL_2,
        recipient=people["practitioner.police@example.org"],
    )
    Action.objects.filter(case=b).update(due_date=TODAY - timedelta(days=15))
    agenda.build(meeting)
    assert live(meeting, Section.ACTIONS) == [b.pk, a.pk, c.pk]
    assert AgendaItem.objects.get(meeting=meeting, case=a).order_pinned
    assert not AgendaItem.objects.get(meeting=meeting, case=b).order_pinned


def test_it_keeps_a_removed_item_removed_when_its_reasons_change(people, previous_meeting):
    coordinator = people["coordinator@example.org"]
    case = make_case(people, "Gone")
    overdue_action(people, previous_meeting, case, 3)
    meeting = new_meeting(people)
    agenda.build(meeting)
    item = AgendaItem.objects.get(meeting=meeting, case=case)
    services.item_remove(actor=coordinator, item=item, reason="Discussed at strategy")
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)
    agenda.build(meeting)
    item.refresh_from_db()
    assert item.removed_at is not None
    assert AgendaItem.objects.filter(meeting=meeting, case=case).count() == 1


def test_it_adds_a_hand_reason_to_the_childs_one_item(people, previous_meeting):
    coordinator = people["coordinator@example.org"]
    case = make_case(people, "Handadded")
    overdue_action(people, previous_meeting, case, 3)
    meeting = new_meeting(people)
    agenda.build(meeting)
    item = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=case, reason="Police intelligence"
    )
    assert AgendaItem.objects.filter(meeting=meeting, case=case).count() == 1
    assert item.section == Section.HIGH_RISK and item.is_manual
    assert item.reason.startswith("Police intelligence · action for Police overdue")
    agenda.build(meeting)  # the hand-added reason survives a rebuild
    item.refresh_from_db()
    assert item.manual_reason == "Police intelligence" and item.section == Section.HIGH_RISK


def test_it_shows_a_contents_list_with_each_sections_count(people, previous_meeting, login):
    coordinator = people["coordinator@example.org"]
    a, b = make_case(people, "Contentsa"), make_case(people, "Contentsb")
    Case.objects.filter(pk=a.pk).update(risk_level=RiskLevel.HIGH)
    overdue_action(people, previous_meeting, b, 3)
    meeting = new_meeting(people)
    agenda.build(meeting)
    services.statement_accept(actor=coordinator, meeting=meeting)
    page = login(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert 'href="#section-3">3. High-risk cases</a> <span class="govuk-body-s">(1 item)</span>' in page
    assert 'href="#section-6">6. Actions from previous meetings</a> <span class="govuk-body-s">(1 item)</span>' in page
    assert 'href="#section-1">1. New concerns and screenings</a> <span class="govuk-body-s">(0 items)</span>' in page
    positions = [page.index(f'id="section-{n}"') for n in range(1, 9)]
    assert positions == sorted(positions)


def test_it_moves_items_with_one_form_per_item_whose_buttons_post_to_the_items_move_address(people, login):
    coordinator = people["coordinator@example.org"]
    cases = [make_case(people, f"Mover{n}") for n in "abc"]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(risk_level=RiskLevel.HIGH)
    meeting = new_meeting(people)
    agenda.build(meeting)
    services.statement_accept(actor=coordinator, meeting=meeting)
    client = login(coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    first, middle, last = AgendaItem.objects.filter(meeting=meeting, section=Section.HIGH_RISK).order_by("order", "pk")
    # The address the page builds from the item's own is the one the URLconf gives the move view.
    move = reverse("meeting_item_move", args=[meeting.pk, middle.pk])
    assert move == reverse("meeting_item", args=[meeting.pk, middle.pk]) + "move/"
    assert reverse("meeting_item", args=[meeting.pk, middle.pk]) == f"{meeting.get_absolute_url()}items/{middle.pk}/"
    assert page.count(f'href="{meeting.get_absolute_url()}items/{middle.pk}/"') >= 1
    assert page.count(f'action="{move}"') == 1
    form = page[page.index(f'action="{move}"') :].split("</form>")[0]
    assert 'name="direction" value="up"' in form and 'name="direction" value="down"' in form
    assert (
        'value="up"'
        not in page[page.index(f'action="{reverse("meeting_item_move", args=[meeting.pk, first.pk])}"') :].split(
            "</form>"
        )[0]
    )
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert list(
        AgendaItem.objects.filter(meeting=meeting, section=Section.HIGH_RISK)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    ) == [middle.pk, first.pk, last.pk]


# --- the data migration ---------------------------------------------------------------------------


# Migrating runs DDL, so the test commits; serialized_rollback as for the other transactional tests, so
# the flush after it does not recreate rows the next one restores (content types).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_merges_per_reason_items_into_one_per_child_keeping_decisions_actions_and_discussion(demo_data):
    coordinator, police = demo_data["coordinator@example.org"], demo_data["practitioner.police@example.org"]
    case = make_case(demo_data, "Migrated")
    other = make_case(demo_data, "Single")
    executor = MigrationExecutor(connection)
    executor.migrate([("meetings", "0004_agenda_item_reasons")])
    old = executor.loader.project_state([("meetings", "0004_agenda_item_reasons")]).apps
    OldMeeting, OldItem = old.get_model("meetings", "Meeting"), old.get_model("meetings", "AgendaItem")
    OldDecision, OldAction = old.get_model("meetings", "Decision"), old.get_model("meetings", "Action")
    meeting = OldMeeting.objects.create(date=TODAY, chair_id=coordinator.pk, created_by_id=coordinator.pk)
    high = OldItem.objects.create(
        meeting=meeting, section=3, case_id=case.pk, reason="high risk", auto_key=f"3:case:{case.pk}", order=1
    )
    missing = OldItem.objects.create(
        meeting=meeting,
        section=4,
        case_id=case.pk,
        reason="4 missing episodes in 90 days",
        auto_key=f"4:case:{case.pk}",
        discussion="Missing pattern discussed.",
        removed_at=timezone.now(),
        removed_by_id=coordinator.pk,
        removed_reason="covered under high risk",
    )
    manual = OldItem.objects.create(
        meeting=meeting,
        section=7,
        case_id=case.pk,
        reason="review",
        added_by_id=coordinator.pk,
        discussion="Review agreed.",
    )
    single = OldItem.objects.create(
        meeting=meeting, section=2, case_id=other.pk, reason="risk changed", auto_key=f"2:case:{other.pk}"
    )
    OldDecision.objects.create(
        meeting=meeting, item=missing, case_id=case.pk, kind="other", text="Keep", recorded_by_id=coordinator.pk
    )
    OldAction.objects.create(
        case_id=case.pk,
        meeting=meeting,
        item=manual,
        description="Do",
        owner_id=police.pk,
        owner_agency_id=police.agency_id,
        due_date=TODAY,
        created_by_id=coordinator.pk,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    merged = AgendaItem.objects.get(meeting_id=meeting.pk, case=case)
    assert merged.pk == high.pk and merged.section == 3 and merged.removed_at is None
    assert merged.reason == "high risk · 4 missing episodes in 90 days · review"
    assert (merged.manual_reason, merged.manual_section, merged.added_by_id) == ("review", 7, coordinator.pk)
    assert "Missing pattern discussed." in merged.discussion and "Review agreed." in merged.discussion
    assert Decision.objects.get(text="Keep").item_id == merged.pk
    assert Action.objects.get(description="Do").item_id == merged.pk
    assert AgendaItem.objects.get(pk=single.pk).reasons == [{"section": 2, "text": "risk changed"}]
    from met.models import AuditEvent

    event = AuditEvent.objects.get(action="meeting.item_merge")
    assert sorted(event.detail["merged"]) == sorted([missing.pk, manual.pk])
