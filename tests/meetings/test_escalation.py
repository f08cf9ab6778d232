"""Reminders and the escalation ladder (meetings/escalation.py), run by idempotent sweeps."""

import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from cases.models import Category
from meetings import escalation, services
from meetings.models import Action, Feedback, Meeting, MeetingStatus
from met.models import Notification, OutboxEmail, Reminder
from met.workdays import add_working_days

DUE = date(2026, 11, 2)  # a Monday


def test_it_reminds_on_the_due_day_escalates_the_next_working_day_and_again_five_working_days_later(settings, db):
    settings.MET_ESCALATION_LEVEL2_WORKING_DAYS = 5
    assert escalation.due_steps(DUE, DUE - timedelta(days=1)) == []
    assert escalation.due_steps(DUE, DUE) == ["0"]
    assert escalation.due_steps(DUE, date(2026, 11, 3)) == ["0", "1"]  # Tuesday: 1 working day overdue
    assert escalation.due_steps(DUE, date(2026, 11, 9)) == ["0", "1"]  # Monday: 5 working days overdue
    assert escalation.due_steps(DUE, date(2026, 11, 10)) == ["0", "1", "2"]  # 5 working days after level 1


def test_it_does_not_count_a_weekend_as_overdue(db):
    friday = date(2026, 11, 6)
    assert escalation.due_steps(friday, date(2026, 11, 8)) == ["0"]  # Sunday
    assert escalation.due_steps(friday, date(2026, 11, 9)) == ["0", "1"]


def test_it_waits_the_configured_number_of_working_days(settings, db):
    settings.MET_ESCALATION_LEVEL2_WORKING_DAYS = 2
    assert escalation.due_steps(DUE, date(2026, 11, 5)) == ["0", "1", "2"]


@pytest.fixture
def world(demo_data):
    police, coordinator = demo_data["practitioner.police@example.org"], demo_data["coordinator@example.org"]
    category = Category.objects.get(code="cce")
    concern = case_services.concern_log(
        actor=police,
        new_child={"first_name": "Kai", "last_name": "Thistleby"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    case = case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )
    return {"case": case, **demo_data}


def overdue_action(world, *, owner_email="practitioner.police@example.org", days_ago=7):
    owner = world[owner_email]
    action = services.action_create(
        actor=world["coordinator@example.org"],
        case=world["case"],
        description="Safety plan",
        owner=owner,
        due_date=timezone.localdate(),
    )
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=days_ago))
    return Action.objects.get(pk=action.pk)


def recipients(action, key):
    return {r.recipient.email for r in Reminder.objects.filter(kind="action", object_id=action.pk, key=key)}


def test_it_walks_the_police_action_up_the_management_line(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_current_timezone()))
    action = overdue_action(world, days_ago=0)
    mail.outbox.clear()
    # Due last week (Monday 2 November): on Tuesday 10 November it is 6 working days overdue.
    time_machine.move_to(datetime(2026, 11, 4, 9, 0, tzinfo=timezone.get_current_timezone()))
    with django_capture_on_commit_callbacks(execute=True):
        services.actions_sweep()
    assert recipients(action, "0") == {"practitioner.police@example.org"}
    assert recipients(action, "1") == {"manager.police@example.org"}
    assert recipients(action, "2") == set()
    time_machine.move_to(datetime(2026, 11, 10, 9, 0, tzinfo=timezone.get_current_timezone()))
    with django_capture_on_commit_callbacks(execute=True):
        services.actions_sweep()
        services.actions_sweep()  # a second sweep the same day sends nothing more
    assert recipients(action, "2") == {"senior.police@example.org"}
    for email in ("manager.police@example.org", "senior.police@example.org"):
        assert Notification.objects.filter(recipient__email=email, subject__contains="escalation").count() == 1
        assert sum(1 for m in mail.outbox if m.to == [email]) == 1


def test_it_shows_the_escalation_on_the_action_the_case_and_the_next_agenda(world, login):
    action = overdue_action(world, days_ago=3)
    services.actions_sweep()
    officer = login(world["practitioner.police@example.org"])
    assert "level 1 escalation" in officer.get(action.get_absolute_url()).content.decode()
    assert "escalated to line manager" in officer.get(world["case"].get_absolute_url()).content.decode()
    Action.objects.filter(pk=action.pk).update(
        meeting=Meeting.objects.create(
            date=timezone.localdate() - timedelta(days=10),
            chair=world["chair@example.org"],
            created_by=world["coordinator@example.org"],
        )
    )
    meeting = services.meeting_create(
        actor=world["coordinator@example.org"],
        date=timezone.localdate() + timedelta(days=2),
        starts_at="10:00",
        chair=world["chair@example.org"],
    )
    item = meeting.items.get(case=world["case"])  # one item per child, whichever section is most urgent
    assert "escalated to line manager" in item.reason


def test_it_falls_back_to_the_senior_contact_when_there_is_no_line_manager(world):
    owner = world["practitioner.police@example.org"]
    owner.line_manager = None
    owner.save(update_fields=["line_manager"])
    action = overdue_action(world, days_ago=14)
    services.actions_sweep()
    assert recipients(action, "1") == {"senior.police@example.org"}
    assert recipients(action, "2") == {"senior.police@example.org"}


def test_it_skips_a_deactivated_manager_and_never_crashes(world):
    manager = world["manager.police@example.org"]
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    action = overdue_action(world, days_ago=14)
    services.actions_sweep()
    assert recipients(action, "1") == {"senior.police@example.org"}
    assert "manager.police@example.org" not in {r.recipient.email for r in Reminder.objects.all()}


def test_it_reaches_the_coordinators_when_an_agency_has_no_one_to_escalate_to(world):
    police = world["practitioner.police@example.org"]
    police.line_manager = None
    police.save(update_fields=["line_manager"])
    police.agency.senior_contact = None
    police.agency.save(update_fields=["senior_contact"])
    action = overdue_action(world, days_ago=14)
    services.actions_sweep()
    assert recipients(action, "1") == {"coordinator@example.org"}


def test_it_sends_nothing_for_a_deactivated_owner_but_still_escalates(world):
    action = overdue_action(world, days_ago=3)
    owner = world["practitioner.police@example.org"]
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    services.actions_sweep()
    assert recipients(action, "0") == {"senior.police@example.org"}
    assert recipients(action, "1") == {"manager.police@example.org"}


def test_it_finishes_a_sweep_after_a_crash_without_sending_anything_twice(world, monkeypatch):
    actions = [overdue_action(world, days_ago=14) for _ in range(3)]
    real_bulk_create = Reminder.objects.bulk_create

    def crashing_bulk_create(*args, **kwargs):
        raise OSError("worker killed mid-run")

    # Killed after the notifications were written, before the reminders: all of it is rolled back.
    monkeypatch.setattr(Reminder.objects, "bulk_create", crashing_bulk_create)
    before = Notification.objects.count(), OutboxEmail.objects.count()
    with pytest.raises(OSError):
        services.actions_sweep()
    assert Reminder.objects.count() == 0
    assert (Notification.objects.count(), OutboxEmail.objects.count()) == before
    monkeypatch.setattr(Reminder.objects, "bulk_create", real_bulk_create)
    assert services.actions_sweep() == 3 * 3
    # Each action: reminder, level 1, level 2 - exactly once each, nothing missed.
    assert Reminder.objects.filter(kind="action").count() == 3 * 3
    for action in actions:
        assert set(Reminder.objects.filter(object_id=action.pk).values_list("key", flat=True)) == {"0", "1", "2"}
    # The owner and their manager get one message each listing all three; each level 2 goes on its own.
    assert Notification.objects.filter(subject__startswith="Level 2").count() == 3
    owner_digest = Notification.objects.get(
        pk__in=Reminder.objects.filter(recipient=world["practitioner.police@example.org"]).values("notification")
    )
    assert owner_digest.subject == "3 reminders: your actions due"
    assert owner_digest.body.count("Your action on MET-") == 3
    assert services.actions_sweep() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_each_reminder_once_when_two_sweeps_run_at_once():
    from met import demo

    demo.seed_accounts()
    from met.models import User

    people = {u.email: u for u in User.objects.all()}
    world = {"case": None, **people}
    police, coordinator = people["practitioner.police@example.org"], people["coordinator@example.org"]
    category = Category.objects.get(code="cce")
    concern = case_services.concern_log(
        actor=police,
        new_child={"first_name": "Ada", "last_name": "Mossgate"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    world["case"] = case_services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )
    for _ in range(5):
        overdue_action(world, days_ago=14)

    if connection.vendor == "postgresql":
        barrier, errors = threading.Barrier(2), []

        def sweep():
            try:
                barrier.wait()
                services.actions_sweep()
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
    else:
        # SQLite serialises writers: the same two sweeps, one after the other.
        services.actions_sweep()
        services.actions_sweep()
    assert Reminder.objects.filter(kind="action").count() == 5 * 3
    # Level 2 goes at once, one message an action; level 1 is one message listing the five.
    assert Notification.objects.filter(subject__startswith="Level 2").count() == 5
    assert Notification.objects.filter(subject="5 reminders: overdue actions escalated to you").count() == 1


def test_it_makes_feedback_due_two_working_days_after_the_meeting_and_reminds_the_coordinator(world):
    coordinator, chair = world["coordinator@example.org"], world["chair@example.org"]
    meeting = Meeting.objects.create(date=date(2026, 12, 24), chair=chair, created_by=coordinator)
    meeting.items.create(section=3, case=world["case"], reason="high risk", discussion="Plan agreed.")
    services.meeting_sign_off(actor=chair, meeting=meeting, now=timezone.make_aware(datetime(2026, 12, 24, 12, 0)))
    feedback = Feedback.objects.get(meeting=meeting, case=world["case"])
    assert feedback.due_date == date(2026, 12, 30) == add_working_days(meeting.date, 2)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED_OFF
    assert services.feedback_sweep(today=date(2026, 12, 29)) == 0
    assert services.feedback_sweep(today=date(2026, 12, 30)) == 1
    assert Reminder.objects.get(kind="feedback").recipient == coordinator
    assert services.feedback_sweep(today=date(2026, 12, 31)) == 1  # overdue: to the coordinator's manager
    assert Reminder.objects.get(kind="feedback", key="1").recipient.email == "manager.csc@example.org"
    services.feedback_mark_sent(actor=coordinator, feedback=feedback, method="call")
    assert services.feedback_sweep(today=date(2027, 1, 15)) == 0


def test_it_emails_feedback_with_the_decisions_and_actions(world, login, django_capture_on_commit_callbacks):
    coordinator, chair = world["coordinator@example.org"], world["chair@example.org"]
    case = world["case"]
    case_services.case_update(
        actor=coordinator,
        case=case,
        expected_version=case.version,
        seen=None,
        lead_professional=world["manager.csc@example.org"],
    )
    meeting = Meeting.objects.create(
        date=timezone.localdate(), starts_at=time(0, 0), chair=chair, created_by=coordinator
    )
    item = meeting.items.create(section=3, case=case, reason="high risk")
    services.decision_other(actor=coordinator, item=item, text="Strategy meeting to be held")
    services.meeting_sign_off(actor=chair, meeting=meeting)
    feedback = Feedback.objects.get(meeting=meeting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(f"/meetings/{meeting.pk}/feedback/{feedback.pk}/", {"send": "email"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["manager.csc@example.org"]]
    assert "Strategy meeting to be held" in mail.outbox[0].body
    feedback.refresh_from_db()
    assert feedback.method == "app_email" and feedback.sent_at is not None


def test_it_reminds_about_return_home_interviews_at_48_hours_and_flags_them_overdue_at_72(world):
    police = world["practitioner.police@example.org"]
    case = world["case"]
    case_services.case_update(
        actor=world["coordinator@example.org"],
        case=case,
        expected_version=case.version,
        seen=None,
        lead_professional=world["manager.csc@example.org"],
    )
    returned = timezone.now() - timedelta(hours=47)
    episode = case_services.missing_episode_record(
        actor=police, case=case, kind="missing", went_missing_at=returned - timedelta(hours=5), returned_at=returned
    )
    assert case_services.rhi_sweep() == 0
    assert case_services.rhi_sweep(now=returned + timedelta(hours=48)) == 1
    assert Reminder.objects.get(kind="rhi", object_id=episode.pk).recipient.email == "manager.csc@example.org"
    assert case_services.rhi_sweep(now=returned + timedelta(hours=72)) == 0  # exactly 72 hours is still in time
    overdue = case_services.rhi_sweep(now=returned + timedelta(hours=73))
    assert overdue == 2  # the lead professional and the coordinator
    assert case_services.rhi_sweep(now=returned + timedelta(hours=80)) == 0


def test_it_reminds_the_lead_professional_and_coordinator_when_a_review_is_due(world):
    from riskassessment.services import review_sweep

    case = world["case"]
    case_services.case_update(
        actor=world["coordinator@example.org"],
        case=case,
        expected_version=case.version,
        seen=None,
        lead_professional=world["manager.csc@example.org"],
    )
    case.__class__.objects.filter(pk=case.pk).update(risk_review_due=timezone.localdate(), risk_level="medium")
    assert review_sweep() == 2
    assert review_sweep() == 0
    assert {r.recipient.email for r in Reminder.objects.filter(kind="risk_review")} == {
        "manager.csc@example.org",
        "coordinator@example.org",
    }
