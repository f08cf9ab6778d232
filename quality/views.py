"""Case audit pages (issue 17): rounds, auditors, grading, moderation, findings and learning actions.

Every page goes through quality/access.py (404 for what the user may not see, 403 for what they may see
but not change); every write through quality/services.py. Reading a sampled child's details writes an
audit event whose detail names the reason, a case audit.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from met.access import require_case_role
from met.audit import audit, client_ip, insert_events
from met.views.editing import apply_service_error
from quality import access, moderation, selectors, services
from quality.forms import (
    AuditorForm,
    CompleteForm,
    FindingForm,
    LearningActionForm,
    ModerationForm,
    RoundForm,
    grade_form_class,
)
from quality.models import AgencyAnswer, Finding, FindingKind, LearningActionStatus, RoundAuditor

REASON = "case_audit"


def _status(error: ValidationError) -> int:
    codes = [e.code for errors in getattr(error, "error_dict", {}).values() for e in errors]
    return 409 if services.CONFLICT in codes else 400


def _submit(request, form, save) -> tuple[object, int]:
    """A form page's POST: validate the form and call `save(cleaned_data)`, which calls the service and returns
    the response to send (a redirect). Otherwise (None, status): 200 for a GET, 400 for bad input, 409 for a
    stale edit, with the service's messages on the form's fields."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return save(form.cleaned_data), 200
    except ValidationError as error:
        apply_service_error(form, error)
        return None, _status(error)


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _audit_read(request, sampled_cases, round_, page: str) -> None:
    insert_events(
        actor=request.user,
        ip_address=client_ip(request),
        via_api=False,
        rows=[
            (
                "case.view",
                "cases.case",
                s.case_id,
                s.case.child_id,
                {"page": page, "round": round_.pk, "reason": REASON},
            )
            for s in sampled_cases
        ],
    )


def _audit_case_read(request, sampled, round_, page: str) -> None:
    audit(
        actor=request.user,
        action="case.view",
        obj=sampled.case,
        child_id=sampled.case.child_id,
        request=request,
        detail={"page": page, "round": round_.pk, "reason": REASON},
    )


@login_required
@require_safe
def round_list(request):
    require_case_role(request.user)
    return render(
        request,
        "quality/round_list.html",
        {"rounds": list(selectors.round_list(request.user)), "may_start": access.may_start_rounds(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request):
    require_case_role(request.user)
    if not access.may_start_rounds(request.user):
        raise PermissionDenied("Only the MET coordinator or a chair can start a case audit round.")
    form = _bound(RoundForm, request)

    def save(data):
        round_ = services.round_start(
            actor=request.user,
            title=data["title"],
            theme=data["theme"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            sample_size=data["sample_size"],
            criteria=form.criteria(),
            seed=data["seed"],
            request=request,
        )
        messages.success(request, f"Round started: {len(round_.drawn_case_ids)} cases drawn (seed {round_.seed}).")
        return redirect(round_)

    done, status = _submit(request, form, save)
    if done:
        return done
    return render(request, "quality/round_form.html", {"form": form}, status=status)


@login_required
@require_safe
def round_detail(request, pk: int):
    round_ = access.get_round_for_user(request.user, pk)
    mine = access.active_auditor(request.user, round_)
    sample = [
        s for s in selectors.round_sample(round_) if access.sees_sampled_case(request.user, s.case, auditing=mine)
    ]
    _audit_read(request, sample, round_, "audit_round")
    auditing = services.auditing_agencies(round_)
    for s in sample:
        s.waiting = moderation.waiting_for(s, auditing=auditing) if not s.moderated_at else []
    return render(
        request,
        "quality/round_detail.html",
        {
            "round": round_,
            "sample": sample,
            "auditors": selectors.round_auditors(round_),
            "findings": selectors.round_findings(round_),
            "grades": selectors.round_grades(round_),
            "may_run": access.may_run(request.user, round_),
            "my_place": mine,
            "running": round_.is_running(timezone.localdate()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_auditors(request, pk: int):
    round_ = access.get_round_for_user(request.user, pk, run=True)
    form = _bound(AuditorForm, request)

    def save(data):
        services.auditor_add(actor=request.user, round_=round_, auditor=data["email"], request=request)
        messages.success(request, f"{data['email'].full_name} is now an auditor on this round.")
        return redirect("audit_round_auditors", round_.pk)

    done, status = _submit(request, form, save)
    if done:
        return done
    return render(
        request,
        "quality/auditors.html",
        {"round": round_, "form": form, "auditors": selectors.round_auditors(round_)},
        status=status,
    )


@login_required
@require_POST
def auditor_remove(request, pk: int, auditor_pk: int):
    round_ = access.get_round_for_user(request.user, pk, run=True)
    place = get_object_or_404(RoundAuditor.objects.select_related("round", "user"), pk=auditor_pk, round=round_)
    services.auditor_remove(actor=request.user, place=place, request=request)
    messages.success(request, f"{place.user.full_name} is no longer an auditor; their view of the cases has ended.")
    return redirect("audit_round_auditors", round_.pk)


@login_required
@require_POST
def round_close(request, pk: int):
    round_ = access.get_round_for_user(request.user, pk, run=True)
    try:
        services.round_close(actor=request.user, round_=round_, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(
            request, "quality/refused.html", {"round": round_, "reason": " ".join(error.messages)}, status=400
        )
    messages.success(request, "Round closed. The auditors no longer see its cases.")
    return redirect(round_)


@login_required
@require_safe
def case_detail(request, pk: int, case_pk: int):
    round_ = access.get_round_for_user(request.user, pk)
    sampled = access.get_sampled_for_user(request.user, round_, case_pk)
    _audit_case_read(request, sampled, round_, "audit_case")
    answers = list(
        AgencyAnswer.objects.filter(sampled=sampled)
        .select_related("agency", "auditor")
        .prefetch_related("grades__question")
    )
    mine = access.active_auditor(request.user, round_)
    return render(
        request,
        "quality/case_detail.html",
        {
            "round": round_,
            "sampled": sampled,
            "case": sampled.case,
            "answers": answers,
            "waiting": moderation.waiting_for(sampled, auditing=services.auditing_agencies(round_)),
            "my_place": mine,
            "may_run": access.may_run(request.user, round_),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_grade(request, pk: int, case_pk: int):
    round_ = access.get_round_for_user(request.user, pk)
    sampled = access.get_sampled_for_user(request.user, round_, case_pk)
    place = access.require_auditor(request.user, round_)
    questions = selectors.tool_questions(round_)
    form_class = grade_form_class(questions)
    answer = (
        AgencyAnswer.objects.filter(sampled=sampled, agency=place.agency).prefetch_related("grades__question").first()
    )
    status = 200
    if request.method == "GET":
        _audit_case_read(request, sampled, round_, "audit_grade")
        initial = {"version": answer.version if answer else 0}
        if answer:
            initial["involvement"] = answer.involvement
            for g in answer.grades.all():
                initial[f"grade_{g.question.code}"] = g.grade
                initial[f"evidence_{g.question.code}"] = g.evidence
        form = form_class(initial=initial)
    else:
        form = form_class(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_record(
                    actor=request.user,
                    round_=round_,
                    case=sampled.case,
                    agency=place.agency,
                    involvement=data["involvement"],
                    grades={q.code: (data[f"grade_{q.code}"], data[f"evidence_{q.code}"]) for q in questions},
                    expected_version=data.get("version") or 0,
                    request=request,
                )
            except ValidationError as error:
                status = _status(error)
                apply_service_error(form, error)
            else:
                messages.success(request, f"{place.agency.short_name}'s grades for {sampled.case.reference} saved.")
                return redirect(sampled)
    sections = []
    for q in questions:
        if not sections or sections[-1]["title"] != q.section.title:
            sections.append({"title": q.section.title, "guidance": q.section.guidance, "fields": []})
        sections[-1]["fields"].append((form[f"grade_{q.code}"], form[f"evidence_{q.code}"]))
    return render(
        request,
        "quality/grade_form.html",
        {"round": round_, "sampled": sampled, "case": sampled.case, "form": form, "sections": sections, "place": place},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_moderate(request, pk: int, case_pk: int):
    round_ = access.get_round_for_user(request.user, pk)
    sampled = access.get_sampled_for_user(request.user, round_, case_pk)
    if not access.may_run(request.user, round_):
        raise PermissionDenied("Only the round's lead or a chair moderates its grades.")
    waiting = moderation.waiting_for(sampled, auditing=services.auditing_agencies(round_))
    answered = sampled.answers.exists()
    status = 200
    if request.method == "GET":
        _audit_case_read(request, sampled, round_, "audit_moderate")
        form = ModerationForm(
            initial={
                "final_grade": sampled.final_grade,
                "final_reasons": sampled.final_reasons,
                "version": sampled.version,
            }
        )
    else:
        form = ModerationForm(request.POST)
        status = 400
        valid = form.is_valid()
        blocked = bool(waiting) or not answered
        if valid or blocked:
            data = form.cleaned_data
            try:
                services.moderate(
                    actor=request.user,
                    round_=round_,
                    sampled=sampled,
                    grade=data.get("final_grade", ""),
                    reasons=data.get("final_reasons", ""),
                    expected_version=data.get("version") or 0,
                    request=request,
                )
            except ValidationError as error:
                # Refused before any grade is looked at: every involved agency must answer first.
                status = 409 if blocked else _status(error)
                if blocked:
                    form.errors.clear()
                apply_service_error(form, error)
            else:
                messages.success(request, f"Final grade for {sampled.case.reference} agreed.")
                return redirect(sampled)
    return render(
        request,
        "quality/moderate_form.html",
        {
            "round": round_,
            "sampled": sampled,
            "case": sampled.case,
            "form": form,
            "waiting": waiting,
            "answered": answered,
            "answers": list(
                AgencyAnswer.objects.filter(sampled=sampled)
                .select_related("agency", "auditor")
                .prefetch_related("grades__question")
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request, pk: int):
    round_ = access.get_round_for_user(request.user, pk, run=True)
    sample = selectors.round_sample(round_)
    form = _bound(FindingForm, request, sample=sample)

    def save(data):
        chosen = next((s for s in sample if s.pk == data["sampled"]), None)
        services.finding_record(
            actor=request.user, round_=round_, kind=data["kind"], text=data["text"], sampled=chosen, request=request
        )
        messages.success(request, "Finding recorded.")
        return redirect(round_.get_absolute_url() + "#findings")

    done, status = _submit(request, form, save)
    if done:
        return done
    return render(request, "quality/finding_form.html", {"round": round_, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def learning_action_new(request, pk: int, finding_pk: int):
    round_ = access.get_round_for_user(request.user, pk, run=True)
    finding = Finding.objects.filter(pk=finding_pk, round=round_, kind=FindingKind.LEARNING).first()
    if finding is None:
        raise Http404("No such learning point on this round.")
    form = _bound(LearningActionForm, request)

    def save(data):
        action = services.learning_action_create(
            actor=request.user,
            finding=finding,
            description=data["description"],
            owner=data["owner_email"],
            due_date=data["due_date"],
            request=request,
        )
        messages.success(request, f"Learning action given to {action.owner.full_name}.")
        return redirect(round_.get_absolute_url() + "#findings")

    done, status = _submit(request, form, save)
    if done:
        return done
    return render(
        request, "quality/learning_action_form.html", {"round": round_, "finding": finding, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_action_detail(request, pk: int):
    action = access.get_learning_action_for_user(request.user, pk, write=request.method == "POST")
    may_complete = action.owner_id == request.user.pk or access.may_run(request.user, action.finding.round)
    form = _bound(CompleteForm, request)

    def save(data):
        services.learning_action_complete(
            actor=request.user, action=action, note=data["completion_note"], request=request
        )
        messages.success(request, "Learning action completed.")
        return redirect(action)

    done, status = _submit(request, form, save)
    if done:
        return done
    round_visible = access.rounds_visible_to(request.user).filter(pk=action.finding.round_id).exists()
    return render(
        request,
        "quality/learning_action_detail.html",
        {
            "action": action,
            "form": form,
            "may_complete": may_complete and action.status == LearningActionStatus.OPEN,
            "round_visible": round_visible,
            "overdue": action.is_overdue(),
        },
        status=status,
    )
