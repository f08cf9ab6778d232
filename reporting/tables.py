"""The report's tables, from its stored measures: one definition serves the page, the PDF and the CSVs."""

from dataclasses import dataclass

from cases.models import ClosureReason, RiskLevel

LEVEL_LABELS = dict(RiskLevel.choices)
SUPPRESSED = "<5"


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list]


def suppress(value):
    """LSCB circulation is wider: a count from 1 to 4 could identify a child, so it is shown as "<5"."""
    if isinstance(value, int) and 0 < value < 5:
        return SUPPRESSED
    return value


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


def build(data: dict, *, lscb: bool = False) -> list[Table]:
    s = suppress if lscb else (lambda v: v)
    tables = [
        Table(
            "risk",
            "Open cases by risk level",
            ["Risk level", "Start of period", "End of period"],
            [
                [LEVEL_LABELS.get(k, k), s(data["open_cases_start"].get(k, 0)), s(v)]
                for k, v in data["open_cases_end"].items()
            ],
        ),
        Table(
            "moves",
            "Confirmed changes in risk level",
            ["Direction", "Cases"],
            [[k.capitalize(), s(v)] for k, v in data["risk_moves"].items()],
        ),
        Table(
            "flow",
            "Concerns, referrals and closures",
            ["Measure", "Number"],
            [
                ["New concerns", s(data["new_concerns"])],
                ["New referrals", s(data["new_referrals"])],
                ["Cases opened", s(data["cases_opened"])],
            ]
            + [
                [f"Closed: {dict(ClosureReason.choices).get(k, k or 'no reason')}", s(v)]
                for k, v in data["closures"].items()
            ],
        ),
        Table(
            "missing",
            "Missing children and return home interviews",
            ["Measure", "Number"],
            [
                ["Missing episodes", s(data["missing"]["episodes"])],
                ["Children missing", s(data["missing"]["children"])],
                ["Looked-after children missing", s(data["missing"]["looked_after_children"])],
                ["Frequently missing children (3+ in 90 days)", s(data["frequent_missing_children"])],
                ["Returns in the period", s(data["rhi"]["returns"])],
                ["Interviews offered", s(data["rhi"]["offered"])],
                ["Interviews completed", s(data["rhi"]["completed"])],
                ["Completed within 72 hours", s(data["rhi"]["within_72h"])],
            ],
        ),
        Table(
            "serafs",
            "Risk assessments (SERAF)",
            ["Measure", "Number"],
            [
                ["Completed", s(data["serafs"]["completed"])],
                ["Confirmed", s(data["serafs"]["confirmed"])],
                ["Open cases overdue for review", s(data["serafs"]["overdue_review"])],
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
                [agency, s(r["created"]), s(r["completed"]), s(r["on_time"]), s(r["overdue"]), s(r["escalated"])]
                for agency, r in data["actions"].items()
            ],
        ),
        Table(
            "referrals",
            "Intervention referrals by provider",
            ["Provider", "Referrals"],
            [[k, s(v)] for k, v in data["referrals"].items()],
        ),
        Table(
            "themes",
            "Themes: cases open in the period",
            ["Theme", "Group", "Cases"],
            [["Category", k, s(v)] for k, v in data["themes"]["category"].items()]
            + [["Age band", k, s(v)] for k, v in data["themes"]["age_band"].items()]
            + [["Gender", k.replace("_", " "), s(v)] for k, v in data["themes"]["gender"].items()]
            + [["Placement", k.replace("_", " "), s(v)] for k, v in data["themes"]["placement"].items()],
        ),
        Table(
            "places",
            "Places of concern most linked",
            ["Place", "Kind", "Children linked"],
            [[p["place"], p["kind"], s(p["links"])] for p in data["places"]],
        ),
        Table(
            "disruption",
            "Disruption activity by agency",
            ["Agency", "Activities"],
            [[k, s(v)] for k, v in data["disruption"].items()],
        ),
        Table(
            "trend",
            "12-month trend",
            ["Month", "Concerns", "Missing episodes", "Cases opened"],
            [[t["month"], s(t["concerns"]), s(t["missing_episodes"]), s(t["cases_opened"])] for t in data["trend"]],
        ),
    ]
    if not lscb:
        # Case references stay in the restricted-circulation report only.
        tables.append(
            Table(
                "stuck",
                "Stuck cases",
                ["Case", "Risk level", "At this level since", "Escalated actions"],
                [
                    [
                        c["case"],
                        LEVEL_LABELS.get(c["level"], c["level"]),
                        c["since"],
                        "yes" if c["escalated_actions"] else "no",
                    ]
                    for c in data["stuck_cases"]
                ],
            )
        )
    return tables
