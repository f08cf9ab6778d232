"""Helpers for the template tags that make a list's markup in Python (issue 14): a URL reversed once
per list rather than per row, and the CSRF field as {% csrf_token %} writes it."""

from html import escape

from django.urls import reverse

# Ids no record has: reversed with these, each is replaced by a {} placeholder for str.format.
_STAND_INS = (987654321, 987654322)


def url_pattern(name: str, args: int = 1) -> str:
    """The URL of `name` with str.format placeholders ({0}, {1}) for its `args` ids."""
    url = reverse(name, args=_STAND_INS[:args])
    for n, stand_in in enumerate(_STAND_INS[:args]):
        url = url.replace(str(stand_in), f"{{{n}}}")
    return url


def csrf_input(context) -> str:
    token = context.get("csrf_token")
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">' if token else ""
