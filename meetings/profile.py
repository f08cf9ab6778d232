"""The problem profile (issue 18, part 5): the network that children, persons of concern and places of
concern form, so that the operational group can "build an accurate and clear picture of local issues …
Victims, Offenders, Locations" (seed 000).

The rule lives here, and only here:

- Nodes are children (through their cases), persons of concern, places of concern, and shared missing
  locations.
- Edges, each dated, and counted in the period their date falls in:
  * a register link (PersonLink, PlaceLink): child – person or child – place, dated when it was linked;
  * a shared missing location: the children whose missing (or absent) episodes started in the period and
    were found at the same place, after `normalise_place` (case, accents, punctuation and spacing do not
    matter; phrases that name no particular place, like "returned home", are left out), become a
    "location" node with an edge to each of them. One child alone at a place links nobody, so a location
    needs two children;
  * co-occurring episodes: two children whose episodes started within `TOGETHER_WINDOW` (2 hours) of each
    other, the first still missing when the second went, get a child – child edge dated by the later
    start. Two hours because the police treat children going missing the same evening from the same
    area as one incident to look at; a wider window links children who merely went missing on the same
    day, which says nothing.
- A group is a connected component of that network; its size is its members, and what matters most is
  how many children it holds. Persons and places are ranked by the children they link (their degree in
  children).
- The period's figures (groups, children in groups, new links) are compared with the previous period of
  equal length: the same number of whole months before when the period is whole months, otherwise the
  same number of days. Every link in a period's network was made in it, so "new links" is its number of
  distinct links.

Who sees what is the caller's: `build_profile` is given the cases the viewer may see (cases_visible_to,
later narrowed to an area) and reads nothing outside them. A child the viewer may not see is never a
node, and nothing linked only through such a child appears (so a person linked to two children, one of
them hidden, links one child here, as their register page lists one). Every person or place reached is
linked to a case the viewer sees, so the viewer may open it (meetings.access: a register entry is seen by
anyone who sees one of its linked cases).

The database work is three queries whatever the data's size: links to persons, links to places and
episodes, each for both periods at once and limited to the viewer's cases by a subquery.
"""

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import networkx as nx
from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, MissingEpisode
from meetings.models import PersonLink, PlaceLink

TOGETHER_WINDOW = timedelta(hours=2)
DEFAULT_MONTHS = 3
TOP = 10
# A drawing of more than this stops being readable; the table and the CSV carry everything.
MAX_DRAWN_GROUPS = 30
MAX_DRAWN_NODES = 300
MAX_LISTED_MEMBERS = 100

CHILD, PERSON, PLACE, LOCATION = "child", "person", "place", "location"
KIND_LABELS = {
    CHILD: "Child",
    PERSON: "Person of concern",
    PLACE: "Place of concern",
    LOCATION: "Shared missing location",
}
REGISTER, SHARED_LOCATION, TOGETHER = "register", "location", "together"
LINK_LABELS = {
    REGISTER: "linked in the register",
    SHARED_LOCATION: "found at this place after going missing",
    TOGETHER: "went missing at the same time",
}

# Normalised "where found" texts that name no particular place: two children who "returned home" were
# not found together.
GENERIC_PLACES = frozenset(
    {
        "",
        "home",
        "at home",
        "own home",
        "returned home",
        "returned home on own",
        "returned on own",
        "returned of own accord",
        "self returned",
        "own accord",
        "unknown",
        "not known",
        "not recorded",
        "not stated",
        "n a",
        "na",
        "none",
        "friends address",
        "friends house",
        "a friends address",
        "a friends house",
        "another city",
        "out of area",
    }
)


def normalise_place(text: str) -> str:
    """A "where found" text reduced to its words: "The Station, High St." and "the station high st" match."""
    decomposed = unicodedata.normalize("NFKD", text or "").casefold()
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("\u2019", "")  # "friend's" is "friends", not "friend s"
    return " ".join(re.findall(r"[^\W_]+", plain))


# --- the period -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """From the start's midnight to the midnight after the end, local time."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)),
        )

    @property
    def whole_months(self) -> int | None:
        """How many calendar months the period covers exactly, or None when it is not whole months."""
        after = self.end + timedelta(days=1)
        if self.start.day != 1 or after.day != 1:
            return None
        return (after.year - self.start.year) * 12 + after.month - self.start.month

    def previous(self) -> "Period":
        months = self.whole_months
        if months:
            return Period(self.start - relativedelta(months=months), self.start - timedelta(days=1))
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1))


def default_period(today: date) -> Period:
    """The last three full months."""
    first_of_month = today.replace(day=1)
    return Period(first_of_month - relativedelta(months=DEFAULT_MONTHS), first_of_month - timedelta(days=1))


def period_from(start: date | None, end: date | None, today: date) -> Period:
    """The period asked for, a missing end or start filled in sensibly: up to today (or the start, if it
    is later), or three months back from the end."""
    if start is None and end is None:
        return default_period(today)
    if end is None:
        end = max(start, today)
    if start is None:
        start = end + timedelta(days=1) - relativedelta(months=DEFAULT_MONTHS)
    return Period(start, end)


# --- the network --------------------------------------------------------------------------------


@dataclass
class Member:
    kind: str
    pk: int | str  # the child's, person's or place's id; a location's normalised text
    name: str
    case_id: int | None = None
    children: int = 0  # for a person, place or location: the children it links
    group: int = 0

    @property
    def key(self) -> tuple[str, int | str]:
        return (self.kind, self.pk)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def reference(self) -> str:
        return f"MET-{self.case_id:05d}" if self.case_id else ""

    @property
    def url(self) -> str | None:
        if self.kind == CHILD:
            return reverse("case_detail", args=[self.case_id])
        if self.kind == PERSON:
            return reverse("person_detail", args=[self.pk])
        if self.kind == PLACE:
            return reverse("place_detail", args=[self.pk])
        return None  # a shared location is only words typed on episodes: nothing to open

    @property
    def title(self) -> str:
        """What the node says to a screen reader or on hover."""
        words = f"{self.kind_label}: {self.name}"
        if self.kind == CHILD:
            words += f" ({self.reference})"
        else:
            words += f", links {self.children} child{'ren' if self.children != 1 else ''}"
        return f"{words}, group {self.group}"


@dataclass
class Group:
    number: int
    members: list[Member]
    links: int

    @property
    def children(self) -> int:
        return sum(1 for m in self.members if m.kind == CHILD)

    @property
    def size(self) -> int:
        return len(self.members)

    def of_kind(self, kind: str) -> list[Member]:
        return [m for m in self.members if m.kind == kind]

    @property
    def shown(self) -> list[Member]:
        """The members the page's table lists: the persons and places first, as they are what ties a
        large group together, then as many children as there is room for (the CSV has them all)."""
        others = [m for m in self.members if m.kind != CHILD][:MAX_LISTED_MEMBERS]
        return self.of_kind(CHILD)[: MAX_LISTED_MEMBERS - len(others)] + others

    @property
    def not_shown(self) -> int:
        return self.size - len(self.shown)


@dataclass(frozen=True)
class Figures:
    groups: int = 0
    children: int = 0
    persons: int = 0
    places: int = 0
    links: int = 0


@dataclass
class Profile:
    period: Period
    previous: Period
    graph: nx.Graph
    groups: list[Group]
    members: dict[tuple, Member]
    figures: Figures
    previous_figures: Figures
    top_persons: list[Member] = field(default_factory=list)
    top_places: list[Member] = field(default_factory=list)
    top_locations: list[Member] = field(default_factory=list)

    @property
    def changes(self) -> list[tuple[str, int, int, int]]:
        """(what, this period, previous period, change), month on month."""
        rows = [
            ("Groups", "groups"),
            ("Children in groups", "children"),
            ("Persons of concern in groups", "persons"),
            ("Places of concern in groups", "places"),
            ("New links", "links"),
        ]
        changes = []
        for label, name in rows:
            now, before = getattr(self.figures, name), getattr(self.previous_figures, name)
            changes.append((label, now, before, now - before))
        return changes

    @property
    def child_ids(self) -> list[int]:
        return [m.pk for m in self.members.values() if m.kind == CHILD]


@dataclass(frozen=True)
class _Rows:
    """What the database gave, for both periods."""

    person_links: list[tuple]
    place_links: list[tuple]
    episodes: list[tuple]


def _read(cases: QuerySet[Case], since: datetime, until: datetime) -> _Rows:
    case_ids = cases.order_by().values("pk")
    child = ("case_id", "case__child_id", "case__child__first_name", "case__child__last_name")
    person_links = list(
        PersonLink.objects.filter(case__in=case_ids, linked_at__gte=since, linked_at__lt=until)
        .order_by("pk")
        .values_list(*child, "linked_at", "person_id", "person__name")
    )
    place_links = list(
        PlaceLink.objects.filter(case__in=case_ids, linked_at__gte=since, linked_at__lt=until)
        .order_by("pk")
        .values_list(*child, "linked_at", "place_id", "place__name")
    )
    episodes = list(
        MissingEpisode.objects.filter(
            case__in=case_ids, went_missing_at__gte=since - TOGETHER_WINDOW, went_missing_at__lt=until
        )
        .order_by("went_missing_at", "pk")
        .values_list(*child, "went_missing_at", "returned_at", "where_found")
    )
    return _Rows(person_links, place_links, episodes)


class _Builder:
    """One period's network from the rows: nodes keyed (kind, id), each edge with the kinds that made it."""

    def __init__(self, period: Period):
        self.since, self.until = period.bounds
        self.graph = nx.Graph()
        self.members: dict[tuple, Member] = {}

    def _in(self, moment: datetime) -> bool:
        return self.since <= moment < self.until

    def _child(self, case_id, child_id, first, last) -> tuple:
        member = self.members.get((CHILD, child_id))
        if member is None:
            member = self.members[(CHILD, child_id)] = Member(CHILD, child_id, f"{first} {last}", case_id)
        # A child with several cases the viewer sees opens at the newest.
        member.case_id = max(member.case_id, case_id)
        return member.key

    def _link(self, a: tuple, b: tuple, kind: str) -> None:
        if self.graph.has_edge(a, b):
            self.graph.edges[a, b]["kinds"].add(kind)
        else:
            self.graph.add_edge(a, b, kinds={kind})

    def register_links(self, rows, kind: str) -> None:
        for case_id, child_id, first, last, linked_at, entry_id, name in rows:
            if self._in(linked_at):
                entry = self.members.setdefault((kind, entry_id), Member(kind, entry_id, name))
                self._link(self._child(case_id, child_id, first, last), entry.key, REGISTER)

    def shared_locations(self, episodes) -> None:
        found: dict[str, dict[tuple, None]] = defaultdict(dict)
        spellings: dict[str, Counter] = defaultdict(Counter)
        for case_id, child_id, first, last, went, _returned, where in episodes:
            place = normalise_place(where)
            if self._in(went) and place not in GENERIC_PLACES:
                found[place][(case_id, child_id, first, last)] = None
                spellings[place][where.strip()] += 1
        for place, children in found.items():
            if len({child[1] for child in children}) < 2:
                continue
            # The spelling most used, the first in the alphabet on a tie.
            name = min(spellings[place].items(), key=lambda item: (-item[1], item[0]))[0]
            location = self.members.setdefault((LOCATION, place), Member(LOCATION, place, name))
            for child in children:
                self._link(self._child(*child), location.key, SHARED_LOCATION)

    def together(self, episodes) -> None:
        """Episodes come ordered by start: each is compared with the ones starting up to the window after it."""
        for i, (case_a, child_a, first_a, last_a, went_a, back_a, _) in enumerate(episodes):
            for j in range(i + 1, len(episodes)):
                case_b, child_b, first_b, last_b, went_b, _back, _where = episodes[j]
                if went_b - went_a > TOGETHER_WINDOW:
                    break
                if child_b == child_a or not self._in(went_b) or (back_a is not None and back_a <= went_b):
                    continue
                self._link(
                    self._child(case_a, child_a, first_a, last_a),
                    self._child(case_b, child_b, first_b, last_b),
                    TOGETHER,
                )


def _network(rows: _Rows, period: Period) -> tuple[nx.Graph, dict[tuple, Member]]:
    builder = _Builder(period)
    builder.register_links(rows.person_links, PERSON)
    builder.register_links(rows.place_links, PLACE)
    builder.shared_locations(rows.episodes)
    builder.together(rows.episodes)
    members = {key: member for key, member in builder.members.items() if key in builder.graph}
    for key, member in members.items():
        if member.kind != CHILD:
            member.children = sum(1 for other in builder.graph[key] if other[0] == CHILD)
    return builder.graph, members


def _sort_key(member: Member) -> tuple:
    return (list(KIND_LABELS).index(member.kind), member.name.casefold(), str(member.pk))


def _groups(graph: nx.Graph, members: dict[tuple, Member]) -> list[Group]:
    groups = [
        Group(
            0, sorted((members[key] for key in component), key=_sort_key), graph.subgraph(component).number_of_edges()
        )
        for component in nx.connected_components(graph)
    ]
    groups.sort(key=lambda g: (-g.children, -g.size, [_sort_key(m) for m in g.members]))
    for number, group in enumerate(groups, start=1):
        group.number = number
        for member in group.members:
            member.group = number
    return groups


def _figures(graph: nx.Graph, members: dict[tuple, Member]) -> Figures:
    kinds = Counter(member.kind for member in members.values())
    return Figures(
        groups=nx.number_connected_components(graph),
        children=kinds[CHILD],
        persons=kinds[PERSON],
        places=kinds[PLACE],
        links=graph.number_of_edges(),
    )


def _top(members: dict[tuple, Member], kind: str) -> list[Member]:
    ranked = sorted((m for m in members.values() if m.kind == kind), key=lambda m: (-m.children, _sort_key(m)))
    return ranked[:TOP]


def build_profile(cases: QuerySet[Case], period: Period) -> Profile:
    """The network of `cases` (those the viewer may see) in the period, and the previous period's figures."""
    previous = period.previous()
    rows = _read(cases, previous.bounds[0], period.bounds[1])
    graph, members = _network(rows, period)
    previous_graph, previous_members = _network(rows, previous)
    return Profile(
        period=period,
        previous=previous,
        graph=graph,
        groups=_groups(graph, members),
        members=members,
        figures=_figures(graph, members),
        previous_figures=_figures(previous_graph, previous_members),
        top_persons=_top(members, PERSON),
        top_places=_top(members, PLACE),
        top_locations=_top(members, LOCATION),
    )


# --- the drawing ----------------------------------------------------------------------------------

WIDTH = 960
MARGIN = 16
LAYOUT_SEED = 18


@dataclass(frozen=True)
class DrawnNode:
    member: Member
    x: float
    y: float

    @property
    def label(self) -> str:
        name = self.member.name
        return name if len(name) <= 22 else name[:21] + "…"


@dataclass(frozen=True)
class DrawnEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # the strongest evidence: a register link, then going missing together, then a place
    title: str


@dataclass
class Drawing:
    """What the page shows: the largest MAX_DRAWN_GROUPS groups in its table (each with at most
    MAX_LISTED_MEMBERS members), those of them that fit in MAX_DRAWN_NODES drawn."""

    width: int
    height: int
    groups: list[Group]  # drawn
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    listed: list[Group]
    undrawn: list[Group]  # listed, but too big to draw with the others
    left_out: list[Group]  # in the CSV only

    @property
    def child_ids(self) -> list[int]:
        """The children the page names: in the drawing or in the table."""
        drawn = {n.member.pk for n in self.nodes if n.member.kind == CHILD}
        return sorted(drawn | {m.pk for g in self.listed for m in g.shown if m.kind == CHILD})


def _drawn_groups(groups: list[Group], max_nodes: int) -> list[Group]:
    """The largest groups that fit together; one too big for what is left is passed over for smaller ones
    (a location where hundreds of children were found would otherwise leave nothing drawn)."""
    chosen, nodes = [], 0
    for group in groups:
        if nodes + group.size <= max_nodes:
            chosen.append(group)
            nodes += group.size
    return chosen


def draw(profile: Profile, *, width: int = WIDTH) -> Drawing:
    """Positions for the largest groups (up to MAX_DRAWN_GROUPS and MAX_DRAWN_NODES): each laid out on its
    own (a seeded spring layout, so the same data draws the same picture) in a square tile sized to its
    members, tiles packed in rows, largest first."""
    listed = profile.groups[:MAX_DRAWN_GROUPS]
    groups = _drawn_groups(listed, MAX_DRAWN_NODES)
    nodes, edges = [], []
    x = y = MARGIN
    row_height = 0
    for group in groups:
        side = min(width - 2 * MARGIN, int(140 + 90 * math.sqrt(group.size)))
        if x + side > width - MARGIN and x > MARGIN:
            x, y, row_height = MARGIN, y + row_height + MARGIN, 0
        graph = nx.Graph()
        graph.add_nodes_from(m.key for m in group.members)
        graph.add_edges_from(sorted(profile.graph.subgraph(graph.nodes).edges, key=str))
        layout = nx.spring_layout(graph, seed=LAYOUT_SEED) if group.size > 2 else _pair(graph)
        inner = side / 2 - 40  # room for the labels under the nodes at the tile's edges
        points = {
            key: (round(x + side / 2 + px * inner, 1), round(y + side / 2 + py * inner, 1))
            for key, (px, py) in layout.items()
        }
        for a, b in graph.edges:
            kinds = profile.graph.edges[a, b]["kinds"]
            kind = next(k for k in (REGISTER, TOGETHER, SHARED_LOCATION) if k in kinds)
            title = f"{profile.members[a].name} – {profile.members[b].name}: " + "; ".join(
                LINK_LABELS[k] for k in (REGISTER, TOGETHER, SHARED_LOCATION) if k in kinds
            )
            edges.append(DrawnEdge(*points[a], *points[b], kind, title))
        nodes += [DrawnNode(m, *points[m.key]) for m in group.members]
        x += side + MARGIN
        row_height = max(row_height, side)
    height = y + row_height + MARGIN if groups else 0
    drawn = {g.number for g in groups}
    undrawn = [g for g in listed if g.number not in drawn]
    return Drawing(width, height, groups, nodes, edges, listed, undrawn, profile.groups[len(listed) :])


def _pair(graph: nx.Graph) -> dict:
    """Two nodes side by side: spring_layout would set them on a random diagonal."""
    first, second = list(graph.nodes)
    return {first: (-0.6, 0.0), second: (0.6, 0.0)}
