"""Reports and the dashboard: for coordinators and chairs, of their own areas (issue 18; the strategic
report of every area for chairs, reporting/access.py). The plan's pages are in plan_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.models import Case
from met import cache
from met.areas import all_area_ids
from met.audit import audit, audit_list_page
from met.concurrency import StaleEditError
from met.csv import csv_response
from met.views.editing import apply_service_error
from reporting import dashboard as dashboard_figures
from reporting import metrics, services, tables
from reporting.access import get_report_for_user, reports_visible_to, require_chair, require_oversight
from reporting.forms import CommentaryForm, ReissueForm, RequestReportForm
from reporting.models import Report, ReportStatus

BUILT = (ReportStatus.DRAFT, ReportStatus.FINAL)


def _queue_build(report: Report) -> None:
    from reporting.tasks import build_report

    transaction.on_commit(lambda: build_report.delay(report.pk))


def _refused(request, report: Report, message: str):
    """The request conflicts with the report's state (say, re-issuing a draft): say why, change nothing."""
    return render(request, "reporting/refused.html", {"report": report, "message": message}, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    require_oversight(request.user)
    form = RequestReportForm(
        request.POST or None,
        user=request.user,
        initial={"month": services.previous_month(timezone.localdate())[0]},
    )
    if request.method == "POST":
        require_chair(request.user, "builds")
        if form.is_valid():
            # The area is asked only where there are several (issue 18); else the only one.
            area = {"area": form.cleaned_data["area"]} if "area" in form.cleaned_data else {}
            try:
                report, _ = services.report_request(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    start=form.cleaned_data["month"].replace(day=1),
                    request=request,
                    **area,
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                _queue_build(report)
                return redirect(report)
    reports = reports_visible_to(request.user).defer("pdf", "data").select_related("built_by", "finalised_by", "area")
    return render(
        request,
        "reporting/report_list.html",
        {"reports": reports, "form": form, "several_areas": len(all_area_ids()) > 1},
        status=400 if form.errors else 200,
    )


def _figures(report: Report) -> dict:
    """services.figures for the page, with its tables rendered: the same for every reader until the
    report is built again, so worked out and rendered once per build rather than on every view. Reading
    the figures alone (170 KB of JSON for a month at 100,000 cases) and building the tables took most of
    the page's time (issue 14). Whoever reads them here has passed get_report_for_user."""
    key = services.kept_key(report, "page")
    kept = cache.get(key)
    if kept is None:
        kept = services.figures(report)
        tables = kept.pop("tables")
        kept["tables_html"] = str(render_to_string("reporting/_tables.html", {"report": report, "tables": tables}))
        cache.set(key, kept, 3600)
    # Our own template's output, escaped when it was rendered.
    return {**kept, "tables_html": mark_safe(kept["tables_html"])}  # noqa: S308


@login_required
@require_safe
def report_detail(request, pk: int):
    # The figures are read only when the page's own copy of them is not kept (_figures).
    report = get_report_for_user(request.user, pk, figures=False)
    audit(actor=request.user, action="report.view", obj=report, request=request)
    context = {"report": report, "replaces": services.replaced_issue(report) if report.is_reissue else None}
    if report.status in BUILT:
        context.update(
            _figures(report),
            plan=services.plan_shown(report),
            form=CommentaryForm(instance=report, initial={"version": report.version}),
        )
    if request.headers.get("HX-Request") and report.status == ReportStatus.BUILDING and not report.build_stalled:
        return render(request, "reporting/_building.html", context)
    return render(request, "reporting/report_detail.html", context)


@login_required
@require_POST
def report_annotate(request, pk: int):
    report = get_report_for_user(request.user, pk)
    form = CommentaryForm(request.POST, instance=Report.objects.get(pk=pk))
    if form.is_valid():
        try:
            services.report_annotate(
                actor=request.user,
                report=report,
                expected_version=form.cleaned_data["version"],
                good_practice=form.cleaned_data["good_practice"],
                themes_narrative=form.cleaned_data["themes_narrative"],
                stuck_cases_narrative=form.cleaned_data["stuck_cases_narrative"],
                request=request,
            )
        except StaleEditError as error:
            messages.error(request, error.message())
            return redirect(report)
        messages.success(request, "Commentary saved.")
        return redirect(report)
    messages.error(
        request,
        "The commentary could not be saved: " + "; ".join(str(e) for errs in form.errors.values() for e in errs),
    )
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def report_finalise(request, pk: int):
    report = get_report_for_user(request.user, pk)
    require_chair(request.user, "finalises")
    if report.is_final:
        raise PermissionDenied(services.FINAL)
    if request.method == "POST":
        try:
            services.report_finalise(actor=request.user, report=report, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(report)
        messages.success(request, "Report finalised. Its PDF is stored and can no longer change.")
        return redirect(report)
    return render(request, "reporting/finalise.html", {"report": report})


@login_required
@require_http_methods(["GET", "POST"])
def report_reissue(request, pk: int):
    """Confirm, with a reason, that a finalised report is replaced by a new issue built afresh."""
    report = get_report_for_user(request.user, pk)
    require_chair(request.user, "re-issues")
    refusal = services.reissue_refusal(report)
    if refusal:
        return _refused(request, report, refusal)
    form = ReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.report_reissue(
                actor=request.user, report=report, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # The report changed state since the page was read (another chair re-issued it).
                return _refused(request, report, " ".join(error.messages))
            form.add_error("reason", error.message_dict.get("reason", error.messages))
        else:
            _queue_build(new)
            messages.success(request, f"{report} is superseded. Check this new issue, then finalise it.")
            return redirect(new)
    return render(
        request, "reporting/reissue.html", {"report": report, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def report_retry(request, pk: int):
    report = get_report_for_user(request.user, pk)
    require_chair(request.user, "builds")
    try:
        report = services.report_retry(actor=request.user, report=report, request=request)
    except ValidationError as error:
        return _refused(request, report, " ".join(error.messages))
    _queue_build(report)
    return redirect(report)


def _file_stem(report: Report) -> str:
    """kind-YYYY-MM, and which area where there are several (issue 18): "-all-areas" for the strategic report."""
    stem = f"{report.kind}-{report.period_start:%Y-%m}"
    if not report.area_suffix:
        return stem
    return f"{stem}-all-areas" if report.area_id is None else f"{stem}-{slugify(report.area.short_name)}"


@login_required
@require_safe
def report_pdf(request, pk: int):
    report = get_report_for_user(request.user, pk)
    if report.status not in BUILT:
        raise Http404("The report has not been built.")
    if report.is_final:
        pdf = bytes(Report.objects.values_list("pdf", flat=True).get(pk=pk))
    else:
        pdf = services.render_pdf(report, draft=True)
    audit(
        actor=request.user,
        action="report.download_pdf",
        obj=report,
        request=request,
        detail={"final": report.is_final, "sha256": report.pdf_sha256},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{_file_stem(report)}{'' if report.is_final else '-draft'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def report_csv(request, pk: int, table: str):
    report = get_report_for_user(request.user, pk)
    if report.status not in BUILT:
        raise Http404("The report has not been built.")
    shown = tables.build(report.data, lscb=report.is_lscb, show=services.presenter(report))
    found = next((t for t in shown if t.slug == table), None)
    if found is None:
        raise Http404("No such table in this report.")
    response = csv_response(f"{_file_stem(report)}-{table}.csv", found.headers, found.rows)
    audit(actor=request.user, action="report.download_csv", obj=report, request=request, detail={"table": table})
    return response


# --- dashboard ------------------------------------------------------------------------------


@login_required
@require_safe
def dashboard(request):
    """This month so far, for coordinators and chairs; each figure links to the list behind it."""
    require_oversight(request.user)
    context = dashboard_figures.figures(timezone.localdate(), dashboard_figures.scope(request.user))
    # The stuck-case tiles name cases: the page view is audited like every list of children.
    audit_list_page(
        actor=request.user,
        kind="dashboard",
        child_ids=Case.objects.filter(pk__in=[row["case_id"] for row in context["stuck"]]).values_list(
            "child_id", flat=True
        ),
        request=request,
    )
    return render(request, "reporting/dashboard.html", context)


@login_required
@require_safe
def dashboard_stuck_csv(request):
    """Every stuck case, as of now (the page names the first few)."""
    require_oversight(request.user)
    today = timezone.localdate()
    stuck = metrics.stuck_cases(services.month_bounds(today)[1], areas=dashboard_figures.scope(request.user))
    stuck_table = tables.stuck_table(stuck)
    audit_list_page(
        actor=request.user,
        kind="dashboard_stuck_csv",
        child_ids=Case.objects.filter(pk__in=[row["case_id"] for row in stuck]).values_list("child_id", flat=True),
        request=request,
    )
    return csv_response(f"stuck-cases-{today:%Y-%m-%d}.csv", stuck_table.headers, stuck_table.rows)
