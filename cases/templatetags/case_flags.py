"""Flags worked out from a case's data for its pages and lists (cases/turning_18.py), without a query when the
child is selected with the case."""

from django import template
from django.utils import timezone

from cases import turning_18

register = template.Library()


@register.filter
def turning_18_flag(case) -> turning_18.Flag | None:
    """{% with t18=case|turning_18_flag %}: "Turns 18 on 3 Mar 2027" (or "Turned ..." while the case awaits closure)."""
    return turning_18.flag(case, timezone.localdate())
