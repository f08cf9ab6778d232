"""A select's options, made in met/templatetags/govuk.py rather than one template each."""

import pytest
from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    person = forms.ChoiceField(required=False, choices=[("", "Anyone"), ("1", 'Ann "Nan" <O\'Neil> & Co'), ("2", "Bo")])
    people = forms.MultipleChoiceField(required=False, choices=[("1", "Ann"), ("2", "Bo <b>"), ("3", "Cy")])


def _render(form, name: str) -> str:
    return Template("{% load govuk %}{% field f %}").render(Context({"f": form[name]}))


def test_it_escapes_every_label_and_value():
    html = _render(_Form(), "person")

    assert '<option value="1">Ann &quot;Nan&quot; &lt;O&#x27;Neil&gt; &amp; Co</option>' in html
    assert "<O'Neil>" not in html


def test_it_marks_the_chosen_option_and_only_that():
    html = _render(_Form({"person": "2"}), "person")

    assert '<option value="2" selected>Bo</option>' in html
    assert '<option value="1">' in html
    assert '<option value="" >' not in html and '<option value="">Anyone</option>' in html


@pytest.mark.parametrize("chosen", [["1", "3"], ["2"]])
def test_it_marks_every_chosen_option_of_a_multiple_select(chosen):
    form = _Form({"people": chosen})
    form.fields["people"].widget = forms.SelectMultiple(choices=form.fields["people"].choices)
    html = _render(form, "people")

    for value in ("1", "2", "3"):
        assert (f'<option value="{value}" selected>' in html) == (value in chosen)
    assert "Bo &lt;b&gt;" in html
