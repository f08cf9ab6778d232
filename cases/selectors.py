"""Reads of cases shared by more than one caller: the web pages, the API and the home page."""

import functools
from datetime import datetime

from django.db import connection
from django.db.models import Count, Model, Q
from django.utils import timezone

from cases import extensions
from cases.access import restrict_to_visible
from cases.missing import RHIStatus, episode_rhi_state, overdue_rhi_filter
from cases.models import Case, CaseStatus, Category, Concern, MissingEpisode, RiskLevel
from met import cache, pagination, rawsql
from met.models import Agency, User


def case_counts(user) -> dict:
    """The home page's figures for a casework role: only cases the user may see are counted."""
    cached = getattr(user, "_met_case_counts", None)
    if cached is not None:
        return cached
    # Like a long list's total (met/pagination.py): figures over a thousand cases may be half a
    # minute old, for this person only; smaller ones are counted on every view.
    key = f"met:home-counts:{user.pk}"
    counts = cache.get(key)
    if counts is None:
        counts = _count(user)
        if counts["open_cases"] >= pagination.FROM_ROWS:
            cache.set(key, counts, pagination.SECONDS)
    user._met_case_counts = counts  # the panels of one page share one count
    return counts


def untriaged_concerns(user):
    """The triage inbox: concerns not yet triaged, on cases of the coordinator's or chair's own areas."""
    from cases.access import coordinated

    return coordinated(Concern.objects.filter(triaged_at__isnull=True), user, "case")


def _count(user) -> dict:
    # Both case figures from one pass over the cases the user may see.
    counts = restrict_to_visible(Case.objects.filter(status=CaseStatus.OPEN), user).aggregate(
        open_cases=Count("pk"), high_risk_cases=Count("pk", filter=Q(risk_level=RiskLevel.HIGH))
    )
    counts |= {
        "overdue_rhis": restrict_to_visible(
            MissingEpisode.objects.filter(overdue_rhi_filter(now=timezone.now())), user, case_field="case"
        ).count(),
    }
    if user.sees_all_cases:
        counts["untriaged"] = untriaged_concerns(user).count()
    return counts


def casework_panel(user) -> dict | None:
    return case_counts(user) if user.is_practitioner else None


def coordination_panel(user) -> dict | None:
    if not user.is_coordinator:
        return None
    from cases.placements import several_areas

    return {**case_counts(user), "several_areas": several_areas()}


def chairing_panel(user) -> dict | None:
    return case_counts(user) if user.is_chair else None


def case_queryset():
    """Cases with what every list and page of them shows, in a fixed number of queries. A page of a
    list adds its categories with `with_lookups`."""
    return Case.objects.select_related("child", "lead_agency", "lead_professional")


# What a row of the case list shows (cases/case_list.html): a full row of the case, its child, lead agency
# and lead professional is some seventy columns, and building and reading them was a fifth of reading
# the page of cases (issue 14). A field shown later must be added here, or each row reads it alone:
# tests/cases/test_query_counts.py counts the list's queries.
CASE_ROW_FIELDS = (
    *("id", "child_id", "area_id", "status", "risk_level", "is_frequent_missing", "is_restricted", "created_at"),
    *("lead_agency_id", "lead_professional_id", "child__first_name", "child__last_name", "child__date_of_birth"),
    "lead_agency__short_name",
    *(f"lead_professional__{name}" for name in User.DISPLAY_NAME_FIELDS),
)


LOOKUPS_KEY = "met:case-lookups"


LOOKUPS = ("categories", "agencies_involved")


def _lookups() -> dict[str, dict[int, Model]]:
    # Categories and agencies change a few times a year: kept five minutes as the case list's filter
    # choices are (cases/forms.py), and forgotten with them when one is saved (cases/apps.py).
    found = cache.get(LOOKUPS_KEY)
    if found is None:
        found = {
            "categories": {c.pk: c for c in Category.objects.all()},
            "agencies_involved": {a.pk: a for a in Agency.objects.all()},
        }
        cache.set(LOOKUPS_KEY, found, 300)
    return found


def forget_lookups(sender=None, **kwargs) -> None:
    cache.delete(LOOKUPS_KEY)


def with_related(rows, *fields: str) -> list:
    """Rows with these foreign keys filled in after they are read, not joined: categories and agencies
    from the lookups kept in the cache (_lookups), people with one query for all the named fields. Each
    join made PostgreSQL plan a list's query longer than it ran it, and a list's statement is planned on
    every run (the triage inbox: 4.1 ms planning and 0.4 ms running with category and agency joined; the
    API's assessments, 3.9 ms with three joins to people)."""
    rows = list(rows)
    if not rows:
        return rows
    meta = rows[0]._meta
    people = [meta.get_field(name) for name in fields if meta.get_field(name).related_model is User]
    wanted = {getattr(row, field.attname) for field in people for row in rows} - {None}
    known = {"people": {u.pk: u for u in User.objects.filter(pk__in=wanted)} if wanted else {}}
    for name in fields:
        field = meta.get_field(name)
        if field.related_model is User:
            found = known["people"]
        else:
            lookup = "categories" if field.related_model is Category else "agencies_involved"
            found = _lookups()[lookup]
            if any(getattr(row, field.attname) not in found for row in rows if getattr(row, field.attname) is not None):
                forget_lookups()  # one added since the cache was filled
                found = _lookups()[lookup]
        for row in rows:
            pk = getattr(row, field.attname)
            field.set_cached_value(row, None if pk is None else found[pk])
    return rows


@functools.lru_cache(maxsize=64)
def _pairs_sql(names: tuple[str, ...], vendor: str, n_ids: int) -> str:
    """Every name's (case id, other id) pairs in one statement (UNION ALL), each tagged with its name's
    place in `names`. Written from the link tables' metadata, once per shape: built through the ORM (a
    union of annotated querysets) the statement took three times as long to compile as to run, a
    millisecond of the case page (issue 14). Only identifiers from the models; the ids are parameters,
    one array on PostgreSQL (the same statement for any number of cases, and no limit on their number:
    the CSV export reads every case the user may see)."""
    qn = connection.ops.quote_name
    ids = "= ANY(%s)" if vendor == "postgresql" else "IN (" + ", ".join(["%s"] * n_ids) + ")"
    parts = []
    for n, name in enumerate(names):
        field = Case._meta.get_field(name)
        case_column, other_column = qn(field.m2m_column_name()), qn(field.m2m_reverse_name())
        parts.append(
            f"SELECT {case_column}, {other_column}, {n} FROM {qn(field.m2m_db_table())}"  # noqa: S608
            f" WHERE {case_column} {ids}"
        )
    return " UNION ALL ".join(parts)


def with_lookups(cases, *names: str) -> list[Case]:
    """A page of cases with their categories (and, named, their agencies involved or the people a
    restricted case is restricted to) read as prefetch_related leaves them, for `case.categories.all`
    in a template: one query of id pairs from the link table; categories and agencies from the cache,
    people read by id only when there are any. prefetch_related made a related manager and a queryset
    for every case: 5 ms of a 25-row page (issue 14). Each case's list is a list, not a queryset, so
    that nothing can filter it by mistake as if it were the case's own."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    names = names or ("categories",)
    found: dict[str, list] = {name: [] for name in names}
    if ids:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_pairs_sql(names, connection.vendor, 0), [ids] * len(names))
            else:
                cursor.execute(_pairs_sql(names, connection.vendor, len(ids)), ids * len(names))
            for case_id, other_id, n in cursor.fetchall():
                found[names[n]].append((case_id, other_id))
    for name in names:
        field = Case._meta.get_field(name)
        pairs = found[name]
        if name not in LOOKUPS:
            wanted = {other_id for _, other_id in pairs}
            known = {o.pk: o for o in field.related_model.objects.filter(pk__in=wanted)} if wanted else {}
        else:
            known = _lookups()[name]
            if any(other_id not in known for _, other_id in pairs):
                # One added since the cache was filled (by another process, or without a signal).
                forget_lookups()
                known = _lookups()[name]
        order = {pk: n for n, pk in enumerate(known)}  # the model's own ordering, as a prefetch has it
        rows: dict[int, list] = {pk: [] for pk in ids}
        for case_id, other_id in sorted(pairs, key=lambda pair: order[pair[1]]):
            rows[case_id].append(known[other_id])
        for case in cases:
            if not hasattr(case, "_prefetched_objects_cache"):
                case._prefetched_objects_cache = {}
            case._prefetched_objects_cache[name] = rows[case.pk]
    return cases


def filtered_cases(user, data: dict, *, per_row: bool = False):
    """The case list's filters (web list, CSV export and API share them), over the cases the user may
    see; `per_row` for a page of the list, not its count (cases.access.restrict_to_visible)."""
    return filter_cases(restrict_to_visible(case_queryset(), user, per_row=per_row), data)


def filter_cases(cases, data: dict):
    """The case list's filters applied to `cases` (already cut to what the user may see)."""
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("risk_level"):
        cases = cases.filter(risk_level=data["risk_level"])
    if data.get("category"):
        cases = cases.filter(categories=data["category"])
    if data.get("agency"):
        cases = cases.filter(agencies_involved=data["agency"])
    if data.get("lead_professional"):
        cases = cases.filter(lead_professional=data["lead_professional"])
    flag = data.get("flag")
    if flag == "frequent_missing":
        cases = cases.filter(is_frequent_missing=True)
    elif flag == "high_risk":
        cases = cases.filter(risk_level=RiskLevel.HIGH)
    elif flag == "placed_out_of_area":
        cases = cases.filter(child__placed_out_of_area=True)
    elif flag == "placed_here":
        cases = cases.filter(child__placed_by_other_authority=True)
    elif flag == "restricted":
        cases = cases.filter(is_restricted=True)
    elif flag == "turning_18":
        from cases import turning_18

        cases = cases.filter(turning_18.live_filter() & turning_18.window_filter(timezone.localdate()))
    return cases.order_by("-created_at", "-pk")


# What the case page's timeline shows of a concern's logger: the full row is some forty columns (issue
# 14). A field shown later must be added here, or each concern reads it alone. The category and agency
# come from the cache (with_related).
TIMELINE_CONCERN_RELATED = {"logged_by": ("full_name",)}


def case_timeline(case: Case, now: datetime) -> list[dict]:
    """Everything that happened on a case, newest first: its own records and what other apps add."""
    items = []
    # met.rawsql.select, not the ORM: see why there.
    concerns = (
        with_related(
            rawsql.select(Concern, where={"case": case.pk}, related=TIMELINE_CONCERN_RELATED),
            "category",
            "source_agency",
        )
        if extensions.case_has(case, "concerns")
        else ()
    )
    for concern in concerns:
        items.append({"kind": "concern", "at": concern.observed_at, "obj": concern})
    episodes = (
        rawsql.select(MissingEpisode, where={"case": case.pk}) if extensions.case_has(case, "missing_episodes") else ()
    )
    for episode in episodes:
        rhi = episode_rhi_state(episode, now=now)
        items.append(
            {
                "kind": "missing",
                "at": episode.went_missing_at,
                "obj": episode,
                "rhi": rhi,
                # Still missing, or its return home interview still to hold.
                "open": episode.returned_at is None or rhi.status in (RHIStatus.DUE, RHIStatus.OVERDUE),
            }
        )
    # Notes and (in meetings) decisions are usually few or none: their authors are read with
    # prefetch_related, which costs nothing when there are none, rather than joined (issue 14).
    for note in case.notes.prefetch_related("author") if extensions.case_has(case, "notes") else ():
        items.append({"kind": "note", "at": note.created_at, "obj": note})
    # Decisions and actions from MEOG meetings (and ad hoc actions), from the apps that own them.
    items += extensions.timeline_items(case, now)
    return sorted(items, key=lambda item: item["at"], reverse=True)


RECENT_EVENTS = 10


def case_page_timeline(case: Case, now: datetime) -> dict:
    """The case page's timeline: the RECENT_EVENTS latest events, and every older one still open (a
    child still missing, an interview due or overdue, an open action: items marked "open"), so nothing
    that needs doing drops off the page. The chronology has the whole history. A child missing a
    hundred times made the page render a hundred cards: rendering the timeline was 44% of the case
    page at 16 episodes (issue 14)."""
    items = case_timeline(case, now)
    shown = [item for n, item in enumerate(items) if n < RECENT_EVENTS or item.get("open")]
    return {"timeline": shown, "timeline_total": len(items), "timeline_more": len(items) > len(shown)}


# --- documents on a case (issue 16, part 3) -------------------------------------------------------


def case_documents(case: Case) -> dict:
    """The case's documents for its page, in one query whatever their number: current ones, and the
    archived ones (the template shows those to the coordinator and chairs only)."""
    from cases.models import CaseDocument

    # Most cases have no documents: prefetch_related reads their people only when there are some,
    # where joining the user table twice cost more to build than the query took to run (issue 14).
    rows = (
        list(CaseDocument.objects.filter(case=case).prefetch_related("uploaded_by", "archived_by"))
        if extensions.case_has(case, "documents")
        else []
    )
    return {
        "current": [d for d in rows if d.archived_at is None],
        "archived": [d for d in rows if d.archived_at is not None],
    }
