"""reporting/metrics.py on a small dataset whose answers are worked out by hand (October 2026)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cases.models import Case, CaseStatus, Child
from meetings.models import Action, ActionStatus, Attendance, AttendanceStatus, Meeting
from met.models import Agency, Reminder
from reporting import metrics
from riskassessment.models import RiskHistory

LONDON = ZoneInfo("Europe/London")
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def at(y, m, d, h=12, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=LONDON)


@pytest.fixture
def world(demo_data):
    coordinator = demo_data["coordinator@example.org"]

    def case(name, *, opened, closed=None, reason="", looked_after=False):
        child = Child.objects.create(
            first_name=name, last_name="Quillby", is_looked_after=looked_after, date_of_birth=date(2011, 6, 1)
        )
        return Case.objects.create(
            child=child,
            status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
            opened_at=opened,
            created_at=opened - timedelta(days=1),
            closed_at=closed,
            closure_reason=reason,
        )

    # A: open since September; medium in September, raised to high on 10 October.
    a = case("Alpha", opened=at(2026, 9, 15))
    RiskHistory.objects.create(
        case=a,
        from_level="not_assessed",
        to_level="medium",
        direction="up",
        changed_by=coordinator,
        changed_at=at(2026, 9, 20),
    )
    RiskHistory.objects.create(
        case=a,
        from_level="medium",
        to_level="high",
        direction="up",
        changed_by=coordinator,
        changed_at=at(2026, 10, 10),
    )
    # B: opened late on the last day of October; looked after.
    b = case("Bravo", opened=at(2026, 10, 31, 23, 30), looked_after=True)
    # C: open since August, closed in October (risk reduced).
    c = case("Charlie", opened=at(2026, 8, 1), closed=at(2026, 10, 15), reason="risk_reduced")
    # D: opened just after midnight on 1 November: not October's.
    case("Delta", opened=at(2026, 11, 1, 0, 10))

    police = demo_data["practitioner.police@example.org"]
    # A went missing on 30 September and came back on 1 October (spans two months): a September episode,
    # an October return, interviewed 47 hours later.
    a.missing_episodes.create(
        went_missing_at=at(2026, 9, 30, 22),
        returned_at=at(2026, 10, 1, 10),
        rhi_offered_at=at(2026, 10, 1, 12),
        rhi_completed_at=at(2026, 10, 3, 9),
        recorded_by=police,
    )
    a.missing_episodes.create(
        went_missing_at=at(2026, 10, 5, 9),
        returned_at=at(2026, 10, 5, 20),
        rhi_offered_at=at(2026, 10, 6, 9),
        recorded_by=police,
    )
    a.missing_episodes.create(went_missing_at=at(2026, 10, 20, 9), recorded_by=police)
    b.missing_episodes.create(went_missing_at=at(2026, 10, 31, 20), recorded_by=police)

    police_agency, health_agency = Agency.objects.get(short_name="Police"), Agency.objects.get(short_name="Health")
    health = demo_data["practitioner.health@example.org"]
    done = Action.objects.create(
        case=a,
        description="x",
        owner=police,
        owner_agency=police_agency,
        due_date=date(2026, 10, 9),
        created_by=coordinator,
        created_at=at(2026, 10, 2),
        status=ActionStatus.DONE,
        completed_at=at(2026, 10, 8),
    )
    late = Action.objects.create(
        case=a,
        description="y",
        owner=health,
        owner_agency=health_agency,
        due_date=date(2026, 10, 10),
        created_by=coordinator,
        created_at=at(2026, 10, 3),
    )
    Reminder.objects.create(
        kind="action",
        object_type="meetings.action",
        object_id=late.pk,
        key="1",
        recipient=demo_data["manager.health@example.org"],
        created_at=at(2026, 10, 12),
    )

    quorate = Meeting.objects.create(
        date=date(2026, 10, 8), chair=demo_data["chair@example.org"], created_by=coordinator
    )
    inquorate = Meeting.objects.create(
        date=date(2026, 10, 15), chair=demo_data["chair@example.org"], created_by=coordinator
    )
    for meeting, emails in (
        (quorate, ("coordinator@example.org", "practitioner.police@example.org", "practitioner.health@example.org")),
        (inquorate, ("coordinator@example.org", "practitioner.police@example.org")),
    ):
        for email in emails:
            user = demo_data[email]
            Attendance.objects.create(meeting=meeting, user=user, agency=user.agency, status=AttendanceStatus.PRESENT)
    return {"a": a, "b": b, "c": c, "done": done, "late": late}


def test_it_counts_open_cases_by_the_level_confirmed_at_each_end_of_the_month(world):
    start = metrics.open_cases_by_risk(OCT)
    end = metrics.open_cases_by_risk(NOV)
    assert (start["medium"], start["not_assessed"], sum(start.values())) == (
        1,
        1,
        2,
    )  # Alpha medium, Charlie unassessed
    assert (end["high"], end["not_assessed"], sum(end.values())) == (
        1,
        1,
        2,
    )  # Alpha high, Bravo (opened on the last day)


def test_it_counts_moves_openings_and_closures_in_the_month(world):
    assert metrics.risk_moves(OCT, NOV) == {"up": 1, "down": 0, "same": 0}
    assert metrics.cases_opened(OCT, NOV) == 1  # Bravo at 23:30 on 31 October; not Delta
    assert metrics.closures_by_reason(OCT, NOV) == {"risk_reduced": 1}


def test_it_counts_episodes_by_when_they_started(world):
    # October starts: Alpha 5th and 20th, Bravo 31st; Alpha's 30 September episode belongs to September.
    assert metrics.missing_summary(OCT, NOV) == {"episodes": 3, "children": 2, "looked_after_children": 1}
    assert metrics.missing_summary(date(2026, 9, 1), OCT)["episodes"] == 1
    # Alpha: 30 Sep, 5 Oct, 20 Oct - three in the 90 days to the end of October.
    assert metrics.frequent_missing_children(NOV) == 1


def test_it_counts_interviews_for_returns_in_the_month(world):
    # Returns in October: 1 Oct (interviewed after 47 hours) and 5 Oct (offered, not done).
    assert metrics.return_home_interviews(OCT, NOV) == {"returns": 2, "offered": 2, "completed": 1, "within_72h": 1}


def test_it_counts_actions_by_agency(world):
    result = metrics.actions_by_agency(OCT, NOV)
    assert result["Police"] == {"created": 1, "completed": 1, "on_time": 1, "overdue": 0, "escalated": 0}
    assert result["Health"] == {"created": 1, "completed": 0, "on_time": 0, "overdue": 1, "escalated": 1}


def test_it_counts_meetings_and_quorum(world):
    result = metrics.meetings_summary(OCT, NOV)
    assert (result["held"], result["quorate"]) == (2, 1)
    assert result["attendance_by_agency"] == {"CSC": 2, "Health": 1, "Police": 2}


def test_it_lists_stuck_cases(world):
    # Alpha has an escalated open action; nobody has sat at high or medium for 12 weeks without reduction.
    assert [c["case"] for c in metrics.stuck_cases(NOV)] == [world["a"].reference]
    RiskHistory.objects.filter(case=world["a"], to_level="high").delete()
    Reminder.objects.all().delete()
    # Now Alpha has been medium since 20 September: not 12 weeks by 1 November, but 12 weeks by 20 December.
    assert metrics.stuck_cases(NOV) == []
    assert [c["case"] for c in metrics.stuck_cases(date(2026, 12, 20))] == [world["a"].reference]


def test_it_computes_every_measure_for_the_report(world):
    data = metrics.compute(OCT, NOV)
    assert data["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    assert len(data["trend"]) == 12 and data["trend"][-1]["month"] == "2026-10"
    assert data["trend"][-1]["missing_episodes"] == 3


def test_it_counts_serafs_referrals_themes_places_and_disruption(world, demo_data):
    from meetings.models import DisruptionActivity, PlaceLink, PlaceOfConcern
    from riskassessment.models import Assessment, Provider, Referral, ToolVersion

    coordinator, police = demo_data["coordinator@example.org"], demo_data["practitioner.police@example.org"]
    tool = ToolVersion.objects.get(is_current=True)
    a, b = world["a"], world["b"]
    # Submitted and confirmed in October; submitted in September and confirmed in October.
    Assessment.objects.create(
        case=a,
        tool=tool,
        status="confirmed",
        created_by=police,
        submitted_at=at(2026, 10, 9),
        confirmed_at=at(2026, 10, 10),
    )
    Assessment.objects.create(
        case=a,
        tool=tool,
        status="confirmed",
        created_by=police,
        submitted_at=at(2026, 9, 29),
        confirmed_at=at(2026, 10, 2),
    )
    Case.objects.filter(pk=a.pk).update(risk_review_due=date(2026, 10, 20))  # overdue by the end of October
    assert metrics.serafs(OCT, NOV) == {"completed": 1, "confirmed": 2, "overdue_review": 1}

    barnardos = Provider.objects.get(name="Barnardo's")
    Referral.objects.create(case=a, provider=barnardos, referred_on=date(2026, 10, 31), referred_by=coordinator)
    Referral.objects.create(case=a, provider=barnardos, referred_on=date(2026, 11, 1), referred_by=coordinator)
    assert metrics.referrals_by_provider(OCT, NOV) == {"Barnardo's": 1}

    themes = metrics.themes(OCT, NOV)
    # Open at some time in October: Alpha, Bravo (opened on the 31st) and Charlie (closed on the 15th).
    assert sum(themes["age_band"].values()) == 3 and themes["age_band"] == {"14–15": 3}
    assert themes["placement"]["looked_after"] == 1

    park = PlaceOfConcern.objects.create(name="Sample Park", kind="park", created_by=police)
    takeaway = PlaceOfConcern.objects.create(name="Example Takeaway", kind="takeaway", created_by=police)
    for case in (a, b):
        PlaceLink.objects.create(place=park, case=case, linked_by=police, linked_at=at(2026, 10, 3))
    PlaceLink.objects.create(place=takeaway, case=a, linked_by=police, linked_at=at(2026, 11, 2))  # after the period
    assert metrics.places_most_linked(NOV) == [{"place": "Sample Park", "kind": "park", "links": 2}]

    DisruptionActivity.objects.create(
        place=park, what="Patrols", agency=police.agency, happened_on=date(2026, 10, 31), recorded_by=police
    )
    DisruptionActivity.objects.create(
        place=park, what="Patrols", agency=police.agency, happened_on=date(2026, 11, 1), recorded_by=police
    )
    assert metrics.disruption(OCT, NOV) == {"Police": 1}
