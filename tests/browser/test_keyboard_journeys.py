"""Four journeys with the keyboard alone (issue 15): a practitioner logs a concern about a new child, the
coordinator triages it into a case, an attendee accepts the confidentiality statement and opens an agenda
item, the chair confirms a risk level. Every page starts with a skip link; every Tab stop shows its focus;
a failed submit moves the focus to the error summary, whose link takes it to the field."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseStatus, Category, Child, Concern
from meetings.models import AgendaItem, Attendance, Meeting
from met.models import Area
from riskassessment import services as risk_services
from riskassessment.models import Indicator
from tests.browser.keyboard import Keyboard

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

POLICE = "practitioner.police@example.org"
HEALTH = "practitioner.health@example.org"
COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"


def test_it_lets_a_practitioner_log_a_concern_about_a_new_child_with_the_keyboard(demo_world, new_page):
    page = new_page(demo_world[POLICE])
    keys = Keyboard(page)
    page.goto("/")
    keys.skip_to_main()
    keys.activate("a[href='/concerns/new/']", back=True)

    # Sent with nothing filled in: the summary takes the focus and its first link goes to the first name.
    keys.activate("main button[type=submit]")
    keys.assert_error_summary_focused()
    assert keys.is_focused("#id_child-first_name")

    yesterday = timezone.localdate() - timedelta(days=1)
    page.keyboard.type("Quillon")
    keys.type_into("#id_child-last_name", "Keyboardson")
    keys.type_into("#id_child-date_of_birth", "27")
    keys.type_into("#id_child-date_of_birth-month", "3")
    keys.type_into("#id_child-date_of_birth-year", str(yesterday.year - 14))
    # The demo's police officer works in Southampton and Portsmouth (issue 18): they say which is responsible.
    keys.tab_to("#id_concern-area")
    keys.press("ArrowDown")
    keys.tab_to("#id_concern-category")
    keys.press("ArrowDown")
    keys.type_into("#id_concern-observed_at", str(yesterday.day))
    keys.type_into("#id_concern-observed_at-month", str(yesterday.month))
    keys.type_into("#id_concern-observed_at-year", str(yesterday.year))
    keys.type_into("#id_concern-observed_at-time", "16:30")
    keys.type_into("#id_concern-description", "Seen getting into a car with two older men outside school.")
    keys.activate("main button[type=submit]")

    child = Child.objects.get(first_name="Quillon", last_name="Keyboardson")
    assert child.date_of_birth.year == yesterday.year - 14
    assert child.cases.get().area.name == "Portsmouth"  # the first area listed, by name
    concern = Concern.objects.get(case__child=child)
    assert timezone.localtime(concern.observed_at).date() == yesterday
    assert timezone.localtime(concern.observed_at).strftime("%H:%M") == "16:30"
    assert keys.stops > 20


def test_it_lets_the_coordinator_triage_a_concern_into_a_case_with_the_keyboard(demo_world, new_page):
    concern = case_services.concern_log(
        actor=demo_world[POLICE],
        area=Area.objects.get(name="Southampton"),  # the demo coordinator's area (issue 18)
        new_child={"first_name": "Ottoline", "last_name": "Tabwright"},
        category=Category.objects.order_by("pk").first(),
        observed_at=timezone.now() - timedelta(hours=3),
        description="Found in a flat known for county lines activity.",
    )
    page = new_page(demo_world[COORDINATOR])
    keys = Keyboard(page)
    page.goto("/")
    keys.skip_to_main()
    keys.activate("a[href='/triage/']", back=True)
    keys.skip_to_main()
    keys.activate(f"main a[href='{reverse('case_open', args=[concern.case.pk])}']")
    keys.skip_to_main()

    keys.activate("main button[type=submit]")
    keys.assert_error_summary_focused()

    assert keys.is_focused("#id_lead_agency")
    keys.press("ArrowDown")
    page.wait_for_load_state("networkidle")
    # The concern's category comes ticked; Space ticks it if it is not.
    keys.tab_to("input[name='categories']")
    if not page.evaluate("document.activeElement.checked"):
        keys.press(" ")
    assert page.evaluate("document.activeElement.checked"), keys.focused()
    keys.activate("main button[type=submit]")

    case = Case.objects.get(pk=concern.case.pk)
    assert case.status == CaseStatus.OPEN, page.locator(".govuk-error-summary").all_inner_texts()
    assert case.categories.exists()


@pytest.fixture
def meeting_in_session(demo_world):
    """A meeting with CSC, police and health present, and a high-risk SERAF waiting for one child's item."""
    coordinator, police = demo_world[COORDINATOR], demo_world[POLICE]
    case = Case.objects.filter(status=CaseStatus.OPEN).order_by("pk").first()
    today = timezone.localdate()
    assessment = risk_services.assessment_start(actor=coordinator, case=case)
    significant = Indicator.objects.filter(kind="significant", section__tool__is_current=True)[:4]
    risk_services.assessment_save_draft(
        actor=coordinator,
        assessment=assessment,
        expected_version=assessment.version,
        assessment_date=today,
        summary="",
        answers=[risk_services.AnswerData(i.pk, True, "seen", today - timedelta(days=3)) for i in significant],
    )
    assessment.refresh_from_db()
    risk_services.assessment_submit(actor=coordinator, assessment=assessment)
    client = Client()
    client.force_login(coordinator)
    day = today + timedelta(days=3)
    while Meeting.objects.filter(date=day).exists():
        day += timedelta(days=1)
    response = client.post(
        reverse("meeting_create"),
        {"date": day.isoformat(), "starts_at": "10:00", "chair": demo_world[CHAIR].pk, "location": "Room 2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(date=day)
    people = (coordinator, demo_world[CHAIR], police, demo_world[HEALTH])
    response = client.post(
        reverse("meeting_attendance", args=[meeting.pk]),
        {"version": meeting.version, **{f"person-{p.pk}": "present" for p in people}},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    return {
        "meeting": meeting,
        "case": case,
        "assessment": assessment,
        "item": AgendaItem.objects.get(meeting=meeting, case=case),
    }


def test_it_lets_an_attendee_accept_the_statement_and_open_an_item_with_the_keyboard(
    demo_world, meeting_in_session, new_page
):
    meeting, item = meeting_in_session["meeting"], meeting_in_session["item"]
    page = new_page(demo_world[POLICE])
    keys = Keyboard(page)
    page.goto(meeting.get_absolute_url())
    keys.skip_to_main()
    keys.activate(f"main form[action='{reverse('meeting_accept', args=[meeting.pk])}'] button")
    assert Attendance.objects.get(meeting=meeting, user=demo_world[POLICE]).accepted_statement_at is not None

    keys.skip_to_main()
    keys.activate(f"main a[href='{reverse('meeting_item', args=[meeting.pk, item.pk])}']")
    assert page.url.endswith(reverse("meeting_item", args=[meeting.pk, item.pk]))
    assert meeting_in_session["case"].child.full_name in page.locator("main").inner_text()


def test_it_lets_the_chair_confirm_a_risk_level_with_the_keyboard(demo_world, meeting_in_session, new_page):
    meeting, item, case = meeting_in_session["meeting"], meeting_in_session["item"], meeting_in_session["case"]
    assessment = meeting_in_session["assessment"]
    page = new_page(demo_world[CHAIR])
    keys = Keyboard(page)
    page.goto(meeting.get_absolute_url())
    keys.skip_to_main()
    keys.activate(f"main form[action='{reverse('meeting_accept', args=[meeting.pk])}'] button")
    keys.skip_to_main()
    keys.activate(f"main a[href='{reverse('meeting_item', args=[meeting.pk, item.pk])}']")
    keys.skip_to_main()

    confirm = "main form:has(input[name='form'][value='confirm'])"
    keys.activate(f"{confirm} button[type=submit]")
    keys.assert_error_summary_focused()
    assert keys.is_focused("input[name='level']")
    # The arrow keys move through the levels, choosing each: on to the one the score suggests.
    for _ in range(6):
        if page.evaluate("document.activeElement.value") == assessment.suggested_level:
            break
        keys.press("ArrowDown")
    keys.press(" ")
    level = page.evaluate("document.activeElement.checked && document.activeElement.value")
    keys.activate(f"{confirm} button[type=submit]")

    case.refresh_from_db()
    assert case.risk_level == level, page.locator(".govuk-error-summary").all_inner_texts()
