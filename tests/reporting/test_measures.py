"""Each measure of reporting/metrics.py on crafted uneven data, against counts worked out by hand.

Every group in a measure has a different count, and the records in a group differ in everything
the models order by (names, dates), so a grouping split by model ordering cannot go unnoticed
(it once reported male 1, female 1, other 1 for 27, 30 and 3 children). Period: October 2026.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from met.models import AgencyKind
from reporting import metrics
from riskassessment.models import ToolVersion
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssessmentFactory,
    AttendanceFactory,
    CaseFactory,
    CategoryFactory,
    ChildFactory,
    ConcernFactory,
    DisruptionActivityFactory,
    MeetingFactory,
    MissingEpisodeFactory,
    PlaceLinkFactory,
    PlaceOfConcernFactory,
    ProviderFactory,
    ReferralFactory,
    ReminderFactory,
    RiskHistoryFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def at(month, day, hour=12, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def user(db):
    return UserFactory()


def open_case(**kwargs):
    kwargs.setdefault("opened_at", at(8, 1))
    kwargs.setdefault("created_at", kwargs["opened_at"])
    return CaseFactory(**kwargs)


def test_it_counts_open_cases_by_the_level_confirmed_at_each_end_of_the_month(user):
    def with_levels(*changes, **kwargs):
        case = open_case(**kwargs)
        for when, level in changes:
            RiskHistoryFactory(case=case, to_level=level, changed_at=when, changed_by=user)
        return case

    n1 = with_levels()  # never assessed
    for day in range(1, 6):
        with_levels((at(9, day), "low"))
    m1, m2, *_ = [with_levels((at(9, 10 + day), "medium")) for day in range(4)]
    with_levels((at(8, 5), "medium"), (at(9, 1), "high"))  # only its last change before the moment counts
    with_levels((at(9, 2), "high"))
    with_levels((at(9, 3), "high"), closed_at=at(10, 15))  # open at the start, closed by the end
    with_levels((at(9, 3), "high"), closed_at=at(9, 20))  # closed before October
    with_levels(opened_at=at(11, 1, 0, 30))  # opened after October
    # October: n1 confirmed at no risk, m1 and m2 raised to high.
    RiskHistoryFactory(case=n1, to_level="none", changed_at=at(10, 5), changed_by=user)
    RiskHistoryFactory(case=m1, to_level="high", changed_at=at(10, 10), changed_by=user)
    RiskHistoryFactory(case=m2, to_level="high", changed_at=at(10, 31, 23, 59), changed_by=user)

    assert metrics.open_cases_by_risk(OCT) == {"not_assessed": 1, "none": 0, "low": 5, "medium": 4, "high": 3}
    assert metrics.open_cases_by_risk(NOV) == {"not_assessed": 0, "none": 1, "low": 5, "medium": 2, "high": 4}


def test_it_counts_risk_moves_by_direction(user):
    case = open_case()
    for when, direction in [
        (at(10, 1, 0, 0), "up"),
        (at(10, 9), "up"),
        (at(10, 31, 23, 59), "up"),
        (at(10, 2), "down"),
        (at(10, 20), "down"),
        (at(10, 3), "same"),
        (at(9, 30, 23, 59), "down"),  # September
        (at(11, 1, 0, 0), "same"),  # November
    ]:
        RiskHistoryFactory(case=case, direction=direction, changed_at=when, changed_by=user)
    assert metrics.risk_moves(OCT, NOV) == {"up": 3, "down": 2, "same": 1}


def test_it_counts_concerns_referrals_and_openings(user):
    c1 = open_case(created_at=at(9, 25), opened_at=at(10, 2))
    open_case(created_at=at(10, 3), opened_at=at(10, 4))
    open_case(created_at=at(9, 30, 23, 0), opened_at=at(10, 6))
    open_case(created_at=at(9, 1), opened_at=at(10, 31, 23, 30))
    CaseFactory(status="referred", created_at=at(10, 30), opened_at=None)
    open_case(created_at=at(10, 31), opened_at=at(11, 1, 0, 10))
    for when in (at(10, 1, 0, 0), at(10, 15), at(10, 31, 23, 59), at(9, 30, 23, 59), at(11, 1, 0, 0)):
        ConcernFactory(case=c1, logged_by=user, logged_at=when)
    assert metrics.new_concerns(OCT, NOV) == 3
    # Created in October: the 3 October case, the referral of 30 October and the 31 October case.
    assert metrics.new_referrals(OCT, NOV) == 3
    # Opened in October: 2, 4, 6 and 31 October; not the one opened just after midnight on 1 November.
    assert metrics.cases_opened(OCT, NOV) == 4


def test_it_counts_closures_by_reason(db):
    for reason, days in {"risk_reduced": (1, 9, 31), "transferred": (4, 30), "adult": (15,)}.items():
        for day in days:
            open_case(status="closed", closed_at=at(10, day), closure_reason=reason)
    open_case(status="closed", closed_at=at(9, 30, 23, 0), closure_reason="nfa")
    open_case(status="closed", closed_at=at(11, 1, 0, 0), closure_reason="nfa")
    assert metrics.closures_by_reason(OCT, NOV) == {"risk_reduced": 3, "transferred": 2, "adult": 1}


def test_it_counts_missing_episodes_children_and_looked_after_children(user):
    a = ChildFactory(is_looked_after=True)
    a_first, a_second = open_case(child=a, status="closed", closed_at=at(10, 10)), open_case(child=a)
    b, c = open_case(), open_case()
    for case, when in [
        (a_first, at(10, 2)),
        (a_first, at(10, 8)),
        (a_second, at(10, 20)),
        (b, at(10, 1, 0, 5)),
        (b, at(10, 31, 23, 0)),
        (c, at(10, 12)),
        (b, at(9, 30, 23, 0)),  # September
        (c, at(11, 1, 0, 0)),  # November
    ]:
        MissingEpisodeFactory(case=case, went_missing_at=when, recorded_by=user)
    MissingEpisodeFactory(case=c, kind="absent", went_missing_at=at(10, 13), recorded_by=user)
    # Six October episodes; three children (A through two cases); A is the one looked after.
    assert metrics.missing_summary(OCT, NOV) == {"episodes": 6, "children": 3, "looked_after_children": 1}


def test_it_counts_children_frequently_missing_in_the_90_days_to_the_end(user):
    # The window for 31 October 2026 is 3 August to 31 October.
    a = ChildFactory()
    a1, a2 = open_case(child=a, status="closed", closed_at=at(9, 1)), open_case(child=a)
    b, c, d = open_case(), open_case(), open_case()
    episodes = [(a1, at(8, 10)), (a2, at(9, 10)), (a2, at(10, 10))]  # A: three, across two cases
    episodes += [(b, at(10, day)) for day in (1, 8, 15, 22)]  # B: four
    episodes += [(c, at(8, 2)), (c, at(10, 1)), (c, at(10, 2))]  # C: one falls before the window
    episodes += [(d, at(10, 3)), (d, at(10, 4))]  # D: two, and an absence below
    for case, when in episodes:
        MissingEpisodeFactory(case=case, went_missing_at=when, recorded_by=user)
    MissingEpisodeFactory(case=d, kind="absent", went_missing_at=at(10, 5), recorded_by=user)
    assert metrics.frequent_missing_children(NOV) == 2


def test_it_counts_return_home_interviews_offered_completed_and_on_time(user):
    case = open_case()

    def returned(back, **rhi):
        MissingEpisodeFactory(
            case=case, went_missing_at=back.replace(hour=2), returned_at=back, recorded_by=user, **rhi
        )

    back = at(10, 5)
    returned(back, rhi_offered_at=at(10, 5, 14), rhi_completed_at=at(10, 5, 22))  # 10 hours
    returned(at(10, 10), rhi_offered_at=at(10, 11), rhi_completed_at=at(10, 13))  # exactly 72 hours
    returned(at(10, 15), rhi_offered_at=at(10, 16), rhi_completed_at=at(10, 18, 13))  # 73 hours: late
    returned(at(10, 20), rhi_offered_at=at(10, 21))  # offered, not done
    returned(at(10, 31, 20))  # not offered yet
    returned(at(11, 1, 0, 30), rhi_offered_at=at(11, 1, 9), rhi_completed_at=at(11, 1, 10))  # November
    MissingEpisodeFactory(
        case=case, kind="absent", went_missing_at=at(10, 7, 1), returned_at=at(10, 7), recorded_by=user
    )
    assert metrics.return_home_interviews(OCT, NOV) == {"returns": 5, "offered": 4, "completed": 3, "within_72h": 2}


def test_it_counts_serafs_completed_confirmed_and_reviews_overdue(user):
    tool = ToolVersion.objects.get(is_current=True)
    case = open_case()
    for submitted, confirmed in [
        (at(10, 2), at(10, 3)),
        (at(10, 10), at(11, 2)),
        (at(10, 20), None),
        (at(9, 28), at(10, 1, 0, 30)),
        (at(11, 1, 0, 0), None),
    ]:
        AssessmentFactory(case=case, tool=tool, created_by=user, submitted_at=submitted, confirmed_at=confirmed)
    open_case(risk_review_due=date(2026, 10, 20))  # overdue
    open_case(risk_review_due=date(2026, 11, 1))  # due the day after the period
    open_case(risk_review_due=date(2026, 10, 5), status="closed", closed_at=at(10, 10))  # closed by the end
    # Submitted in October: 2, 10 and 20 October. Confirmed in October: 3 October and 1 October.
    assert metrics.serafs(OCT, NOV) == {"completed": 3, "confirmed": 2, "overdue_review": 1}


def test_it_counts_meetings_quorum_and_attendance_by_agency(db):
    people = {
        kind: UserFactory(agency=AgencyFactory(kind=kind))
        for kind in (AgencyKind.CSC, AgencyKind.HEALTH, AgencyKind.POLICE, AgencyKind.OTHER)
    }
    chair = UserFactory(roles=("chair",))
    present = {
        date(2026, 10, 1): ("csc", "health", "police", "other"),  # quorate
        date(2026, 10, 8): ("csc", "health", "police"),  # quorate
        date(2026, 10, 15): ("csc", "police"),  # no health: inquorate
        date(2026, 10, 31): ("csc",),
        date(2026, 9, 30): ("csc", "health", "police"),  # September
        date(2026, 11, 1): ("csc", "health", "police"),  # November
    }
    for day, kinds in present.items():
        meeting = MeetingFactory(date=day, chair=chair)
        for kind in kinds:
            AttendanceFactory(meeting=meeting, user=people[kind])
        if "health" not in kinds:
            AttendanceFactory(meeting=meeting, user=people["health"], status="apologies")
    result = metrics.meetings_summary(OCT, NOV)
    assert (result["held"], result["quorate"]) == (4, 2)
    assert result["attendance_by_agency"] == {
        people["csc"].agency.short_name: 4,
        people["police"].agency.short_name: 3,
        people["health"].agency.short_name: 2,
        people["other"].agency.short_name: 1,
    }


def test_it_counts_actions_by_agency(db):
    x, y, z = UserFactory(), UserFactory(), UserFactory()
    manager = UserFactory()

    def action(owner, created, due, **kwargs):
        return ActionFactory(owner=owner, created_at=created, due_date=due, **kwargs)

    done = {"status": "done"}
    action(x, at(10, 1, 0, 0), date(2026, 10, 9), completed_at=at(10, 8), **done)  # on time
    action(x, at(10, 2), date(2026, 10, 9), completed_at=at(10, 9, 18), **done)  # on the due date: on time
    action(x, at(10, 3), date(2026, 10, 9), completed_at=at(10, 8), **done)  # on time
    action(x, at(10, 4), date(2026, 10, 9), completed_at=at(10, 12), **done)  # late
    escalated = action(x, at(10, 5), date(2026, 10, 20))  # open, overdue at the end, escalated in October
    action(x, at(10, 6), date(2026, 11, 20))  # open, not yet due
    late_in_nov = action(x, at(9, 10), date(2026, 10, 15), completed_at=at(11, 3), **done)  # overdue at the end
    ReminderFactory(object_id=escalated.pk, key="1", recipient=manager, created_at=at(10, 22))
    ReminderFactory(object_id=escalated.pk, key="2", recipient=manager, created_at=at(10, 29))  # same action
    ReminderFactory(object_id=late_in_nov.pk, key="1", recipient=manager, created_at=at(9, 20))  # September
    ReminderFactory(object_id=escalated.pk, key="0", recipient=x, created_at=at(10, 19))  # a reminder only
    action(y, at(10, 30), date(2026, 11, 30))
    action(z, at(9, 1), date(2026, 9, 10), completed_at=at(9, 5), **done)  # nothing in October

    assert metrics.actions_by_agency(OCT, NOV) == {
        x.agency.short_name: {"created": 6, "completed": 4, "on_time": 3, "overdue": 2, "escalated": 1},
        y.agency.short_name: {"created": 1, "completed": 0, "on_time": 0, "overdue": 0, "escalated": 0},
    }


def test_it_counts_referrals_by_provider(user):
    case = open_case()
    p1, p2, p3 = ProviderFactory(name="Ashfield Trust"), ProviderFactory(name="Brook Project"), ProviderFactory()
    for provider, day in [(p1, date(2026, 10, 1)), (p1, date(2026, 10, 2)), (p1, date(2026, 10, 31))]:
        ReferralFactory(case=case, provider=provider, referred_on=day, referred_by=user)
    for provider, day in [(p2, date(2026, 10, 5)), (p2, date(2026, 10, 6)), (p3, date(2026, 10, 7))]:
        ReferralFactory(case=case, provider=provider, referred_on=day, referred_by=user)
    ReferralFactory(case=case, provider=p3, referred_on=date(2026, 9, 30), referred_by=user)
    ReferralFactory(case=case, provider=p2, referred_on=date(2026, 11, 1), referred_by=user)
    assert metrics.referrals_by_provider(OCT, NOV) == {"Ashfield Trust": 3, "Brook Project": 2, p3.name: 1}


def test_it_lists_stuck_cases(user):
    # 12 weeks before 1 November 2026 is 9 August.
    def at_level(*changes, **kwargs):
        case = open_case(opened_at=at(4, 1), **kwargs)
        for when, level in changes:
            RiskHistoryFactory(case=case, to_level=level, changed_at=when, changed_by=user)
        return case

    high = at_level((at(6, 1), "high"))
    medium = at_level((at(8, 8), "medium"))
    at_level((at(8, 20), "medium"))  # under 12 weeks
    at_level((at(5, 1), "low"))  # low is not stuck
    escalated = at_level((at(5, 1), "low"))
    at_level((at(6, 1), "high"), (at(10, 1), "medium"))  # reduced in October
    at_level((at(6, 1), "high"), status="closed", closed_at=at(10, 1))
    finished = at_level((at(5, 1), "low"))
    open_action = ActionFactory(case=escalated, owner=user, created_at=at(9, 1), due_date=date(2026, 9, 20))
    done_action = ActionFactory(
        case=finished, owner=user, created_at=at(9, 1), due_date=date(2026, 9, 20), status="done"
    )
    for action in (open_action, done_action):
        ReminderFactory(object_id=action.pk, key="2", recipient=user, created_at=at(10, 5))

    # Longest at its level first.
    assert metrics.stuck_cases(NOV) == [
        {
            "case": escalated.reference,
            "case_id": escalated.pk,
            "level": "low",
            "since": "2026-05-01",
            "escalated_actions": True,
        },
        {
            "case": high.reference,
            "case_id": high.pk,
            "level": "high",
            "since": "2026-06-01",
            "escalated_actions": False,
        },
        {
            "case": medium.reference,
            "case_id": medium.pk,
            "level": "medium",
            "since": "2026-08-08",
            "escalated_actions": False,
        },
    ]


def test_it_counts_themes_by_category_age_band_gender_and_placement(db):
    cat1, cat2, cat3 = CategoryFactory(), CategoryFactory(), CategoryFactory()
    # Ages on 31 October 2026, the period's last day.
    c1 = ChildFactory(gender="female", date_of_birth=date(2013, 6, 1), is_looked_after=True, placed_out_of_area=True)
    c2 = ChildFactory(gender="male", date_of_birth=date(2014, 10, 31), is_looked_after=True)  # 12 that day
    c3 = ChildFactory(gender="other", date_of_birth=date(2012, 11, 1), placed_by_other_authority=True)  # 13
    c4 = ChildFactory(gender="female", date_of_birth=date(2011, 10, 31))  # 15 that day
    c5 = ChildFactory(gender="male", date_of_birth=date(2012, 10, 31), is_looked_after=True, placed_out_of_area=True)
    c6 = ChildFactory(gender="female")  # date of birth not known
    # c1 has two cases in October: one child, two cases.
    open_case(child=c1, status="closed", closed_at=at(10, 10), categories=[cat1])
    open_case(child=c1, opened_at=at(10, 12), categories=[cat1])
    open_case(child=c2, categories=[cat1])
    open_case(child=c3, categories=[cat2])
    open_case(child=c4, opened_at=at(10, 31, 23, 0), categories=[cat2])
    open_case(child=c5, categories=[cat3])
    open_case(child=c6, status="closed", closed_at=at(10, 1, 0, 30))
    # Not in October: closed before it, opened after it.
    open_case(child=ChildFactory(gender="male"), status="closed", closed_at=at(9, 30, 23, 0), categories=[cat3])
    open_case(child=ChildFactory(gender="other"), opened_at=at(11, 1, 0, 0), categories=[cat3])

    themes = metrics.themes(OCT, NOV)
    assert {name: n for name, n in themes["category"].items() if n} == {cat1.name: 3, cat2.name: 2, cat3.name: 1}
    assert list(themes["category"])[-3:] == [cat1.name, cat2.name, cat3.name]  # in the categories' order
    assert themes["gender"] == {"female": 3, "male": 2, "other": 1}
    assert themes["age_band"] == {"12–13": 3, "14–15": 2, "not known": 1}
    assert themes["placement"] == {"looked_after": 3, "placed_out_of_area": 2, "placed_here": 1}


def test_it_lists_the_places_linked_to_most_children(user):
    cases = [open_case() for _ in range(3)]
    busiest, middle, quiet, later = (PlaceOfConcernFactory(name=n, created_by=user) for n in "DCBA")
    for place, linked in [(busiest, cases), (middle, cases[:2]), (quiet, cases[:1])]:
        for case in linked:
            PlaceLinkFactory(place=place, case=case, linked_by=user, linked_at=at(10, 3))
    PlaceLinkFactory(place=later, case=cases[0], linked_by=user, linked_at=at(11, 1, 0, 0))
    expected = [
        {"place": "D", "kind": "venue", "links": 3},
        {"place": "C", "kind": "venue", "links": 2},
        {"place": "B", "kind": "venue", "links": 1},
    ]
    assert metrics.places_most_linked(NOV) == expected
    assert metrics.places_most_linked(NOV, limit=2) == expected[:2]


def test_it_counts_disruption_by_agency(user):
    x, y, z = AgencyFactory(short_name="Xray"), AgencyFactory(short_name="Yankee"), AgencyFactory(short_name="Zulu")
    place = PlaceOfConcernFactory(created_by=user)
    for agency, day in [(x, 1), (x, 15), (x, 31), (y, 2), (y, 3), (z, 4)]:
        DisruptionActivityFactory(place=place, agency=agency, happened_on=date(2026, 10, day), recorded_by=user)
    DisruptionActivityFactory(place=place, agency=z, happened_on=date(2026, 9, 30), recorded_by=user)
    DisruptionActivityFactory(place=place, agency=y, happened_on=date(2026, 11, 1), recorded_by=user)
    assert metrics.disruption(OCT, NOV) == {"Xray": 3, "Yankee": 2, "Zulu": 1}


def test_it_counts_the_12_month_trend_by_month(user):
    case = open_case(opened_at=at(10, 20, year=2025))  # before the 12 months
    for when in (at(10, 1, 0, 30), at(10, 15), at(10, 31, 23, 30), at(9, 2), at(9, 30, 23, 30), at(11, 3, year=2025)):
        ConcernFactory(case=case, logged_by=user, logged_at=when)
    ConcernFactory(case=case, logged_by=user, logged_at=at(10, 31, 23, 0, year=2025))  # before the 12 months
    ConcernFactory(case=case, logged_by=user, logged_at=at(11, 1, 0, 0))  # after
    for when in (at(8, 1), at(8, 9), at(8, 20), at(8, 31, 23, 30), at(10, 10)):
        MissingEpisodeFactory(case=case, went_missing_at=when, recorded_by=user)
    MissingEpisodeFactory(case=case, kind="absent", went_missing_at=at(8, 2), recorded_by=user)
    for when in (at(1, 5), at(1, 6)):
        open_case(opened_at=when)

    trend = metrics.trend(NOV)
    assert [row["month"] for row in trend] == [
        "2025-11",
        "2025-12",
        *(f"2026-{m:02d}" for m in range(1, 11)),
    ]
    nonzero = {row["month"]: {k: v for k, v in row.items() if k != "month" and v} for row in trend}
    assert {month: counts for month, counts in nonzero.items() if counts} == {
        "2025-11": {"concerns": 1},
        "2026-01": {"cases_opened": 2},
        "2026-08": {"missing_episodes": 4},
        "2026-09": {"concerns": 2},
        "2026-10": {"concerns": 3, "missing_episodes": 1},
    }
