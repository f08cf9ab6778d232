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
