"""cases/turning_18.py: the 18th birthday (29 February births on 1 March), the 6-month window and its
boundaries; the transition plan (versions, its form, who may use it, bad input); the agenda's section 7
reason; the monthly report's figures; and the daily closure on the birthday, once and never silently."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import turning_18
from cases.models import Case, CaseNote, CaseStatus, Child, ClosureReason, TransitionPlan
from cases.services import turning_18 as services
from cases.tasks import close_cases_at_18
from meetings import agenda
from meetings.models import AgendaItem, Meeting, Section
from met.models import AuditEvent, Notification, Reminder, User
from reporting import metrics, tables
from tests.cases import (
    COORDINATOR,
    POLICE,
    POLICE_ADMIN,
    SCHOOL,
    agency,
    make_case,
    text,
    user,
)

TODAY = timezone.localdate()
LONDON = ZoneInfo("Europe/London")


def dob_turning_18_on(day: date) -> date:
    """A date of birth whose 18th birthday is `day` (not 1 March, which 29 February births share)."""
    return day.replace(year=day.year - 18)


def near_18_case(birthday: date, **kw) -> Case:
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    case = make_case(date_of_birth=dob_turning_18_on(birthday), **kw)
    # Begun well before the birthday, as a case the closure is about.
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=400))
    return Case.objects.select_related("child", "lead_professional").get(pk=case.pk)


def plan_fields(**fields) -> dict:
    return {
        "agreed_on": TODAY,
        "responsible": "Priya Shah",
        "responsible_agency": agency("CSC"),
        "adult_team": "",
        "adult_referred_on": None,
        "adult_reference": "",
        "adult_outcome": "",
        "leaving_care_team": "",
        "personal_adviser": "",
        "notes": "",
        "change_note": "",
        **fields,
    }


def record(case, *, based_on=0, actor=None, **fields):
    return services.transition_plan_record(
        actor=actor or user(COORDINATOR), case=case, based_on=based_on, **plan_fields(**fields)
    )


def form_post(*, based_on=0, **fields) -> dict:
    data = {
        "based_on": str(based_on),
        "agreed_on": TODAY.isoformat(),
        "responsible": "Priya Shah",
        "responsible_agency": str(agency("CSC").pk),
        "adult_team": "Adult Social Care: transitions",
        "adult_referred_on": (TODAY - timedelta(days=3)).isoformat(),
        "adult_reference": "ASC-1",
        "adult_outcome": "awaited",
        "leaving_care_team": "",
        "personal_adviser": "",
        "notes": "",
        "change_note": "",
    }
    data.update(fields)
    return data


# --- the rule: the 18th birthday ---------------------------------------------------------------------


def test_it_turns_18_on_the_anniversary_and_on_1_march_for_a_29_february_birth():
    assert turning_18.birthday(date(2009, 6, 15)) == date(2027, 6, 15)
    assert turning_18.birthday(date(2008, 2, 29)) == date(2026, 3, 1)  # 2026 has no 29 February
    assert turning_18.birthday(date(2008, 2, 28)) == date(2026, 2, 28)
    assert turning_18.birthday(date(2008, 3, 1)) == date(2026, 3, 1)
    # The same reading as the age shown on the case page: 17 on 28 February, 18 on 1 March.
    child = Child(first_name="Leap", last_name="Day", date_of_birth=date(2008, 2, 29))
    assert child.age(date(2026, 2, 28)) == 17
    assert child.age(date(2026, 3, 1)) == 18


def test_it_cuts_dates_of_birth_exactly_where_the_birthday_falls():
    """born_on_or_before(day) is the database's form of birthday(dob) <= day: the same answer for every
    date of birth and day around the end of February, in leap years and others."""
    births = [date(2008, 2, 1) + timedelta(days=n) for n in range(60)] + [
        date(2010, 2, 1) + timedelta(days=n) for n in range(60)
    ]
    days = [date(2026, 2, 1) + timedelta(days=n) for n in range(60)] + [
        date(2028, 2, 1) + timedelta(days=n) for n in range(60)
    ]
    for born in births:
        for day in days:
            assert (turning_18.birthday(born) <= day) == (born <= turning_18.born_on_or_before(day)), (born, day)
            assert (turning_18.birthday(born) <= day) == (Child(date_of_birth=born).age(day) >= 18), (born, day)


# --- the rule: within 6 months of the 18th birthday ----------------------------------------------------


@pytest.mark.parametrize(
    ("today", "birthday", "flagged"),
    [
        (date(2026, 12, 3), date(2026, 12, 3), False),  # the birthday itself: 18, no longer approaching
        (date(2026, 12, 3), date(2026, 12, 4), True),  # tomorrow: in the window
        (date(2026, 12, 3), date(2027, 6, 3), True),  # exactly 6 months away: in
        (date(2026, 12, 3), date(2027, 6, 4), False),  # 6 months and a day: not yet
        (date(2026, 8, 31), date(2027, 2, 28), True),  # 31 August + 6 months is the end of February
        (date(2026, 8, 31), date(2027, 3, 1), False),
        (date(2026, 12, 3), date(2026, 12, 2), False),  # turned 18 yesterday: not in the window
    ],
)
def test_it_is_within_6_months_of_the_18th_birthday_between_the_birthday_and_6_months_before(today, birthday, flagged):
    assert turning_18.in_window(dob_turning_18_on(birthday), today) is flagged


def test_it_puts_a_29_february_birth_in_the_window_until_28_february_and_18_on_1_march():
    born = date(2008, 2, 29)
    assert not turning_18.in_window(born, date(2025, 8, 31))  # window to 28 Feb 2026; birthday 1 March
    assert turning_18.in_window(born, date(2025, 9, 1))
    assert turning_18.in_window(born, date(2026, 2, 28))
    assert not turning_18.in_window(born, date(2026, 3, 1))
    assert turning_18.has_turned(born, date(2026, 3, 1)) and not turning_18.has_turned(born, date(2026, 2, 28))


def test_it_finds_the_same_cases_in_the_database_in_one_query(demo_data, django_assert_num_queries):
    inside = [near_18_case(TODAY + timedelta(days=1)), near_18_case(turning_18.window_end(TODAY))]
    outside = [
        near_18_case(TODAY),
        near_18_case(turning_18.window_end(TODAY) + timedelta(days=1)),
        make_case(status=CaseStatus.CLOSED, date_of_birth=dob_turning_18_on(TODAY + timedelta(days=30))),
        make_case(date_of_birth=None),
    ]
    record(inside[0])
    with django_assert_num_queries(1):
        found = {c.pk: c.has_transition_plan for c in turning_18.flagged_cases(Case.objects.all(), TODAY)}
    assert found == {inside[0].pk: True, inside[1].pk: False}
    assert not set(found) & {c.pk for c in outside}
    for case in inside:
        assert turning_18.flag(case, TODAY) == turning_18.Flag(turning_18.birthday(case.child.date_of_birth), False)


# --- the transition plan --------------------------------------------------------------------------------


def test_it_keeps_each_version_of_the_plan_and_refuses_one_built_on_an_older_version(demo_data):
    case = near_18_case(TODAY + timedelta(days=60))
    first = record(case, adult_team="Adult Social Care")
    second = record(case, based_on=1, adult_team="Transitions team", change_note="Referred to the transitions team")
    first.refresh_from_db()
    assert (first.number, first.is_current, second.number, second.is_current) == (1, False, 2, True)
    assert first.adult_team == "Adult Social Care"
    with pytest.raises(services.ValidationError) as refused:
        record(case, based_on=1, adult_team="Someone else's")
    assert refused.value.code == services.CONFLICT
    assert TransitionPlan.objects.filter(case=case).count() == 2
    actions = list(
        AuditEvent.objects.filter(object_type="cases.transitionplan").order_by("pk").values_list("action", "child_id")
    )
    assert actions == [("transition_plan.record", case.child_id), ("transition_plan.revise", case.child_id)]


def test_it_needs_the_leaving_care_team_for_a_looked_after_child(demo_data):
    case = near_18_case(TODAY + timedelta(days=60), is_looked_after=True)
    with pytest.raises(services.ValidationError) as refused:
        record(case)
    assert "leaving_care_team" in refused.value.message_dict
    record(case, leaving_care_team="Care Leavers' Service", personal_adviser="Jordan Ellis")
    assert TransitionPlan.objects.filter(case=case, is_current=True).exists()


def test_it_records_a_plan_from_the_form_and_shows_it_on_the_case_page(demo_data, login):
    case = near_18_case(TODAY + timedelta(days=45), lead=user(POLICE), agencies=("Police", "Health"))
    client = login(user(POLICE))
    page = text(client.get(case.get_absolute_url()))
    birthday = TODAY + timedelta(days=45)
    assert f"Turns 18 on {birthday.day} {birthday:%b %Y}" in page
    assert "no transition plan is recorded yet" in page
    url = reverse("transition_plan_edit", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_post())
    assert response.status_code == 302
    plan = TransitionPlan.objects.get(case=case)
    assert (plan.adult_team, plan.adult_outcome, plan.recorded_by.email) == (
        "Adult Social Care: transitions",
        "awaited",
        POLICE,
    )
    page = text(client.get(case.get_absolute_url()))
    assert "Adult Social Care: transitions" in page and "Priya Shah (CSC)" in page
    assert "no transition plan is recorded yet" not in page
    assert AuditEvent.objects.filter(action="case.view", detail__page="transition_plan_edit").exists()
    # The list shows the flag too.
    listing = text(client.get(reverse("case_list") + "?flag=turning_18"))
    assert case.reference in listing and f"Turns 18 on {birthday.day} {birthday:%b %Y}" in listing


def test_it_keeps_the_form_from_those_who_may_not_change_the_case(demo_data, login):
    case = near_18_case(TODAY + timedelta(days=45), agencies=("Police", "Health"))
    url = reverse("transition_plan_edit", args=[case.pk])
    assert login(user(SCHOOL)).get(url).status_code == 404  # the school is not involved: as if no case
    assert login(user(SCHOOL)).post(url, form_post()).status_code == 404
    assert login(user(POLICE_ADMIN)).get(url).status_code == 403  # no case role
    assert login(user(COORDINATOR)).get(reverse("transition_plan_edit", args=[99999])).status_code == 404
    assert not TransitionPlan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"responsible": ""}, "responsible", "Enter who is responsible for the hand-over."),
        ({"responsible_agency": ""}, "responsible_agency", "Choose their agency."),
        ({"agreed_on": ""}, "agreed_on", "Enter date agreed."),
        (
            {"agreed_on": (TODAY + timedelta(days=2)).isoformat()},
            "agreed_on",
            "Date agreed",
        ),
        (
            {"adult_referred_on": ""},
            "adult_referred_on",
            "Enter the date referred to adult services, or clear its reference and decision.",
        ),
        (
            {"adult_team": ""},
            "adult_team",
            "Enter the adult services team the referral went to, or clear the referral's details.",
        ),
        ({"adult_outcome": "maybe"}, "adult_outcome", "Adult services decision must be one of the options listed."),
        ({"responsible_agency": "99999"}, "responsible_agency", "Their agency must be one of the agencies listed."),
        (
            {"agreed_on-day": "31", "agreed_on-month": "2", "agreed_on-year": "2026", "agreed_on": None},
            "agreed_on",
            "real date",
        ),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(demo_data, login, fields, field, message):
    case = near_18_case(TODAY + timedelta(days=45), agencies=("Police", "Health"))
    data = {k: v for k, v in form_post(**fields).items() if v is not None}
    response = login(user(POLICE)).post(reverse("transition_plan_edit", args=[case.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in text(response)
    assert not TransitionPlan.objects.exists()


def test_it_refuses_a_looked_after_childs_plan_without_the_leaving_care_team_on_the_form(demo_data, login):
    case = near_18_case(TODAY + timedelta(days=45), agencies=("Police", "Health"), is_looked_after=True)
    response = login(user(POLICE)).post(reverse("transition_plan_edit", args=[case.pk]), form_post())
    assert response.status_code == 400
    assert "Enter the leaving-care team" in " ".join(response.context["form"].errors["leaving_care_team"])
    assert not TransitionPlan.objects.exists()


def test_it_answers_409_to_a_plan_built_on_an_older_version(demo_data, login):
    case = near_18_case(TODAY + timedelta(days=45), agencies=("Police", "Health"))
    record(case)
    response = login(user(POLICE)).post(reverse("transition_plan_edit", args=[case.pk]), form_post(based_on=0))
    assert response.status_code == 409
    assert "recorded by someone else" in text(response)
    assert TransitionPlan.objects.filter(case=case).count() == 1


# --- the agenda (section 7) and the monthly report -----------------------------------------------------


def test_it_lists_children_turning_18_in_section_7_with_whether_they_have_a_plan(demo_data):
    meeting_day = TODAY + timedelta(days=2)
    without = near_18_case(meeting_day + timedelta(days=30))
    planned = near_18_case(meeting_day + timedelta(days=90))
    record(planned)
    on_the_day = near_18_case(meeting_day)
    too_far = near_18_case(turning_18.window_end(meeting_day) + timedelta(days=1))
    meeting = Meeting.objects.create(date=meeting_day, chair=user("chair@example.org"), created_by=user(COORDINATOR))

    agenda.build(meeting)

    found = {
        item.case_id: [r["text"] for r in item.reasons if r["section"] == Section.REVIEWS]
        for item in AgendaItem.objects.filter(meeting=meeting)
    }
    b1, b2 = meeting_day + timedelta(days=30), meeting_day + timedelta(days=90)
    assert found[without.pk] == [f"turns 18 on {b1.day} {b1:%b %Y}, no transition plan"]
    assert found[planned.pk] == [f"turns 18 on {b2.day} {b2:%b %Y}"]
    assert not found.get(on_the_day.pk) and not found.get(too_far.pk)


def test_it_counts_children_turning_18_in_the_monthly_report_and_withholds_small_counts_for_the_lscb(demo_data):
    start = TODAY.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    last_day = end - timedelta(days=1)
    planned = near_18_case(last_day + timedelta(days=10))
    record(planned)
    near_18_case(last_day + timedelta(days=20))
    near_18_case(last_day + timedelta(days=100))
    near_18_case(turning_18.window_end(last_day) + timedelta(days=1))  # beyond the window at the end
    figures = metrics.compute(start, end)["turning_18"]
    assert figures == {"total": 3, "without_plan": 2}
    rows = dict(next(t for t in tables.build({**metrics.compute(start, end)}) if t.slug == "turning_18").rows)
    assert rows == {"Turning 18 within 6 months": 3, "Without a transition plan": 2}
    lscb = dict(next(t for t in tables.build(metrics.compute(start, end), lscb=True) if t.slug == "turning_18").rows)
    assert lscb == {"Turning 18 within 6 months": "<5", "Without a transition plan": "<5"}


def test_it_leaves_the_table_out_of_reports_stored_before_it(demo_data):
    start = TODAY.replace(day=1)
    data = metrics.compute(start, (start + timedelta(days=32)).replace(day=1))
    del data["turning_18"]
    assert "turning_18" not in {t.slug for t in tables.build(data)}
    assert "turning_18" not in {t.slug for t in tables.build(data, lscb=True)}


# --- closing on the 18th birthday -------------------------------------------------------------------------


def test_it_closes_on_the_birthday_with_a_note_an_audit_event_and_notifications_once(demo_data):
    lead = user(POLICE)
    case = near_18_case(TODAY, lead=lead, agencies=("Police", "Health"))
    tomorrow = near_18_case(TODAY + timedelta(days=1), lead=lead, agencies=("Police", "Health"))
    coordinators = set(User.objects.filter(is_active=True, is_coordinator=True).values_list("pk", flat=True))

    assert close_cases_at_18.delay().get() == 1

    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, ClosureReason.ADULT)
    assert ClosureReason(case.closure_reason).label == "Transferred to adult services"
    note = CaseNote.objects.get(case=case)
    assert note.author is None and f"turned 18 on {TODAY.day} {TODAY:%B %Y}" in note.text
    assert AuditEvent.objects.filter(action="case.close_at_18", object_id=str(case.pk), child_id=case.child_id).exists()
    told = set(Notification.objects.filter(subject__contains=case.reference).values_list("recipient_id", flat=True))
    assert told == coordinators | {lead.pk}
    assert Case.objects.get(pk=tomorrow.pk).status == CaseStatus.OPEN  # the day before the birthday

    notifications, reminders, notes = Notification.objects.count(), Reminder.objects.count(), CaseNote.objects.count()
    assert services.cases_close_at_18() == 0  # a second run closes nothing and sends nothing
    assert (Notification.objects.count(), Reminder.objects.count(), CaseNote.objects.count()) == (
        notifications,
        reminders,
        notes,
    )
    # The messages are kept by the birthday: a case reopened by mistake and closed again tells nobody twice.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.OPEN, closed_at=None)
    assert services.cases_close_at_18() == 1
    assert Notification.objects.count() == notifications


def test_it_catches_up_after_a_missed_day_and_says_when_there_was_no_plan(demo_data):
    case = near_18_case(TODAY - timedelta(days=3))
    assert services.cases_close_at_18() == 1
    note = CaseNote.objects.get(case=case).text
    assert "No transition plan was recorded" in note
    assert Notification.objects.filter(subject__contains=case.reference).exists()


def test_it_closes_a_29_february_birth_on_1_march_not_28_february(demo_data):
    case = make_case(date_of_birth=date(2008, 2, 29))
    Case.objects.filter(pk=case.pk).update(created_at=datetime(2025, 1, 6, 10, tzinfo=LONDON))
    assert services.cases_close_at_18(today=date(2026, 2, 28)) == 0
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert services.cases_close_at_18(today=date(2026, 3, 1)) == 1
    assert Case.objects.get(pk=case.pk).closure_reason == ClosureReason.ADULT


def test_it_leaves_alone_a_case_begun_after_the_18th_birthday(demo_data):
    """A case the coordinator opened for a young adult (a care leaver, up to 25) is not the birthday rule's."""
    case = make_case(date_of_birth=dob_turning_18_on(TODAY - timedelta(days=200)))
    assert services.cases_close_at_18() == 0
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert turning_18.flag(Case.objects.select_related("child").get(pk=case.pk), TODAY) is None
    # Nor does its page call the young adult's birthday still to come, or ask for a transition plan.
    assert turning_18.case_panel(Case.objects.select_related("child").get(pk=case.pk)) == {"transition": None}


def test_it_says_turned_or_turns_by_the_date_not_the_case_status():
    born = date(2008, 3, 3)
    assert turning_18.birthday_text(born, date(2026, 3, 2)) == "Turns 18 on 3 March 2026"
    assert turning_18.birthday_text(born, date(2026, 3, 3)) == "Turned 18 on 3 March 2026"


def test_it_closes_a_referral_waiting_for_triage_too(demo_data):
    case = near_18_case(TODAY - timedelta(days=1), status=CaseStatus.REFERRED)
    assert services.cases_close_at_18() == 1
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, ClosureReason.ADULT)
    assert not case.concerns.filter(triaged_at__isnull=True).exists()
    told = Notification.objects.filter(
        recipient=case.concerns.first().logged_by, subject="Your concern has been reviewed"
    )
    assert [n.body for n in told] == [
        "MET Hub closed the case on the concern you logged: Transferred to adult services."
    ]


def test_it_schedules_the_closure_daily_and_offers_a_command_for_cron(demo_data, settings):
    from io import StringIO

    from django.core.management import call_command

    from met.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["close-cases-at-18"]
    assert entry["task"] == "cases.tasks.close_cases_at_18" and entry["task"] in app.tasks
    case = near_18_case(TODAY - timedelta(days=1))
    out = StringIO()
    call_command("close_cases_at_18", stdout=out)
    assert "Cases closed at 18: 1" in out.getvalue()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
