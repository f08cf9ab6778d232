"""The triage inbox's cards, made here rather than in a template loop: 25 cards of some twenty lookups
each were 6 ms of a 21 ms page at region scale (issue 14). The markup is the template's, unchanged
(tests/cases/test_triage_cards.py compares the two); every value from the database is escaped with the
standard library's escape, as in met.templatetags.govuk."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from cases.models import CaseStatus
from met.markup import csrf_input, url_pattern
from met.templatetags.dates import local_date

register = template.Library()


@register.simple_tag(takes_context=True)
def triage_cards(context, concerns) -> str:
    urls = {
        "case": url_pattern("case_detail"),
        "open": url_pattern("case_open"),
        "close": url_pattern("case_close"),
        "acknowledge": url_pattern("concern_acknowledge"),
        "compare": url_pattern("child_merge_compare", 2),
        "csrf": csrf_input(context),
    }
    coordinator = context["user"].is_coordinator
    return mark_safe("\n".join(_card(c, urls, coordinator) for c in concerns))  # noqa: S308 - escaped in _card


def _card(concern, urls: dict, coordinator: bool) -> str:
    case = concern.case
    category = concern.category.name if concern.category_id else ""
    if case.status == CaseStatus.REFERRED:
        tag = '<strong class="govuk-tag govuk-tag--blue">New referral</strong>'
        buttons = (
            f'    <a class="govuk-button" href="{urls["open"].format(case.pk)}">Open a case</a>\n'
            f'    <a class="govuk-button govuk-button--secondary" href="{urls["close"].format(case.pk)}">'
            "Close with a reason</a>"
        )
    else:
        status = escape(str(case.get_status_display()).lower())
        tag = f'<strong class="govuk-tag govuk-tag--grey">On {status} case {case.reference}</strong>'
        buttons = (
            f'    <form method="post" action="{urls["acknowledge"].format(concern.pk)}">{urls["csrf"]}'
            f'<button class="govuk-button" type="submit">Add to the {status} case</button></form>'
        )
    logger = concern.logged_by.full_name if concern.logged_by_id else ""
    agency = concern.source_agency.short_name if concern.source_agency_id else ""
    description = Truncator(concern.description).words(60, truncate=" …")
    parts = [
        '<div class="met-card">',
        f'  <h2 class="govuk-heading-s"><a class="govuk-link" href="{urls["case"].format(case.pk)}">'
        f"{escape(case.child.full_name)}</a> – {escape(category)}\n    {tag}</h2>",
        f'  <p class="govuk-body-s">Logged by {escape(logger)} ({escape(agency)}) on '
        f"{local_date(concern.logged_at, 'j M Y H:i')}; happened {local_date(concern.observed_at, 'j M Y H:i')}.</p>",
        f'  <p class="govuk-body">{escape(description)}</p>',
    ]
    if concern.possible_duplicate_of_id:
        other = concern.possible_duplicate_of
        compare = (
            f' <a class="govuk-link" href="{urls["compare"].format(case.child_id, other.pk)}">Compare the two records</a>'
            if coordinator
            else ""
        )
        parts.append(
            '  <div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
            '<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>'
            f"Possibly the same child as {escape(other.full_name)} (born {local_date(other.date_of_birth, 'j M Y')}),"
            " whose record the person logging it cannot see. Check before opening a case."
            f"{compare}</strong></div>"
        )
    parts += ['  <div class="govuk-button-group">', buttons, "  </div>", "</div>"]
    return "\n".join(parts)
