"""The frequent-missing flag follows cases/missing.py's rule as episodes are recorded and as time passes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Category
from cases.tasks import refresh_frequent_missing_flags


@pytest.fixture
def case(demo_data):
    police = demo_data["practitioner.police@example.org"]
    coordinator = demo_data["coordinator@example.org"]
    category = Category.objects.get(code="missing")
    concern = services.concern_log(
        actor=police,
        new_child={"first_name": "Leo", "last_name": "Fernby"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    return services.case_open(
        actor=coordinator,
        case=concern.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )


def record(case, user, days_ago):
    went = timezone.now() - timedelta(days=days_ago)
    return services.missing_episode_record(
        actor=user, case=case, kind="missing", went_missing_at=went, returned_at=went + timedelta(hours=5)
    )


def test_it_sets_the_flag_on_the_third_episode_in_90_days(case, demo_data):
    police = demo_data["practitioner.police@example.org"]
    record(case, police, 60)
    record(case, police, 30)
    case.refresh_from_db()
    assert not case.is_frequent_missing
    record(case, police, 1)
    case.refresh_from_db()
    assert case.is_frequent_missing


def test_it_clears_the_flag_when_an_episode_date_is_corrected(case, demo_data):
    police = demo_data["practitioner.police@example.org"]
    record(case, police, 60)
    record(case, police, 30)
    wrong = record(case, police, 1)
    went = timezone.now() - timedelta(days=200)
    services.missing_episode_update(
        actor=police,
        episode=wrong,
        expected_version=wrong.version,
        seen=None,
        went_missing_at=went,
        returned_at=went + timedelta(hours=3),
    )
    case.refresh_from_db()
    assert not case.is_frequent_missing


def test_it_clears_the_flag_once_the_window_has_moved_on(case, demo_data, time_machine):
    police = demo_data["practitioner.police@example.org"]
    for days in (50, 40, 30):
        record(case, police, days)
    case.refresh_from_db()
    assert case.is_frequent_missing
    time_machine.move_to(timezone.now() + timedelta(days=45))
    assert refresh_frequent_missing_flags.apply().get() == 1
    case.refresh_from_db()
    assert not case.is_frequent_missing
    # Running it again changes nothing: the sweep is idempotent.
    assert refresh_frequent_missing_flags.apply().get() == 0


def test_it_refreshes_every_flag_in_the_same_number_of_queries_however_many_cases(demo_data, time_machine):
    # Set-based (issue 14): the daily refresh must not read each case in turn at a region's size.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case, MissingEpisode
    from met.models import AuditEvent
    from tests.cases import add_episode, make_case

    def refresh_counting(cases: int) -> tuple[int, int]:
        made = [make_case(agencies=("Police",)) for _ in range(cases)]
        for case in made:
            for days_ago in (60, 40, 20):
                add_episode(case, days_ago=days_ago)
        assert all(Case.objects.get(pk=c.pk).is_frequent_missing for c in made)
        time_machine.move_to(timezone.now() + timedelta(days=75))  # two of the three leave the window
        with CaptureQueriesContext(connection) as queries:
            changed = services.refresh_all_frequent_missing()
        time_machine.move_to(timezone.now() - timedelta(days=75))
        MissingEpisode.objects.filter(case__in=made).delete()  # so the next round starts from its own cases only
        return changed, len(queries)

    few, many = refresh_counting(2), refresh_counting(8)

    assert (few[0], many[0]) == (2, 8)
    assert few[1] == many[1]
    assert AuditEvent.objects.filter(action="case.unflag_frequent_missing").count() == 10
