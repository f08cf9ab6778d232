"""Demo MEOG history: last fortnight's signed-off meeting with actions (some overdue), next week's meeting."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseStatus, EpisodeKind
from cases.services import missing_episode_record
from meetings import services
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    PersonLink,
    PlaceLink,
    PlaceOfConcern,
)
from met.areas import area_ids
from met.models import Area, User


@transaction.atomic
def seed_meetings(world: dict | None = None) -> int:
    if Meeting.objects.exists():
        return 0
    today = timezone.localdate()
    users = {u.email: u for u in User.objects.select_related("agency")}
    coordinator, chair = users["coordinator@example.org"], users["chair@example.org"]
    police, health = users["practitioner.police@example.org"], users["practitioner.health@example.org"]
    # The demo coordinator's area's MEOG (issue 18: with two areas, each runs its own).
    area = Area.objects.filter(pk__in=area_ids(coordinator)).order_by("pk").first()

    # Last fortnight's meeting: quorate, actions agreed, minutes signed off.
    last = Meeting.objects.create(
        area=area, date=today - timedelta(days=14), chair=chair, location="Civic Centre, room 2", created_by=coordinator
    )
    for person in (coordinator, chair, police, health):
        Attendance.objects.create(
            meeting=last,
            user=person,
            agency=person.agency,
            status=AttendanceStatus.PRESENT,
            accepted_statement_at=timezone.now() - timedelta(days=14),
        )
    cases = list(
        Case.objects.filter(status=CaseStatus.OPEN, agencies_involved=police.agency, area=area)
        .filter(agencies_involved=health.agency)
        .order_by("pk")[:4]
    )
    for n, case in enumerate(cases):
        item = AgendaItem.objects.create(
            meeting=last,
            section=3,
            case=case,
            reason="high risk",
            reasons=[{"section": 3, "text": "high risk"}],
            order=n + 1,
            discussion="Plan reviewed; agencies sharing intelligence.",
        )
        owner = police if n % 2 == 0 else health
        action = services.action_create(
            actor=coordinator,
            case=case,
            item=item,
            description=f"Visit and update the safety plan ({n + 1})",
            owner=owner,
            due_date=today,
        )
        # As agreed a fortnight ago: the first two were due last week and are now overdue.
        Action.objects.filter(pk=action.pk).update(
            due_date=today - timedelta(days=7 if n < 2 else -5), created_at=timezone.now() - timedelta(days=14)
        )
    services.meeting_sign_off(actor=chair, meeting=last)
    for feedback in last.feedback.order_by("pk")[:2]:
        services.feedback_mark_sent(
            actor=coordinator, feedback=feedback, method="call", note="Spoke to the lead professional."
        )

    # Intelligence: a place linked to two children.
    place = services.place_create(
        actor=police,
        name="Example Chicken Takeaway",
        kind="takeaway",
        address="High Street (demo)",
        description="Older males seen giving food and lifts to children.",
    )
    for case in cases[:2]:
        services.register_link(actor=police, entry=place, case=case)
    services.disruption_record(
        actor=police,
        entry=place,
        what="Licensing visit and warning to staff",
        agency=police.agency,
        happened_on=today - timedelta(days=2),
    )
    _seed_network(place, cases, police, today)

    # Next week's meeting, agenda built from the data.
    upcoming = services.meeting_create(
        actor=coordinator,
        date=today + timedelta(days=(3 - today.weekday()) % 7 or 7),
        starts_at="10:00",
        chair=chair,
        area=area,
        location="Civic Centre, room 2",
    )
    # The school's safeguarding lead joins at 10:30 for one child's item only; a housing officer
    # without an account is expected for the whole meeting.
    school = users.get("practitioner.school@example.org")
    item = (
        upcoming.items.filter(case__agencies_involved=school.agency, case__is_restricted=False).order_by("pk").first()
        if school
        else None
    )
    if item is not None:
        services.item_invite(actor=coordinator, meeting=upcoming, items=[item], slot=time(10, 30), user=school)
    services.guest_add(
        actor=coordinator, meeting=upcoming, name="Robin Ashdown", organisation="City Housing", role="Housing officer"
    )
    return 2


def _seed_network(place: PlaceOfConcern, cases: list[Case], police: User, today: date) -> None:
    """The network around the takeaway, for the problem profile (issue 18, part 5): more children linked
    to it, an adult linking some of them, two children found there after going missing and two who went
    missing together. Dated in the last three full months, the profile's default period, with one link
    in the three before, so that the month-on-month figures have something to compare."""
    others = list(
        Case.objects.filter(status=CaseStatus.OPEN, agencies_involved=police.agency, is_restricted=False)
        .exclude(pk__in=[c.pk for c in cases])
        .order_by("pk")[:2]
    )
    if len(cases) < 4 or len(others) < 2:
        return  # a smaller demo than the usual one: nothing to build the network from
    first_of_month = today.replace(day=1)

    def moment(days_before: int, hour: int, minute: int = 0) -> datetime:
        day = first_of_month - timedelta(days=days_before)
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    adult = services.person_create(
        actor=police,
        name="‘Big Dee’ (demo)",
        aliases="Dee, D",
        description="Adult male seen collecting children from the takeaway in a grey car.",
    )
    services.register_link(actor=police, entry=place, case=others[0])
    for case in (cases[1], cases[2], others[1]):
        services.register_link(actor=police, entry=adult, case=case)
    PlaceLink.objects.filter(place=place).update(linked_at=moment(50, 11))
    PersonLink.objects.filter(person=adult).update(linked_at=moment(30, 15))
    # A link three months earlier: last period's network.
    services.register_link(actor=police, entry=place, case=cases[3])
    PlaceLink.objects.filter(place=place, case=cases[3]).update(linked_at=moment(0, 10) - relativedelta(months=4))
    for case, went, where in (
        (cases[0], moment(45, 21), "Example Chicken Takeaway, High Street"),
        (others[0], moment(38, 22), "example chicken takeaway - high street"),
        (cases[2], moment(20, 19), "Bus station"),
        (others[1], moment(20, 20, 15), "Friend's address"),
    ):
        returned = went + timedelta(hours=9)
        missing_episode_record(
            actor=police,
            case=case,
            kind=EpisodeKind.MISSING,
            went_missing_at=went,
            returned_at=returned,
            reported_to_police=True,
            police_reference=f"DEMO-N-{case.pk}",
            where_found=where,
            rhi_offered_at=returned + timedelta(hours=20),
            rhi_completed_at=returned + timedelta(hours=40),
            rhi_by="RHI Service",
            rhi_declined=False,
        )


def rebuild_upcoming_agendas(world: dict | None = None) -> int:
    """After the second area and its placement (cases.demo.seed_second_area): the next meetings' agendas
    brought up to date, so Southampton's shows the Portsmouth child placed there, with the reason."""
    from meetings import agenda
    from meetings.models import MeetingStatus

    upcoming = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, date__gte=timezone.localdate())
    for meeting in upcoming:
        agenda.build(meeting)
    return upcoming.count()
