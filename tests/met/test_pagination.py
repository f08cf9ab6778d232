"""Long lists keep their total for half a minute (met/pagination.py, issue 14); short ones never."""

import pytest
from django.urls import reverse

from met import pagination
from tests.cases import COORDINATOR, POLICE, make_case, user


def listed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def three_cases(demo_data):
    return [make_case(agencies=("Police",)) for _ in range(3)]


def test_it_counts_a_short_list_afresh_every_time(three_cases, login):
    client = login(user(COORDINATOR))
    assert listed(client, reverse("case_list")).context["page"].paginator.count == 3
    make_case(agencies=("Police",))
    assert listed(client, reverse("case_list")).context["page"].paginator.count == 4


def test_it_keeps_a_long_lists_total_for_that_person_and_those_filters_only(three_cases, login, monkeypatch):
    monkeypatch.setattr(pagination, "FROM_ROWS", 3)
    coordinator, police = login(user(COORDINATOR)), login(user(POLICE))
    assert listed(coordinator, reverse("case_list")).context["page"].paginator.count == 3
    newest = make_case(agencies=("Police",))

    again = listed(coordinator, reverse("case_list"))
    assert again.context["page"].paginator.count == 3  # the total kept for half a minute
    assert newest in again.context["page"].object_list  # the rows are read afresh
    assert listed(coordinator, reverse("case_list"), page=1).context["page"].paginator.count == 3
    # Other filters, or another person, are counted on their own.
    assert listed(coordinator, reverse("case_list"), status="referred").context["page"].paginator.count == 0
    assert listed(police, reverse("case_list")).context["page"].paginator.count == 4


def test_the_api_keeps_a_long_lists_total_the_same_way(three_cases, login, monkeypatch):
    monkeypatch.setattr(pagination, "FROM_ROWS", 3)
    client = login(user(COORDINATOR))
    assert client.get("/api/v1/cases/").json()["count"] == 3
    make_case(agencies=("Police",))
    assert client.get("/api/v1/cases/").json()["count"] == 3
    assert client.get("/api/v1/cases/", {"status": "open"}).json()["count"] == 4


def test_it_keeps_the_home_page_figures_of_a_large_caseload(three_cases, login, monkeypatch):
    from tests import home_figure

    monkeypatch.setattr(pagination, "FROM_ROWS", 3)
    client = login(user(POLICE))
    first = home_figure(client.get(reverse("home")), "open_cases")
    make_case(agencies=("Police",))
    assert home_figure(client.get(reverse("home")), "open_cases") == first


def test_every_kept_figure_is_worked_out_while_the_shared_cache_is_unreachable(three_cases, login, settings):
    from django.test import override_settings

    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = login(user(COORDINATOR))
    with override_settings(CACHES=unreachable):
        assert listed(client, reverse("case_list")).context["page"].paginator.count == 3
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("dashboard")).status_code == 200
        assert client.get("/api/v1/cases/").json()["count"] == 3
