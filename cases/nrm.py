"""The National Referral Mechanism (NRM): which cases it applies to, its decisions' target times, and
the rules a record of them must keep (issue 16, part 2; seed 002: "Ensure use of National Referral
Mechanism for trafficking").

Target times, from the Home Office's "Modern Slavery: Statutory Guidance for England and Wales (under
s49 of the Modern Slavery Act 2015) and Non-Statutory Guidance for Scotland and Northern Ireland",
version 3.11 (GOV.UK, updated 8 October 2024; the chapter on the NRM decision-making process):

- Reasonable Grounds (RG): the Competent Authority aims to decide within 5 working days of the referral
  (where possible: "there can be delays"). Working days are England and Wales's (met/workdays.py).
- Conclusive Grounds (CG): made no sooner than the end of the recovery period that starts with a
  positive RG decision, at least 30 calendar days. The minimum was 45 days until the Minister for
  Immigration's written statement of 13 December 2022 (Hansard HC vol 724, "Modern Slavery Statutory
  Guidance": "the minimum recovery period will be 30 days rather than 45"), carried into the guidance
  that took effect on 30 January 2023 (version 3.0 onwards). Guidance versions before that say 45.
  There is no target for how soon after that a CG decision comes (in 2020 it averaged 339 days), so a
  CG decision is "awaited", never "overdue".

The figures were checked against the GOV.UK guidance page (v3.8 of 22 February 2024 and v3.11) and
Hansard as found by search on 3 December 2026; the paragraph numbers were not, so none are cited. If
the guidance changes, change the constants here: everything (panel, validation, reports) reads them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from met import workdays

# The exploitation categories (cases.Category.code, loaded by cases/migrations/0002_categories.py) for
# which a case records an NRM referral. The one place the rule lives.
NRM_CATEGORY_CODES = frozenset({"trafficking", "modern_slavery"})

RG_TARGET_WORKING_DAYS = 5
RECOVERY_PERIOD_DAYS = 30

POSITIVE, NEGATIVE = "positive", "negative"


def applies_to(case) -> bool:
    """A case in one of the NRM categories (reads the prefetched categories when there are some)."""
    return any(category.code in NRM_CATEGORY_CODES for category in case.categories.all())


def rg_due(referred_on: date) -> date:
    """The day the reasonable grounds decision is due: 5 working days after the referral."""
    return workdays.add_working_days(referred_on, RG_TARGET_WORKING_DAYS)


def cg_earliest(rg_decided_on: date) -> date:
    """The first day a conclusive grounds decision may be made: 30 calendar days after a positive RG."""
    return rg_decided_on + timedelta(days=RECOVERY_PERIOD_DAYS)


def rg_overdue_cutoff(today: date) -> date:
    """The latest referral date whose RG decision is overdue on `today` (its due day is before today).

    A referral's due day never moves back as its date moves forward, so this is one date to compare
    with, and the reports count overdue referrals in one query, not one calendar walk per referral."""
    day = today - timedelta(days=1)
    while rg_due(day) >= today:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class Indicator:
    """What the case page says about one decision: a label and the GOV.UK tag colour."""

    text: str
    colour: str  # "red", "yellow", "green", "grey", "blue"
    overdue: bool = False


def rg_indicator(referral, *, today: date) -> Indicator:
    if referral.rg_decided_on:
        on_time = referral.rg_decided_on <= rg_due(referral.referred_on)
        return Indicator("Decided" if on_time else "Decided late", "green" if on_time else "grey")
    due = rg_due(referral.referred_on)
    if today > due:
        return Indicator(f"Overdue: due {due:%-d %B %Y}", "red", overdue=True)
    return Indicator(f"Due by {due:%-d %B %Y}", "yellow")


def cg_indicator(referral, *, today: date) -> Indicator:
    if referral.cg_decided_on:
        return Indicator("Decided", "green")
    if referral.rg_outcome != POSITIVE:
        return Indicator("Not applicable until a positive reasonable grounds decision", "grey")
    earliest = cg_earliest(referral.rg_decided_on)
    if today < earliest:
        return Indicator(f"Recovery period: not before {earliest:%-d %B %Y}", "blue")
    return Indicator(f"Awaited (possible since {earliest:%-d %B %Y})", "yellow")


def problems(fields: dict, *, today: date) -> dict[str, list[str]]:
    """What is wrong with a referral's fields, by field name (empty when nothing is)."""
    found: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        found.setdefault(name, []).append(message)

    referred = fields.get("referred_on")
    rg_on, rg_outcome = fields.get("rg_decided_on"), fields.get("rg_outcome") or ""
    cg_on, cg_outcome = fields.get("cg_decided_on"), fields.get("cg_outcome") or ""
    ictg_on = fields.get("ictg_allocated_on")
    labels = {
        "referred_on": "The referral date",
        "rg_decided_on": "The reasonable grounds decision date",
        "cg_decided_on": "The conclusive grounds decision date",
        "ictg_allocated_on": "The date the guardian was allocated",
    }
    for name, label in labels.items():
        if fields.get(name) and fields[name] > today:
            add(name, f"{label} cannot be in the future.")
    if referred is None:
        add("referred_on", "Enter the referral date.")
    if not (fields.get("first_responder") or "").strip():
        add("first_responder", "Enter the first responder organisation that made the referral.")
    if bool(rg_on) != bool(rg_outcome):
        if rg_on:
            add("rg_outcome", "Choose the reasonable grounds decision (positive or negative), or clear its date.")
        else:
            add("rg_decided_on", "Enter the date of the reasonable grounds decision, or clear the decision.")
    if bool(cg_on) != bool(cg_outcome):
        if cg_on:
            add("cg_outcome", "Choose the conclusive grounds decision (positive or negative), or clear its date.")
        else:
            add("cg_decided_on", "Enter the date of the conclusive grounds decision, or clear the decision.")
    if referred:
        for name in ("rg_decided_on", "cg_decided_on"):
            if fields.get(name) and fields[name] < referred:
                add(name, f"{labels[name]} cannot be before the referral date ({referred:%-d %B %Y}).")
    if (cg_on or cg_outcome) and rg_outcome != POSITIVE:
        add(
            "cg_outcome" if cg_outcome else "cg_decided_on",
            "A conclusive grounds decision needs a positive reasonable grounds decision first.",
        )
    elif cg_on and rg_on and cg_on < cg_earliest(rg_on):
        add(
            "cg_decided_on",
            f"The conclusive grounds decision date cannot be before the end of the {RECOVERY_PERIOD_DAYS}-day recovery period after "
            f"the positive reasonable grounds decision ({cg_earliest(rg_on):%-d %B %Y}).",
        )
    if fields.get("ictg_allocated"):
        if not (fields.get("ictg_name") or "").strip():
            add("ictg_name", "Enter the guardian's name or service, or untick “guardian allocated”.")
    elif (fields.get("ictg_name") or "").strip() or ictg_on:
        add("ictg_allocated", "Tick “guardian allocated” to record a guardian, or clear the guardian's details.")
    return found


def case_panel(case) -> dict:
    """The case page's NRM section: shown for a case in an NRM category, or one that has a referral."""
    from cases.extensions import case_has
    from cases.models import NrmReferral

    referral = NrmReferral.objects.filter(case=case).first() if case_has(case, "nrm_referral") else None
    if referral is None and not applies_to(case):
        return {"nrm": None}
    today = timezone.localdate()
    return {
        "nrm": {
            "referral": referral,
            "rg": referral and rg_indicator(referral, today=today),
            "cg": referral and cg_indicator(referral, today=today),
        }
    }
