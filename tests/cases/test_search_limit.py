"""The child search at region size (issue 14): counted up to a limit, and asks for more of the name."""

from django.urls import reverse

from cases.views import lists
from met.models import AuditEvent
from tests.cases import COORDINATOR, text, user
from tests.cases.test_query_counts import police_cases


def test_it_lists_the_first_matches_and_asks_for_more_of_the_name_past_the_limit(demo_data, login, monkeypatch):
    monkeypatch.setattr(lists, "SEARCH_LIMIT", 2)
    police_cases(3)
    response = login(user(COORDINATOR)).get(reverse("case_search"), {"q": "Testkid"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert "More than 2 children match among the cases you can see" in text(response)
    assert AuditEvent.objects.get(action="case.search").detail == {"results": "over 2"}


def test_it_counts_every_match_up_to_the_limit(demo_data, login, monkeypatch):
    monkeypatch.setattr(lists, "SEARCH_LIMIT", 3)
    police_cases(3)
    response = login(user(COORDINATOR)).get(reverse("case_search"), {"q": "Testkid"})
    assert "3 results among the cases you can see" in text(response)
    assert "More than" not in text(response)
    assert AuditEvent.objects.get(action="case.search").detail == {"results": 3}
