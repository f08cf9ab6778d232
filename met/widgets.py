"""The GOV.UK date input: a day, a month and a year box, and a time box where a time is needed (issue 15).

The boxes post as <name>-day, <name>-month, <name>-year and <name>-time. A single value under the
field's own name (an ISO date or date and time, as the old native inputs sent) is still read, so links,
scripts and tests that send one keep working; the API has its own serializers with ISO dates.
"""

from datetime import date, datetime

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

DATE_PARTS = ("day", "month", "year")


class GovukDateInput(forms.Widget):
    # The field template (templates/includes/field.html) draws the boxes for this input type.
    input_type = "govuk-date"
    template_name = "govuk/date_input.html"
    # A date of birth: browsers may offer the person's own (autocomplete bday-day, bday-month, bday-year).
    bday = False

    def __init__(self, attrs=None, *, with_time: bool = False):
        super().__init__(attrs)
        self.with_time = with_time

    @property
    def parts(self) -> tuple[str, ...]:
        return (*DATE_PARTS, "time") if self.with_time else DATE_PARTS

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        if not any(f"{name}-{part}" in data for part in self.parts):
            return None
        return {part: str(data.get(f"{name}-{part}") or "").strip() for part in self.parts}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in self.parts)

    def format_value(self, value) -> dict[str, str]:
        """The boxes' contents: what was typed (kept as typed after an error), or the value's parts."""
        if isinstance(value, dict):
            return {part: value.get(part, "") for part in self.parts}
        if isinstance(value, str) and value:
            for parse in (datetime.fromisoformat, date.fromisoformat):
                try:
                    value = parse(value)
                    break
                except ValueError:
                    continue
            else:
                return dict.fromkeys(self.parts, "")
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            parts = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
            return parts | ({"time": f"{value:%H:%M}"} if self.with_time else {})
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)} | (
                {"time": ""} if self.with_time else {}
            )
        return dict.fromkeys(self.parts, "")

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/govuk/), which the form renderer's own engine does not search.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template's output, escaped

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The same names the field template passes to govuk/date_input.html.
        return context | {
            "id": context["widget"]["attrs"].get("id", name),
            "name": name,
            "parts": self.format_value(value),
            "with_time": self.with_time,
            "bday": self.bday,
            "error": context["widget"]["attrs"].get("aria-invalid") == "true",
        }
