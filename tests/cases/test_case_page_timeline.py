"""The case page's timeline: the most recent events and every older one still open; the chronology has
them all (cases.selectors.case_page_timeline, issue 14)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.selectors import RECENT_EVENTS
from meetings.models import Action, ActionStatus
from tests.cases import COORDINATOR, add_episode, make_case, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo_data):
    case = make_case(agencies=("Police",), last_name="Longhistory")
    for n in range(RECENT_EVENTS + 4):  # returned absences: nothing left to do about them
        add_episode(case, kind="absent", days_ago=30 + n)
    return case


def _page(client, case) -> str:
    return client.get(reverse("case_detail", args=[case.pk])).content.decode()


def test_it_shows_the_most_recent_events_and_points_to_the_chronology_for_the_rest(case, login):
    page = _page(login(user(COORDINATOR)), case)

    # The referral's concern is the newest event; the oldest absences are left to the chronology.
    assert page.count("Absent episode") == RECENT_EVENTS - 1
    total = RECENT_EVENTS + 4 + 1
    assert f'href="{reverse("case_chronology", args=[case.pk])}">See all {total} events in the chronology</a>' in page


def test_it_keeps_an_old_episode_whose_child_is_still_missing(case, login):
    add_episode(case, kind="missing", days_ago=200, returned_at=None)

    page = _page(login(user(COORDINATOR)), case)

    assert "Still missing." in page
    assert page.count("Absent episode") == RECENT_EVENTS - 1


def test_it_keeps_an_old_overdue_interview(case, login):
    add_episode(case, kind="missing", days_ago=150)  # returned, interview never held

    page = _page(login(user(COORDINATOR)), case)

    assert 'Return home interview: <strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page


def test_it_keeps_an_old_open_action_but_not_an_old_finished_one(case, login):
    owner = user(COORDINATOR)
    long_ago = timezone.now() - timedelta(days=300)
    for description, status in (("Check the school run.", ActionStatus.OPEN), ("Call the carers.", ActionStatus.DONE)):
        action = Action.objects.create(
            case=case,
            description=description,
            owner=owner,
            owner_agency=owner.agency,
            created_by=owner,
            due_date=timezone.localdate() + timedelta(days=3),
            status=status,
        )
        Action.objects.filter(pk=action.pk).update(created_at=long_ago)

    page = _page(login(user(COORDINATOR)), case)

    assert "Check the school run." in page
    assert "Call the carers." not in page


def test_it_shows_everything_without_a_pointer_when_there_is_little(demo_data, login):
    case = make_case(agencies=("Police",), last_name="Shorthistory")
    add_episode(case, kind="absent", days_ago=3)

    page = _page(login(user(COORDINATOR)), case)

    assert page.count("Absent episode") == 1
    assert "events in the chronology" not in page
