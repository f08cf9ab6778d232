"""Demo MEOG history: last fortnight's signed-off meeting with actions (some overdue), next week's meeting."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseStatus
from meetings import services
from meetings.models import Action, AgendaItem, Attendance, AttendanceStatus, Meeting
from met.models import User


@transaction.atomic
def seed_meetings(world: dict | None = None) -> int:
    if Meeting.objects.exists():
        return 0
    today = timezone.localdate()
    users = {u.email: u for u in User.objects.select_related("agency")}
    coordinator, chair = users["coordinator@example.org"], users["chair@example.org"]
    police, health = users["practitioner.police@example.org"], users["practitioner.health@example.org"]

    # Last fortnight's meeting: quorate, actions agreed, minutes signed off.
    last = Meeting.objects.create(
        date=today - timedelta(days=14), chair=chair, location="Civic Centre, room 2", created_by=coordinator
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
        Case.objects.filter(status=CaseStatus.OPEN, agencies_involved=police.agency)
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

    # Next week's meeting, agenda built from the data.
    upcoming = services.meeting_create(
        actor=coordinator,
        date=today + timedelta(days=(3 - today.weekday()) % 7 or 7),
        starts_at="10:00",
        chair=chair,
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
