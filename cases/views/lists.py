"""The case list, search and CSV export."""

import re
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases import selectors
from cases.access import (
    restrict_to_visible,
)
from cases.forms import (
    CaseFilterForm,
    SearchForm,
)
from cases.models import Case
from cases.views._shared import PAGE_SIZE
from met.access import require_case_role
from met.audit import audit, audit_list_page
from met.csv import csv_response
from met.pagination import CountKeptPaginator, count_key


@login_required
@require_safe
def case_list(request):
    require_case_role(request.user)
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)
    cases = selectors.filtered_cases(request.user, form.cleaned_data, per_row=True).only(*selectors.CASE_ROW_FIELDS)
    paginator = CountKeptPaginator(
        cases,
        PAGE_SIZE,
        key=count_key(request.user, "case_list", request.GET),
        counted=lambda: selectors.filtered_cases(request.user, form.cleaned_data).order_by(),
    )
    number = form.cleaned_data.get("page") or 1
    if number > paginator.num_pages:
        form.add_error(
            "page",
            f"There is no page {number}: the list has {paginator.num_pages} page{'s' if paginator.num_pages != 1 else ''}.",
        )
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=404)
    page = paginator.page(number)
    selectors.with_lookups(page.object_list)  # read once, kept in the page's queryset
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
    cases = selectors.with_lookups(
        selectors.filtered_cases(request.user, form.cleaned_data), "categories", "agencies_involved"
    )
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


# Four pages of 25. Three letters of a common name match thousands of children in a region; past a
# hundred the search asks for more of the name. Counting to 500 walked five times the rows: 17 ms of
# a 40 ms page for "mar" at 100,000 children in two areas, 4 ms to 100 (issue 14).
SEARCH_LIMIT = 100
# Of each result only what the list shows (cases/templatetags/case_rows.py): the full rows of case and
# child are some fifty columns to build, compile and read (issue 14). A field shown later must be
# added here, or each result reads it alone (tests/cases/test_query_counts.py).
SEARCH_RESULT_FIELDS = (
    *("id", "status", "risk_level", "child"),
    *("child__first_name", "child__last_name", "child__known_as", "child__date_of_birth"),
)


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
            # Any of the child's names (Child.search_name, upper case as the database makes it, so the
            # word is put in upper case there too): the word has no space in it, so it cannot match
            # across two names.
            name_match &= Q(child__search_name__contains=Upper(Value(word)))
        match |= name_match
    # The results show the child, the reference, status and risk: not the categories, lead agency or
    # lead professional that case_queryset reads for the case list (a third of the page's time, issue 14).
    cases = (
        restrict_to_visible(Case.objects.select_related("child"), request.user)
        .filter(match)
        .order_by("child__last_name", "child__first_name", "-pk")
    )
    shown = cases.only(*SEARCH_RESULT_FIELDS)
    # Counted up to a limit: three letters of a common name can match thousands of children in a
    # region, and nobody pages through those; the page asks for more of the name instead. Counted
    # without the name order, so PostgreSQL can stop after the limit from the trigram indexes rather
    # than walk the name index filtering every child (100,000 children, "mar": 26 -> 3.5 ms), and once
    # for both the count and "more than the limit".
    matches = cases.order_by()[: SEARCH_LIMIT + 1].count()
    paginator = Paginator(shown[:SEARCH_LIMIT], PAGE_SIZE)
    paginator.count = min(matches, SEARCH_LIMIT)
    page = paginator.get_page(request.GET.get("page"))
    too_many = matches > SEARCH_LIMIT
    # The search term itself may be a child's name: only the number of results is kept.
    audit(
        actor=request.user,
        action="case.search",
        object_type="cases.case",
        object_id="search",
        request=request,
        detail={"results": f"over {SEARCH_LIMIT}" if too_many else page.paginator.count},
    )
    return render(
        request, "cases/search.html", {"form": form, "page": page, "too_many": too_many, "limit": SEARCH_LIMIT}
    )
