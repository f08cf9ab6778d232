"""The case page's links to placements and transfers (issue 18, part 2), for those who may use them."""

from django import template

from cases.placements import is_responsible, several_areas

register = template.Library()


@register.filter
def placement_links(case, user) -> bool:
    """Whether to offer "Record a placement" and "Transfer": only with several areas (read from the
    cache, no query, so a single-area installation's case page is unchanged), and only to a
    coordinator or chair of the case's responsible area."""
    return several_areas() and case.status != "closed" and is_responsible(user, case)
