"""Risk assessment pages: draft, live score, submit, confirm, PDF, referrals, reviews, tool settings."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import cases_visible_to, get_case_for_user, require_coordination
from cases.models import CaseStatus
from met.access import require_case_role
from met.audit import audit, audit_list_page
from met.concurrency import StaleEditError
from met.pagination import CountKeptPaginator, count_key
from met.views.editing import apply_service_error
from riskassessment import definition, services
from riskassessment.access import get_assessment_for_user, get_referral_for_user
from riskassessment.forms import (
    AssessmentForm,
    ConfirmForm,
    ProviderForm,
    PublishToolForm,
    ReferralForm,
    ReferralOutcomeForm,
    ReviewIntervalsForm,
)
from riskassessment.models import AssessmentStatus, Provider, ReferralOutcome, ToolVersion


def _audit_read(request, assessment, action="assessment.view"):
    audit(actor=request.user, action=action, obj=assessment, child_id=assessment.case.child_id, request=request)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request, pk: int):
    """GET explains what happens; POST starts the draft (a copy of the last assessment, if any)."""
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    last = case.assessments.exclude(status=AssessmentStatus.DRAFT).first()
    drafts = case.assessments.filter(status=AssessmentStatus.DRAFT).select_related("created_by")
    if request.method == "POST":
        try:
            assessment = services.assessment_start(actor=request.user, case=case, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(case)
        return redirect("assessment_edit", pk=assessment.pk)
    return render(request, "riskassessment/start.html", {"case": case, "last": last, "drafts": drafts})


def _edit_context(assessment, form, result=None):
    if result is None:
        result = services.compute(assessment.tool, services.answers_of(assessment), assessment.assessment_date)
    return {"assessment": assessment, "case": assessment.case, "form": form, "result": result}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk: int):
    require_case_role(request.user)
    assessment = get_assessment_for_user(request.user, pk, write=True)
    form = AssessmentForm(request.POST or None, assessment=assessment)
    if request.method == "GET":
        _audit_read(request, assessment)
        return render(request, "riskassessment/edit.html", _edit_context(assessment, form))
    if form.is_valid():
        try:
            assessment = services.assessment_save_draft(
                actor=request.user,
                assessment=assessment,
                expected_version=form.cleaned_data["version"],
                assessment_date=form.cleaned_data["assessment_date"],
                summary=form.cleaned_data["summary"],
                answers=form.answers(),
                request=request,
            )
            if request.POST.get("action") == "submit":
                services.assessment_submit(actor=request.user, assessment=assessment, request=request)
                messages.success(
                    request, "Assessment submitted. The coordinator or a chair will confirm the risk level."
                )
                return redirect(assessment)
        except StaleEditError as error:
            form.add_error(None, error.message())
            return render(request, "riskassessment/edit.html", _edit_context(assessment, form), status=409)
        except ValidationError as error:
            apply_service_error(form, error)
            if request.POST.get("action") == "submit":
                # The draft itself was saved; only the submission was refused. Keep the form current.
                form.data = form.data.copy()
                form.data["version"] = assessment.version
        else:
            messages.success(
                request,
                f"Draft saved. Score {assessment.score}: category {assessment.category} ({assessment.category_label}).",
            )
            return redirect("assessment_edit", pk=assessment.pk)
    return render(request, "riskassessment/edit.html", _edit_context(assessment, form), status=400)


@login_required
@require_POST
def assessment_score(request, pk: int):
    """The live score panel (HTMX): scores what is on the form now, saves nothing."""
    require_case_role(request.user)
    # Part of editing the draft, so it needs what editing needs.
    assessment = get_assessment_for_user(request.user, pk, write=True)
    form = AssessmentForm(request.POST, assessment=assessment)
    form.is_valid()
    data = dict(getattr(form, "cleaned_data", {}))
    when = data.get("assessment_date") or assessment.assessment_date
    result = services.compute(assessment.tool, form.answers(data), when)
    return render(request, "riskassessment/score_panel.html", {"result": result, "assessment": assessment})


@login_required
@require_safe
def assessment_detail(request, pk: int):
    require_case_role(request.user)
    assessment = get_assessment_for_user(request.user, pk)
    _audit_read(request, assessment)
    answers = {a.indicator_id: a for a in assessment.answers.all()}
    sections = [
        (section, [(indicator, answers.get(indicator.pk)) for indicator in section.indicators.all()])
        for section in assessment.tool.sections.prefetch_related("indicators")
    ]
    context = {"assessment": assessment, "case": assessment.case, "sections": sections}
    if assessment.status == AssessmentStatus.SUBMITTED and request.user.sees_all_cases:
        context["confirm_form"] = ConfirmForm(initial={"level": assessment.suggested_level})
    if assessment.status == AssessmentStatus.CONFIRMED:
        context["providers"] = services.suggested_providers(assessment.confirmed_level, assessment.case.area_id)
    return render(request, "riskassessment/detail.html", context)


@login_required
@require_POST
def assessment_submit(request, pk: int):
    require_case_role(request.user)
    assessment = get_assessment_for_user(request.user, pk, write=True)
    try:
        services.assessment_submit(actor=request.user, assessment=assessment, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessment_edit", pk=assessment.pk)
    messages.success(request, "Assessment submitted.")
    return redirect(assessment)


@login_required
@require_POST
def assessment_confirm(request, pk: int):
    require_coordination(request.user)
    assessment = get_assessment_for_user(request.user, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_confirm(actor=request.user, assessment=assessment, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Risk level confirmed as {form.cleaned_data['level']}.")
            return redirect(assessment)
    answers = {a.indicator_id: a for a in assessment.answers.all()}
    sections = [
        (section, [(indicator, answers.get(indicator.pk)) for indicator in section.indicators.all()])
        for section in assessment.tool.sections.prefetch_related("indicators")
    ]
    return render(
        request,
        "riskassessment/detail.html",
        {"assessment": assessment, "case": assessment.case, "sections": sections, "confirm_form": form},
        status=400,
    )


@login_required
@require_safe
def assessment_pdf(request, pk: int):
    from weasyprint import HTML

    require_case_role(request.user)
    assessment = get_assessment_for_user(request.user, pk)
    answers = {a.indicator_id: a for a in assessment.answers.all()}
    sections = [
        (section, [(indicator, answers.get(indicator.pk)) for indicator in section.indicators.all()])
        for section in assessment.tool.sections.prefetch_related("indicators")
    ]
    html = render_to_string(
        "riskassessment/assessment_pdf.html",
        {
            "assessment": assessment,
            "case": assessment.case,
            "sections": sections,
            "printed_by": request.user,
            "printed_at": timezone.now(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    _audit_read(request, assessment, "assessment.pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{assessment.case.reference}-assessment-{assessment.pk}.pdf"'
    )
    return response


# --- referrals ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    latest = case.assessments.filter(status=AssessmentStatus.CONFIRMED).first()
    initial = {"referred_on": timezone.localdate()}
    if latest and (suggested := services.suggested_providers(latest.confirmed_level, case.area_id)):
        initial["provider"] = suggested[0]
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                actor=request.user, case=case, assessment=latest, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Referral to {form.cleaned_data['provider']} recorded.")
            return redirect(case)
    suggested = services.suggested_providers(case.risk_level, case.area_id)
    return render(
        request,
        "riskassessment/referral_form.html",
        {"case": case, "form": form, "suggested": suggested},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_outcome(request, pk: int):
    require_case_role(request.user)
    referral = get_referral_for_user(request.user, pk, write=True)
    form = ReferralOutcomeForm(
        request.POST or None, initial={"outcome": referral.outcome, "note": referral.outcome_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_record_outcome(
                actor=request.user, referral=referral, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Referral outcome recorded.")
            return redirect(referral.case)
    return render(
        request,
        "riskassessment/referral_outcome.html",
        {"referral": referral, "case": referral.case, "form": form},
        status=400 if form.errors else 200,
    )


# --- reviews due ----------------------------------------------------------------------------


@login_required
@require_safe
def reviews_due(request):
    require_case_role(request.user)
    today = timezone.localdate()
    horizon = today + timezone.timedelta(days=14)
    cases = (
        cases_visible_to(request.user)
        .filter(status=CaseStatus.OPEN, risk_review_due__isnull=False, risk_review_due__lte=horizon)
        .select_related("child", "lead_professional")
        .order_by("risk_review_due", "pk")
    )
    # Thousands are due at region size: the total may be half a minute old, like the case list's.
    paginator = CountKeptPaginator(cases, 25, key=count_key(request.user, "reviews_due", request.GET))
    page = paginator.get_page(request.GET.get("page"))
    audit_list_page(
        actor=request.user, kind="reviews_due", child_ids=[c.child_id for c in page.object_list], request=request
    )
    return render(request, "riskassessment/reviews_due.html", {"page": page, "today": today})


# --- system admin ---------------------------------------------------------------------------


def _require_system_admin(user) -> None:
    if not user.is_system_admin:
        raise PermissionDenied("Only a system admin manages the risk tool.")


@login_required
@require_http_methods(["GET", "POST"])
def tool_versions(request):
    _require_system_admin(request.user)
    tools = ToolVersion.objects.select_related("published_by").order_by("-published_at")
    current = tools.filter(is_current=True).first()
    template = json.dumps(definition.export(current), indent=2, ensure_ascii=False) if current else ""
    form = PublishToolForm(request.POST or None, initial={"definition": template})
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.tool_publish(actor=request.user, data=form.cleaned_data["definition"], request=request)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("definition", message)
        else:
            messages.success(
                request, f"{tool} published. New assessments use it; existing ones keep their own version."
            )
            return redirect("tool_versions")
    return render(
        request, "riskassessment/tool_versions.html", {"tools": tools, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_intervals(request):
    _require_system_admin(request.user)
    form = ReviewIntervalsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.review_intervals_update(actor=request.user, weeks=form.cleaned_data, request=request)
        messages.success(request, "Review intervals saved. They apply to levels confirmed from now on.")
        return redirect("review_intervals")
    providers = Provider.objects.all()
    return render(
        request,
        "riskassessment/settings.html",
        {"form": form, "providers": providers, "outcomes": ReferralOutcome},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit(request, pk: int | None = None):
    _require_system_admin(request.user)
    provider = get_object_or_404(Provider, pk=pk) if pk else None
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        saved = services.provider_save(actor=request.user, provider=provider, request=request, **form.cleaned_data)
        messages.success(request, f"{saved.name} saved.")
        return redirect("review_intervals")
    return render(
        request,
        "riskassessment/provider_form.html",
        {"form": form, "provider": provider},
        status=400 if form.errors else 200,
    )
