"""`make bench`'s synthetic region (bench/fill.py) at a tiny size: the volumes in proportion, the
permissions exactly those the services keep, and exactly the configured number of due items.
No timings here: the bench measures, the tests check that what it measures is right."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bench import tasks
from bench.fill import Volumes, fill
from bench.run import Postgres
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseUserObjectPermission,
    Child,
    Concern,
    MissingEpisode,
)
from cases.services import permissions
from meetings.models import Action, ActionStatus, AgendaItem, Meeting
from met import registry
from met.models import Agency, Reminder
from riskassessment.models import Assessment, AssessmentStatus, RiskHistory

CHILDREN = 50


@pytest.fixture
def region(db):
    return fill(CHILDREN, log=lambda message: None)


def test_it_fills_every_volume_in_proportion_to_the_children(region):
    v = Volumes.for_children(CHILDREN)
    assert Child.objects.count() == Case.objects.count() == CHILDREN
    assert MissingEpisode.objects.count() == v.episodes == 3 * CHILDREN
    assert Assessment.objects.count() == v.assessments == CHILDREN // 2
    assert Action.objects.count() == v.actions == CHILDREN
    assert Concern.objects.count() == v.concerns
    assert Meeting.objects.count() == v.meetings
    assert Case.objects.filter(is_restricted=True).count() == v.restricted
    assert Concern.objects.filter(triaged_at__isnull=True).count() == v.untriaged
    assert region["children"] == CHILDREN
    # Every kind of action the pages and sweeps meet: done, open and not yet due, open and due.
    statuses = set(Action.objects.values_list("status", flat=True))
    assert {ActionStatus.DONE, ActionStatus.OPEN} <= statuses


def test_it_scales_the_full_size_to_the_issues_volumes():
    v = Volumes.for_children(100_000)
    assert (v.episodes, v.assessments, v.actions, v.meetings) == (300_000, 50_000, 100_000, 200)
    assert v.due_items == 10_000
    assert Volumes.for_children(2_000).due_items == 200


def test_it_keeps_each_cases_risk_level_and_history_consistent(region):
    for case in Case.objects.all():
        last = RiskHistory.objects.filter(case=case).order_by("-changed_at", "-pk").first()
        assert case.risk_level == (last.to_level if last else "not_assessed")
        confirmed = Assessment.objects.filter(case=case, status=AssessmentStatus.CONFIRMED)
        assert confirmed.count() == RiskHistory.objects.filter(case=case).count()


def _rows(case):
    return (
        sorted(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("group_id", "permission_id")),
        sorted(CaseUserObjectPermission.objects.filter(content_object=case).values_list("user_id", "permission_id")),
    )


def test_it_writes_the_permissions_the_services_would_keep(region):
    sample = list(Case.objects.order_by("pk")[::5]) + list(Case.objects.filter(is_restricted=True))
    assert CaseGroupObjectPermission.objects.exists() and CaseUserObjectPermission.objects.exists()
    for case in sample:
        before = _rows(case)
        # The services' own recomputation from the case's reasons changes nothing.
        permissions._sync_agency_permissions(case)
        permissions.sync_user_permissions(case)
        assert _rows(case) == before, case.pk
        if case.lead_agency_id:
            assert case.agencies_involved.filter(pk=case.lead_agency_id).exists()


def test_it_involves_each_agency_in_a_share_of_the_cases(db):
    fill(400, log=lambda message: None)
    live = Case.objects.exclude(status=CaseStatus.REFERRED).count()
    for agency in Agency.objects.all():
        share = agency.involved_cases.count() / live
        assert 0.12 < share < 0.45, (agency.short_name, share)


def test_it_prepares_exactly_the_configured_number_of_due_items_and_the_sweeps_send_each_once(region):
    due = tasks.due_now()
    assert due["total"] == Volumes.for_children(CHILDREN).due_items
    assert due["items"]["rhis"] >= 1 and due["items"]["actions"] >= 1 and due["items"]["reviews"] >= 1
    earlier = Reminder.objects.count()
    registry.run_sweeps()
    assert Reminder.objects.count() - earlier == due["expected_reminders"] > 0
    registry.run_sweeps()
    assert Reminder.objects.count() - earlier == due["expected_reminders"]


def test_it_records_the_earlier_escalations_of_long_overdue_actions_only(db):
    fill(2_000, log=lambda message: None)
    reminded = set(Reminder.objects.values_list("object_id", flat=True))
    assert reminded
    actions = Action.objects.filter(pk__in=reminded)
    assert not actions.exclude(status=ActionStatus.OPEN).exists()
    assert not actions.filter(due_date__gt=timezone.localdate() - timedelta(days=8)).exists()
    # Something is left for today's sweep: the steps that fell due since.
    assert tasks.due_now()["expected_reminders"] > 0


def test_it_puts_a_full_agenda_of_its_own_areas_cases_on_the_next_meeting(region):
    from bench.fill import AGENDA_ITEMS

    upcoming = Meeting.objects.order_by("-date").first()
    items = AgendaItem.objects.filter(meeting=upcoming)
    local_open = Case.objects.filter(area=upcoming.area, status=CaseStatus.OPEN).count()

    assert items.count() == min(local_open, AGENDA_ITEMS - 2) + 2  # and a place and a person of concern
    assert set(items.filter(case__isnull=False).values_list("case__area", flat=True)) == {upcoming.area_id}


def test_it_splits_the_children_between_two_areas_and_the_coordinator_sees_one(region):
    from cases.access import cases_visible_to
    from met.models import Area, User

    first, second = Area.objects.order_by("pk")[:2]
    coordinator = User.objects.get(email="coordinator@example.org")

    assert abs(Case.objects.filter(area=first).count() - Case.objects.filter(area=second).count()) <= 1
    assert Meeting.objects.order_by("-date").first().area == first
    assert set(cases_visible_to(coordinator).values_list("area", flat=True)) == {first.pk}
    assert Agency.objects.get(short_name="Police").areas.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bench/run.py moves dates with PostgreSQL's SQL")
# Committed (it moves dates from another connection); serialized_rollback like every transactional test
# here, so it starts from the migrated data and its flush does not recreate the content types the next
# transactional test restores with their own ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_the_same_due_items_when_a_kept_copy_is_used_days_later(time_machine):
    """A template filled one Wednesday and used the next: every date moves forward seven days (weekly
    meetings onto each other's dates), and the sweeps find exactly the items they found on the day."""
    fill(CHILDREN, log=lambda message: None)
    before = tasks.due_now()
    episode = MissingEpisode.objects.exclude(returned_at=None).order_by("pk").first()
    meeting_days = sorted(Meeting.objects.values_list("date", flat=True))
    db = connection.settings_dict
    connection.close()
    Postgres(f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}").shift_dates(db["NAME"], 7)
    time_machine.move_to(timezone.now() + timedelta(days=7))
    after = tasks.due_now()
    moved = MissingEpisode.objects.get(pk=episode.pk)
    assert (moved.returned_at - episode.returned_at, moved.went_missing_at - episode.went_missing_at) == (
        timedelta(days=7),
        timedelta(days=7),
    )
    # Weekly meetings are unique by date: moved far ahead and back, none collides on the way.
    assert sorted(Meeting.objects.values_list("date", flat=True)) == [d + timedelta(days=7) for d in meeting_days]
    assert after["items"] == before["items"]
    assert after["total"] == Volumes.for_children(CHILDREN).due_items
