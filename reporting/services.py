"""Building, annotating and finalising reports; the strategic action plan's ratings."""

import hashlib
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from met.audit import audit
from met.concurrency import check_version
from met.models import User
from met.workdays import is_working_day
from reporting import charts, metrics, tables
from reporting.models import PlanAction, Rag, RagUpdate, Report, ReportKind, ReportStatus

FINAL = "This report has been finalised and can no longer change."


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


def first_working_day_of_month(day: date) -> date:
    first = day.replace(day=1)
    while not is_working_day(first):
        first += timedelta(days=1)
    return first


def _require_chair(actor: User | None) -> None:
    if actor is not None and not actor.is_chair:
        raise PermissionDenied("Only a chair builds, annotates and finalises reports.")


@transaction.atomic
def report_request(
    *, actor: User | None, kind: str, start: date, request: HttpRequest | None = None
) -> tuple[Report, bool]:
    """Create the report row (status building) once per kind and period; True when newly created."""
    _require_chair(actor)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "Choose a kind of report."})
    start, end = period_for(kind, start)
    if start > timezone.localdate():
        raise ValidationError({"start": "That period has not started yet."})
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=kind, period_start=start, period_end=end - timedelta(days=1), built_by=actor
            )
        created = True
    except IntegrityError:
        report, created = Report.objects.get(kind=kind, period_start=start), False
        if report.is_final:
            raise ValidationError("A finalised report already exists for that period.") from None
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, built_by=actor)
    audit(
        actor=actor,
        action="report.request",
        obj=report,
        request=request,
        detail={"kind": kind, "start": start.isoformat()},
    )
    return report, created


def report_build(*, report_id: int) -> Report:
    """Compute every measure for the report's period and store them. Safe to repeat until finalised."""
    report = Report.objects.get(pk=report_id)
    if report.is_final:
        return report
    data = metrics.compute(report.period_start, report.period_end + timedelta(days=1))
    previous_start = period_for(report.kind, (report.period_start - timedelta(days=1)).replace(day=1))[0]
    if report.kind != ReportKind.MACE_MONTHLY:
        months = {ReportKind.LSCB_QUARTERLY: 3, ReportKind.LSCB_HALF_YEAR: 6}[report.kind]
        previous_start = report.period_start
        for _ in range(months):
            previous_start = (previous_start - timedelta(days=1)).replace(day=1)
    data["previous"] = {
        key: value for key, _, value in tables.headline(metrics.compute(*period_for(report.kind, previous_start)))
    }
    Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).update(
        data=data, status=ReportStatus.DRAFT, built_at=timezone.now()
    )
    report.refresh_from_db()
    return report


def build_scheduled_monthly(*, today: date | None = None) -> Report | None:
    """On the first working day of a month, build last month's MACE report - once."""
    today = today or timezone.localdate()
    if today != first_working_day_of_month(today):
        return None
    start, _ = previous_month(today)
    if Report.objects.filter(kind=ReportKind.MACE_MONTHLY, period_start=start).exists():
        return None
    report, created = report_request(actor=None, kind=ReportKind.MACE_MONTHLY, start=start)
    return report_build(report_id=report.pk) if created else None


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


def render_html(report: Report, *, draft: bool = False) -> str:
    data = report.data
    return render_to_string(
        "reporting/report_pdf.html",
        {
            "report": report,
            "draft": draft,
            "headline": _headline_rows(report),
            "tables": tables.build(data, lscb=report.is_lscb),
            "trend_chart": charts.trend_chart(data["trend"]),
            "risk_chart": charts.risk_chart(data["open_cases_start"], data["open_cases_end"]),
            "plan": plan_summary() if report.is_lscb else None,
        },
    )


def render_pdf(report: Report, *, draft: bool = False) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report, draft=draft)).write_pdf()


def _headline_rows(report: Report) -> list[dict]:
    previous = report.data.get("previous", {})
    show = tables.suppress if report.is_lscb else (lambda v: v)
    rows = []
    for key, label, value in tables.headline(report.data):
        before = previous.get(key)
        change = None if before is None else value - before
        rows.append(
            {
                "label": label,
                "value": show(value),
                "previous": show(before) if before is not None else "–",
                "change": change if not report.is_lscb else None,
            }
        )
    return rows


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


def plan_summary() -> dict:
    """The latest rating of every action, counted by colour, for the LSCB report and the plan page."""
    latest = {}
    for update in RagUpdate.objects.select_related("action").order_by("action_id", "-dated", "-pk"):
        latest.setdefault(update.action_id, update)
    counts = {rag.value: 0 for rag in Rag}
    for update in latest.values():
        counts[update.rating] += 1
    return {"counts": counts, "latest": latest}


@transaction.atomic
def rag_record(
    *, actor: User, action: PlanAction, rating: str, commentary: str, dated: date, request: HttpRequest | None = None
) -> RagUpdate:
    if not (actor.is_chair or actor.is_coordinator or actor.is_system_admin):
        raise PermissionDenied("Only members of the strategic group (chairs and coordinators) rate progress.")
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
