"""meetings/agenda.py: each section's selection rule, and rebuilding without losing the coordinator's edits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseStatus, Category, RiskLevel
from meetings import agenda, services
from meetings.models import Action, AgendaItem, Meeting, PlaceOfConcern, Section
from riskassessment import services as risk_services
from riskassessment.models import Indicator

TODAY = timezone.localdate()


@pytest.fixture
def people(demo_data):
    return demo_data


@pytest.fixture
def previous_meeting(people):
    # The last MEOG was 5 days ago: "since the last meeting" starts the day after it.
    return Meeting.objects.create(
        date=TODAY - timedelta(days=5), chair=people["chair@example.org"], created_by=people["coordinator@example.org"]
    )


def make_case(people, first, *, open_it=True, days_ago=30, **child):
    police, coordinator = people["practitioner.police@example.org"], people["coordinator@example.org"]
    category = Category.objects.get(code="cse")
    concern = case_services.concern_log(
        actor=police,
        new_child={"first_name": first, "last_name": "Mossby", **child},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    # Backdate the concern so only the ones a test wants count as new.
    concern.__class__.objects.filter(pk=concern.pk).update(
        logged_at=timezone.now() - timedelta(days=days_ago), triaged_at=timezone.now() - timedelta(days=days_ago)
    )
    case = concern.case
    if open_it:
        case = case_services.case_open(
            actor=coordinator,
            case=case,
            lead_agency=coordinator.agency,
            lead_professional=None,
            agencies_involved=[police.agency],
            categories=[category],
        )
    return case


def meeting(people, previous_meeting):
    return Meeting.objects.create(
        date=TODAY + timedelta(days=2), chair=people["chair@example.org"], created_by=people["coordinator@example.org"]
    )


def section_of(m, section):
    return {
        item.case_id or item.place_id: item.reason for item in AgendaItem.objects.filter(meeting=m, section=section)
    }


def test_it_lists_new_concerns_since_the_last_meeting_and_untriaged_referrals(people, previous_meeting):
    old = make_case(people, "Old")
    new = make_case(people, "New")
    police = people["practitioner.police@example.org"]
    case_services.concern_log(
        actor=police,
        child=new.child,
        category=Category.objects.get(code="cce"),
        observed_at=timezone.now(),
        description="again",
    )
    referral = make_case(people, "Waiting", open_it=False)
    Case.objects.filter(pk=referral.pk).update()
    referral.concerns.update(triaged_at=None)
    closed = make_case(people, "Closed")
    case_services.concern_log(
        actor=police,
        child=closed.child,
        category=Category.objects.get(code="cce"),
        observed_at=timezone.now(),
        description="x",
    )
    case_services.case_close(actor=people["coordinator@example.org"], case=closed, reason="nfa")

    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = section_of(m, Section.NEW_CONCERNS)
    assert new.pk in items and "child criminal exploitation concern from Police" in items[new.pk]
    assert referral.pk in items and "waiting for triage" in items[referral.pk]
    assert old.pk not in items
    assert closed.pk not in items


def test_it_lists_risk_changes_and_assessments_waiting_for_confirmation(people, previous_meeting):
    changed, waiting, earlier = make_case(people, "Changed"), make_case(people, "Waiting"), make_case(people, "Earlier")
    police, coordinator = people["practitioner.police@example.org"], people["coordinator@example.org"]
    for case, confirm in ((changed, True), (waiting, False), (earlier, True)):
        a = risk_services.assessment_start(actor=police, case=case)
        vuln = Indicator.objects.filter(kind="vulnerability", section__tool__is_current=True)[:2]
        risk_services.assessment_save_draft(
            actor=police,
            assessment=a,
            expected_version=a.version,
            assessment_date=TODAY,
            summary="",
            answers=[risk_services.AnswerData(i.pk, True, "seen") for i in vuln],
        )
        a.refresh_from_db()
        a = risk_services.assessment_submit(actor=police, assessment=a)
        if confirm:
            risk_services.assessment_confirm(actor=coordinator, assessment=a, level="medium", reason="judgement")
    from riskassessment.models import RiskHistory

    RiskHistory.objects.filter(case=earlier).update(changed_at=timezone.now() - timedelta(days=20))

    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = section_of(m, Section.RISK_CHANGES)
    assert "risk changed not yet assessed → medium" in items[changed.pk]
    assert "awaiting confirmation (suggests no risk identified)" in items[waiting.pk]
    assert earlier.pk not in items


def test_it_lists_every_open_high_risk_case(people, previous_meeting):
    high, medium, closed_high = make_case(people, "High"), make_case(people, "Medium"), make_case(people, "ClosedHigh")
    Case.objects.filter(pk__in=[high.pk, closed_high.pk]).update(risk_level=RiskLevel.HIGH)
    Case.objects.filter(pk=medium.pk).update(risk_level=RiskLevel.MEDIUM)
    Case.objects.filter(pk=closed_high.pk).update(status=CaseStatus.CLOSED)
    m = meeting(people, previous_meeting)
    agenda.build(m)
    assert set(section_of(m, Section.HIGH_RISK)) == {high.pk}


def test_it_lists_frequent_missing_children_and_overdue_interviews(people, previous_meeting):
    police = people["practitioner.police@example.org"]
    frequent, overdue, fine = make_case(people, "Frequent"), make_case(people, "Overdue"), make_case(people, "Fine")
    for days in (60, 40, 20, 10):
        went = timezone.now() - timedelta(days=days)
        case_services.missing_episode_record(
            actor=police,
            case=frequent,
            kind="missing",
            went_missing_at=went,
            returned_at=went + timedelta(hours=3),
            rhi_completed_at=went + timedelta(hours=20),
        )
    went = timezone.now() - timedelta(days=6)
    case_services.missing_episode_record(
        actor=police, case=overdue, kind="missing", went_missing_at=went, returned_at=went + timedelta(hours=2)
    )
    went = timezone.now() - timedelta(hours=30)
    case_services.missing_episode_record(
        actor=police, case=fine, kind="missing", went_missing_at=went, returned_at=went + timedelta(hours=2)
    )

    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = section_of(m, Section.MISSING)
    # A frequently missing child with no agreed safety plan is listed for that too (cases/safety_plan.py).
    assert items[frequent.pk] == "4 missing episodes in 90 days · no agreed safety plan"
    assert "return home interview overdue since" in items[overdue.pk]
    assert fine.pk not in items  # returned 28 hours ago: the interview is due, not overdue


def test_it_lists_children_placed_out_of_area_or_placed_here(people, previous_meeting):
    out = make_case(people, "Out", placed_out_of_area=True)
    here = make_case(people, "Here", placed_by_other_authority=True, placing_authority="Exampleshire")
    local = make_case(people, "Local")
    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = section_of(m, Section.PLACEMENTS)
    assert items[out.pk] == "placed out of area"
    assert items[here.pk] == "placed here by Exampleshire"
    assert local.pk not in items


def test_it_lists_open_actions_from_earlier_meetings_most_overdue_first(people, previous_meeting):
    police = people["practitioner.police@example.org"]
    late, later, done = make_case(people, "Late"), make_case(people, "Later"), make_case(people, "Done")
    for case, due in (
        (late, TODAY + timedelta(days=1)),
        (later, TODAY + timedelta(days=1)),
        (done, TODAY + timedelta(days=1)),
    ):
        Action.objects.create(
            case=case,
            meeting=previous_meeting,
            description="Visit",
            owner=police,
            owner_agency=police.agency,
            due_date=due,
            created_by=police,
        )
    Action.objects.filter(case=late).update(due_date=TODAY - timedelta(days=14))
    Action.objects.filter(case=later).update(due_date=TODAY - timedelta(days=1))
    Action.objects.filter(case=done).update(status="done")

    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = list(AgendaItem.objects.filter(meeting=m, section=Section.ACTIONS).order_by("order"))
    assert [i.case_id for i in items] == [late.pk, later.pk]
    assert "overdue" in items[0].reason and "working days" in items[0].reason


def test_it_lists_cases_due_for_risk_review(people, previous_meeting):
    due, not_yet = make_case(people, "Due"), make_case(people, "NotYet")
    Case.objects.filter(pk=due.pk).update(risk_review_due=TODAY - timedelta(days=3), risk_level=RiskLevel.LOW)
    Case.objects.filter(pk=not_yet.pk).update(risk_review_due=TODAY + timedelta(days=30), risk_level=RiskLevel.LOW)
    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = section_of(m, Section.REVIEWS)
    assert "low risk review overdue since" in items[due.pk]
    assert not_yet.pk not in items


def test_it_lists_places_with_new_links_or_disruption_activity(people, previous_meeting):
    police = people["practitioner.police@example.org"]
    case = make_case(people, "Linked")
    linked = services.place_create(actor=police, name="Example Kebab House", kind="takeaway")
    services.register_link(actor=police, entry=linked, case=case)
    disrupted = services.place_create(actor=police, name="Sample Park", kind="park")
    services.disruption_record(actor=police, entry=disrupted, what="Patrols", agency=police.agency, happened_on=TODAY)
    quiet = services.place_create(actor=police, name="Quiet Hotel", kind="hotel")
    m = meeting(people, previous_meeting)
    agenda.build(m)
    items = section_of(m, Section.INTELLIGENCE)
    assert items[linked.pk] == "1 new link to children"
    assert "disruption activity" in items[disrupted.pk]
    assert quiet.pk not in items
    assert PlaceOfConcern.objects.count() == 3


def test_it_rebuilds_without_duplicating_or_losing_the_coordinators_edits(people, previous_meeting):
    coordinator = people["coordinator@example.org"]
    a, b, c = (make_case(people, name) for name in ("Alpha", "Bravo", "Charlie"))
    Case.objects.filter(pk__in=[a.pk, b.pk]).update(risk_level=RiskLevel.HIGH)
    m = meeting(people, previous_meeting)
    agenda.build(m)
    item_a = AgendaItem.objects.get(meeting=m, section=Section.HIGH_RISK, case=a)
    item_b = AgendaItem.objects.get(meeting=m, section=Section.HIGH_RISK, case=b)
    # The coordinator removes one auto item, adds one by hand and reorders.
    services.item_remove(actor=coordinator, item=item_a, reason="Discussed at the strategy meeting yesterday")
    manual = services.item_add(
        actor=coordinator, meeting=m, section=Section.HIGH_RISK, case=c, reason="Worrying new intelligence"
    )
    services.item_move(actor=coordinator, item=manual, up=True)
    order_before = list(
        AgendaItem.objects.filter(meeting=m, section=Section.HIGH_RISK).order_by("order").values_list("pk", flat=True)
    )

    # New data arrives, and the agenda is built again (twice).
    Case.objects.filter(pk=c.pk).update(child=c.child, risk_level=RiskLevel.HIGH)
    d = make_case(people, "Delta")
    Case.objects.filter(pk=d.pk).update(risk_level=RiskLevel.HIGH)
    agenda.build(m)
    agenda.build(m)

    high = AgendaItem.objects.filter(meeting=m, section=Section.HIGH_RISK)
    assert high.filter(case=d).count() == 1  # new item picked up, once
    assert high.filter(case=b).count() == 1  # no duplicate
    item_a.refresh_from_db()
    assert item_a.removed_at is not None and item_a.removed_by == coordinator  # not resurrected
    assert AgendaItem.objects.filter(pk=manual.pk, manual_reason="Worrying new intelligence").exists()
    # One item per child: Charlie's hand-added item gains the data's reason instead of a second item.
    assert high.filter(case=c).count() == 1
    manual.refresh_from_db()
    assert manual.reason == "high risk · no agreed safety plan · Worrying new intelligence" and manual.is_manual
    order_after = list(high.filter(removed_at__isnull=True).order_by("order").values_list("pk", flat=True))
    # The item the coordinator moved keeps its place; the others are sorted as the rule sorts them.
    assert order_after.index(manual.pk) == [pk for pk in order_before if pk != item_a.pk].index(manual.pk)
    assert item_b.pk in order_after


def test_it_builds_the_agenda_when_the_meeting_is_scheduled(people, previous_meeting):
    high = make_case(people, "Scheduled")
    Case.objects.filter(pk=high.pk).update(risk_level=RiskLevel.HIGH)
    m = services.meeting_create(
        actor=people["coordinator@example.org"],
        date=TODAY + timedelta(days=7),
        starts_at="10:00",
        chair=people["chair@example.org"],
    )
    assert AgendaItem.objects.filter(meeting=m, section=Section.HIGH_RISK, case=high).exists()
    assert m.attendances.filter(user=people["chair@example.org"]).exists()
