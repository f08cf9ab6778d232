"""Render Django form fields as GOV.UK Design System components."""

import functools
from html import escape

from django import forms, template
from django.utils.safestring import mark_safe

register = template.Library()


def _kind(widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.SelectMultiple):
        return "selectmultiple"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.inclusion_tag("includes/field.html")
def field(bound_field, hint: str = "", width: str = "", label_size: str = ""):
    widget = bound_field.field.widget
    kind = _kind(widget)
    input_type = getattr(widget, "input_type", "text")
    if input_type == "email":
        default_width = "govuk-input--width-30"
    elif input_type in {"number", "date"}:
        default_width = "govuk-input--width-10"
    else:
        default_width = ""
    select = kind in {"select", "selectmultiple"}
    return {
        "f": bound_field,
        "kind": kind,
        "options": [] if select else _options(bound_field, kind),
        # A select's options as HTML made here: hundreds of people in one select, each option a
        # template render, cost more than the rest of the case list (issue 14).
        "option_tags": _option_tags(bound_field, kind) if select else "",
        "input_type": input_type,
        "hint": hint or bound_field.help_text,
        "width": width or widget.attrs.get("class", "") or default_width,
        "label_size": label_size,
        "value": widget.format_value(bound_field.value()) if kind == "input" else bound_field.value(),
        "attrs": {k: v for k, v in widget.attrs.items() if k not in {"class", "maxlength"}},
    }


@functools.lru_cache(maxsize=4096)
def _option(value: str, label: str) -> tuple[str, str]:
    # The standard library's escape, not format_html's: Django's escape checks every argument for
    # lazy strings. Each option's two halves are made once and kept: the case list's select of a
    # region's few hundred people escaped every name on every view (issue 14). Labels are plain
    # text here (names, agency names), never marked safe.
    return f'<option value="{escape(value)}"', f">{escape(label)}</option>"


def _option_tags(bound_field, kind: str) -> str:
    current = bound_field.value()
    chosen = {str(v) for v in current or []} if kind == "selectmultiple" else {str(current)}
    tags = []
    for value, label in bound_field.field.choices:
        head, tail = _option("" if value is None and kind == "select" else str(value), str(label))
        tags.append(head + " selected" + tail if str(value) in chosen else head + tail)
    return mark_safe("".join(tags))  # noqa: S308 - every value and label escaped in _option


def _options(bound_field, kind: str) -> list[tuple]:
    """(value, label, chosen, hint) for each choice, worked out once here: in the template each option
    asked the form for the field's value again, which made a select of a region's few hundred people
    the slowest part of the case list (issue 14)."""
    if kind not in {"select", "selectmultiple", "checkboxes", "radios"}:
        return []
    current = bound_field.value()
    many = kind in {"checkboxes", "selectmultiple"}
    chosen = {str(v) for v in current or []} if many else {str(current)}
    hints = getattr(bound_field.field, "item_hints", None) or {}
    return [
        ("" if value is None and kind == "select" else value, label, str(value) in chosen, hints.get(value, ""))
        for value, label in bound_field.field.choices
    ]


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_):
    errors = []
    for form in forms_:
        if not form or not form.errors:
            continue
        for message in form.non_field_errors():
            errors.append(("", message))
        for name, field_errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            anchor = (
                bound.auto_id
                if form.fields[name].widget.__class__ is not forms.CheckboxSelectMultiple
                else f"{bound.auto_id}_0"
            )
            for message in field_errors:
                errors.append((anchor, message))
    return {"errors": errors}


@register.filter
def attrs(attrs_dict) -> str:
    from django.utils.html import format_html_join

    return format_html_join(
        " ", '{}="{}"', ((k, "" if v is True else v) for k, v in attrs_dict.items() if v is not False)
    )


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, "")
