"""Building the weekly MEOG agenda from the data (DESIGN §5).

Each rule below selects the cases (or places and persons) for one section and says why each is
there. "Since the last meeting" means from the start of the previous MEOG (or from midnight 7 days before
this one when there is none) up to the end of this meeting's day.

Building again adds what is new, refreshes the reasons of items already there, never brings back
an item the coordinator removed, and never touches items the coordinator added or the order they
chose.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from cases.missing import FREQUENT_MISSING_WINDOW_DAYS, overdue_rhi_filter, window_bounds
from cases.models import Case, CaseStatus, Concern, MissingEpisode, RiskLevel
from meetings.escalation import escalation_summaries
from meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    DisruptionActivity,
    Meeting,
    PersonLink,
    PlaceLink,
    Section,
)
from met.workdays import working_days_between
from riskassessment.models import Assessment, AssessmentStatus, RiskHistory


@dataclass(frozen=True)
class Candidate:
    section: int
    key: str
    reason: str
    case_id: int | None = None
    place_id: int | None = None
    person_id: int | None = None


def since_moment(meeting: Meeting) -> datetime:
    """When the last meeting began (anything after it is new), or midnight a week before this one."""
    previous = (
        Meeting.objects.filter(date__lt=meeting.date)
        .order_by("-date", "-starts_at")
        .values_list("date", "starts_at")
        .first()
    )
    if previous:
        return datetime.combine(previous[0], previous[1], tzinfo=timezone.get_current_timezone())
    return _start_of(meeting.date - timedelta(days=7))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _d(value) -> str:
    value = timezone.localtime(value) if isinstance(value, datetime) else value
    return f"{value.day} {value:%b}"


def new_concerns(meeting: Meeting, since: datetime) -> list[Candidate]:
    """1. Cases with a concern logged since the last meeting, and referrals still waiting for triage."""
    start, end = since, _start_of(meeting.date + timedelta(days=1))
    concerns = (
        Concern.objects.filter(
            Q(logged_at__gte=start, logged_at__lt=end) | Q(triaged_at__isnull=True, logged_at__lt=end)
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("category", "source_agency", "case")
        .order_by("logged_at")
    )
    by_case: dict[int, list[str]] = {}
    for concern in concerns:
        waiting = " (waiting for triage)" if concern.case.status == CaseStatus.REFERRED else ""
        by_case.setdefault(concern.case_id, []).append(
            f"new {concern.category.name.lower()} concern from {concern.source_agency.short_name} on {_d(concern.logged_at)}{waiting}"
        )
    return [
        Candidate(Section.NEW_CONCERNS, f"1:case:{case_id}", "; ".join(reasons), case_id=case_id)
        for case_id, reasons in by_case.items()
    ]


def risk_changes(meeting: Meeting, since: datetime) -> list[Candidate]:
    """2. Risk levels confirmed since the last meeting, and assessments submitted but not yet confirmed."""
    start, end = since, _start_of(meeting.date + timedelta(days=1))
    reasons: dict[int, list[str]] = {}
    for change in RiskHistory.objects.filter(changed_at__gte=start, changed_at__lt=end).order_by("changed_at"):
        reasons.setdefault(change.case_id, []).append(
            f"risk changed {change.get_from_level_display().lower()} → {change.get_to_level_display().lower()} on {_d(change.changed_at)}"
        )
    for assessment in (
        Assessment.objects.filter(status=AssessmentStatus.SUBMITTED)
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by("submitted_at")
    ):
        reasons.setdefault(assessment.case_id, []).append(
            f"SERAF submitted {_d(assessment.submitted_at)}, awaiting confirmation (suggests {assessment.get_suggested_level_display().lower()})"
        )
    return [
        Candidate(Section.RISK_CHANGES, f"2:case:{case_id}", "; ".join(r), case_id=case_id)
        for case_id, r in reasons.items()
    ]


def high_risk(meeting: Meeting, since: datetime) -> list[Candidate]:
    """3. Every open high-risk case, at every meeting."""
    return [
        Candidate(Section.HIGH_RISK, f"3:case:{pk}", "high risk", case_id=pk)
        for pk in Case.objects.filter(status=CaseStatus.OPEN, risk_level=RiskLevel.HIGH).values_list("pk", flat=True)
    ]


def missing(meeting: Meeting, since: datetime) -> list[Candidate]:
    """4. Frequently missing children (3+ episodes in a rolling 90 days) and overdue return home interviews."""
    start, end = window_bounds(meeting.date)
    reasons: dict[int, list[str]] = {}
    frequent = Case.objects.filter(status=CaseStatus.OPEN, is_frequent_missing=True).annotate(
        recent=Count(
            "missing_episodes",
            filter=Q(missing_episodes__went_missing_at__gte=start, missing_episodes__went_missing_at__lt=end),
        )
    )
    for case in frequent:
        reasons.setdefault(case.pk, []).append(f"{case.recent} missing episodes in {FREQUENT_MISSING_WINDOW_DAYS} days")
    as_of = min(timezone.now(), _start_of(meeting.date + timedelta(days=1)))
    overdue = MissingEpisode.objects.filter(overdue_rhi_filter(now=as_of), case__status=CaseStatus.OPEN).order_by(
        "returned_at"
    )
    for episode in overdue:
        reasons.setdefault(episode.case_id, []).append(
            f"return home interview overdue since {_d(episode.returned_at + timedelta(hours=72))}"
        )
    return [Candidate(Section.MISSING, f"4:case:{pk}", "; ".join(r), case_id=pk) for pk, r in reasons.items()]


def placements(meeting: Meeting, since: datetime) -> list[Candidate]:
    """5. Open cases of children placed out of area, or placed here by another authority."""
    cases = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .filter(Q(child__placed_out_of_area=True) | Q(child__placed_by_other_authority=True))
        .select_related("child")
    )
    result = []
    for case in cases:
        parts = []
        if case.child.placed_out_of_area:
            parts.append("placed out of area")
        if case.child.placed_by_other_authority:
            parts.append(f"placed here by {case.child.placing_authority or 'another authority'}")
        result.append(Candidate(Section.PLACEMENTS, f"5:case:{case.pk}", "; ".join(parts), case_id=case.pk))
    return result


def previous_actions(meeting: Meeting, since: datetime) -> list[Candidate]:
    """6. Open actions set at earlier meetings: overdue ones (most overdue first), then the rest."""
    actions = (
        Action.objects.filter(status=ActionStatus.OPEN, meeting__date__lt=meeting.date, case__isnull=False)
        .select_related("owner_agency")
        .order_by("due_date", "pk")
    )
    actions = list(actions)
    escalated = escalation_summaries(a.pk for a in actions)
    by_case: dict[int, list[tuple[int, str]]] = {}
    for action in actions:
        late = working_days_between(action.due_date, meeting.date) if action.due_date < meeting.date else 0
        what = f"action for {action.owner_agency.short_name} " + (
            f"overdue {late} working day{'s' if late != 1 else ''}" if late else f"due {_d(action.due_date)}"
        )
        if action.pk in escalated:
            what += f", {escalated[action.pk]}"
        by_case.setdefault(action.case_id, []).append((late, what))
    ordered = sorted(by_case.items(), key=lambda item: -max(late for late, _ in item[1]))
    return [
        Candidate(Section.ACTIONS, f"6:case:{pk}", "; ".join(text for _, text in items), case_id=pk)
        for pk, items in ordered
    ]


def reviews_due(meeting: Meeting, since: datetime) -> list[Candidate]:
    """7. Open cases whose risk review is due on or before the meeting."""
    cases = Case.objects.filter(
        status=CaseStatus.OPEN, risk_review_due__isnull=False, risk_review_due__lte=meeting.date
    ).order_by("risk_review_due")
    return [
        Candidate(
            Section.REVIEWS,
            f"7:case:{case.pk}",
            f"{case.get_risk_level_display().lower()} risk review {'overdue since' if case.risk_review_due < meeting.date else 'due'} {_d(case.risk_review_due)}",
            case_id=case.pk,
        )
        for case in cases
    ]


def intelligence(meeting: Meeting, since: datetime) -> list[Candidate]:
    """8. Places and persons of concern with new links to cases or new disruption activity."""
    start, end = since, _start_of(meeting.date + timedelta(days=1))
    result = []
    for kind, link_model, field in (("place", PlaceLink, "place"), ("person", PersonLink, "person")):
        links = (
            link_model.objects.filter(linked_at__gte=start, linked_at__lt=end)
            .values(f"{field}_id")
            .annotate(n=Count("pk"))
        )
        reasons: dict[int, list[str]] = {
            row[f"{field}_id"]: [f"{row['n']} new link{'s' if row['n'] != 1 else ''} to children"] for row in links
        }
        activity = (
            DisruptionActivity.objects.filter(
                **{f"{field}__isnull": False},
                happened_on__gt=timezone.localtime(since).date(),
                happened_on__lte=meeting.date,
            )
            .values(f"{field}_id")
            .annotate(n=Count("pk"), last=Max("happened_on"))
        )
        for row in activity:
            reasons.setdefault(row[f"{field}_id"], []).append(f"disruption activity on {_d(row['last'])}")
        for pk, r in reasons.items():
            result.append(Candidate(Section.INTELLIGENCE, f"8:{kind}:{pk}", "; ".join(r), **{f"{kind}_id": pk}))
    return result


RULES = (new_concerns, risk_changes, high_risk, missing, placements, previous_actions, reviews_due, intelligence)


def candidates(meeting: Meeting) -> list[Candidate]:
    since = since_moment(meeting)
    return [candidate for rule in RULES for candidate in rule(meeting, since)]


@transaction.atomic
def build(meeting: Meeting) -> dict[str, int]:
    """Add new auto items, refresh reasons of existing ones; leave manual and removed items alone."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    existing = {item.auto_key: item for item in meeting.items.exclude(auto_key="")}
    next_order = {
        row["section"]: (row["top"] or 0) + 1 for row in meeting.items.values("section").annotate(top=Max("order"))
    }
    added = updated = 0
    for candidate in candidates(meeting):
        item = existing.get(candidate.key)
        if item is None:
            AgendaItem.objects.create(
                meeting=meeting,
                section=candidate.section,
                case_id=candidate.case_id,
                place_id=candidate.place_id,
                person_id=candidate.person_id,
                reason=candidate.reason,
                auto_key=candidate.key,
                order=next_order.get(candidate.section, 1),
            )
            next_order[candidate.section] = next_order.get(candidate.section, 1) + 1
            added += 1
        elif item.reason != candidate.reason and item.removed_at is None:
            item.reason = candidate.reason
            item.save(update_fields=["reason"])
            updated += 1
    Meeting.objects.filter(pk=meeting.pk).update(agenda_built_at=timezone.now())
    return {"added": added, "updated": updated}
