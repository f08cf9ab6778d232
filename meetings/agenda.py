"""Building the weekly MEOG agenda from the data (DESIGN §5).

Each rule below selects the cases (or places and persons) for one section and says why each is
there. "Since the last meeting" means from the start of the previous MEOG (or from midnight 7 days before
this one when there is none) up to the end of this meeting's day.

Each child (or place or person) has one item per meeting carrying every reason it qualifies, in the
section of its most urgent reason: the sections' own order (DESIGN §5) is the order of urgency. Within
a section items are sorted by each rule's urgency (section 6: escalation level, then days overdue).

Each area runs its own MEOG (issue 18): a meeting's agenda holds the cases of its area only, "the last
meeting" is the area's last one, and a child placed in the area by another one (a live
cases.models.Placement whose host_area is the meeting's) is in section 5 with the responsible area
and the placement's reason ("placed here by Portsmouth: ..."); the agenda page shows those under
"Placed here by another authority" (PLACED_HERE_HEADING). In a single-area installation every case
is of the meeting's area, so nothing changes.

Building again adds what is new, refreshes the reasons of items already there, never brings back
an item the coordinator removed, keeps what the coordinator added by hand, and sorts again, except the
items the coordinator moved: they stay where they were put.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from cases import safety_plan, turning_18
from cases.missing import FREQUENT_MISSING_WINDOW_DAYS, overdue_rhi_filter, window_bounds
from cases.models import Case, CaseStatus, Concern, MissingEpisode, Placement, RiskLevel
from meetings.escalation import LEVEL_1, LEVEL_2, LEVEL_LABELS, escalation_summaries
from meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    DisruptionActivity,
    Meeting,
    PersonLink,
    PlaceLink,
    Section,
)
from met.workdays import working_days_between
from riskassessment.models import Assessment, AssessmentStatus, RiskHistory

# escalation_summaries() names the highest level reached; the agenda sorts on its number.
ESCALATION_LEVELS = {LEVEL_LABELS[LEVEL_1]: 1, LEVEL_LABELS[LEVEL_2]: 2}
REASON_SEPARATOR = " · "
PLACED_HERE_HEADING = "Placed here by another authority"


@dataclass(frozen=True)
class Candidate:
    """One reason, from one section's rule, for one child (or place or person) to be on the agenda."""

    section: int
    reason: str
    case_id: int | None = None
    place_id: int | None = None
    person_id: int | None = None
    # How urgent within its section, smallest first; ties keep the order the rule gave.
    rank: tuple = ()

    @property
    def subject(self) -> tuple[str, int]:
        if self.case_id:
            return ("case", self.case_id)
        if self.place_id:
            return ("place", self.place_id)
        return ("person", self.person_id)


def _area_cases(meeting: Meeting):
    """The cases this meeting's agenda is drawn from: its area's."""
    return Case.objects.filter(area_id=meeting.area_id)


def previous_meetings(meeting: Meeting):
    """The area's meetings before this one's day: each area's MEOG follows on from its own last one."""
    return Meeting.objects.filter(area_id=meeting.area_id, date__lt=meeting.date)


def since_moment(meeting: Meeting) -> datetime:
    """When the area's last meeting began (anything after it is new), or midnight a week before this one."""
    previous = previous_meetings(meeting).order_by("-date", "-starts_at").values_list("date", "starts_at").first()
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
            Q(logged_at__gte=start, logged_at__lt=end) | Q(triaged_at__isnull=True, logged_at__lt=end),
            case__area_id=meeting.area_id,
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
        Candidate(Section.NEW_CONCERNS, "; ".join(reasons), case_id=case_id) for case_id, reasons in by_case.items()
    ]


def risk_changes(meeting: Meeting, since: datetime) -> list[Candidate]:
    """2. Risk levels confirmed since the last meeting, and assessments submitted but not yet confirmed."""
    start, end = since, _start_of(meeting.date + timedelta(days=1))
    reasons: dict[int, list[str]] = {}
    for change in RiskHistory.objects.filter(
        changed_at__gte=start, changed_at__lt=end, case__area_id=meeting.area_id
    ).order_by("changed_at"):
        reasons.setdefault(change.case_id, []).append(
            f"risk changed {change.get_from_level_display().lower()} → {change.get_to_level_display().lower()} on {_d(change.changed_at)}"
        )
    for assessment in (
        Assessment.objects.filter(status=AssessmentStatus.SUBMITTED, case__area_id=meeting.area_id)
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by("submitted_at")
    ):
        reasons.setdefault(assessment.case_id, []).append(
            f"SERAF submitted {_d(assessment.submitted_at)}, awaiting confirmation (suggests {assessment.get_suggested_level_display().lower()})"
        )
    return [Candidate(Section.RISK_CHANGES, "; ".join(r), case_id=case_id) for case_id, r in reasons.items()]


def high_risk(meeting: Meeting, since: datetime) -> list[Candidate]:
    """3. Every open high-risk case, at every meeting."""
    return [
        Candidate(Section.HIGH_RISK, "high risk", case_id=pk)
        for pk in _area_cases(meeting)
        .filter(status=CaseStatus.OPEN, risk_level=RiskLevel.HIGH)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


def missing(meeting: Meeting, since: datetime) -> list[Candidate]:
    """4. Frequently missing children (3+ episodes in a rolling 90 days) and overdue return home interviews."""
    start, end = window_bounds(meeting.date)
    reasons: dict[int, list[str]] = {}
    frequent = (
        _area_cases(meeting)
        .filter(status=CaseStatus.OPEN, is_frequent_missing=True)
        .annotate(
            recent=Count(
                "missing_episodes",
                filter=Q(missing_episodes__went_missing_at__gte=start, missing_episodes__went_missing_at__lt=end),
            )
        )
    )
    for case in frequent:
        reasons.setdefault(case.pk, []).append(f"{case.recent} missing episodes in {FREQUENT_MISSING_WINDOW_DAYS} days")
    as_of = min(timezone.now(), _start_of(meeting.date + timedelta(days=1)))
    overdue = MissingEpisode.objects.filter(
        overdue_rhi_filter(now=as_of), case__status=CaseStatus.OPEN, case__area_id=meeting.area_id
    ).order_by("returned_at")
    for episode in overdue:
        reasons.setdefault(episode.case_id, []).append(
            f"return home interview overdue since {_d(episode.returned_at + timedelta(hours=72))}"
        )
    return [Candidate(Section.MISSING, "; ".join(r), case_id=pk) for pk, r in reasons.items()]


def safety_plans(meeting: Meeting, since: datetime) -> list[Candidate]:
    """3 or 4. High-risk or frequently missing open cases without a current agreed safety plan, or with one
    past its review date on the meeting's day (cases/safety_plan.py): in the section the case is there for."""
    return [
        Candidate(
            Section.HIGH_RISK if case.risk_level == RiskLevel.HIGH else Section.MISSING,
            safety_plan.problem_text(case.safety_plan_review),
            case_id=case.pk,
        )
        for case in safety_plan.flagged_cases(_area_cases(meeting), meeting.date)
        .order_by("pk")
        .only("pk", "risk_level")
    ]


def placements(meeting: Meeting, since: datetime) -> list[Candidate]:
    """5. Open cases of children placed out of area, or placed here by another authority."""
    cases = (
        _area_cases(meeting)
        .filter(status=CaseStatus.OPEN)
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
        result.append(Candidate(Section.PLACEMENTS, "; ".join(parts), case_id=case.pk))
    return result


def placed_here_text(placement: Placement) -> str:
    return f"placed here by {placement.case.area.name}: {placement.reason}"


def placed_here(meeting: Meeting, since: datetime) -> list[Candidate]:
    """5. Open cases of another area's children placed in this one (a live Placement hosted here): the
    host area's MEOG discusses them too, and their responsible area hears of it (notify_placed_discussed)."""
    placements = (
        Placement.objects.filter(
            host_area_id=meeting.area_id,
            ended_on__isnull=True,
            placed_on__lte=meeting.date,
            case__status=CaseStatus.OPEN,
        )
        .exclude(case__area_id=meeting.area_id)
        .select_related("case__area")
        .order_by("placed_on", "pk")
    )
    return [Candidate(Section.PLACEMENTS, placed_here_text(p), case_id=p.case_id) for p in placements]


def placed_here_case_ids(meeting: Meeting, cases) -> set[int]:
    """Which of these cases (read with their area, as the agenda's items are) are another area's children
    on this meeting's agenda: the agenda page groups them under PLACED_HERE_HEADING (in a single-area
    installation every case is the meeting's area's, so none). Read from the cases in hand: asking the
    database again for the areas of cases already read was a query of every agenda page (issue 14)."""
    return {case.pk for case in cases if case is not None and case.area_id != meeting.area_id}


def previous_actions(meeting: Meeting, since: datetime) -> list[Candidate]:
    """6. Open actions set at earlier meetings: the most escalated first, then the most overdue, then the rest."""
    actions = list(
        Action.objects.filter(status=ActionStatus.OPEN, meeting__date__lt=meeting.date, case__area_id=meeting.area_id)
        .select_related("owner_agency")
        .order_by("due_date", "pk")
    )
    escalated = escalation_summaries(a.pk for a in actions)
    by_case: dict[int, list[tuple[int, int, str]]] = {}
    for action in actions:
        late = working_days_between(action.due_date, meeting.date) if action.due_date < meeting.date else 0
        what = f"action for {action.owner_agency.short_name} " + (
            f"overdue {late} working day{'s' if late != 1 else ''}" if late else f"due {_d(action.due_date)}"
        )
        level = ESCALATION_LEVELS.get(escalated.get(action.pk), 0)
        if level:
            what += f", {escalated[action.pk]}"
        by_case.setdefault(action.case_id, []).append((level, late, what))
    result = []
    for pk, items in by_case.items():
        level, late = max((level, late) for level, late, _ in items)
        items.sort(key=lambda row: (-row[0], -row[1]))
        result.append(
            Candidate(Section.ACTIONS, "; ".join(text for _, _, text in items), case_id=pk, rank=(-level, -late))
        )
    return result


def reviews_due(meeting: Meeting, since: datetime) -> list[Candidate]:
    """7. Open cases whose risk review is due on or before the meeting."""
    cases = (
        _area_cases(meeting)
        .filter(status=CaseStatus.OPEN, risk_review_due__isnull=False, risk_review_due__lte=meeting.date)
        .order_by("risk_review_due")
    )
    return [
        Candidate(
            Section.REVIEWS,
            f"{case.get_risk_level_display().lower()} risk review {'overdue since' if case.risk_review_due < meeting.date else 'due'} {_d(case.risk_review_due)}",
            case_id=case.pk,
        )
        for case in cases
    ]


def turning_18_soon(meeting: Meeting, since: datetime) -> list[Candidate]:
    """7. Children within 6 months of their 18th birthday on the meeting's day, soonest first, and whether the case
    has a transition plan (cases/turning_18.py): "turns 18 on 3 Mar 2027, no transition plan"."""
    cases = (
        turning_18.flagged_cases(_area_cases(meeting), meeting.date)
        .select_related("child")
        .only("pk", "child__date_of_birth")
        .order_by("child__date_of_birth", "pk")
    )
    return [
        Candidate(
            Section.REVIEWS,
            turning_18.agenda_reason(turning_18.birthday(case.child.date_of_birth), has_plan=case.has_transition_plan),
            case_id=case.pk,
        )
        for case in cases
    ]


def intelligence(meeting: Meeting, since: datetime) -> list[Candidate]:
    """8. Places and persons of concern with new links to the area's cases, or new disruption activity
    by an agency working in the area."""
    start, end = since, _start_of(meeting.date + timedelta(days=1))
    result = []
    for kind, link_model, field in (("place", PlaceLink, "place"), ("person", PersonLink, "person")):
        links = (
            link_model.objects.filter(linked_at__gte=start, linked_at__lt=end, case__area_id=meeting.area_id)
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
                agency__areas=meeting.area_id,
            )
            .values(f"{field}_id")
            .annotate(n=Count("pk"), last=Max("happened_on"))
        )
        for row in activity:
            reasons.setdefault(row[f"{field}_id"], []).append(f"disruption activity on {_d(row['last'])}")
        for pk, r in reasons.items():
            result.append(Candidate(Section.INTELLIGENCE, "; ".join(r), **{f"{kind}_id": pk}))
    return result


def carried_over(meeting: Meeting, since: datetime) -> list[Candidate]:
    """Items the chair confirmed at sign-off as not discussed at the previous meeting, in the section
    they were in there."""
    previous = previous_meetings(meeting).order_by("-date", "-starts_at").first()
    if previous is None:
        return []
    return [
        Candidate(
            item.section,
            f"not discussed at the meeting of {_d(previous.date)}, carried over",
            case_id=item.case_id,
            place_id=item.place_id,
            person_id=item.person_id,
        )
        for item in AgendaItem.objects.filter(meeting=previous, not_discussed_at__isnull=False).order_by(
            "section", "order", "pk"
        )
    ]


RULES = (
    new_concerns,
    risk_changes,
    high_risk,
    missing,
    safety_plans,
    placements,
    placed_here,
    previous_actions,
    reviews_due,
    turning_18_soon,
    intelligence,
    carried_over,
)


def undiscussed_items(meeting: Meeting):
    """The items on the agenda with no discussion summary, no decision standing and no action: the chair
    confirms each as not discussed before signing off."""
    return (
        meeting.items.filter(removed_at__isnull=True, discussion="")
        .exclude(Exists(Decision.objects.filter(item=OuterRef("pk"), withdrawn_at__isnull=True)))
        .exclude(Exists(Action.objects.filter(item=OuterRef("pk"))))
    )


def candidates(meeting: Meeting) -> list[Candidate]:
    since = since_moment(meeting)
    return [candidate for rule in RULES for candidate in rule(meeting, since)]


def compose(reasons: list[dict], manual_reason: str = "", manual_section: int | None = None) -> tuple[int, str]:
    """An item's section (its most urgent reason's, by DESIGN §5's order) and its reasons in words,
    most urgent first, each still named: "high risk · 4 missing episodes in 90 days · ..."."""
    entries = [(r["section"], r["text"]) for r in reasons]
    if manual_reason and manual_section:
        entries.append((manual_section, manual_reason))
    entries.sort(key=lambda entry: entry[0])
    if not entries:
        return manual_section or Section.NEW_CONCERNS, manual_reason or "added by the coordinator"
    return entries[0][0], REASON_SEPARATOR.join(text for _, text in entries)


def _subject(item: AgendaItem) -> tuple[str, int]:
    if item.case_id:
        return ("case", item.case_id)
    if item.place_id:
        return ("place", item.place_id)
    return ("person", item.person_id)


def item_refresh(item: AgendaItem) -> list[str]:
    """Recompute the section and the reason in words from the item's reasons; return the changed fields.
    An item that changes section loses the place the coordinator gave it in the old one."""
    section, reason = compose(item.reasons, item.manual_reason, item.manual_section)
    changed = []
    if section != item.section:
        item.section, item.order_pinned = section, False
        changed += ["section", "order_pinned"]
    if reason != item.reason:
        item.reason = reason
        changed.append("reason")
    return changed


LAST = (float("inf"),)


def reorder(meeting: Meeting, ranks: dict[int, tuple] | None = None) -> None:
    """Sort each section by urgency, except the items the coordinator moved: those keep their place.

    `ranks` maps item ids to their urgency from this build; items without one (added by hand and not
    found by any rule, or no longer found) go after the ranked ones in their present order."""
    ranks = ranks or {}
    live = list(meeting.items.filter(removed_at__isnull=True).order_by("section", "order", "pk"))
    changes = []
    for section in Section:
        items = [i for i in live if i.section == section.value]
        pinned = {index: item for index, item in enumerate(items) if item.order_pinned}
        rest = sorted(
            (item for item in items if not item.order_pinned),
            key=lambda item: (ranks.get(item.pk, LAST), item.order, item.pk),
        )
        placed = [pinned[index] if index in pinned else rest.pop(0) for index in range(len(items))]
        for order, item in enumerate(placed, 1):
            if item.order != order:
                item.order = order
                changes.append(item)
    AgendaItem.objects.bulk_update(changes, ["order"])


@transaction.atomic
def build(meeting: Meeting) -> dict[str, int]:
    """One item per child (or place or person) with every reason the data gives; refresh the reasons
    of items already there, never bring back a removed item, keep what the coordinator added by hand,
    then sort each section by urgency, leaving the items the coordinator moved where they put them."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    existing = {_subject(item): item for item in meeting.items.all()}
    found: dict[tuple[str, int], list[tuple[tuple, Candidate]]] = {}
    since = since_moment(meeting)
    for rule in RULES:
        for index, candidate in enumerate(rule(meeting, since)):
            found.setdefault(candidate.subject, []).append(((*candidate.rank, index), candidate))
    added = updated = 0
    ranks: dict[int, tuple] = {}
    to_update: list[AgendaItem] = []
    fields: set[str] = set()
    for subject, found_reasons in found.items():
        found_reasons.sort(key=lambda row: row[1].section)
        reasons = [{"section": c.section, "text": c.reason} for _, c in found_reasons]
        item = existing.get(subject)
        if item is None:
            first = found_reasons[0][1]
            item = AgendaItem(
                meeting=meeting,
                case_id=first.case_id,
                place_id=first.place_id,
                person_id=first.person_id,
                reasons=reasons,
                order=10_000 + added,
            )
            item_refresh(item)
            item.save()
            added += 1
        elif item.removed_at is None and item.reasons != reasons:
            item.reasons = reasons
            changed = item_refresh(item)
            fields.update(["reasons", *changed])
            to_update.append(item)
            updated += 1
        if item.section == found_reasons[0][1].section:
            ranks[item.pk] = found_reasons[0][0]
    if to_update:
        AgendaItem.objects.bulk_update(to_update, sorted(fields))
    reorder(meeting, ranks)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_built_at=timezone.now())
    return {"added": added, "updated": updated}


# --- the running order ---------------------------------------------------------------------------

# An estimate of the time one item takes, to place items without a slot between those with one.
ITEM_MINUTES = 5


def running_order(items, starts_at: time) -> list[tuple[time, AgendaItem]]:
    """The order the meeting takes its items in, with the time each starts: items with a time slot at
    their slot (invited professionals are waiting for them), the others in agenda order in between,
    each taking about ITEM_MINUTES. An item without a slot is taken only if it ends by the next slot,
    so a slotted item never waits for one; two slotted items at once are taken one after the other."""
    day = date(2000, 1, 1)
    at = datetime.combine(day, starts_at)
    step = timedelta(minutes=ITEM_MINUTES)
    timed = sorted((i for i in items if i.slot is not None), key=lambda i: (i.slot, i.section, i.order, i.pk))
    untimed = [i for i in items if i.slot is None]
    result: list[tuple[time, AgendaItem]] = []
    while timed or untimed:
        next_slot = datetime.combine(day, timed[0].slot) if timed else None
        if untimed and (next_slot is None or at + step <= next_slot):
            item = untimed.pop(0)
        else:
            item = timed.pop(0)
            at = max(at, next_slot)
        result.append((at.time(), item))
        at += step
    return result
