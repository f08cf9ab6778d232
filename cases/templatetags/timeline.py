"""The case page's timeline cards, made here rather than in a template loop: a card of each of five
kinds, some twenty lookups and conditions each, were an eighth of the case page at region scale
(issue 14). The markup is the template's, unchanged: the date filter's formats, in local time;
truncatewords and linebreaksbr as the filters do them. Every value from the database is escaped (the
standard library's escape, as in met.templatetags.govuk)."""

from datetime import datetime
from html import escape

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from cases.missing import RHIStatus
from met.markup import url_pattern
from met.templatetags.dates import local_date

register = template.Library()


def _when(value, with_time: bool = True) -> str:
    # met.templatetags.dates: the date filter without Django's general formatter, which parsed the
    # format and translated the month on each of some thirty dates.
    return local_date(value, "j M Y H:i" if with_time and isinstance(value, datetime) else "j M Y")


def _heading(title: str, aside: str) -> str:
    return f'<h3 class="govuk-heading-s">{title} <span class="govuk-body-s">– {aside}</span></h3>'


@register.simple_tag
def timeline_cards(items, may_change: bool) -> str:
    urls = {name: url_pattern(name) for name in ("concern_detail", "episode_edit")}
    cards = []
    for item in items:
        render = _KINDS.get(item["kind"])
        body = render(item, item["obj"], urls, may_change) if render else ""
        cards.append(f'  <li class="met-card">\n{body}\n  </li>')
    return mark_safe("\n".join(cards))  # noqa: S308 - every value escaped by the card's function


def _concern(item, concern, urls, may_change) -> str:
    agency = concern.source_agency.short_name if concern.source_agency_id else ""
    logger = concern.logged_by.full_name if concern.logged_by_id else ""
    category = concern.category.name if concern.category_id else ""
    description = Truncator(concern.description).words(80, truncate=" …")
    return "\n".join(
        (
            _heading(f"Concern: {escape(category)}", _when(item["at"])),
            f'<p class="govuk-body-s">Logged by {escape(logger)} ({escape(agency)})</p>',
            f'<p class="govuk-body">{escape(description)} <a class="govuk-link" '
            f'href="{urls["concern_detail"].format(concern.pk)}">Read the concern</a></p>',
        )
    )


def _missing(item, episode, urls, may_change) -> str:
    kind = "Missing" if episode.kind == "missing" else "Absent"
    if episode.returned_at:
        found = f", found at {escape(episode.where_found)}" if episode.where_found else ""
        line = f"Returned {_when(episode.returned_at)}{found}."
    else:
        line = "<strong>Still missing.</strong>"
    line += "\n      "
    if episode.reported_to_police:
        reference = f" ({escape(episode.police_reference)})" if episode.police_reference else ""
        line += f"Reported to police{reference}."
    parts = [_heading(f"{kind} episode", _when(item["at"])), f'<p class="govuk-body">{line}</p>']
    rhi = item["rhi"]
    if rhi.status != RHIStatus.NOT_APPLICABLE:
        colour = {RHIStatus.OVERDUE: "red", RHIStatus.DUE: "yellow"}.get(rhi.status, "green")
        due = f" (due by {_when(rhi.due_at)})" if rhi.status in (RHIStatus.DUE, RHIStatus.OVERDUE) else ""
        parts.append(
            f'<p class="govuk-body">Return home interview: <strong class="govuk-tag govuk-tag--{colour}">'
            f"{escape(rhi.label)}</strong>{due}</p>"
        )
    if may_change:
        parts.append(
            f'<p class="govuk-body-s"><a class="govuk-link" href="{urls["episode_edit"].format(episode.pk)}">'
            f'Update this episode<span class="govuk-visually-hidden"> from {_when(item["at"], with_time=False)}</span></a></p>'
        )
    return "\n".join(parts)


def _decision(item, decision, urls, may_change) -> str:
    kind = escape(str(decision.get_kind_display()).lower())
    return "\n".join(
        (
            _heading(f"MEOG decision: {kind}", escape(str(decision.meeting))),
            f'<p class="govuk-body">{escape(decision.text)}</p>',
        )
    )


def _action(item, action, urls, may_change) -> str:
    agency = action.owner_agency.short_name if action.owner_agency_id else ""
    at = f" at {escape(str(action.meeting))}" if action.meeting_id else ""
    if action.status == "open":
        if item.get("overdue"):
            escalation = f", {escape(item['escalation'])}" if item.get("escalation") else ""
            tag = f'<strong class="govuk-tag govuk-tag--red">Overdue{escalation}</strong>'
        else:
            tag = '<strong class="govuk-tag govuk-tag--blue">Open</strong>'
    else:
        tag = f'<strong class="govuk-tag govuk-tag--grey">{escape(str(action.get_status_display()))}</strong>'
    return "\n".join(
        (
            _heading(
                f"Action for {escape(action.owner.display_name)} ({escape(agency)})",
                f"set {_when(item['at'], with_time=False)}{at}",
            ),
            f'<p class="govuk-body"><a class="govuk-link" href="{escape(action.get_absolute_url())}">'
            f"{escape(action.description)}</a> – due {_when(action.due_date)}\n      {tag}</p>",
        )
    )


def _note(item, note, urls, may_change) -> str:
    author = (note.author.full_name if note.author_id else "") or "MET Hub"
    return "\n".join(
        (
            _heading(f"Note by {escape(author)}", _when(item["at"])),
            f'<p class="govuk-body">{linebreaksbr(note.text, autoescape=True)}</p>',
        )
    )


_KINDS = {"concern": _concern, "missing": _missing, "decision": _decision, "action": _action, "note": _note}
