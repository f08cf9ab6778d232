"""Every measure of the monthly MACE and LSCB reports (DESIGN §7), for a period.

A period is [start, end): `start` is the first day, `end` the day after the last. Each function is
one aggregate query (or a few), never a Python loop over all cases, and returns plain data (ints,
dicts, lists) that the report stores as JSON. Counts cover everything in the period: reports are
for chairs, who see all cases.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases import missing, nrm, turning_18
from cases.missing import RHI_DUE_HOURS
from cases.models import (
    Case,
    Category,
    Child,
    Concern,
    MissingEpisode,
    NrmReferral,
    RiskLevel,
    SafetyPlan,
    TransitionPlan,
)
from meetings import quorum
from meetings.escalation import LEVEL_1, LEVEL_2, overdue_cutoff
from meetings.models import (
    Action,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    DisruptionActivity,
    Meeting,
    PlaceOfConcern,
)
from met.models import Reminder
from quality import selectors as audit_selectors
from riskassessment.models import Assessment, Referral, ReferralOutcome, RiskHistory

LEVELS = [RiskLevel.NOT_ASSESSED, RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
STUCK_WEEKS = 12


def _count_by(queryset, field: str) -> dict:
    """Rows counted by one field (a lookup such as "provider__name" may cross relations), in its order.

    Every grouped measure goes through here or clears the ordering itself: a model's Meta.ordering
    that reaches a GROUP BY (through DISTINCT, or an ordering column in the select list) splits each
    group into one row per ordering value, and a dict built from those rows keeps only the last.
    """
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).order_by(field)
    return {row[field]: row["n"] for row in rows}


def _dt(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _open_at(moment: datetime):
    """Cases open at a moment: opened before it and not closed by then."""
    return Case.objects.filter(opened_at__lt=moment).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def _level_at(moment: datetime):
    """The confirmed risk level a case had at a moment (its last risk change before then)."""
    return Subquery(
        RiskHistory.objects.filter(case=OuterRef("pk"), changed_at__lt=moment)
        .order_by("-changed_at", "-pk")
        .values("to_level")[:1]
    )


def open_cases_by_risk(at: date) -> dict[str, int]:
    """Open cases at the start of day `at`, by the risk level confirmed at that moment."""
    moment = _dt(at)
    result = {level.value: 0 for level in LEVELS}
    for level, n in _count_by(_open_at(moment).annotate(level=_level_at(moment)), "level").items():
        result[level or RiskLevel.NOT_ASSESSED] += n
    return result


def risk_moves(start: date, end: date) -> dict[str, int]:
    """Confirmed risk changes in the period, by direction (up, down, same)."""
    result = {"up": 0, "down": 0, "same": 0}
    result.update(
        _count_by(RiskHistory.objects.filter(changed_at__gte=_dt(start), changed_at__lt=_dt(end)), "direction")
    )
    return result


def new_concerns(start: date, end: date) -> int:
    """Concerns logged in the period."""
    return Concern.objects.filter(logged_at__gte=_dt(start), logged_at__lt=_dt(end)).count()


def new_referrals(start: date, end: date) -> int:
    """Cases created (referred) in the period."""
    return Case.objects.filter(created_at__gte=_dt(start), created_at__lt=_dt(end)).count()


def cases_opened(start: date, end: date) -> int:
    """Cases opened by the coordinator in the period."""
    return Case.objects.filter(opened_at__gte=_dt(start), opened_at__lt=_dt(end)).count()


def closures_by_reason(start: date, end: date) -> dict[str, int]:
    """Cases closed in the period, by closure reason."""
    return _count_by(Case.objects.filter(closed_at__gte=_dt(start), closed_at__lt=_dt(end)), "closure_reason")


def missing_summary(start: date, end: date) -> dict[str, int]:
    """Missing episodes starting in the period, the children concerned, and those who were looked after."""
    episodes = MissingEpisode.objects.filter(
        kind="missing", went_missing_at__gte=_dt(start), went_missing_at__lt=_dt(end)
    )
    totals = episodes.aggregate(
        episodes=Count("pk"),
        children=Count("case__child", distinct=True),
        looked_after_children=Count("case__child", filter=Q(case__child__is_looked_after=True), distinct=True),
    )
    return totals


def frequent_missing_children(end: date) -> int:
    """Children frequently missing at the period's end: cases/missing.py's rule, on its last day."""
    window_start, window_end = missing.window_bounds(end - timedelta(days=1))
    return (
        MissingEpisode.objects.filter(kind="missing", went_missing_at__gte=window_start, went_missing_at__lt=window_end)
        .order_by()
        .values("case__child")
        .annotate(n=Count("pk"))
        .filter(n__gte=missing.FREQUENT_MISSING_EPISODES)
        .count()
    )


def return_home_interviews(start: date, end: date) -> dict[str, int]:
    """For children who returned in the period: interviews offered, completed, and completed within 72 hours."""
    returns = MissingEpisode.objects.filter(kind="missing", returned_at__gte=_dt(start), returned_at__lt=_dt(end))
    return returns.aggregate(
        returns=Count("pk"),
        offered=Count("pk", filter=Q(rhi_offered_at__isnull=False)),
        completed=Count("pk", filter=Q(rhi_completed_at__isnull=False)),
        within_72h=Count("pk", filter=Q(rhi_completed_at__lte=F("returned_at") + timedelta(hours=RHI_DUE_HOURS))),
    )


def serafs(start: date, end: date) -> dict[str, int]:
    """SERAF assessments submitted and confirmed in the period, and open cases overdue for review at its end."""
    counts = Assessment.objects.aggregate(
        completed=Count("pk", filter=Q(submitted_at__gte=_dt(start), submitted_at__lt=_dt(end))),
        confirmed=Count("pk", filter=Q(confirmed_at__gte=_dt(start), confirmed_at__lt=_dt(end))),
    )
    counts["overdue_review"] = _open_at(_dt(end)).filter(risk_review_due__lt=end).count()
    return counts


def meetings_summary(start: date, end: date) -> dict:
    """MEOG meetings held in the period, how many were quorate (meetings/quorum.py), and attendance by agency."""
    present = Attendance.objects.filter(
        meeting__date__gte=start, meeting__date__lt=end, status=AttendanceStatus.PRESENT
    ).values_list("meeting_id", "agency__kind", "agency__short_name")
    kinds: dict[int, set[str]] = {}
    by_agency: dict[str, int] = {}
    for meeting_id, kind, name in present:  # a row per attendance, a few dozen a month
        kinds.setdefault(meeting_id, set()).add(kind)
        by_agency[name] = by_agency.get(name, 0) + 1
    meeting_ids = Meeting.objects.filter(date__gte=start, date__lt=end).values_list("pk", flat=True)
    return {
        "held": len(meeting_ids),
        "quorate": sum(1 for pk in meeting_ids if quorum.is_quorate(kinds.get(pk, ()))),
        "attendance_by_agency": dict(sorted(by_agency.items())),
    }


def actions_by_agency(start: date, end: date) -> dict[str, dict[str, int]]:
    """Per owning agency: actions created, completed, completed on time, overdue at the period's end, escalated."""
    s, e = _dt(start), _dt(end)
    escalated = Reminder.objects.filter(
        kind="action",
        object_type="meetings.action",
        object_id=OuterRef("pk"),
        key__in=[LEVEL_1, LEVEL_2],
        created_at__gte=s,
        created_at__lt=e,
    )
    rows = (
        Action.objects.annotate(was_escalated=Exists(escalated))
        .order_by()
        .values(name=F("owner_agency__short_name"))
        .annotate(
            created=Count("pk", filter=Q(created_at__gte=s, created_at__lt=e)),
            completed=Count("pk", filter=Q(completed_at__gte=s, completed_at__lt=e)),
            on_time=Count(
                "pk", filter=Q(completed_at__gte=s, completed_at__lt=e, completed_at__date__lte=F("due_date"))
            ),
            overdue=Count(
                "pk",
                # Overdue on the period's last day by the app's one rule (a working day past due).
                filter=Q(created_at__lt=e, due_date__lt=overdue_cutoff(end - timedelta(days=1)))
                & (Q(status=ActionStatus.OPEN) | Q(completed_at__gte=e)),
            ),
            escalated=Count("pk", filter=Q(was_escalated=True)),
        )
        .order_by("name")
    )
    return {
        row.pop("name"): row for row in rows if any(row[k] for k in ("created", "completed", "overdue", "escalated"))
    }


def referrals_by_provider(start: date, end: date) -> dict[str, int]:
    """Intervention referrals made in the period, by provider."""
    referrals = Referral.objects.filter(referred_on__gte=start, referred_on__lt=end).exclude(
        outcome=ReferralOutcome.WITHDRAWN  # made in error and withdrawn by the meeting
    )
    return _count_by(referrals, "provider__name")


def stuck_cases(end: date) -> list[dict]:
    """Open cases at high or medium risk for over 12 weeks with no reduction, or with escalated actions."""
    moment = _dt(end)
    cutoff = moment - timedelta(weeks=STUCK_WEEKS)
    last_change = RiskHistory.objects.filter(case=OuterRef("pk"), changed_at__lt=moment).order_by("-changed_at", "-pk")
    escalated = Reminder.objects.filter(
        kind="action",
        object_type="meetings.action",
        key__in=[LEVEL_1, LEVEL_2],
        created_at__lt=moment,
        object_id__in=Action.objects.filter(case=OuterRef(OuterRef("pk")), status=ActionStatus.OPEN).values("pk"),
    )
    cases = (
        _open_at(moment)
        .annotate(
            level=Subquery(last_change.values("to_level")[:1]),
            since=Subquery(last_change.values("changed_at")[:1]),
            has_escalation=Exists(escalated),
        )
        .filter(Q(level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM], since__lt=cutoff) | Q(has_escalation=True))
        # Longest at its level first: the page and the PDF show the top of the list (reporting/tables.py).
        .order_by(F("since").asc(nulls_last=True), "pk")
        .values("pk", "level", "since", "has_escalation")
    )
    return [
        {
            "case": f"MET-{row['pk']:05d}",
            "case_id": row["pk"],
            "level": row["level"] or "",
            "since": row["since"].date().isoformat() if row["since"] else "",
            "escalated_actions": row["has_escalation"],
        }
        for row in cases
    ]


def _age_band(born: date | None, on: date) -> str:
    if born is None:
        return "not known"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return (
        "under 12"
        if age < 12
        else "12–13"
        if age < 14
        else "14–15"
        if age < 16
        else "16–17"
        if age < 18
        else "18 and over"
    )


def themes(start: date, end: date) -> dict[str, dict[str, int]]:
    """Cases open at any time in the period, by exploitation category, age band, gender and placement."""
    active = Case.objects.filter(opened_at__lt=_dt(end)).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=_dt(start))
    )
    by_category = {
        row["name"]: row["n"]
        for row in Category.objects.annotate(n=Count("cases", filter=Q(cases__in=active)))
        .order_by("order", "name")
        .values("name", "n")
    }
    # A subquery rather than a join and DISTINCT: one row per child, however many cases they have.
    children = Child.objects.filter(pk__in=active.values("child_id"))
    by_gender = _count_by(children, "gender")
    by_age: dict[str, int] = {}
    # One query for the dates of birth; banding them in Python is cheap (one row per child).
    for born in children.order_by().values_list("date_of_birth", flat=True):
        band = _age_band(born, end - timedelta(days=1))
        by_age[band] = by_age.get(band, 0) + 1
    placement = children.aggregate(
        placed_out_of_area=Count("pk", filter=Q(placed_out_of_area=True)),
        placed_here=Count("pk", filter=Q(placed_by_other_authority=True)),
        looked_after=Count("pk", filter=Q(is_looked_after=True)),
    )
    return {
        "category": by_category,
        "age_band": dict(sorted(by_age.items())),
        "gender": by_gender,
        "placement": placement,
    }


def places_most_linked(end: date, limit: int = 10) -> list[dict]:
    """The places of concern linked to the most children, with the number of links."""
    rows = (
        PlaceOfConcern.objects.filter(links__linked_at__lt=_dt(end))
        .order_by()
        .annotate(n=Count("links", distinct=True))
        .order_by("-n", "name")
        .values("name", "kind", "n")[:limit]
    )
    return [{"place": row["name"], "kind": row["kind"], "links": row["n"]} for row in rows]


def disruption(start: date, end: date) -> dict[str, int]:
    """Disruption activities in the period, by agency."""
    return _count_by(
        DisruptionActivity.objects.filter(happened_on__gte=start, happened_on__lt=end), "agency__short_name"
    )


def trend(end: date, months: int = 12) -> list[dict]:
    """Month by month for the 12 months to the period's end: concerns, missing episodes, cases opened."""
    first = (end.replace(day=1) - timedelta(days=1)).replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    start = _dt(first)
    series: dict[str, dict[str, int]] = {}
    for name, qs, field in (
        ("concerns", Concern.objects.filter(logged_at__gte=start, logged_at__lt=_dt(end)), "logged_at"),
        (
            "missing_episodes",
            MissingEpisode.objects.filter(kind="missing", went_missing_at__gte=start, went_missing_at__lt=_dt(end)),
            "went_missing_at",
        ),
        ("cases_opened", Case.objects.filter(opened_at__gte=start, opened_at__lt=_dt(end)), "opened_at"),
    ):
        for month, n in _count_by(qs.annotate(month=TruncMonth(field)), "month").items():
            series.setdefault(month.date().isoformat()[:7], {})[name] = n
    result, month = [], first
    while month < end:
        key = month.isoformat()[:7]
        result.append(
            {
                "month": key,
                **{k: series.get(key, {}).get(k, 0) for k in ("concerns", "missing_episodes", "cases_opened")},
            }
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return result


def nrm_figures(start: date, end: date) -> dict[str, int]:
    """National Referral Mechanism (issue 16, part 2): referrals made and decisions made in the period, by
    outcome, and referrals whose reasonable grounds decision was overdue at its end (cases/nrm.py)."""
    cutoff = nrm.rg_overdue_cutoff(end)
    return NrmReferral.objects.aggregate(
        referrals=Count("pk", filter=Q(referred_on__gte=start, referred_on__lt=end)),
        rg_positive=Count("pk", filter=Q(rg_decided_on__gte=start, rg_decided_on__lt=end, rg_outcome=nrm.POSITIVE)),
        rg_negative=Count("pk", filter=Q(rg_decided_on__gte=start, rg_decided_on__lt=end, rg_outcome=nrm.NEGATIVE)),
        cg_positive=Count("pk", filter=Q(cg_decided_on__gte=start, cg_decided_on__lt=end, cg_outcome=nrm.POSITIVE)),
        cg_negative=Count("pk", filter=Q(cg_decided_on__gte=start, cg_decided_on__lt=end, cg_outcome=nrm.NEGATIVE)),
        # Overdue at the end of the period: waiting then (decided later, or not yet), the due day past.
        rg_overdue=Count(
            "pk",
            filter=Q(referred_on__lte=cutoff) & (Q(rg_decided_on__isnull=True) | Q(rg_decided_on__gte=end)),
        ),
    )


def case_audit_figures(start: date, end: date) -> dict:
    """Case audits (issue 17, part 2): grades given in the period by question and by agency, final grades
    agreed in it, learning actions open and overdue at its end and closed in it (quality/selectors.py)."""
    return audit_selectors.audit_figures(start, end)


def safety_plans_missing(end: date) -> dict[str, int]:
    """Safety plans (issue 16, part 1): open cases at the period's end that were high risk or frequently missing
    and had no agreed safety plan, or one past its review date on the period's last day (cases/safety_plan.py's
    rule, with the plan, risk level and episodes as they stood then)."""
    moment, last_day = _dt(end), end - timedelta(days=1)
    window_start, window_end = missing.window_bounds(last_day)
    frequent = (
        MissingEpisode.objects.filter(kind="missing", went_missing_at__gte=window_start, went_missing_at__lt=window_end)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=missing.FREQUENT_MISSING_EPISODES)
        .values("case_id")
    )
    plan_then = SafetyPlan.objects.filter(case=OuterRef("pk"), recorded_at__lt=moment).order_by("-number")
    return (
        _open_at(moment)
        .annotate(level=_level_at(moment), plan_review=Subquery(plan_then.values("review_date")[:1]))
        .filter(Q(level=RiskLevel.HIGH) | Q(pk__in=frequent))
        .aggregate(
            no_plan=Count("pk", filter=Q(plan_review__isnull=True)),
            review_overdue=Count("pk", filter=Q(plan_review__lt=last_day)),
        )
    )


def turning_18_figures(end: date) -> dict[str, int]:
    """Turning 18 (issue 16, part 6): cases open at the period's end whose child's 18th birthday was within 6
    months of its last day (cases/turning_18.py's window), and how many of them had no transition plan
    recorded by then."""
    moment, last_day = _dt(end), end - timedelta(days=1)
    plan_then = Exists(TransitionPlan.objects.filter(case=OuterRef("pk"), recorded_at__lt=moment))
    return (
        _open_at(moment)
        .filter(turning_18.window_filter(last_day))
        .annotate(planned=plan_then)
        .aggregate(total=Count("pk"), without_plan=Count("pk", filter=Q(planned=False)))
    )


def compute(start: date, end: date) -> dict:
    """All measures for the period, as stored in a report."""
    return {
        "period": {"start": start.isoformat(), "end": (end - timedelta(days=1)).isoformat()},
        "open_cases_start": open_cases_by_risk(start),
        "open_cases_end": open_cases_by_risk(end),
        "risk_moves": risk_moves(start, end),
        "new_concerns": new_concerns(start, end),
        "new_referrals": new_referrals(start, end),
        "cases_opened": cases_opened(start, end),
        "closures": closures_by_reason(start, end),
        "missing": missing_summary(start, end),
        "frequent_missing_children": frequent_missing_children(end),
        "rhi": return_home_interviews(start, end),
        "serafs": serafs(start, end),
        "meetings": meetings_summary(start, end),
        "actions": actions_by_agency(start, end),
        "referrals": referrals_by_provider(start, end),
        "stuck_cases": stuck_cases(end),
        "themes": themes(start, end),
        "places": places_most_linked(end),
        "disruption": disruption(start, end),
        "trend": trend(end),
        "case_audits": case_audit_figures(start, end),
        "safety_plans": safety_plans_missing(end),
        "nrm": nrm_figures(start, end),
        "turning_18": turning_18_figures(end),
    }
