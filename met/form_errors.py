"""Error messages that name their field, for every form (issue 15, WCAG 3.3.1).

Django's "This field is required." does not say which field; in an error summary of five such lines
nobody can tell them apart. A field keeps any message its form gave it; one left with Django's default
gets one made from its label: "Enter the child's first name", "Choose a chair", "Answer “…?”".
"""

from django import forms
from django.forms.utils import pretty_name

DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
CHOICE_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.SelectMultiple)


def lower_first(label: str) -> str:
    """ "Date of birth" -> "date of birth", but "RHI completed at" and "NHS number" keep their capitals."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def required_message(field: forms.Field, name: str) -> str:
    label = str(field.label or pretty_name(name)).strip().rstrip(":")
    if isinstance(field.widget, forms.CheckboxInput):
        return f"Select “{label}” to go on."
    if label.endswith("?"):
        return f"Answer “{label}”."
    if isinstance(field.widget, CHOICE_WIDGETS):
        return f"Choose {lower_first(label)}."
    return f"Enter {lower_first(label)}."


def name_required_errors(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        if str(field.error_messages.get("required", "")) == DJANGO_REQUIRED:
            field.error_messages["required"] = required_message(field, name)


class NamedErrorsMixin:
    """Put first among a form's bases. Works at validation time, after the form's own __init__ has set
    its labels and added its fields."""

    def full_clean(self):
        name_required_errors(self)
        super().full_clean()


class Form(NamedErrorsMixin, forms.Form):
    pass


class ModelForm(NamedErrorsMixin, forms.ModelForm):
    pass
