"""Every page's header: the person's agency and their unread notifications, read in one query (issue 14)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from met.context_processors import navigation
from met.models import User
from met.notifications import mark_read, notify

pytestmark = pytest.mark.django_db

POLICE = "practitioner.police@example.org"


def test_it_shows_the_agency_and_the_unread_count(demo_data, login):
    person = demo_data[POLICE]
    for n in range(3):
        notify(recipient=person, subject=f"Action {n} is overdue", body="An action is overdue.")
    mark_read(user=person, notification_id=person.notifications.order_by("pk").first().pk)

    page = login(person).get(reverse("home")).content.decode()

    assert f"({person.agency.short_name})" in page
    assert "Notifications (2)" in page


def test_it_says_notifications_without_a_count_when_all_are_read(demo_data, login):
    page = login(demo_data[POLICE]).get(reverse("home")).content.decode()

    assert "Notifications (" not in page and ">Notifications<" in page


def test_it_reads_both_in_one_query_and_keeps_the_agency_for_the_rest_of_the_request(demo_data):
    request = RequestFactory().get("/")
    request.user = User.objects.get(email=POLICE)  # as the session loads it: without its agency

    with CaptureQueriesContext(connection) as queries:
        context = navigation(request)
        agency = request.user.agency

    assert len(queries) == 1
    assert context["unread_notifications"] == 0
    assert agency.short_name == demo_data[POLICE].agency.short_name
    # Converted as the ORM converts (SQLite gives 1 for true, text for a moment, without them).
    assert agency == demo_data[POLICE].agency
    assert agency.is_active is True
    assert agency.created_at == demo_data[POLICE].agency.created_at
