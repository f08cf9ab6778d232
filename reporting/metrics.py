"""Every measure of the monthly MACE and LSCB reports (DESIGN §7), for a period.

A period is [start, end): `start` is the first day, `end` the day after the last. Each function is
one aggregate query (or a few), never a Python loop over all cases, and returns plain data (ints,
dicts, lists) that the report stores as JSON.

`areas` (issue 18): the local areas counted, by id, through each record's case (Case.area) or
meeting (Meeting.area); None counts everything, and is what a report of the only area passes, so
that a single-area installation runs exactly the queries it ran before areas. The strategic report
adds up the areas' own figures (`combine`), so that its totals are the sum of its breakdown.
"""

from collections.abc import Collection
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
    PersonLink,
    PlaceLink,
    PlaceOfConcern,
)
from met.models import Reminder
from quality import selectors as audit_selectors
from quality.models import LearningAction, LearningActionStatus, QuestionGrade, SampledCase
from riskassessment.models import Assessment, Referral, ReferralOutcome, RiskHistory

Areas = Collection[int] | None

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


def _in(queryset, areas: Areas, field: str = "case__area"):
    """`queryset` cut to the areas, through the path to an Area foreign key; untouched for None."""
    return queryset if areas is None else queryset.filter(**{f"{field}_id__in": sorted(areas)})


def _area_q(areas: Areas, field: str = "case__area") -> Q:
    return Q() if areas is None else Q(**{f"{field}_id__in": sorted(areas)})


def actions_in(areas: Areas):
    """MEOG actions of the areas: an action on a case is its case's area's; one without a case (raised at
    a meeting about a theme) is the meeting's area's."""
    if areas is None:
        return Action.objects.all()
    return Action.objects.filter(_area_q(areas) | Q(case__isnull=True, meeting__area_id__in=sorted(areas)))


def _dt(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _open_at(moment: datetime, areas: Areas = None):
    """Cases open at a moment: opened before it and not closed by then."""
    return (
        _in(Case.objects.all(), areas, "area")
        .filter(opened_at__lt=moment)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
    )


def _level_at(moment: datetime):
    """The confirmed risk level a case had at a moment (its last risk change before then)."""
    return Subquery(
        RiskHistory.objects.filter(case=OuterRef("pk"), changed_at__lt=moment)
        .order_by("-changed_at", "-pk")
        .values("to_level")[:1]
    )


def open_cases_by_risk(at: date, *, areas: Areas = None) -> dict[str, int]:
    """Open cases at the start of day `at`, by the risk level confirmed at that moment."""
    moment = _dt(at)
    result = {level.value: 0 for level in LEVELS}
    for level, n in _count_by(_open_at(moment, areas).annotate(level=_level_at(moment)), "level").items():
        result[level or RiskLevel.NOT_ASSESSED] += n
    return result


def risk_moves(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """Confirmed risk changes in the period, by direction (up, down, same)."""
    result = {"up": 0, "down": 0, "same": 0}
    result.update(
        _count_by(
            _in(RiskHistory.objects.filter(changed_at__gte=_dt(start), changed_at__lt=_dt(end)), areas), "direction"
        )
    )
    return result


def new_concerns(start: date, end: date, *, areas: Areas = None) -> int:
    """Concerns logged in the period."""
    return _in(Concern.objects.filter(logged_at__gte=_dt(start), logged_at__lt=_dt(end)), areas).count()


def new_referrals(start: date, end: date, *, areas: Areas = None) -> int:
    """Cases created (referred) in the period."""
    return _in(Case.objects.filter(created_at__gte=_dt(start), created_at__lt=_dt(end)), areas, "area").count()


def cases_opened(start: date, end: date, *, areas: Areas = None) -> int:
    """Cases opened by the coordinator in the period."""
    return _in(Case.objects.filter(opened_at__gte=_dt(start), opened_at__lt=_dt(end)), areas, "area").count()


def closures_by_reason(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """Cases closed in the period, by closure reason."""
    closed = Case.objects.filter(closed_at__gte=_dt(start), closed_at__lt=_dt(end))
    return _count_by(_in(closed, areas, "area"), "closure_reason")


def missing_summary(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """Missing episodes starting in the period, the children concerned, and those who were looked after."""
    episodes = _in(
        MissingEpisode.objects.filter(kind="missing", went_missing_at__gte=_dt(start), went_missing_at__lt=_dt(end)),
        areas,
    )
    totals = episodes.aggregate(
        episodes=Count("pk"),
        children=Count("case__child", distinct=True),
        looked_after_children=Count("case__child", filter=Q(case__child__is_looked_after=True), distinct=True),
    )
    return totals


def frequent_missing_children(end: date, *, areas: Areas = None) -> int:
    """Children frequently missing at the period's end: cases/missing.py's rule, on its last day."""
    window_start, window_end = missing.window_bounds(end - timedelta(days=1))
    return (
        _in(
            MissingEpisode.objects.filter(
                kind="missing", went_missing_at__gte=window_start, went_missing_at__lt=window_end
            ),
            areas,
        )
        .order_by()
        .values("case__child")
        .annotate(n=Count("pk"))
        .filter(n__gte=missing.FREQUENT_MISSING_EPISODES)
        .count()
    )


def return_home_interviews(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """For children who returned in the period: interviews offered, completed, and completed within 72 hours."""
    returns = _in(
        MissingEpisode.objects.filter(kind="missing", returned_at__gte=_dt(start), returned_at__lt=_dt(end)), areas
    )
    return returns.aggregate(
        returns=Count("pk"),
        offered=Count("pk", filter=Q(rhi_offered_at__isnull=False)),
        completed=Count("pk", filter=Q(rhi_completed_at__isnull=False)),
        within_72h=Count("pk", filter=Q(rhi_completed_at__lte=F("returned_at") + timedelta(hours=RHI_DUE_HOURS))),
    )


def serafs(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """SERAF assessments submitted and confirmed in the period, and open cases overdue for review at its end."""
    counts = _in(Assessment.objects.all(), areas).aggregate(
        completed=Count("pk", filter=Q(submitted_at__gte=_dt(start), submitted_at__lt=_dt(end))),
        confirmed=Count("pk", filter=Q(confirmed_at__gte=_dt(start), confirmed_at__lt=_dt(end))),
    )
    counts["overdue_review"] = _open_at(_dt(end), areas).filter(risk_review_due__lt=end).count()
    return counts


def meetings_summary(start: date, end: date, *, areas: Areas = None) -> dict:
    """MEOG meetings held in the period, how many were quorate (meetings/quorum.py), and attendance by agency."""
    present = _in(
        Attendance.objects.filter(meeting__date__gte=start, meeting__date__lt=end, status=AttendanceStatus.PRESENT),
        areas,
        "meeting__area",
    ).values_list("meeting_id", "agency__kind", "agency__short_name")
    kinds: dict[int, set[str]] = {}
    by_agency: dict[str, int] = {}
    for meeting_id, kind, name in present:  # a row per attendance, a few dozen a month
        kinds.setdefault(meeting_id, set()).add(kind)
        by_agency[name] = by_agency.get(name, 0) + 1
    meeting_ids = _in(Meeting.objects.filter(date__gte=start, date__lt=end), areas, "area").values_list("pk", flat=True)
    return {
        "held": len(meeting_ids),
        "quorate": sum(1 for pk in meeting_ids if quorum.is_quorate(kinds.get(pk, ()))),
        "attendance_by_agency": dict(sorted(by_agency.items())),
    }


def actions_by_agency(start: date, end: date, *, areas: Areas = None) -> dict[str, dict[str, int]]:
    """Per owning agency: actions created, completed, completed on time, overdue at the period's end, escalated."""
    s, e = _dt(start), _dt(end)
    # The actions escalated in the period, as one set the count looks each action up in: an EXISTS for
    # each of a region's 100,000 actions was a quarter of a second of every report (issue 14).
    escalated = Reminder.objects.filter(
        kind="action",
        object_type="meetings.action",
        key__in=[LEVEL_1, LEVEL_2],
        created_at__gte=s,
        created_at__lt=e,
    ).values("object_id")
    rows = (
        actions_in(areas)
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
            escalated=Count("pk", filter=Q(pk__in=escalated)),
        )
        .order_by("name")
    )
    return {
        row.pop("name"): row for row in rows if any(row[k] for k in ("created", "completed", "overdue", "escalated"))
    }


def referrals_by_provider(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """Intervention referrals made in the period, by provider."""
    referrals = _in(Referral.objects.filter(referred_on__gte=start, referred_on__lt=end), areas).exclude(
        outcome=ReferralOutcome.WITHDRAWN  # made in error and withdrawn by the meeting
    )
    return _count_by(referrals, "provider__name")


def stuck_cases(end: date, *, areas: Areas = None) -> list[dict]:
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
        _open_at(moment, areas)
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


def themes(start: date, end: date, *, areas: Areas = None) -> dict[str, dict[str, int]]:
    """Cases open at any time in the period, by exploitation category, age band, gender and placement."""
    active = _in(Case.objects.filter(opened_at__lt=_dt(end)), areas, "area").filter(
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


def places_most_linked(end: date, limit: int = 10, *, areas: Areas = None) -> list[dict]:
    """The places of concern linked to the most children, with the number of links (to the areas' cases)."""
    rows = (
        PlaceOfConcern.objects.filter(Q(links__linked_at__lt=_dt(end)) & _area_q(areas, "links__case__area"))
        .order_by()
        .annotate(n=Count("links", distinct=True))
        .order_by("-n", "name")
        .values("name", "kind", "n")[:limit]
    )
    return [{"place": row["name"], "kind": row["kind"], "links": row["n"]} for row in rows]


def disruption(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """Disruption activities in the period, by agency. The places and persons of concern are one register
    for every area: an area's report counts the activities about those linked to its cases."""
    activities = DisruptionActivity.objects.filter(happened_on__gte=start, happened_on__lt=end)
    if areas is not None:
        linked = {"case__area_id__in": sorted(areas)}
        activities = activities.filter(
            Exists(PlaceLink.objects.filter(place=OuterRef("place_id"), **linked))
            | Exists(PersonLink.objects.filter(person=OuterRef("person_id"), **linked))
        )
    return _count_by(activities, "agency__short_name")


def trend(end: date, months: int = 12, *, areas: Areas = None) -> list[dict]:
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
        qs = _in(qs, areas, "area" if qs.model is Case else "case__area")
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


def nrm_figures(start: date, end: date, *, areas: Areas = None) -> dict[str, int]:
    """National Referral Mechanism (issue 16, part 2): referrals made and decisions made in the period, by
    outcome, and referrals whose reasonable grounds decision was overdue at its end (cases/nrm.py)."""
    cutoff = nrm.rg_overdue_cutoff(end)
    return _in(NrmReferral.objects.all(), areas).aggregate(
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


def case_audit_figures(start: date, end: date, *, areas: Areas = None) -> dict:
    """Case audits (issue 17, part 2): grades given in the period by question and by agency, final grades
    agreed in it, learning actions open and overdue at its end and closed in it (quality/selectors.py)."""
    if areas is None:
        return audit_selectors.audit_figures(start, end)
    return _area_audit_figures(start, end, areas)


def safety_plans_missing(end: date, *, areas: Areas = None) -> dict[str, int]:
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
        _open_at(moment, areas)
        .annotate(level=_level_at(moment), plan_review=Subquery(plan_then.values("review_date")[:1]))
        .filter(Q(level=RiskLevel.HIGH) | Q(pk__in=frequent))
        .aggregate(
            no_plan=Count("pk", filter=Q(plan_review__isnull=True)),
            review_overdue=Count("pk", filter=Q(plan_review__lt=last_day)),
        )
    )


def turning_18_figures(end: date, *, areas: Areas = None) -> dict[str, int]:
    """Turning 18 (issue 16, part 6): cases open at the period's end whose child's 18th birthday was within 6
    months of its last day (cases/turning_18.py's window), and how many of them had no transition plan
    recorded by then."""
    moment, last_day = _dt(end), end - timedelta(days=1)
    plan_then = Exists(TransitionPlan.objects.filter(case=OuterRef("pk"), recorded_at__lt=moment))
    return (
        _open_at(moment, areas)
        .filter(turning_18.window_filter(last_day))
        .annotate(planned=plan_then)
        .aggregate(total=Count("pk"), without_plan=Count("pk", filter=Q(planned=False)))
    )


def _area_audit_figures(start: date, end: date, areas: Collection[int]) -> dict:
    """audit_figures for the areas: grades and final grades of the sampled cases of the areas, and the
    learning actions of findings about those cases. A finding about a whole round names no case, so no
    one area's: its learning actions count only in a report of every area (quality/ has no area for a
    round yet)."""
    since, until = _dt(start), _dt(end)
    in_areas = {"case__area_id__in": sorted(areas)}
    grades = QuestionGrade.objects.filter(
        answer__updated_at__gte=since,
        answer__updated_at__lt=until,
        **{f"answer__sampled__{k}": v for k, v in in_areas.items()},
    )
    final = dict.fromkeys(audit_selectors.GRADE_ORDER, 0)
    final.update(
        _count_by(
            SampledCase.objects.filter(moderated_at__gte=since, moderated_at__lt=until, **in_areas), "final_grade"
        )
    )
    open_then = Q(created_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=until))
    cutoff = overdue_cutoff(end - timedelta(days=1))
    actions = LearningAction.objects.filter(**{f"finding__sampled__{k}": v for k, v in in_areas.items()}).aggregate(
        open=Count("pk", filter=open_then),
        overdue=Count("pk", filter=open_then & Q(due_date__lt=cutoff)),
        closed=Count("pk", filter=Q(status=LearningActionStatus.DONE, closed_at__gte=since, closed_at__lt=until)),
    )
    return {
        "by_question": audit_selectors.grade_counts(grades, "question"),
        "by_agency": audit_selectors.grade_counts(grades, "agency"),
        "final": final,
        "learning_actions": actions,
    }


def compute(start: date, end: date, *, areas: Areas = None) -> dict:
    """All measures for the period, as stored in a report; `areas` None for every area."""
    a = {"areas": areas}
    return {
        "period": {"start": start.isoformat(), "end": (end - timedelta(days=1)).isoformat()},
        "open_cases_start": open_cases_by_risk(start, **a),
        "open_cases_end": open_cases_by_risk(end, **a),
        "risk_moves": risk_moves(start, end, **a),
        "new_concerns": new_concerns(start, end, **a),
        "new_referrals": new_referrals(start, end, **a),
        "cases_opened": cases_opened(start, end, **a),
        "closures": closures_by_reason(start, end, **a),
        "missing": missing_summary(start, end, **a),
        "frequent_missing_children": frequent_missing_children(end, **a),
        "rhi": return_home_interviews(start, end, **a),
        "serafs": serafs(start, end, **a),
        "meetings": meetings_summary(start, end, **a),
        "actions": actions_by_agency(start, end, **a),
        "referrals": referrals_by_provider(start, end, **a),
        "stuck_cases": stuck_cases(end, **a),
        "themes": themes(start, end, **a),
        "places": places_most_linked(end, **a),
        "disruption": disruption(start, end, **a),
        "trend": trend(end, **a),
        "case_audits": case_audit_figures(start, end, **a),
        "safety_plans": safety_plans_missing(end, **a),
        "nrm": nrm_figures(start, end, **a),
        "turning_18": turning_18_figures(end, **a),
    }


# Measures that are not one area's each: the places and persons of concern are one register for every
# area, and the disruption of them. The strategic report counts them once, over every area.
NOT_BY_AREA = ("places", "disruption")


def compute_whole(start: date, end: date) -> dict:
    """The measures of NOT_BY_AREA over every area, for the strategic report."""
    return {"places": places_most_linked(end), "disruption": disruption(start, end)}


def combine(parts: list[dict], whole: dict) -> dict:
    """The strategic report's figures: each area's added up, so that the per-area breakdown adds up to
    the totals exactly (a child two areas were responsible for in the period counts in each), and the
    measures of NOT_BY_AREA from `whole`."""
    total: dict = {}
    for part in parts:
        total = _add(total, {k: v for k, v in part.items() if k not in (*NOT_BY_AREA, "stuck_cases")})
    total["period"] = parts[0]["period"]
    # Each case is one area's: the areas' lists together, longest at its level first as stuck_cases orders them.
    stuck = [row for part in parts for row in part["stuck_cases"]]
    total["stuck_cases"] = sorted(stuck, key=lambda row: (row["since"] == "", row["since"], row["case_id"]))
    for key in ("actions", "closures", "referrals"):
        total[key] = dict(sorted(total.get(key, {}).items(), key=lambda item: str(item[0])))
    total["meetings"]["attendance_by_agency"] = dict(sorted(total["meetings"]["attendance_by_agency"].items()))
    return {**total, **{k: whole[k] for k in NOT_BY_AREA}}


def _add(a, b):
    """a + b for figures: ints added, dicts by key (a key only one side has is kept), lists of months by month."""
    if isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
        return b
    if isinstance(b, int):
        return (a or 0) + b
    if isinstance(b, dict):
        out = dict(a or {})
        for key, value in b.items():
            out[key] = _add(out.get(key), value)
        return out
    if isinstance(b, list):  # the trend: the same months in the same order for every area
        if not a:
            return [dict(row) for row in b]
        return [_add(x, y) for x, y in zip(a, b, strict=True)]
    return b
