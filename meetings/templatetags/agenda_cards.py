"""The agenda page's item cards, made here rather than in a template loop: forty cards of a dozen
lookups and conditions each were a fifth of the agenda page at region scale (issue 14). The markup is
the template's, unchanged; the standard library's escape is used, as in met.templatetags.govuk,
because Django's checks every argument for lazy strings. Every value from the database is escaped."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from meetings.agenda import PLACED_HERE_HEADING
from met.markup import csrf_input

register = template.Library()

_TAG = '<strong class="govuk-tag govuk-tag--grey">{}</strong>'
_SMALL = '<p class="govuk-body-s govuk-!-margin-bottom-1">'
_MOVE = (
    '<button class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" type="submit" name="direction"'
    ' value="{value}">Move {value}<span class="govuk-visually-hidden"> {label}</span></button>'
)


@register.simple_tag(takes_context=True)
def agenda_cards(context, items, can_run: bool) -> str:
    """One section's items as the list the template made: `<ol>` of cards, with children placed here by
    another authority last, under their own heading; the running buttons only when `can_run`."""
    csrf = csrf_input(context)
    parts = ['<ol class="govuk-list">']
    placed_before = False
    last = len(items) - 1
    for n, item in enumerate(items):
        if item.placed_here and not placed_before:
            parts.append(
                f'</ol>\n<h4 class="govuk-heading-s" id="placed-here">{PLACED_HERE_HEADING}</h4>\n'
                '<ol class="govuk-list">'
            )
        placed_before = item.placed_here
        parts.append(_card(item, first=n == 0, last=n == last, can_run=can_run, csrf=csrf))
    parts.append("</ol>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value from the database escaped in _card


def _card(item, *, first: bool, last: bool, can_run: bool, csrf: str) -> str:
    label = escape(item.subject_label)
    url = escape(item.page_url)
    head = f'<a class="govuk-link govuk-!-font-weight-bold" href="{url}">{label}</a>'
    if item.case_id:
        risk = str(item.case.get_risk_level_display()).lower()
        head += f' <span class="govuk-body-s">{escape(item.case.reference)} · risk {escape(risk)}</span>'
    if item.is_manual:
        head += " " + _TAG.format("Added by hand")
    if item.order_pinned:
        head += " " + _TAG.format("Moved by hand")
    parts = [
        '<li class="met-card">',
        f'<p class="govuk-body govuk-!-margin-bottom-1">{head}</p>',
        f"{_SMALL}{escape(capfirst(item.reason))}</p>",
    ]
    invitations = item.live_invitations
    if item.slot or invitations:
        line = ""
        if item.slot:
            line += f'<strong class="govuk-tag govuk-tag--blue">Slot {item.slot.strftime("%H:%M")}</strong> '
        if invitations:
            line += "Invited: " + ", ".join(escape(i.invitee_label) for i in invitations)
        parts.append(f"{_SMALL}{line}</p>")
    for decision in item.decision_list:
        text = escape(decision.text)
        if decision.withdrawn_at:
            parts.append(f"{_SMALL}<strong>Decision (withdrawn):</strong> <del>{text}</del></p>")
        else:
            parts.append(f"{_SMALL}<strong>Decision:</strong> {text}</p>")
    if can_run:
        parts.append('<div class="govuk-button-group govuk-!-margin-bottom-0">')
        if not (first and last):
            buttons = [] if first else [_MOVE.format(value="up", label=label)]
            if not last:
                buttons.append(_MOVE.format(value="down", label=label))
            parts.append(f'<form method="post" action="{url}move/">{csrf}{" ".join(buttons)}</form>')
        parts.append(
            f'<a class="govuk-link" href="{url}remove/">Remove'
            f'<span class="govuk-visually-hidden"> {label} from the agenda</span></a>'
        )
        parts.append("</div>")
    parts.append("</li>")
    return "\n".join(parts)
