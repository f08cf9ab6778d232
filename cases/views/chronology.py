"""A case's chronology (issue 16, part 4): the page, and the same filtered list as CSV and PDF. What
counts as an event and how it reads is cases/chronology.py. Whoever sees the case sees its chronology
(less what the case page hides from them); every view and download is audited, naming the child."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases import chronology
from cases.access import get_case_for_user
from cases.models import Case
from cases.views._shared import _audit_view
from met import dates
from met.access import require_case_role
from met.audit import audit
from met.csv import csv_response
from met.form_errors import Form

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
OLDEST, NEWEST = "oldest", "newest"
HEADER = ("Date", "Time", "Kind of event", "What happened", "Recorded by", "Agency")


class ChronologyFilterForm(Form):
    kind = forms.MultipleChoiceField(
        label="Kinds of event",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=chronology.kinds,
        help_text="Choose none to see every kind.",
        error_messages={"invalid_choice": "Kinds of event: “%(value)s” is not one of the options."},
    )
    start = dates.DateField(
        label="Start date",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Start date must be a real date, like 27 3 2026."},
    )
    end = dates.DateField(
        label="End date",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "End date must be a real date, like 27 3 2026."},
    )
    order = forms.ChoiceField(
        label="Order",
        required=False,
        initial=OLDEST,
        widget=forms.RadioSelect,
        choices=[(OLDEST, "Oldest first"), (NEWEST, "Newest first")],
        error_messages={"invalid_choice": "Order must be oldest first or newest first."},
    )

    def clean(self):
        cleaned = super().clean()
        problem = chronology.range_problem(cleaned.get("start"), cleaned.get("end"))
        if problem:
            self.add_error("end", problem)
        return cleaned

    def filters(self) -> chronology.Filters:
        if not self.is_bound:
            return chronology.Filters()
        data = self.cleaned_data
        return chronology.Filters(
            kinds=frozenset(data.get("kind") or ()),
            start=data.get("start"),
            end=data.get("end"),
            newest_first=data.get("order") == NEWEST,
        )

    def described(self) -> list[str]:
        """The filters in words, for the PDF's heading."""
        f = self.filters()
        words = []
        if f.kinds:
            labels = chronology.kind_labels()
            words.append("Only: " + ", ".join(labels[k] for k in labels if k in f.kinds))
        if f.start:
            words.append(f"From {chronology.day_text(f.start)}")
        if f.end:
            words.append(f"Up to {chronology.day_text(f.end)}")
        words.append("Newest first" if f.newest_first else "Oldest first")
        return words


def _case_and_form(request, pk: int) -> tuple[Case, ChronologyFilterForm]:
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk)
    return case, ChronologyFilterForm(request.GET or None)


def _page(request, case: Case, form: ChronologyFilterForm, status: int = 200):
    valid = not form.is_bound or form.is_valid()
    entries = chronology.case_chronology(case, request.user, form.filters()) if valid else None
    context = {
        "case": case,
        "child": case.child,
        "form": form,
        "entries": entries,
        "labels": chronology.kind_labels(),
        "filtered": form.is_bound,
        "query": request.GET.urlencode(),
    }
    return render(request, "cases/chronology.html", context, status=status if valid else 400)


@login_required
@require_safe
def case_chronology(request, pk: int):
    case, form = _case_and_form(request, pk)
    _audit_view(request, case, "chronology")
    return _page(request, case, form)


def _export(request, pk: int, fmt: str, respond):
    """The filtered chronology handed to `respond(case, form, entries)`, the download audited; or the
    page with the filters' errors (400)."""
    case, form = _case_and_form(request, pk)
    if form.is_bound and not form.is_valid():
        _audit_view(request, case, "chronology")
        return _page(request, case, form)
    filters = form.filters()
    entries = chronology.case_chronology(case, request.user, filters)
    response = respond(case, form, entries)
    audit(
        actor=request.user,
        action="case.chronology_export",
        obj=case,
        child_id=case.child_id,
        request=request,
        detail={
            "format": fmt,
            "entries": len(entries),
            "kinds": sorted(filters.kinds),
            "start": filters.start.isoformat() if filters.start else None,
            "end": filters.end.isoformat() if filters.end else None,
        },
    )
    return response


def _filename(case: Case, ext: str) -> str:
    return f"{case.reference}-chronology-{timezone.localdate():%Y-%m-%d}.{ext}"


def _csv(case: Case, form: ChronologyFilterForm, entries) -> HttpResponse:
    return csv_response(_filename(case, "csv"), HEADER, chronology.as_rows(entries))


def pdf_html(case: Case, entries, *, filters: list[str], printed_by) -> str:
    """The HTML the PDF is printed from."""
    return render_to_string(
        "cases/chronology_pdf.html",
        {
            "case": case,
            "child": case.child,
            "entries": entries,
            "labels": chronology.kind_labels(),
            "filters": filters,
            "printed_by": printed_by,
            "printed_at": timezone.now(),
        },
    )


def _pdf(case: Case, form: ChronologyFilterForm, entries, *, printed_by) -> HttpResponse:
    from weasyprint import HTML

    html = pdf_html(case, entries, filters=form.described(), printed_by=printed_by)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(case, "pdf")}"'
    return response


@login_required
@require_safe
def case_chronology_csv(request, pk: int):
    return _export(request, pk, "csv", _csv)


@login_required
@require_safe
def case_chronology_pdf(request, pk: int):
    return _export(request, pk, "pdf", lambda case, form, entries: _pdf(case, form, entries, printed_by=request.user))
