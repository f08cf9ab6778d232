"""The report's tables, from its stored measures: one definition serves the page, the PDF and the CSVs.

Every count goes into a table through `show(key, value)`, under a key that names the figure (the
same figure keeps its key wherever it appears, as "missing.episodes" does in its table and in the
headline). In the LSCB report that is where suppression happens: a first pass collects every
published figure, reporting/suppression.py decides which to withhold, and a second pass shows them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cases.models import ClosureReason, RiskLevel
from reporting.suppression import PRIMARY, SECONDARY, Relation, withhold

LEVEL_LABELS = dict(RiskLevel.choices)
SUPPRESSED = "<5"
# Withheld although not small, so that a small count cannot be worked out from it.
WITHHELD = "[c]"
WITHHELD_NOTE = "[c]: withheld so that a count under 5 cannot be worked out from the other figures."
TREND_SERIES = {
    "concerns": "flow.new_concerns",
    "missing_episodes": "missing.episodes",
    "cases_opened": "flow.cases_opened",
}

ACTION_COLUMNS = ("created", "completed", "on_time", "overdue", "escalated")
THEMES = (("Category", "category"), ("Age band", "age_band"), ("Gender", "gender"), ("Placement", "placement"))

Show = Callable[[str, object], object]


# Rows a table shows on the report's page and in its PDF; its CSV has every row. A region's stuck
# cases can run to thousands: listed in full they made a 1.8 MB PDF that took minutes to render.
ROWS_SHOWN = 50


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list]

    @property
    def shown(self) -> list[list]:
        return self.rows[:ROWS_SHOWN]

    @property
    def not_shown(self) -> int:
        return max(len(self.rows) - ROWS_SHOWN, 0)


# The key of each headline figure where a table shows the same figure.
HEADLINE_CELLS = {
    "new_concerns": "flow.new_concerns",
    "cases_opened": "flow.cases_opened",
    "open_high": "risk.end.high",
    "missing_episodes": "missing.episodes",
    "children_missing": "missing.children",
    "frequent_missing": "missing.frequent",
    "rhi_within_72h": "rhi.within_72h",
    "serafs_confirmed": "serafs.confirmed",
}


def headline(data: dict) -> list[tuple[str, str, int]]:
    """(key, label, value) for the headline figures that are compared with the previous period."""
    return [
        ("new_concerns", "New concerns", data["new_concerns"]),
        ("cases_opened", "Cases opened", data["cases_opened"]),
        ("open_high", "Open high-risk cases at the end", data["open_cases_end"].get("high", 0)),
        ("missing_episodes", "Missing episodes", data["missing"]["episodes"]),
        ("children_missing", "Children missing", data["missing"]["children"]),
        ("frequent_missing", "Frequently missing children", data["frequent_missing_children"]),
        ("rhi_within_72h", "Return home interviews within 72 hours", data["rhi"]["within_72h"]),
        ("serafs_confirmed", "SERAFs confirmed", data["serafs"]["confirmed"]),
        ("meetings_held", "MEOG meetings held", data["meetings"]["held"]),
        ("stuck_cases", "Stuck cases", len(data["stuck_cases"])),
    ]


def _plain(key: str, value):
    return value


def presenter(data: dict, *, lscb: bool, decided: dict[str, str] | None = None) -> Show:
    """How each figure is shown: as it is, or for the LSCB report with small counts and the figures
    that would give them away withheld (`decided`: what withheld() found for these figures, if known)."""
    if not lscb:
        return _plain
    if decided is None:
        decided = withheld(data)

    def show(key: str, value):
        mark = decided.get(key)
        return SUPPRESSED if mark == PRIMARY else WITHHELD if mark == SECONDARY else value

    return show


def withheld(data: dict) -> dict[str, str]:
    """The figures an LSCB report withholds, each marked primary or secondary."""
    published = _cells(data)
    hidden, relations = _relations(data, published)
    if "areas" in data:
        _area_relations(data, published, hidden, relations)
    return withhold(published | hidden, relations, set(published))


def _months(year: int, month: int, count: int) -> list[str]:
    """`count` months as "YYYY-MM" from the given one; a negative month counts back across years."""
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, index + count)]


def _relations(data: dict, published: dict[str, int]) -> tuple[dict[str, int], list[Relation]]:
    """The figures a reader can work out from the published ones (values not shown), and how they relate."""
    hidden: dict[str, int] = {}
    relations: list[Relation] = []

    def derived(key: str, value: int, total: str, *parts: str) -> None:
        hidden[key] = value
        relations.append(Relation(total, (*parts, key)))

    rhi = data["rhi"]
    derived("rhi.late", rhi["completed"] - rhi["within_72h"], "rhi.completed", "rhi.within_72h")
    derived("rhi.not_offered", rhi["returns"] - rhi["offered"], "rhi.returns", "rhi.offered")
    derived("rhi.offered_not_completed", rhi["offered"] - rhi["completed"], "rhi.offered", "rhi.completed")
    missing = data["missing"]
    derived(
        "missing.not_looked_after",
        missing["children"] - missing["looked_after_children"],
        "missing.children",
        "missing.looked_after_children",
    )
    for agency, row in data["actions"].items():
        derived(
            f"actions.{agency}.late",
            row["completed"] - row["on_time"],
            f"actions.{agency}.completed",
            f"actions.{agency}.on_time",
        )
    if "case_audits" in data:
        _audit_relations(data["case_audits"], hidden, relations, derived)
    if "turning_18" in data:  # those with a plan are the total less those without
        t18 = data["turning_18"]
        derived(
            "turning_18.with_plan", t18["total"] - t18["without_plan"], "turning_18.total", "turning_18.without_plan"
        )
    # Gender and age band each divide the same children: either total gives the other away.
    hidden["themes.children"] = sum(data["themes"]["gender"].values())
    for group in ("gender", "age_band"):
        relations.append(Relation("themes.children", tuple(f"themes.{group}.{k}" for k in data["themes"][group])))
    # The months of this period (and of the previous one, in the headline) add up to its totals.
    trend_months = {row["month"] for row in data["trend"]}
    start, end = (date.fromisoformat(data["period"][k]) for k in ("start", "end"))
    length = (end.year - start.year) * 12 + end.month - start.month + 1
    for series, total in TREND_SERIES.items():
        for months, key in (
            (_months(start.year, start.month, length), total),
            (_months(start.year, start.month - length, length), f"previous.{total}"),
        ):
            if key in published and set(months) <= trend_months:
                relations.append(Relation(key, tuple(f"trend.{m}.{series}" for m in months)))
    return hidden, relations


# --- the strategic report's breakdown by area (issue 18) ------------------------------------------------
#
# The strategic report (Report.area empty) stores each area's figures under data["areas"], and its own
# figures are their sum (metrics.combine). Each table of figures has a breakdown table: a row per figure,
# a column per area and the total, which is the same cell (same key) as in the main table. For the
# LSCB suppression an area's figure is cell "area<id>:<key>", tied to the total by total = sum of the
# areas, and to the area's other figures by the same relations as the report's own (so that an area's
# late interviews cannot be worked out either); withheld cells are chosen over all of them at once.

# Tables with no breakdown: the places of concern are one register for every area, the stuck cases are
# not in a report of wider circulation, and the trend is month by month (its totals are broken down).
NOT_BROKEN_DOWN = ("places", "disruption", "trend", "stuck")


def area_key(area_id: int, key: str) -> str:
    return f"area{area_id}:{key}"


@dataclass(frozen=True)
class _Cell:
    key: str
    value: object


def _cells(data: dict) -> dict[str, int]:
    """Every figure of the report's tables and headline, by key."""
    found: dict[str, int] = {}

    def record(key: str, value):
        if isinstance(value, int) and not isinstance(value, bool):
            found[key] = value
        return value

    _build(data, show=record, lscb=True)
    headline_rows(data, show=record, lscb=True)
    return found


def _breakdown_rows(data: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(slug, title, [(key, measure)]) for each table broken down, the measure named as its row (and
    column, in a table of several) says it."""
    plain = {k: v for k, v in data.items() if k != "areas"}
    out = []
    for table in _build(plain, show=_Cell, lscb=True):
        if table.slug in NOT_BROKEN_DOWN:
            continue
        rows = []
        numeric = [i for i, cell in enumerate(table.rows[0]) if isinstance(cell, _Cell)] if table.rows else []
        for row in table.rows:
            label = " – ".join(str(cell) for cell in row if not isinstance(cell, _Cell))
            for i, cell in enumerate(row):
                if isinstance(cell, _Cell):
                    rows.append((cell.key, f"{label}: {table.headers[i]}" if len(numeric) > 1 else label))
        if rows:
            out.append((table.slug, table.title, rows))
    return out


def area_breakdown_tables(data: dict, *, show: Show) -> list[Table]:
    areas = data["areas"]
    per_area = [(area["id"], _cells(area["figures"])) for area in areas]
    totals = _cells({k: v for k, v in data.items() if k != "areas"})
    headers = [area["name"] for area in areas]
    tables = [
        Table(
            "headline_by_area",
            "Headline figures by area",
            ["Measure", *headers, "All areas"],
            [
                [
                    label,
                    *(show(area_key(a, cell), cells.get(cell, 0)) for a, cells in per_area),
                    show(cell, totals.get(cell, 0)),
                ]
                for cell, label in _headline_cells(data)
            ],
        )
    ]
    for slug, title, rows in _breakdown_rows(data):
        tables.append(
            Table(
                f"{slug}_by_area",
                f"{title}: by area",
                ["Measure", *headers, "All areas"],
                [
                    [
                        label,
                        *(show(area_key(a, key), cells.get(key, 0)) for a, cells in per_area),
                        show(key, totals[key]),
                    ]
                    for key, label in rows
                ],
            )
        )
    return tables


def _headline_cells(data: dict) -> list[tuple[str, str]]:
    """The headline's own figures (those no table shows), by key and label."""
    return [(f"headline.{key}", label) for key, label, _ in headline(data) if key not in HEADLINE_CELLS]


def _area_relations(data: dict, published: dict, hidden: dict, relations: list) -> None:
    """Each area's derivable figures and relations, under its own keys, and each broken-down figure's
    total as the sum of the areas'."""
    ids = [area["id"] for area in data["areas"]]
    for area in data["areas"]:
        area_hidden, area_relations = _relations(area["figures"], {})
        hidden.update({area_key(area["id"], k): v for k, v in area_hidden.items()})
        relations.extend(
            Relation(area_key(area["id"], r.total), tuple(area_key(area["id"], p) for p in r.parts))
            for r in area_relations
        )
    broken_down = {key.split(":", 1)[1] for key in published if key.startswith("area")}
    for key in sorted(broken_down):
        parts = tuple(area_key(a, key) for a in ids)
        relations.append(Relation(key, parts))


def headline_rows(data: dict, *, show: Show = _plain, lscb: bool = False) -> list[dict]:
    """The headline figures with the previous period's and the change (the change only where nothing is withheld)."""
    previous = data.get("previous", {})
    rows = []
    for key, label, value in headline(data):
        cell = HEADLINE_CELLS.get(key, f"headline.{key}")
        before = previous.get(key)
        rows.append(
            {
                "label": label,
                "value": show(cell, value),
                "previous": "–" if before is None else show(f"previous.{cell}", before),
                "change": None if lscb or before is None else value - before,
            }
        )
    return rows


def build(data: dict, *, lscb: bool = False, show: Show | None = None) -> list[Table]:
    return _build(data, show=show or presenter(data, lscb=lscb), lscb=lscb)


def _build(data: dict, *, show: Show, lscb: bool) -> list[Table]:
    s = show
    tables = [
        Table(
            "risk",
            "Open cases by risk level",
            ["Risk level", "Start of period", "End of period"],
            [
                [
                    LEVEL_LABELS.get(k, k),
                    s(f"risk.start.{k}", data["open_cases_start"].get(k, 0)),
                    s(f"risk.end.{k}", v),
                ]
                for k, v in data["open_cases_end"].items()
            ],
        ),
        Table(
            "moves",
            "Confirmed changes in risk level",
            ["Direction", "Cases"],
            [[k.capitalize(), s(f"moves.{k}", v)] for k, v in data["risk_moves"].items()],
        ),
        Table(
            "flow",
            "Concerns, referrals and closures",
            ["Measure", "Number"],
            [
                ["New concerns", s("flow.new_concerns", data["new_concerns"])],
                ["New referrals", s("flow.new_referrals", data["new_referrals"])],
                ["Cases opened", s("flow.cases_opened", data["cases_opened"])],
            ]
            + [
                [f"Closed: {dict(ClosureReason.choices).get(k, k or 'no reason')}", s(f"flow.closed.{k}", v)]
                for k, v in data["closures"].items()
            ],
        ),
        Table(
            "missing",
            "Missing children and return home interviews",
            ["Measure", "Number"],
            [
                ["Missing episodes", s("missing.episodes", data["missing"]["episodes"])],
                ["Children missing", s("missing.children", data["missing"]["children"])],
                [
                    "Looked-after children missing",
                    s("missing.looked_after_children", data["missing"]["looked_after_children"]),
                ],
                [
                    "Frequently missing children (3+ in 90 days)",
                    s("missing.frequent", data["frequent_missing_children"]),
                ],
                ["Returns in the period", s("rhi.returns", data["rhi"]["returns"])],
                ["Interviews offered", s("rhi.offered", data["rhi"]["offered"])],
                ["Interviews completed", s("rhi.completed", data["rhi"]["completed"])],
                ["Completed within 72 hours", s("rhi.within_72h", data["rhi"]["within_72h"])],
            ],
        ),
        Table(
            "serafs",
            "Risk assessments (SERAF)",
            ["Measure", "Number"],
            [
                ["Completed", s("serafs.completed", data["serafs"]["completed"])],
                ["Confirmed", s("serafs.confirmed", data["serafs"]["confirmed"])],
                ["Open cases overdue for review", s("serafs.overdue_review", data["serafs"]["overdue_review"])],
            ],
        ),
        Table(
            "meetings",
            "MEOG meetings and attendance",
            ["Measure", "Number"],
            [["Meetings held", data["meetings"]["held"]], ["Quorate", data["meetings"]["quorate"]]]
            + [[f"Attendances: {agency}", n] for agency, n in data["meetings"]["attendance_by_agency"].items()],
        ),
        Table(
            "actions",
            "Actions by agency",
            ["Agency", "Created", "Completed", "On time", "Overdue at end", "Escalated"],
            [
                [agency, *(s(f"actions.{agency}.{k}", r[k]) for k in ACTION_COLUMNS)]
                for agency, r in data["actions"].items()
            ],
        ),
        Table(
            "referrals",
            "Intervention referrals by provider",
            ["Provider", "Referrals"],
            [[k, s(f"referrals.{k}", v)] for k, v in data["referrals"].items()],
        ),
        Table(
            "themes",
            "Themes: cases open in the period",
            ["Theme", "Group", "Cases"],
            [
                [theme, k.replace("_", " "), s(f"themes.{group}.{k}", v)]
                for theme, group in THEMES
                for k, v in data["themes"][group].items()
            ],
        ),
        Table(
            "places",
            "Places of concern most linked",
            ["Place", "Kind", "Children linked"],
            [[p["place"], p["kind"], s(f"places.{i}", p["links"])] for i, p in enumerate(data["places"])],
        ),
        Table(
            "disruption",
            "Disruption activity by agency",
            ["Agency", "Activities"],
            [[k, s(f"disruption.{k}", v)] for k, v in data["disruption"].items()],
        ),
        Table(
            "trend",
            "12-month trend",
            ["Month", "Concerns", "Missing episodes", "Cases opened"],
            [[t["month"], *(s(f"trend.{t['month']}.{k}", t[k]) for k in TREND_SERIES)] for t in data["trend"]],
        ),
    ]
    if "nrm" in data:  # reports stored before issue 16 have no NRM figures
        tables.append(nrm_table(data["nrm"], show=s))
    if "safety_plans" in data:  # reports stored before issue 16 have no safety plan figures
        tables.append(safety_plans_table(data["safety_plans"], show=s))
    if "case_audits" in data:  # reports stored before issue 17 have no case audit figures
        tables.extend(case_audit_tables(data["case_audits"], show=s))
    if "turning_18" in data:  # nor turning-18 figures
        tables.append(turning_18_table(data["turning_18"], show=s))
    if not lscb:
        # Case references stay in the restricted-circulation report only.
        tables.append(stuck_table(data["stuck_cases"]))
    if "areas" in data:  # the strategic report (issue 18)
        tables.extend(area_breakdown_tables(data, show=s))
    return tables


NRM_ROWS = (
    ("referrals", "Referrals made"),
    ("rg_positive", "Reasonable grounds decisions: positive"),
    ("rg_negative", "Reasonable grounds decisions: negative"),
    ("cg_positive", "Conclusive grounds decisions: positive"),
    ("cg_negative", "Conclusive grounds decisions: negative"),
    ("rg_overdue", "Reasonable grounds decisions overdue at the end (over 5 working days)"),
)


def nrm_table(figures: dict, *, show: Show) -> Table:
    """National Referral Mechanism figures (issue 16, part 2): each count is its own cell, so the LSCB
    report withholds the small ones like any other."""
    return Table(
        "nrm",
        "National Referral Mechanism",
        ["Measure", "Number"],
        [[label, show(f"nrm.{key}", figures.get(key, 0))] for key, label in NRM_ROWS],
    )


def safety_plans_table(figures: dict, *, show: Show) -> Table:
    """Safety plans (issue 16, part 1; seed 003): high-risk or frequently missing open cases at the period's end
    without a current agreed plan, or with one past its review date."""
    rows = [
        ["Without an agreed safety plan", show("safety_plans.no_plan", figures["no_plan"])],
        ["Safety plan past its review date", show("safety_plans.review_overdue", figures["review_overdue"])],
    ]
    return Table(
        "safety_plans",
        "Safety plans: high-risk or frequently missing open cases at the end",
        ["Measure", "Cases"],
        rows,
    )


GRADE_COLUMNS = (
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
)
LEARNING_ROWS = (
    ("open", "Open at the end"),
    ("overdue", "Overdue at the end"),
    ("closed", "Completed in the period"),
)


def case_audit_tables(figures: dict, *, show: Show) -> list[Table]:
    """Case audits (issue 17, part 2): grades given in the period by question and by agency, the final grades
    agreed, and learning actions. Every count is its own cell, so the LSCB report withholds small ones."""
    headers = [label for _, label in GRADE_COLUMNS]
    return [
        Table(
            "audit_questions",
            "Case audits: grades given by question",
            ["Question", *headers],
            [
                [q, *(show(f"audits.question.{q}.{g}", row.get(g, 0)) for g, _ in GRADE_COLUMNS)]
                for q, row in figures["by_question"].items()
            ],
        ),
        Table(
            "audit_agencies",
            "Case audits: grades given by agency",
            ["Agency", *headers],
            [
                [a, *(show(f"audits.agency.{a}.{g}", row.get(g, 0)) for g, _ in GRADE_COLUMNS)]
                for a, row in figures["by_agency"].items()
            ],
        ),
        Table(
            "audit_final",
            "Case audits: final grades agreed",
            ["Final grade", "Cases"],
            [[label, show(f"audits.final.{g}", figures["final"].get(g, 0))] for g, label in GRADE_COLUMNS],
        ),
        Table(
            "learning_actions",
            "Case audits: learning actions",
            ["Measure", "Actions"],
            [[label, show(f"audits.learning.{k}", figures["learning_actions"][k])] for k, label in LEARNING_ROWS],
        ),
    ]


def _audit_relations(figures: dict, hidden: dict, relations: list, derived) -> None:
    """Each grade's total over the questions is its total over the agencies (every grade is one agency's
    answer to one question): a withheld cell in one table must not follow from the other. Open actions are
    the overdue ones and the rest."""
    for g, _ in GRADE_COLUMNS:
        total = f"audits.total.{g}"
        hidden[total] = sum(row.get(g, 0) for row in figures["by_question"].values())
        relations.append(Relation(total, tuple(f"audits.question.{q}.{g}" for q in figures["by_question"])))
        relations.append(Relation(total, tuple(f"audits.agency.{a}.{g}" for a in figures["by_agency"])))
    learning = figures["learning_actions"]
    derived(
        "audits.learning.not_overdue",
        learning["open"] - learning["overdue"],
        "audits.learning.open",
        "audits.learning.overdue",
    )


def turning_18_table(figures: dict, *, show: Show) -> Table:
    """Turning 18 (issue 16, part 6; cases/turning_18.py): open cases at the end whose child turns 18 within 6
    months, and those without a transition plan (the ones with a plan are derivable: a relation, for the LSCB
    report's suppression)."""
    return Table(
        "turning_18",
        "Turning 18: open cases at the end whose child turns 18 within 6 months",
        ["Measure", "Cases"],
        [
            ["Turning 18 within 6 months", show("turning_18.total", figures["total"])],
            ["Without a transition plan", show("turning_18.without_plan", figures["without_plan"])],
        ],
    )


def stuck_table(stuck_cases: list[dict]) -> Table:
    return Table(
        "stuck",
        "Stuck cases",
        ["Case", "Risk level", "At this level since", "Escalated actions"],
        [
            [c["case"], LEVEL_LABELS.get(c["level"], c["level"]), c["since"], "yes" if c["escalated_actions"] else "no"]
            for c in stuck_cases
        ],
    )
