"""The hostile inputs of issue 13, each a clear 4xx naming the field and no partial write: dates far in
the past or future (met/dates.py), JSON nested too deep for the API, and lists of children audited."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.parsers import MAX_DEPTH, nesting_depth
from meetings.models import Action, Meeting
from met.models import AuditEvent, NonWorkingDay
from tests.cases import COORDINATOR, POLICE, add_episode, make_case, text, user


def client_for(email: str) -> Client:
    # A 500 would come back as a response here, as a real user would see it.
    client = Client(raise_request_exception=False)
    client.force_login(user(email))
    return client


def meeting_form(**fields) -> dict:
    data = {
        "date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "starts_at": "10:00",
        "chair": user("chair@example.org").pk,
        "location": "Civic Centre",
        "online_link": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_it_refuses_a_meeting_date_far_from_now_with_a_message_naming_the_field(demo_data, day):
    response = client_for(COORDINATOR).post(reverse("meeting_create"), meeting_form(date=day))

    assert response.status_code == 400
    assert "Date of the meeting must be between 1 January 2000 and" in text(response)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("due", ["9999-12-31", (timezone.localdate() + timedelta(days=3 * 365)).isoformat()])
def test_it_refuses_an_action_due_years_ahead(demo_data, due):
    case = make_case(agencies=("Police",))

    response = client_for(COORDINATOR).post(
        reverse("case_action_create", args=[case.pk]),
        {"description": "Visit", "owner": user(POLICE).pk, "due_date": due},
    )

    assert response.status_code == 400
    assert "Due date must be between" in text(response)
    assert not Action.objects.exists()


def test_it_refuses_an_action_due_years_ahead_in_the_service_too(demo_data):
    from django.core.exceptions import ValidationError

    from meetings import services

    case = make_case(agencies=("Police",))
    with pytest.raises(ValidationError, match="Due date must be between"):
        services.action_create(
            actor=user(COORDINATOR),
            case=case,
            description="Visit",
            owner=user(POLICE),
            due_date=timezone.localdate() + timedelta(days=5000),
        )


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_it_refuses_a_non_working_day_in_year_one_or_far_ahead(demo_data, day):
    response = client_for("sysadmin@example.org").post(reverse("non_working_days"), {"date": day, "reason": "Typo"})

    assert response.status_code == 400
    assert "Date must be between 1 January 2000 and" in text(response)
    assert not NonWorkingDay.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("went_missing_at", "0001-01-01T10:00", "Went missing at must be between 1 January 1900"),
        ("returned_at", "9999-12-31T23:59", "Returned at must be between 1 January 1900"),
    ],
)
def test_it_refuses_an_episode_in_year_one_or_9999(demo_data, field, value, message):
    case = make_case(agencies=("Police",))
    data = {"kind": "missing", "went_missing_at": "2026-11-30T10:00", "returned_at": ""}
    data[field] = value

    response = client_for(POLICE).post(reverse("episode_create", args=[case.pk]), data)

    assert response.status_code == 400
    assert case.missing_episodes.count() == 0
    assert message in text(response)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_it_refuses_a_date_of_birth_in_year_one_or_9999(demo_data, day):
    from cases.forms import ChildForm

    form = ChildForm(
        data={
            "first_name": "Ada",
            "last_name": "Quell",
            "date_of_birth": day,
            "gender": "not_known",
            "ethnicity": "not_known",
        }
    )

    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [
        "Date of birth must be between 1 January 1900 and 31 December 2199: check the year."
    ]


def test_it_answers_deeply_nested_json_with_a_400(demo_data):
    from api import services

    case = make_case(agencies=("Police",))
    _, key = services.token_create(user=user(POLICE), name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)
    body = "[" * 100_000 + "]" * 100_000

    response = client.patch(f"/api/v1/cases/{case.pk}/", body, content_type="application/json")

    assert response.status_code == 400
    assert f"nested more than {MAX_DEPTH} levels" in response.json()["detail"]


def test_it_counts_nesting_outside_strings_only():
    assert nesting_depth(json.dumps({"a": [1, {"b": "[[[[{{{{"}]}).encode()) == 3
    assert nesting_depth(b'"\\"[[[["') == 0


@pytest.mark.parametrize(
    ("url", "kind", "email"),
    [
        ("case_list", "case_list", COORDINATOR),
        ("triage_inbox", "triage", COORDINATOR),
        ("rhi_overdue_list", "rhi_overdue", COORDINATOR),
        ("reviews_due", "reviews_due", COORDINATOR),
        ("agency_actions", "actions", COORDINATOR),
    ],
)
def test_it_audits_each_list_page_naming_the_children_shown_in_one_event(demo_data, url, kind, email):
    from cases.models import Case
    from cases.services import concern_log
    from tests.cases import category

    case = make_case(agencies=("Police",), last_name="Listwell")
    add_episode(case, days_ago=6)  # its return home interview is overdue
    Case.objects.filter(pk=case.pk).update(risk_review_due=timezone.localdate())
    concern_log(
        actor=user(POLICE),
        category=category("cse"),
        observed_at=timezone.now() - timedelta(hours=2),
        description="Seen again.",
        child=case.child,
    )
    from meetings import services as meeting_services

    meeting_services.action_create(
        actor=user(COORDINATOR), case=case, description="Visit", owner=user(POLICE), due_date=timezone.localdate()
    )
    before = AuditEvent.objects.count()

    response = client_for(email).get(reverse(url))

    assert response.status_code == 200
    assert "Listwell" in text(response)
    events = AuditEvent.objects.filter(action=f"{kind}.list")
    assert events.count() == 1
    assert events.get().detail == {"children": [case.child_id]}
    assert AuditEvent.objects.count() == before + 1


def test_it_audits_the_dashboard_which_names_stuck_cases(demo_data):
    response = client_for(COORDINATOR).get(reverse("dashboard"))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="dashboard.list")
    assert event.actor == user(COORDINATOR)
    assert event.detail == {"children": []}


def test_it_refuses_a_report_for_a_finalised_period_with_a_400_not_a_500(demo_data):
    from reporting import services as report_services
    from reporting.models import ReportKind

    chair = user("chair@example.org")
    start = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    report, _ = report_services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=start)
    report_services.report_finalise(actor=chair, report=report_services.report_build(report_id=report.pk))

    response = client_for("chair@example.org").post(
        reverse("report_list"), {"kind": ReportKind.MACE_MONTHLY, "month": start.strftime("%Y-%m")}
    )

    assert response.status_code == 400
    assert "A finalised report already exists for that period" in text(response)
