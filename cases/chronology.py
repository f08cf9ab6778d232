"""A case's chronology (issue 16, part 4): its significant events in date order. The one home for what
counts as a significant event and how an entry reads.

Every UK children's case system keeps a chronology: what happened to the child and what the agencies
did, each event on one line with its date, in order, for a strategy meeting, a court or a review to
read. The case page's timeline is a working view (newest first, notes, links to change things); this is
the record. An entry has its date (and time when the event has one), its kind, a short plain-English
summary, who recorded it and for which agency, and a link where the viewer may follow it.

What counts, by kind (each kind can be filtered on):
- case: the case opened (lead agency) and closed (with the reason);
- concern: each concern, dated when it happened, with the agency that raised it;
- missing: each missing or absent episode (return, where found, reported to police);
- rhi: a return home interview completed, or offered and declined;
- document: a document added, and archived (archived documents, and so both their entries, only for
  the coordinator and chairs: the case page shows them to nobody else);
- safety_plan: each version of the safety plan agreed (the first) or revised (the later ones);
- nrm: the NRM referral, its reasonable- and conclusive-grounds decisions, a guardian allocated;
and what the apps above cases register with cases/extensions.register_chronology_source:
riskassessment (SERAF assessments submitted, confirmed risk levels, intervention referrals) and
meetings (MEOG decisions and their withdrawal, actions set, completed and cancelled, escalations).

Not counted: case notes (working notes, on the timeline), draft assessments, reminders (only
escalations are significant).

An event known only by its date (a plan agreed on a day, an NRM decision) sorts at the start of that
day and shows no time. Each source reads its events in a fixed number of queries, whatever their number.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from cases import extensions
from cases.access import can_change_case
from cases.models import Case, CaseDocument, EpisodeKind, NrmReferral, PlanAgreedAt, SafetyPlan
from met.models import AuditEvent

AUTOMATIC = "MET Hub (automatic)"


@dataclass(frozen=True)
class Entry:
    at: datetime  # aware; for an event with only a date, the start of that day (local time)
    kind: str
    summary: str
    by: str = ""  # the person who recorded it
    agency: str = ""  # their agency (for a concern, the agency that raised it)
    url: str = ""  # where the viewer may follow it; empty when there is nowhere they may go
    dated_only: bool = False

    @property
    def local(self) -> datetime:
        return timezone.localtime(self.at)

    @property
    def day(self) -> date:
        return self.local.date()

    @property
    def time_text(self) -> str:
        return "" if self.dated_only else f"{self.local:%H:%M}"


@dataclass(frozen=True)
class Filters:
    kinds: frozenset[str] = frozenset()  # empty: every kind
    start: date | None = None
    end: date | None = None
    newest_first: bool = False


def on_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def person(user) -> tuple[str, str]:
    """(name, agency) of whoever recorded something; empty when nobody is known."""
    if user is None:
        return "", ""
    return user.full_name, user.agency.short_name


def short(text: str, words: int = 30) -> str:
    return Truncator(" ".join((text or "").split())).words(words, truncate=" …")


def day_text(day: date) -> str:
    return f"{day:%-d %B %Y}"


def range_problem(start: date | None, end: date | None) -> str | None:
    """A date range whose end comes before its start, in words naming the field to correct."""
    if start and end and end < start:
        return f"End date must be the same as or after the start date ({day_text(start)})."
    return None


# --- the case's own events -------------------------------------------------------------------------


def case_entries(case: Case, viewer) -> list[Entry]:
    """Opened and closed. Who did it is read from the audit trail (the case keeps only when)."""
    events = {
        event.action: event
        for event in AuditEvent.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action__in=("case.open", "case.close")
        )
        .select_related("actor__agency")
        .order_by("at", "id")
    }

    def by(action: str) -> tuple[str, str]:
        event = events.get(action)
        if event is not None and event.actor is None:
            return AUTOMATIC, ""  # done by the system itself (a scheduled closure)
        return person(event.actor if event else None)

    entries = []
    if case.opened_at:
        lead = f", led by {case.lead_agency.name}" if case.lead_agency_id else ""
        entries.append(Entry(case.opened_at, "case", f"Case opened{lead}.", *by("case.open")))
    if case.closed_at:
        note = f" {short(case.closure_note)}" if case.closure_note else ""
        reason = case.get_closure_reason_display() or "no reason recorded"
        entries.append(Entry(case.closed_at, "case", f"Case closed: {reason}.{note}", *by("case.close")))
    return entries


def concern_entries(case: Case, viewer) -> list[Entry]:
    return [
        Entry(
            concern.observed_at,
            "concern",
            f"Concern ({concern.category.name}): {short(concern.description)}",
            concern.logged_by.full_name,
            concern.source_agency.short_name,
            reverse("concern_detail", args=[concern.pk]),
        )
        for concern in case.concerns.select_related("logged_by", "source_agency", "category")
    ]


def episode_entries(case: Case, viewer) -> list[Entry]:
    """Each episode, and its return home interview when one was held or declined."""
    may_change = can_change_case(viewer, case)
    entries = []
    for episode in case.missing_episodes.select_related("recorded_by__agency"):
        by = person(episode.recorded_by)
        url = reverse("episode_edit", args=[episode.pk]) if may_change else ""
        words = ["Went missing." if episode.kind == EpisodeKind.MISSING else "Absent (whereabouts known)."]
        if episode.returned_at:
            found = f", found at {episode.where_found}" if episode.where_found else ""
            words.append(f"Returned {timezone.localtime(episode.returned_at):%-d %B %Y %H:%M}{found}.")
        else:
            words.append("Not yet returned.")
        if episode.reported_to_police:
            reference = f" ({episode.police_reference})" if episode.police_reference else ""
            words.append(f"Reported to the police{reference}.")
        entries.append(Entry(episode.went_missing_at, "missing", " ".join(words), *by, url))
        interviewer = f" by {episode.rhi_by}" if episode.rhi_by else ""
        if episode.rhi_completed_at:
            entries.append(
                Entry(episode.rhi_completed_at, "rhi", f"Return home interview held{interviewer}.", *by, url)
            )
        elif episode.rhi_offered_at:
            outcome = "the child declined it" if episode.rhi_declined else "not yet held"
            entries.append(
                Entry(
                    episode.rhi_offered_at, "rhi", f"Return home interview offered{interviewer}: {outcome}.", *by, url
                )
            )
    return entries


def document_entries(case: Case, viewer) -> list[Entry]:
    """Added and archived. An archived document is the coordinator's and chairs' only (as on the case page
    and its download), so for anyone else it is not in the chronology at all."""
    documents = CaseDocument.objects.filter(case=case).select_related("uploaded_by__agency", "archived_by__agency")
    if not viewer.sees_all_cases:
        documents = documents.filter(archived_at__isnull=True)
    entries = []
    for document in documents:
        url = reverse("document_download", args=[document.pk])
        entries.append(
            Entry(
                document.uploaded_at,
                "document",
                f"Document added: {document.title} ({document.get_kind_display().lower()}).",
                *person(document.uploaded_by),
                url,
            )
        )
        if document.archived_at:
            entries.append(
                Entry(
                    document.archived_at,
                    "document",
                    f"Document archived: {document.title}. Why: {short(document.archive_reason)}",
                    *person(document.archived_by),
                    url,
                )
            )
    return entries


def safety_plan_entries(case: Case, viewer) -> list[Entry]:
    entries = []
    for plan in SafetyPlan.objects.filter(case=case).select_related("recorded_by__agency").order_by("number"):
        verb = "agreed" if plan.number == 1 else "revised"
        where = "at a MEOG" if plan.agreed_at == PlanAgreedAt.MEOG else "outside a MEOG"
        if plan.meeting_note:
            where += f" ({plan.meeting_note})"
        change = f" {short(plan.change_note)}" if plan.change_note else ""
        entries.append(
            Entry(
                on_day(plan.agreed_on),
                "safety_plan",
                f"Safety plan {verb} (version {plan.number}) {where}; review by {day_text(plan.review_date)}.{change}",
                *person(plan.recorded_by),
                plan.get_absolute_url(),
                dated_only=True,
            )
        )
    return entries


def nrm_entries(case: Case, viewer) -> list[Entry]:
    """The referral (recorded by whoever entered it) and the Competent Authority's decisions."""
    referral = NrmReferral.objects.filter(case=case).select_related("recorded_by__agency").first()
    if referral is None:
        return []
    reference = f" (reference {referral.reference})" if referral.reference else ""
    entries = [
        Entry(
            on_day(referral.referred_on),
            "nrm",
            f"Referred to the National Referral Mechanism by {referral.first_responder}{reference}.",
            *person(referral.recorded_by),
            dated_only=True,
        )
    ]
    decisions = (
        ("reasonable grounds", referral.rg_decided_on, referral.get_rg_outcome_display()),
        ("conclusive grounds", referral.cg_decided_on, referral.get_cg_outcome_display()),
    )
    for name, decided_on, outcome in decisions:
        if decided_on:
            words = f"NRM {name} decision: {(outcome or 'outcome not recorded').lower()}."
            entries.append(Entry(on_day(decided_on), "nrm", words, agency="Competent Authority", dated_only=True))
    if referral.ictg_allocated and referral.ictg_allocated_on:
        name = f": {referral.ictg_name}" if referral.ictg_name else ""
        entries.append(
            Entry(
                on_day(referral.ictg_allocated_on),
                "nrm",
                f"Independent Child Trafficking Guardian allocated{name}.",
                dated_only=True,
            )
        )
    return entries


CASE_SOURCES = (
    extensions.ChronologySource("case", case_entries, (("case", "Case opened or closed"),), 0),
    extensions.ChronologySource("concerns", concern_entries, (("concern", "Concerns"),), 1),
    extensions.ChronologySource(
        "episodes", episode_entries, (("missing", "Missing episodes"), ("rhi", "Return home interviews")), 2
    ),
    extensions.ChronologySource("documents", document_entries, (("document", "Documents"),), 60),
    extensions.ChronologySource("safety_plans", safety_plan_entries, (("safety_plan", "Safety plans"),), 70),
    extensions.ChronologySource("nrm", nrm_entries, (("nrm", "National Referral Mechanism"),), 80),
)


def sources() -> list[extensions.ChronologySource]:
    return sorted([*CASE_SOURCES, *extensions.chronology_sources()], key=lambda s: (s.order, s.name))


def kinds() -> list[tuple[str, str]]:
    """Every kind of event, (code, label), in the order the filter lists them."""
    return [kind for source in sources() for kind in source.kinds]


def _within(entry: Entry, filters: Filters) -> bool:
    day = entry.day
    return (filters.start is None or day >= filters.start) and (filters.end is None or day <= filters.end)


def case_chronology(case: Case, viewer, filters: Filters = Filters()) -> list[Entry]:
    """The case's significant events that `viewer` may see, filtered, oldest first (or newest first).
    A source none of whose kinds is wanted is not read at all."""
    wanted = set(filters.kinds) or {code for code, _ in kinds()}
    order = {code: n for n, (code, _) in enumerate(kinds())}
    entries: list[Entry] = []
    for source in sources():
        if not wanted & {code for code, _ in source.kinds}:
            continue
        entries += [e for e in source.entries(case, viewer) if e.kind in wanted and _within(e, filters)]
    return sorted(entries, key=lambda e: (e.at, order.get(e.kind, len(order))), reverse=filters.newest_first)


def kind_labels() -> dict[str, str]:
    return dict(kinds())


def as_rows(entries: Iterable[Entry]) -> list[tuple[str, str, str, str, str, str]]:
    """The entries as the CSV's and PDF's rows: date, time, kind, summary, recorded by, agency."""
    labels = kind_labels()
    return [(f"{e.day:%Y-%m-%d}", e.time_text, labels.get(e.kind, e.kind), e.summary, e.by, e.agency) for e in entries]
