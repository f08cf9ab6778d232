"""The strategic group's 6-monthly review of the plan (issue 17 part 3): a dated event, recorded with
notes, and the strategic chair reminded a month before it — once, however often the sweep runs."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from met import registry
from met.models import Notification, OutboxEmail, Reminder
from reporting import plan_review, plan_services
from reporting.models import PlanReview, StrategicGroup

CHAIR = "chair@example.org"


@pytest.fixture
def group(demo_data):
    group, _ = StrategicGroup.objects.update_or_create(pk=1, defaults={"chair": demo_data[CHAIR]})
    return group


def schedule(group: StrategicGroup, on: date) -> StrategicGroup:
    StrategicGroup.objects.filter(pk=group.pk).update(next_review_on=on)
    group.refresh_from_db()
    return group


def test_it_reminds_from_a_month_before_the_review():
    assert plan_review.reminder_from(date(2027, 3, 31)) == date(2027, 2, 28)
    assert plan_review.reminder_due(date(2027, 3, 31), date(2027, 2, 28))
    assert not plan_review.reminder_due(date(2027, 3, 31), date(2027, 2, 27))
    assert plan_review.reminder_due(date(2027, 3, 31), date(2027, 4, 2))  # overdue: still owed
    assert not plan_review.reminder_due(None, date(2027, 4, 2))


def test_it_sets_the_next_review_six_months_after_the_last():
    assert plan_review.next_review_after(date(2026, 12, 3)) == date(2027, 6, 3)
    assert plan_review.next_review_after(date(2026, 8, 31)) == date(2027, 2, 28)


def test_it_reminds_the_strategic_chair_once_a_month_before_the_review(group, demo_data):
    chair = demo_data[CHAIR]
    today = timezone.localdate()
    schedule(group, today + timedelta(days=40))
    assert plan_services.plan_review_sweep(today=today) == 0
    assert not Reminder.objects.filter(kind="plan_review").exists()

    schedule(group, today + timedelta(days=25))
    assert plan_services.plan_review_sweep(today=today) == 1
    reminder = Reminder.objects.get(kind="plan_review")
    assert reminder.recipient == chair
    assert reminder.key == group.next_review_on.isoformat()
    note = Notification.objects.get(pk=reminder.notification_id)
    assert "review of the action plan is due on" in note.body
    assert OutboxEmail.objects.filter(notification=note, recipient=chair).exists()

    # Run again (a retried task, the next day's sweep, run_due_jobs): nothing more.
    assert plan_services.plan_review_sweep(today=today) == 0
    assert registry.run_sweeps("escalations")["plan_review"] == 0
    assert Reminder.objects.filter(kind="plan_review").count() == 1
    assert Notification.objects.filter(recipient=chair, body__contains="review of the action plan").count() == 1


def test_it_reminds_again_when_the_review_moves_to_another_date(group, demo_data):
    today = timezone.localdate()
    schedule(group, today + timedelta(days=10))
    assert plan_services.plan_review_sweep(today=today) == 1
    # Dated reminders go in one digest a day: the first one went yesterday.
    Reminder.objects.filter(kind="plan_review").update(created_at=timezone.now() - timedelta(days=1))
    plan_services.plan_review_schedule(
        actor=demo_data[CHAIR], expected_version=group.version, next_review_on=today + timedelta(days=20)
    )
    group.refresh_from_db()
    assert plan_services.plan_review_sweep(today=today) == 1
    assert list(Reminder.objects.filter(kind="plan_review").order_by("created_at").values_list("key", flat=True)) == [
        (today + timedelta(days=10)).isoformat(),
        (today + timedelta(days=20)).isoformat(),
    ]


def test_it_sends_no_reminder_without_a_strategic_chair(demo_data):
    StrategicGroup.objects.update_or_create(pk=1, defaults={"next_review_on": timezone.localdate()})
    assert plan_services.plan_review_sweep() == 0
    assert not Reminder.objects.filter(kind="plan_review").exists()


def test_it_records_a_review_with_notes_and_sets_the_next_one(group, demo_data, login):
    client = login(demo_data[CHAIR])
    today = timezone.localdate()
    group = schedule(group, today)

    response = client.post(
        reverse("plan_review_record"),
        {
            "version": group.version,
            "held_on": today.isoformat(),
            "notes": "All actions reviewed.",
            "next_review_on": "",
        },
    )

    assert response.status_code == 302
    review = PlanReview.objects.get()
    assert (review.held_on, review.due_on, review.notes) == (today, today, "All actions reviewed.")
    group.refresh_from_db()
    assert group.next_review_on == plan_review.next_review_after(today)
    page = client.get(reverse("plan_reviews")).content.decode()
    assert "All actions reviewed." in page
    assert f"{group.next_review_on:%-d %B %Y}" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "", "notes": "x"}, "Enter date of the review."),
        ({"notes": ""}, "Enter the notes of the review."),
        (
            {"held_on-day": "1", "held_on-month": "1", "held_on-year": "2999", "held_on": None},
            "Date of the review must",
        ),
        ({"next_review_on": "2020-01-01"}, "Date of the next review must be after the review being recorded."),
    ],
)
def test_it_refuses_a_bad_review_naming_the_field(group, demo_data, login, data, message):
    today = timezone.localdate()
    form = {"version": group.version, "held_on": today.isoformat(), "notes": "Reviewed", "next_review_on": ""} | data
    form = {name: value for name, value in form.items() if value is not None}
    response = login(demo_data[CHAIR]).post(reverse("plan_review_record"), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanReview.objects.exists()


def test_it_refuses_a_review_recorded_twice_from_the_same_page(group, demo_data, login):
    client = login(demo_data[CHAIR])
    form = {
        "version": group.version,
        "held_on": timezone.localdate().isoformat(),
        "notes": "Done",
        "next_review_on": "",
    }
    assert client.post(reverse("plan_review_record"), form).status_code == 302
    again = client.post(reverse("plan_review_record"), form)
    assert again.status_code == 409
    assert PlanReview.objects.count() == 1


def test_it_lets_only_the_strategic_chairs_record_or_move_the_review(group, demo_data, login):
    coordinator = login(demo_data["coordinator@example.org"])
    assert coordinator.get(reverse("plan_reviews")).status_code == 200
    assert coordinator.get(reverse("plan_review_record")).status_code == 403
    assert coordinator.post(reverse("plan_review_schedule"), {"version": group.version}).status_code == 403
    past = login(demo_data[CHAIR]).post(
        reverse("plan_review_schedule"), {"version": group.version, "next_review_on": "2020-01-01"}
    )
    assert past.status_code == 400
    assert "Date of the next review must be today or later." in past.content.decode()
