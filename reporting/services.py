"""Building, annotating and finalising reports; the strategic action plan's ratings."""

import functools
import hashlib
import logging
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from cases.models import Concern
from met import cache
from met.areas import all_area_ids, default_area_id, in_area
from met.audit import audit
from met.concurrency import check_version
from met.models import Area, User
from met.workdays import next_working_day
from reporting import charts, metrics, tables
from reporting.access import may_rate_plan, require_chair, sees_strategic_reports
from reporting.models import BUILD_TIMEOUT, PlanAction, Priority, Rag, RagUpdate, Report, ReportKind, ReportStatus

logger = logging.getLogger(__name__)

FINAL = "This report has been finalised and can no longer change."
# MET Hub holds nothing older; an earlier month can only be a mistake (and year 1 broke the build).
EARLIEST_PERIOD = date(2000, 1, 1)
REISSUE_REASON_MAX = 2000


def month_bounds(day: date) -> tuple[date, date]:
    """The calendar month containing `day`, as [first day, first day of the next month)."""
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def previous_month(today: date) -> tuple[date, date]:
    return month_bounds(today.replace(day=1) - timedelta(days=1))


def period_for(kind: str, start: date) -> tuple[date, date]:
    months = {ReportKind.MACE_MONTHLY: 1, ReportKind.LSCB_QUARTERLY: 3, ReportKind.LSCB_HALF_YEAR: 6}[kind]
    end = start
    for _ in range(months):
        end = (end + timedelta(days=32)).replace(day=1)
    return start, end


def _require_chair(actor: User | None) -> None:
    # None is the scheduled monthly build, which nobody asked for.
    if actor is not None:
        require_chair(actor, "builds, annotates and finalises")


# report_request's area when none is named: the only one, in a single-area installation.
THE_ONLY_AREA = object()
# The strategic group's report of every area (issue 18; seed 001) is an LSCB report, in wider circulation
# with small counts withheld; the monthly MACE report names cases, for its own area only.
STRATEGIC_KINDS = (ReportKind.LSCB_QUARTERLY, ReportKind.LSCB_HALF_YEAR)
# The kinds the schedule also builds for every area, when there are several.
SCHEDULED_STRATEGIC_KINDS = (ReportKind.LSCB_QUARTERLY,)


def _report_area(actor: User | None, kind: str, area) -> Area | None:
    if area is THE_ONLY_AREA:
        area_id = default_area_id()
        if area_id is None:
            raise ValidationError({"area": "Choose the area the report is for."})
        return Area.objects.get(pk=area_id)
    if area is None:
        if kind not in STRATEGIC_KINDS:
            raise ValidationError({"area": "A monthly MACE report is for one area: choose it."})
        if actor is not None and not sees_strategic_reports(actor):
            raise PermissionDenied("Only a chair builds the report of every area.")
        return None
    if actor is not None and not in_area(actor, area.pk):
        raise PermissionDenied("You build reports of your own areas only.")
    return area


@transaction.atomic
def report_request(
    *,
    actor: User | None,
    kind: str,
    start: date,
    area: Area | object | None = THE_ONLY_AREA,
    request: HttpRequest | None = None,
) -> tuple[Report, bool]:
    """Create the report row (status building) once per kind, period and area; True when newly created.
    `area` None: the strategic report of every area (an LSCB kind)."""
    _require_chair(actor)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "Choose a kind of report."})
    area = _report_area(actor, kind, area)
    if start < EARLIEST_PERIOD:
        raise ValidationError({"start": f"The period must start in {EARLIEST_PERIOD:%B %Y} or later."})
    start, end = period_for(kind, start)
    if start > timezone.localdate():
        raise ValidationError({"start": "That period has not started yet."})
    try:
        with transaction.atomic():
            # SQLite (the embedded default) cannot have the model's "one current report per period"
            # constraint (its NULLs are always distinct, so Django does not make it): asked here
            # instead, as PostgreSQL's constraint answers.
            if (
                not connection.features.supports_nulls_distinct_unique_constraints
                and Report.objects.filter(kind=kind, period_start=start, area=area, superseded_at__isnull=True).exists()
            ):
                raise IntegrityError("reporting_one_current_report_per_period")
            report = Report.objects.create(
                kind=kind, period_start=start, period_end=end - timedelta(days=1), built_by=actor, area=area
            )
        created = True
    except IntegrityError:
        report = Report.objects.get(kind=kind, period_start=start, area=area, superseded_at__isnull=True)
        created = False
        if report.is_final:
            raise ValidationError(
                "A finalised report already exists for that period. If it is wrong, re-issue it from its page."
            ) from None
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.BUILDING, built_by=actor, build_started_at=timezone.now(), build_error=""
        )
    audit(
        actor=actor,
        action="report.request",
        obj=report,
        request=request,
        detail={"kind": kind, "start": start.isoformat(), "area": area.pk if area else None},
    )
    return report, created


def report_build(*, report_id: int) -> Report:
    """Compute every measure of a report that is building and store them; any other report is left alone.

    A build that fails is marked failed with a message, so that no report stays "Building" and the
    chair can try again (report_retry). Only when even that cannot be recorded (the database is
    down) does the error reach the task, whose retries then take over.
    """
    report = Report.objects.get(pk=report_id)
    if report.status != ReportStatus.BUILDING:
        return report
    try:
        data = _measures(report)
    except Exception as error:
        logger.exception("Report %s could not be built", report.pk)
        Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).update(
            status=ReportStatus.FAILED,
            build_error=f"The report could not be built ({type(error).__name__}). Try again; if it fails again, "
            f"ask the system administrator to look for report {report.pk} in the log.",
        )
    else:
        Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).update(
            data=data, status=ReportStatus.DRAFT, built_at=timezone.now(), build_error=""
        )
    report.refresh_from_db()
    return report


def _scope(area_id: int | None) -> list[int] | None:
    """The areas a report counts, for metrics: None (no filter at all) for the strategic report and for
    the report of the only area, so that a single-area installation runs the queries it always ran."""
    if area_id is None or all_area_ids() <= {area_id}:
        return None
    return [area_id]


def _measures(report: Report) -> dict:
    previous_start = period_for(report.kind, (report.period_start - timedelta(days=1)).replace(day=1))[0]
    if report.kind != ReportKind.MACE_MONTHLY:
        months = {ReportKind.LSCB_QUARTERLY: 3, ReportKind.LSCB_HALF_YEAR: 6}[report.kind]
        previous_start = report.period_start
        for _ in range(months):
            previous_start = (previous_start - timedelta(days=1)).replace(day=1)
    period, previous = (
        (report.period_start, report.period_end + timedelta(days=1)),
        period_for(report.kind, previous_start),
    )
    if report.area_id is None and len(all_area_ids()) > 1:
        return _strategic_measures(period, previous)
    areas = _scope(report.area_id)
    data = metrics.compute(*period, areas=areas)
    data["previous"] = {key: value for key, _, value in tables.headline(metrics.compute(*previous, areas=areas))}
    return data


def _strategic_measures(period: tuple[date, date], previous: tuple[date, date]) -> dict:
    """Every area's figures, their sum (metrics.combine), and the breakdown by area (issue 18)."""
    areas = list(Area.objects.order_by("name"))
    parts = [metrics.compute(*period, areas=[area.pk]) for area in areas]
    data = metrics.combine(parts, metrics.compute_whole(*period))
    data["previous"] = {}
    for area in areas:
        for key, _, value in tables.headline(metrics.compute(*previous, areas=[area.pk])):
            data["previous"][key] = data["previous"].get(key, 0) + value
    data["areas"] = [
        {"id": area.pk, "name": area.name, "figures": part} for area, part in zip(areas, parts, strict=True)
    ]
    return data


@transaction.atomic
def report_retry(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    """Build a report again after its build failed or was lost; the caller queues the build on commit."""
    _require_chair(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.may_retry:
        raise ValidationError("Only a report whose build failed can be built again.")
    report.status, report.build_error = ReportStatus.BUILDING, ""
    report.build_started_at, report.built_by = timezone.now(), actor
    report.save(update_fields=["status", "build_error", "build_started_at", "built_by"])
    audit(actor=actor, action="report.retry", obj=report, request=request)
    return report


def fail_stalled_builds(*, now=None) -> int:
    """Mark failed every build lost on the way (a worker died, the broker was down when it was queued)."""
    now = now or timezone.now()
    return Report.objects.filter(status=ReportStatus.BUILDING, build_started_at__lt=now - BUILD_TIMEOUT).update(
        status=ReportStatus.FAILED,
        build_error=f"The build did not finish within {BUILD_TIMEOUT.seconds // 60} minutes. Try again.",
    )


# How far back the schedule catches up on reports that were never built (months).
CATCH_UP_MONTHS = 12
# The months each scheduled kind can start in.
PERIOD_STARTS = {
    ReportKind.MACE_MONTHLY: range(1, 13),
    ReportKind.LSCB_QUARTERLY: (1, 4, 7, 10),
    ReportKind.LSCB_HALF_YEAR: (1, 7),
}


def due_periods(*, today: date) -> list[tuple[str, date]]:
    """(kind, start) of every report the schedule owes by `today`: each period is due on the first
    working day after it ends. The latest period of each kind always; earlier ones back to the first
    month with any record, and at most a year back, so that a missed day (or a server that was off, or
    an install run from cron without Celery beat) never loses a month, and a new install does not
    build a year of empty reports."""
    first_record = Concern.objects.order_by("logged_at").values_list("logged_at", flat=True).first()
    horizon = today.replace(day=1)
    for _ in range(CATCH_UP_MONTHS):
        horizon = (horizon - timedelta(days=1)).replace(day=1)
    # Nothing recorded yet: only the latest periods.
    first_month = timezone.localtime(first_record).date().replace(day=1) if first_record else today
    horizon = max(horizon, first_month)
    owed = []
    for kind, months in PERIOD_STARTS.items():
        periods = []
        start = today.replace(day=1)
        for _ in range(CATCH_UP_MONTHS + 6):
            start = (start - timedelta(days=1)).replace(day=1)
            if start.month not in months:
                continue
            _, end = period_for(kind, start)
            if next_working_day(end) <= today:
                periods.append(start)
        latest, earlier = periods[:1], [p for p in periods[1:] if p >= horizon]
        owed += [(kind, start) for start in latest + earlier]
    return owed


def build_due_reports(*, today: date | None = None) -> list[Report]:
    """Build every scheduled report that is due and has never been built. Daily under Celery beat
    and on every `run_due_jobs`; building twice never makes two reports (one row per kind and period),
    and a report that exists in any state, a failed build included, is left to the chair."""
    today = today or timezone.localdate()
    # One report per active area (issue 18), and the strategic group's of every area where there are several.
    areas: list[Area | None] = list(Area.objects.filter(is_active=True).order_by("name"))
    strategic = len(areas) > 1
    built = []
    for kind, start in due_periods(today=today):
        for area in areas + ([None] if strategic and kind in SCHEDULED_STRATEGIC_KINDS else []):
            if Report.objects.filter(kind=kind, period_start=start, area=area).exists():
                continue
            report, created = report_request(actor=None, kind=kind, start=start, area=area)
            if created:  # else another run is building it
                built.append(report_build(report_id=report.pk))
    return built


@transaction.atomic
def report_annotate(
    *,
    actor: User,
    report: Report,
    expected_version: int,
    good_practice: str,
    themes_narrative: str,
    stuck_cases_narrative: str,
    request: HttpRequest | None = None,
) -> Report:
    _require_chair(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_final:
        raise PermissionDenied(FINAL)
    check_version(report, expected_version=expected_version, seen=None)
    report.good_practice, report.themes_narrative, report.stuck_cases_narrative = (
        good_practice,
        themes_narrative,
        stuck_cases_narrative,
    )
    report.version += 1
    report.save()
    audit(actor=actor, action="report.annotate", obj=report, request=request)
    return report


def reissue_refusal(report: Report) -> str | None:
    """Why this report cannot be re-issued, or None when it can."""
    if report.is_superseded:
        return "This report has already been re-issued. Re-issue its latest issue instead."
    if not report.is_final:
        return "Only a finalised report can be re-issued. Until then, correct it by rebuilding it or editing the commentary."
    return None


@transaction.atomic
def report_reissue(*, actor: User, report: Report, reason: str, request: HttpRequest | None = None) -> Report:
    """Replace a finalised report found wrong with a new issue for the same period, built afresh.

    The old report keeps its PDF and SHA-256 and is marked superseded, pointing to the new one; the
    new one carries the reason and the chair's commentary, to check before finalising it. The caller
    queues the new report's build on commit.
    """
    _require_chair(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the report is being re-issued."})
    if len(reason) > REISSUE_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason to {REISSUE_REASON_MAX} characters or fewer."})
    old = Report.objects.select_for_update().get(pk=report.pk)
    refusal = reissue_refusal(old)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    # Superseded first: the period may have one current report only, and the new one is about to be it.
    Report.objects.filter(pk=old.pk).update(superseded_at=now)
    new = Report.objects.create(
        kind=old.kind,
        area_id=old.area_id,
        period_start=old.period_start,
        period_end=old.period_end,
        built_by=actor,
        build_started_at=now,
        issue=old.issue + 1,
        reissue_reason=reason,
        good_practice=old.good_practice,
        themes_narrative=old.themes_narrative,
        stuck_cases_narrative=old.stuck_cases_narrative,
    )
    Report.objects.filter(pk=old.pk).update(superseded_by=new)
    audit(
        actor=actor,
        action="report.reissue",
        obj=old,
        request=request,
        detail={"reason": reason, "replacement": new.pk, "issue": new.issue, "sha256": old.pdf_sha256},
    )
    audit(actor=actor, action="report.request", obj=new, request=request, detail={"reissue_of": old.pk})
    return new


def replaced_issue(report: Report) -> Report | None:
    """The earlier issue a re-issued report replaces."""
    return Report.objects.defer("pdf", "data").select_related("finalised_by").filter(superseded_by=report).first()


def kept_key(report: Report, name: str) -> str:
    """The cache key of something worked out from a report's figures, which change only when it is built
    again (report_build sets `data` and `built_at` together): a new build is a new key, and so is new
    code to work them out (_code_mark)."""
    return f"report-{name}:{_code_mark()}:{report.pk}:{report.built_at.timestamp() if report.built_at else 0}"


@functools.cache
def _code_mark() -> str:
    # After a deploy that changes what a report shows (what an LSCB report withholds, say), the page must
    # not go on showing what the old code worked out until its copy expires an hour later.
    sources = [tables.__file__, charts.__file__, __file__, get_template("reporting/_tables.html").origin.name]
    return hashlib.sha256(b"".join(Path(source).read_bytes() for source in sources)).hexdigest()[:12]


def presenter(report: Report) -> tables.Show:
    """The report's figures as shown (tables.presenter). What an LSCB report withholds is worked out once
    per build and kept: it takes a second for the strategic report's breakdown by area, and the page,
    each CSV and the PDF all show the same figures."""
    if not report.is_lscb:
        return tables.presenter(report.data, lscb=False)
    key = kept_key(report, "withheld")
    decided = cache.get(key)
    if decided is None:
        decided = tables.withheld(report.data)
        cache.set(key, decided, 3600)
    return tables.presenter(report.data, lscb=True, decided=decided)


def presentation(report: Report) -> dict:
    """What the page and the PDF show of a built report: its figures, and on an LSCB report the action
    plan's summary as it is now."""
    return {**figures(report), "plan": plan_shown(report)}


def figures(report: Report) -> dict:
    """What a built report shows of its own figures, fixed until it is built again: the headline, the
    tables and the charts, with the LSCB report's small counts (and the figures that would give them
    away) withheld everywhere."""
    data = report.data
    show = presenter(report)

    def charted(key: str, value):
        # A withheld figure is left out of the chart too, or its point or bar would give it away.
        return value if show(key, value) == value else None

    trend = [
        {"month": t["month"], **{k: charted(f"trend.{t['month']}.{k}", t[k]) for k in tables.TREND_SERIES}}
        for t in data["trend"]
    ]
    start, end = (
        {k: charted(f"risk.{when}.{k}", v) for k, v in data[f"open_cases_{when}"].items()} for when in ("start", "end")
    )
    return {
        "headline": tables.headline_rows(data, show=show, lscb=report.is_lscb),
        "tables": tables.build(data, show=show, lscb=report.is_lscb),
        "trend_chart": charts.trend_chart(trend),
        "risk_chart": charts.risk_chart(start, end),
        "withheld_note": tables.WITHHELD_NOTE if report.is_lscb else "",
    }


def plan_shown(report: Report) -> dict | None:
    """The action plan's summary an LSCB report shows: live, not one of the report's figures."""
    return plan_summary(_plan_of(report)) if report.is_lscb else None


def _plan_of(report: Report) -> QuerySet[Priority] | None:
    """The plan an area's LSCB report summarises: the shared priorities and its own area's (issue 18)."""
    if report.area_id is None:
        return None
    return Priority.objects.filter(Q(area__isnull=True) | Q(area_id=report.area_id))


def render_html(report: Report, *, draft: bool = False) -> str:
    return render_to_string(
        "reporting/report_pdf.html",
        {"report": report, "replaces": replaced_issue(report), "draft": draft, **presentation(report)},
    )


def render_pdf(report: Report, *, draft: bool = False) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report, draft=draft)).write_pdf()


@transaction.atomic
def report_finalise(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    """Render the PDF once, store it with its SHA-256, and freeze the report."""
    _require_chair(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_final:
        raise PermissionDenied(FINAL)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError("The report is still being built. Try again in a moment.")
    report.status, report.finalised_by, report.finalised_at = ReportStatus.FINAL, actor, timezone.now()
    pdf = render_pdf(report)
    report.pdf, report.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    report.version += 1
    report.save()
    audit(actor=actor, action="report.finalise", obj=report, request=request, detail={"sha256": report.pdf_sha256})
    return report


# --- strategic action plan ------------------------------------------------------------------


def plan_summary(priorities: QuerySet[Priority] | None = None) -> dict:
    """The latest rating of every action, and of those still in the plan counted by colour, for the
    LSCB report and the plan page. A retired action (or one under a retired priority) keeps its
    ratings but has left the plan, and the count. `priorities`: only theirs (issue 18: an area's
    report and reader see the shared plan and their own areas')."""
    updates = RagUpdate.objects.select_related("action__priority").order_by("action_id", "-dated", "-pk")
    if priorities is not None:
        updates = updates.filter(action__priority__in=priorities)
    latest = {}
    for update in updates:
        latest.setdefault(update.action_id, update)
    counts = {rag.value: 0 for rag in Rag}
    for update in latest.values():
        if update.action.in_plan:
            counts[update.rating] += 1
    return {"counts": counts, "latest": latest}


@transaction.atomic
def rag_record(
    *, actor: User, action: PlanAction, rating: str, commentary: str, dated: date, request: HttpRequest | None = None
) -> RagUpdate:
    if not may_rate_plan(actor):
        raise PermissionDenied("Only members of the strategic group (chairs and coordinators) rate progress.")
    if not action.in_plan:
        raise ValidationError("This action is retired: its ratings are kept, and no more are recorded.")
    if rating not in Rag.values:
        raise ValidationError({"rating": "Choose red, amber or green."})
    if dated > timezone.localdate():
        raise ValidationError({"dated": "The date cannot be in the future."})
    if not commentary.strip():
        raise ValidationError({"commentary": "Say what the rating is based on."})
    update = RagUpdate.objects.create(
        action=action, rating=rating, commentary=commentary.strip(), dated=dated, recorded_by=actor
    )
    audit(actor=actor, action="plan.rag", obj=update, request=request, detail={"action": action.ref, "rating": rating})
    return update
