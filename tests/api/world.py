"""A small world for the API tests, made through the app's services as in real life.

- "seen": a case involving Police and Health (Police leads; practitioner.police@ is the lead
  professional). It has a concern (logged by Police), a missing episode, a draft assessment by
  Health, and an action owned by practitioner.police@.
- "other": a case involving only Education, with the same kinds of records; nobody from Police or
  Health can see it.
- A MEOG meeting (chaired by chair@) with both cases on its agenda and a decision on "seen";
  practitioner.police@ attends and accepted the confidentiality statement, practitioner.health@
  attends and has not; practitioner.school@ is not invited.
- A notification for practitioner.health@.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from django.utils import timezone

from cases.models import Case, Concern, MissingEpisode
from meetings import services as meeting_services
from meetings.models import Action, AgendaItem, AttendanceStatus, Meeting, Section
from met.models import Notification
from met.notifications import notify
from riskassessment import services as risk_services
from riskassessment.models import Assessment
from tests.cases import COORDINATOR, HEALTH, POLICE, SCHOOL, add_episode, make_case, user

CHAIR = "chair@example.org"
POLICE_ADMIN = "admin.police@example.org"
SYSADMIN = "sysadmin@example.org"
ANONYMOUS = "anonymous"
EVERYONE = (COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL, POLICE_ADMIN, SYSADMIN, ANONYMOUS)


@dataclass
class World:
    seen: Case
    other: Case
    seen_concern: Concern
    other_concern: Concern
    seen_episode: MissingEpisode
    other_episode: MissingEpisode
    seen_assessment: Assessment
    other_assessment: Assessment
    seen_action: Action
    other_action: Action
    meeting: Meeting
    seen_item: AgendaItem
    notification: Notification


def build_world() -> World:
    coordinator, police, health, school = user(COORDINATOR), user(POLICE), user(HEALTH), user(SCHOOL)
    seen = make_case(police, agencies=("Police", "Health"), lead=police, first_name="Seenkid")
    other = make_case(school, agencies=("Education",), lead=school, first_name="Otherkid")
    seen_episode = add_episode(seen, actor=police, days_ago=5)
    other_episode = add_episode(other, actor=school, days_ago=5)
    seen_assessment = risk_services.assessment_start(actor=health, case=seen)
    other_assessment = risk_services.assessment_start(actor=school, case=other)
    due = timezone.localdate() + timedelta(days=7)
    seen_action = meeting_services.action_create(
        actor=coordinator, case=seen, description="Visit the family", owner=police, due_date=due
    )
    other_action = meeting_services.action_create(
        actor=coordinator, case=other, description="Talk to the school nurse", owner=school, due_date=due
    )
    meeting = meeting_services.meeting_create(
        actor=coordinator, date=timezone.localdate(), starts_at=time(10, 0), chair=user(CHAIR)
    )
    for person in (police, health):
        meeting_services.attendance_set(
            actor=coordinator, meeting=meeting, user=person, status=AttendanceStatus.PRESENT
        )
    meeting_services.statement_accept(actor=police, meeting=meeting)
    seen_item = meeting_services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=seen, reason="Raised by Police"
    )
    meeting_services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=other, reason="Raised by the school"
    )
    meeting_services.decision_other(actor=coordinator, item=seen_item, text="Strategy meeting to be held.")
    notification = notify(recipient=health, subject="Something to look at", body="A test notification.")
    return World(
        seen=seen,
        other=other,
        seen_concern=seen.concerns.get(),
        other_concern=other.concerns.get(),
        seen_episode=seen_episode,
        other_episode=other_episode,
        seen_assessment=seen_assessment,
        other_assessment=other_assessment,
        seen_action=seen_action,
        other_action=other_action,
        meeting=meeting,
        seen_item=seen_item,
        notification=notification,
    )
