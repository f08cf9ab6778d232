"""The case list's rows, made here rather than in a template loop: 25 rows of some fifteen lookups
each were a quarter of the case list at region scale, about 0.26 ms a row (issue 14). The markup is the
template's, unchanged; the standard library's escape is used, as in met.templatetags.govuk, because
Django's checks every argument for lazy strings. Every value from the database is escaped."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe

from cases import turning_18
from met.markup import url_pattern

register = template.Library()

_CELL = '<td class="govuk-table__cell">{}</td>'
_TAGS = {
    "frequent": ' <strong class="govuk-tag govuk-tag--purple">Frequent missing</strong>',
    "restricted": ' <strong class="govuk-tag govuk-tag--pink">Restricted</strong>',
}


@register.simple_tag
def case_rows(cases) -> str:
    """A page of cases (read with CASE_ROW_FIELDS and cases.selectors.with_lookups) as table rows:
    child and flags, reference, status, risk, categories, lead agency and professional."""
    url = url_pattern("case_detail")
    today = timezone.localdate()
    return mark_safe("\n".join(_row(case, url, today) for case in cases))  # noqa: S308 - escaped in _row


def _row(case, url: str, today) -> str:
    child = f'<a class="govuk-link" href="{url.format(case.pk)}">{escape(case.child.full_name)}</a>'
    if case.is_frequent_missing:
        child += _TAGS["frequent"]
    if case.is_restricted:
        child += _TAGS["restricted"]
    flag = turning_18.flag(case, today)
    if flag:
        child += f' <strong class="govuk-tag govuk-tag--yellow">{escape(flag.text)}</strong>'
    # Lists, as cases.selectors.with_lookups leaves them: no related manager made per row.
    categories = ", ".join(escape(c.name) for c in case.categories.all())
    lead = escape(case.lead_agency.short_name) if case.lead_agency_id and case.lead_agency.short_name else "–"
    if case.lead_professional_id:
        lead += f": {escape(case.lead_professional.display_name)}"
    cells = (
        child,
        case.reference,
        escape(str(case.get_status_display())),
        escape(str(case.get_risk_level_display())),
        categories,
        lead,
    )
    return '<tr class="govuk-table__row">' + "".join(_CELL.format(cell) for cell in cells) + "</tr>"


@register.simple_tag
def search_results(cases) -> str:
    """A page of child search results (cases with their child) as the list's items: name, known as,
    date of birth, reference, status and risk. Made here for the reason the case list's rows are."""
    url = url_pattern("case_detail")
    return mark_safe("\n".join(_result(case, url) for case in cases))  # noqa: S308 - escaped in _result


def _result(case, url: str) -> str:
    child = case.child
    known_as = f" (known as {escape(child.known_as)})" if child.known_as else ""
    born = date_format(child.date_of_birth, "j M Y") if child.date_of_birth else "date of birth not known"
    risk = str(case.get_risk_level_display()).lower()
    return (
        f'<li class="met-card"><a class="govuk-link govuk-!-font-weight-bold" href="{url.format(case.pk)}">'
        f"{escape(child.full_name)}</a>{known_as}\n"
        f'      <span class="govuk-body-s"> · born {escape(born)} · {case.reference} · '
        f"{escape(str(case.get_status_display()))} · risk {escape(risk)}</span></li>"
    )
