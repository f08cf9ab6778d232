"""The dashboard at the size of a region (issue 14): grouped figures cached for a minute, the stuck
cases capped on the page with every one of them in a download, and every view still audited."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from met.models import AuditEvent
from reporting import dashboard
from tests.factories import CaseFactory, RiskHistoryFactory

COORDINATOR, CHAIR, HEALTH = "coordinator@example.org", "chair@example.org", "practitioner.health@example.org"


@pytest.fixture
def stuck(demo_data):
    """Three cases at high risk for half a year, and one at low."""
    long_ago = timezone.now() - timedelta(days=180)
    cases = []
    for days, level in ((3, "high"), (1, "high"), (2, "high"), (0, "low")):
        case = CaseFactory(opened_at=long_ago, risk_level=level)
        RiskHistoryFactory(
            case=case, to_level=level, changed_at=long_ago + timedelta(days=days), changed_by=demo_data[COORDINATOR]
        )
        cases.append(case)
    return cases


def test_it_names_the_longest_stuck_cases_and_offers_all_of_them_as_csv(stuck, demo_data, login, monkeypatch):
    monkeypatch.setattr(dashboard, "STUCK_SHOWN", 2)
    page = login(demo_data[COORDINATOR]).get(reverse("dashboard")).content.decode()
    assert "3 stuck cases; the 2 longest at their level" in page
    # Longest at the level first: the case that went high 1 day after the others' start, then 2 days.
    assert page.index(stuck[1].reference) < page.index(stuck[2].reference)
    assert stuck[0].reference not in page
    assert "Download all 3 stuck cases (CSV)" in page
    # Only the children named on the page are recorded as seen.
    event = AuditEvent.objects.filter(action="dashboard.list").latest("pk")
    assert event.detail["children"] == sorted([stuck[1].child_id, stuck[2].child_id])

    response = login(demo_data[CHAIR]).get(reverse("dashboard_stuck_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Case", "Risk level", "At this level since", "Escalated actions"]
    assert [row[0] for row in rows[1:]] == [stuck[1].reference, stuck[2].reference, stuck[0].reference]
    download = AuditEvent.objects.get(action="dashboard_stuck_csv.list")
    assert download.detail["children"] == sorted(c.child_id for c in stuck[:3])


def test_it_refuses_the_stuck_cases_download_to_practitioners(stuck, demo_data, login):
    assert login(demo_data[HEALTH]).get(reverse("dashboard_stuck_csv")).status_code == 403
    assert not AuditEvent.objects.filter(action="dashboard_stuck_csv.list").exists()


def test_it_shows_risk_levels_by_their_labels(stuck, demo_data, login):
    page = login(demo_data[COORDINATOR]).get(reverse("dashboard")).content.decode()
    assert "3 high" in page and "1 low" in page and "0 not yet assessed" in page
    assert "Notassessed" not in page


def test_it_serves_a_second_view_within_a_minute_from_the_cache_and_still_audits_it(
    stuck, demo_data, login, django_assert_max_num_queries
):
    client = login(demo_data[COORDINATOR])
    client.get(reverse("dashboard"))
    # Session (read and touched), user, agency, unread count, the stuck cases' children and the audit
    # insert: no figure recomputed.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="dashboard.list").count() == 2


def test_its_queries_do_not_grow_with_the_number_of_cases(demo_data, login, django_assert_num_queries):
    client = login(demo_data[COORDINATOR])

    def queries():
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("dashboard"))
        return len(captured)

    queries()  # the first view also touches the session
    few = queries()
    for _ in range(5):
        CaseFactory(opened_at=timezone.now() - timedelta(days=30), risk_level="medium")
    assert queries() == few
