"""Pages for children, cases, concerns and missing episodes. Views validate, services act."""

import re
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import extensions, services
from cases.access import (
    can_change_case,
    cases_visible_to,
    get_case_for_user,
    get_concern_for_user,
    get_episode_for_user,
    require_coordination,
)
from cases.duplicates import possible_duplicates
from cases.forms import (
    CaseEditForm,
    CaseFilterForm,
    ChildEditForm,
    ChildForm,
    CloseCaseForm,
    ConcernForm,
    DuplicateChoiceForm,
    MissingEpisodeEditForm,
    MissingEpisodeForm,
    NoteForm,
    OpenCaseForm,
    SearchForm,
    VoiceForm,
)
from cases.missing import episode_rhi_state, overdue_rhi_filter
from cases.models import Case, CaseStatus, Concern, MissingEpisode, RiskLevel
from met.access import require_case_role
from met.audit import audit, audit_list_page
from met.csv import csv_response
from met.models import AuditEvent
from met.views.editing import apply_service_error, versioned_edit

PAGE_SIZE = 25


def _audit_view(request, case: Case, page: str) -> None:
    audit(
        actor=request.user, action="case.view", obj=case, child_id=case.child_id, request=request, detail={"page": page}
    )


def _case_queryset():
    return Case.objects.select_related("child", "lead_agency", "lead_professional").prefetch_related("categories")


# --- logging a concern ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def concern_log(request):
    """Log a concern about a child: search first, warn of possible duplicates, then create."""
    require_case_role(request.user)
    child_form = ChildForm(request.POST or None, prefix="child")
    concern_form = ConcernForm(request.POST or None, prefix="concern")
    candidates, choice_form = [], None
    if request.method == "POST" and child_form.is_valid() & concern_form.is_valid():
        data = child_form.cleaned_data
        matches = possible_duplicates(data)
        visible_ids = set(
            cases_visible_to(request.user).filter(child__in=[m.pk for m in matches]).values_list("child_id", flat=True)
        )
        candidates = [m for m in matches if m.pk in visible_ids]
        # A match the user may not see is never shown to them; the coordinator checks it at triage.
        hidden_match = next((m for m in matches if m.pk not in visible_ids), None)
        choice = request.POST.get("duplicate-choice")
        if candidates and choice is None:
            choice_form = DuplicateChoiceForm(prefix="duplicate", candidates=candidates)
            return render(
                request, "cases/concern_form.html", _concern_context(child_form, concern_form, candidates, choice_form)
            )
        child = None
        if candidates:
            choice_form = DuplicateChoiceForm(request.POST, prefix="duplicate", candidates=candidates)
            if not choice_form.is_valid():
                return render(
                    request,
                    "cases/concern_form.html",
                    _concern_context(child_form, concern_form, candidates, choice_form),
                    status=400,
                )
            if choice_form.cleaned_data["choice"] != DuplicateChoiceForm.NEW:
                child = choice_form.candidates[choice_form.cleaned_data["choice"]]
        try:
            concern = services.concern_log(
                actor=request.user,
                child=child,
                new_child=None if child else data,
                possible_duplicate_of=hidden_match if child is None else None,
                request=request,
                **concern_form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_error(
                child_form
                if hasattr(error, "error_dict") and set(error.error_dict) & set(child_form.fields)
                else concern_form,
                error,
            )
        else:
            messages.success(
                request, "Concern logged. The MET coordinator will review it; you will be told what happens."
            )
            return redirect("concern_detail", pk=concern.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/concern_form.html",
        _concern_context(child_form, concern_form, candidates, choice_form),
        status=status,
    )


def _concern_context(child_form, concern_form, candidates, choice_form):
    return {
        "child_form": child_form,
        "concern_form": concern_form,
        "candidates": candidates,
        "choice_form": choice_form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def concern_log_for_case(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk)
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_log(actor=request.user, child=case.child, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Concern logged and added to the child's record.")
            return redirect("concern_detail", pk=concern.pk)
    return render(
        request, "cases/concern_for_case.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_safe
def concern_detail(request, pk: int):
    require_case_role(request.user)
    concern = get_concern_for_user(request.user, pk)
    _audit_view(request, concern.case, "concern")
    sees_case = cases_visible_to(request.user).filter(pk=concern.case_id).exists()
    return render(
        request, "cases/concern_detail.html", {"concern": concern, "case": concern.case, "sees_case": sees_case}
    )


# --- triage ---------------------------------------------------------------------------------


@login_required
@require_safe
def triage_inbox(request):
    require_coordination(request.user)
    concerns = (
        Concern.objects.filter(triaged_at__isnull=True)
        .select_related("case__child", "logged_by", "source_agency", "category", "possible_duplicate_of")
        .order_by("logged_at")
    )
    page = Paginator(concerns, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list_page(
        actor=request.user, kind="triage", child_ids=[c.case.child_id for c in page.object_list], request=request
    )
    return render(request, "cases/triage_inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request, pk: int):
    require_coordination(request.user)
    case = get_case_for_user(request.user, pk)
    if case.status != CaseStatus.REFERRED:
        messages.info(request, f"This case is already {case.get_status_display().lower()}.")
        return redirect(case)
    initial = {"categories": list(case.categories.all())}
    form = OpenCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_open(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} opened. The agencies involved can now see it.")
            return redirect(case)
    _audit_view(request, case, "open")
    return render(request, "cases/case_open.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, pk: int):
    require_coordination(request.user)
    case = get_case_for_user(request.user, pk)
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} closed. Nothing has been deleted.")
            return redirect(case)
    return render(request, "cases/case_close.html", {"case": case, "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def concern_acknowledge(request, pk: int):
    require_coordination(request.user)
    concern = get_concern_for_user(request.user, pk, write=True)
    try:
        services.concern_acknowledge(actor=request.user, concern=concern, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("triage_inbox")
    messages.success(request, f"Concern added to case {concern.case.reference}.")
    return redirect("triage_inbox")


# --- the case page --------------------------------------------------------------------------


def _panel_context(case: Case) -> dict:
    """The sections other apps add to the case page (cases.extensions), and their variables."""
    context = {"case_panels": [panel.template for panel in extensions.case_panels()]}
    for panel in extensions.case_panels():
        context.update(panel.context(case))
    return context


def _timeline(case: Case, now: datetime) -> list[dict]:
    items = []
    for concern in case.concerns.select_related("logged_by", "source_agency", "category"):
        items.append({"kind": "concern", "at": concern.observed_at, "obj": concern})
    for episode in case.missing_episodes.all():
        items.append(
            {
                "kind": "missing",
                "at": episode.went_missing_at,
                "obj": episode,
                "rhi": episode_rhi_state(episode, now=now),
            }
        )
    for note in case.notes.select_related("author"):
        items.append({"kind": "note", "at": note.created_at, "obj": note})
    # Decisions and actions from MEOG meetings (and ad hoc actions), from the apps that own them.
    items += extensions.timeline_items(case, now)
    return sorted(items, key=lambda item: item["at"], reverse=True)


@login_required
@require_safe
def case_detail(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(
        request.user,
        pk,
        queryset=_case_queryset().prefetch_related(Prefetch("agencies_involved"), "restricted_to"),
    )
    now = timezone.now()
    _audit_view(request, case, "case")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "child": case.child,
            "timeline": _timeline(case, now),
            "may_change": can_change_case(request.user, case),
            "note_form": NoteForm(),
            "other_cases": case.child.cases.exclude(pk=case.pk).filter(
                pk__in=cases_visible_to(request.user).values("pk")
            ),
            **_panel_context(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    if request.method == "GET":
        _audit_view(request, case, "edit")
    return versioned_edit(
        request,
        # Practitioners who may change the case record the voice of the child; who works on it is the coordinator's call.
        form_class=CaseEditForm if request.user.sees_all_cases else VoiceForm,
        instance=case,
        save=lambda form: services.case_update(
            actor=request.user, case=case, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="cases/case_edit.html",
        context={"case": case},
        success_message="Case updated.",
        success_url=case,
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    if request.method == "GET":
        _audit_view(request, case, "child_edit")
    return versioned_edit(
        request,
        form_class=ChildEditForm,
        instance=case.child,
        save=lambda form: services.child_update(
            actor=request.user, child=case.child, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="cases/child_edit.html",
        context={"case": case},
        success_message="Child's details updated.",
        success_url=case,
    )


@login_required
@require_POST
def case_note_add(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.case_note_add(actor=request.user, case=case, text=form.cleaned_data["text"], request=request)
        messages.success(request, "Note added.")
        return redirect(case)
    _audit_view(request, case, "case")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "child": case.child,
            "timeline": _timeline(case, timezone.now()),
            "may_change": can_change_case(request.user, case),
            "note_form": form,
            **_panel_context(case),
        },
        status=400,
    )


# --- missing episodes -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def episode_create(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    form = MissingEpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.missing_episode_record(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            case.refresh_from_db(fields=["is_frequent_missing"])
            note = " The child is now flagged as frequently missing." if case.is_frequent_missing else ""
            messages.success(request, "Missing episode recorded." + note)
            return redirect(case)
    return render(
        request,
        "cases/episode_form.html",
        {"case": case, "form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request, pk: int):
    require_case_role(request.user)
    episode = get_episode_for_user(request.user, pk, write=True)
    if request.method == "GET":
        _audit_view(request, episode.case, "episode_edit")
    return versioned_edit(
        request,
        form_class=MissingEpisodeEditForm,
        instance=episode,
        save=lambda form: services.missing_episode_update(
            actor=request.user, episode=episode, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="cases/episode_form.html",
        context={"case": episode.case, "episode": episode},
        success_message="Missing episode updated.",
        success_url=episode.case,
    )


@login_required
@require_safe
def rhi_overdue_list(request):
    require_case_role(request.user)
    now = timezone.now()
    episodes = (
        MissingEpisode.objects.filter(overdue_rhi_filter(now=now), case__in=cases_visible_to(request.user))
        .select_related("case__child", "case__lead_professional")
        .order_by("returned_at")
    )
    page = Paginator(episodes, PAGE_SIZE).get_page(request.GET.get("page"))
    for episode in page.object_list:
        episode.rhi = episode_rhi_state(episode, now=now)
    audit_list_page(
        actor=request.user,
        kind="rhi_overdue",
        child_ids=[e.case.child_id for e in page.object_list],
        request=request,
    )
    return render(request, "cases/rhi_overdue.html", {"page": page})


# --- lists, search and export ---------------------------------------------------------------


def filtered_cases(user, data: dict):
    cases = _case_queryset().filter(pk__in=cases_visible_to(user).values("pk"))
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("risk_level"):
        cases = cases.filter(risk_level=data["risk_level"])
    if data.get("category"):
        cases = cases.filter(categories=data["category"])
    if data.get("agency"):
        cases = cases.filter(agencies_involved=data["agency"])
    if data.get("lead_professional"):
        cases = cases.filter(lead_professional=data["lead_professional"])
    flag = data.get("flag")
    if flag == "frequent_missing":
        cases = cases.filter(is_frequent_missing=True)
    elif flag == "high_risk":
        cases = cases.filter(risk_level=RiskLevel.HIGH)
    elif flag == "placed_out_of_area":
        cases = cases.filter(child__placed_out_of_area=True)
    elif flag == "placed_here":
        cases = cases.filter(child__placed_by_other_authority=True)
    elif flag == "restricted":
        cases = cases.filter(is_restricted=True)
    return cases.order_by("-created_at", "-pk")


@login_required
@require_safe
def case_list(request):
    require_case_role(request.user)
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)
    cases = filtered_cases(request.user, form.cleaned_data)
    paginator = Paginator(cases, PAGE_SIZE)
    number = form.cleaned_data.get("page") or 1
    if number > paginator.num_pages:
        form.add_error(
            "page",
            f"There is no page {number}: the list has {paginator.num_pages} page{'s' if paginator.num_pages != 1 else ''}.",
        )
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=404)
    page = paginator.page(number)
    audit_list_page(
        actor=request.user, kind="case_list", child_ids=[c.child_id for c in page.object_list], request=request
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_safe
def case_export(request):
    require_case_role(request.user)
    if not request.user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs can export the case list.")
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)
    cases = list(filtered_cases(request.user, form.cleaned_data).prefetch_related("agencies_involved"))
    header = [
        "Reference",
        "First name",
        "Last name",
        "Date of birth",
        "Status",
        "Risk level",
        "Categories",
        "Frequent missing",
        "Restricted",
        "Lead agency",
        "Lead professional",
        "Agencies involved",
        "Opened",
    ]
    rows = (
        (
            case.reference,
            case.child.first_name,
            case.child.last_name,
            case.child.date_of_birth.isoformat() if case.child.date_of_birth else "",
            case.get_status_display(),
            case.get_risk_level_display(),
            "; ".join(c.name for c in case.categories.all()),
            "yes" if case.is_frequent_missing else "no",
            "yes" if case.is_restricted else "no",
            case.lead_agency.short_name if case.lead_agency else "",
            case.lead_professional.full_name if case.lead_professional else "",
            "; ".join(a.short_name for a in case.agencies_involved.all()),
            timezone.localdate(case.opened_at).isoformat() if case.opened_at else "",
        )
        for case in cases
    )
    response = csv_response(f"met-cases-{timezone.localdate():%Y-%m-%d}.csv", header, rows)
    audit(
        actor=request.user,
        action="case.export",
        object_type="cases.case",
        object_id="list",
        request=request,
        detail={"count": len(cases), "cases": [c.pk for c in cases]},
    )
    return response


DATE_PATTERNS = (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"))


def _parse_date(text: str):
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            day, month, year = parts if pattern is DATE_PATTERNS[0] else reversed(parts)
            try:
                return datetime(year, month, day).date()
            except ValueError:
                return None
    return None


@login_required
@require_safe
def case_search(request):
    require_case_role(request.user)
    if "q" not in request.GET:
        return render(request, "cases/search.html", {"form": SearchForm(), "page": None})
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/search.html", {"form": form, "page": None}, status=400)
    q = form.cleaned_data["q"].strip()
    looks_like_date = any(pattern.match(q) for pattern in DATE_PATTERNS)
    when = _parse_date(q) if looks_like_date else None
    if looks_like_date and when is None:
        form.add_error("q", "That is not a real date. Enter a date of birth like 27/03/2010.")
        return render(request, "cases/search.html", {"form": form, "page": None}, status=400)
    if when is not None:
        match = Q(child__date_of_birth=when)
    else:
        match = (
            Q(child__police_number__iexact=q) | Q(child__csc_number__iexact=q) | Q(child__nhs_number=q.replace(" ", ""))
        )
        words = q.split()
        name_match = Q()
        for word in words[:4]:
            name_match &= (
                Q(child__first_name__icontains=word)
                | Q(child__last_name__icontains=word)
                | Q(child__known_as__icontains=word)
            )
        match |= name_match
    cases = (
        _case_queryset()
        .filter(match, pk__in=cases_visible_to(request.user).values("pk"))
        .order_by("child__last_name", "child__first_name", "-pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    # The search term itself may be a child's name: only the number of results is kept.
    audit(
        actor=request.user,
        action="case.search",
        object_type="cases.case",
        object_id="search",
        request=request,
        detail={"results": page.paginator.count, "children": sorted({c.child_id for c in page.object_list})},
    )
    return render(request, "cases/search.html", {"form": form, "page": page})


# --- who accessed this record ---------------------------------------------------------------


@login_required
@require_safe
def case_access_log(request, pk: int):
    user = request.user
    if not (user.is_chair or user.is_system_admin):
        raise PermissionDenied("Only chairs and system admins can see who accessed a record.")
    if user.is_chair:
        case = get_case_for_user(user, pk)
        show_child = True
    else:
        # A system admin sees who accessed the record, not what is in it.
        case = Case.objects.filter(pk=pk).first()
        if case is None:
            raise Http404("No such case.")
        show_child = False
    events = AuditEvent.objects.filter(child_id=case.child_id).select_related("actor__agency")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit(actor=user, action="case.view_access_log", obj=case, child_id=case.child_id, request=request)
    return render(request, "cases/access_log.html", {"case": case, "page": page, "show_child": show_child})
