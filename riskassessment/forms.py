import json
import re

from django import forms
from django.utils import timezone

from cases.forms import DATE_FORMATS
from cases.models import RiskLevel
from met import dates
from met.form_errors import Form, ModelForm
from riskassessment.models import Indicator, Provider, ProviderLevel, ReferralOutcome, ReviewInterval
from riskassessment.services import CONFIRMABLE_LEVELS, AnswerData

INDICATOR_FIELD = re.compile(r"^ind_(\d+)_(present|evidence|last_seen|previous_seen)$")


def _date(label: str, *, required: bool = False) -> forms.DateField:
    return dates.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": f"Enter {label.lower()} as a real date, like 27/03/2026."},
    )


class AssessmentForm(Form):
    """One row of fields per indicator of the assessment's own tool version."""

    assessment_date = _date("Assessment date", required=True)
    summary = forms.CharField(
        label="Summary", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.indicators = list(Indicator.objects.filter(section__tool_id=assessment.tool_id).select_related("section"))
        self.fields["version"].initial = assessment.version
        self.fields["assessment_date"].initial = assessment.assessment_date
        self.fields["summary"].initial = assessment.summary
        existing = {a.indicator_id: a for a in assessment.answers.all()}
        for indicator in self.indicators:
            answer = existing.get(indicator.pk)
            prefix = f"ind_{indicator.pk}_"
            self.fields[prefix + "present"] = forms.BooleanField(
                label=indicator.text, required=False, initial=bool(answer and answer.present)
            )
            self.fields[prefix + "evidence"] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.evidence if answer else "",
            )
            # Needed on submission, not for a draft: "(optional)" would mislead.
            self.fields[prefix + "evidence"].hide_optional = True
            if indicator.time_limited:
                label = "Date last seen" if not indicator.asks_previous else "Date last seen (most recent)"
                self.fields[prefix + "last_seen"] = _date(label)
                self.fields[prefix + "last_seen"].initial = answer.last_seen if answer else None
                self.fields[prefix + "last_seen"].hide_optional = True
            if indicator.asks_previous:
                self.fields[prefix + "previous_seen"] = _date("An earlier occurrence 6 to 12 months before, if any")
                self.fields[prefix + "previous_seen"].initial = answer.previous_seen if answer else None

    def clean(self):
        cleaned = super().clean()
        own = {i.pk for i in self.indicators}
        foreign = {int(m.group(1)) for key in self.data if (m := INDICATOR_FIELD.match(key))} - own
        if foreign:
            raise forms.ValidationError(
                "The form does not match this assessment's tool version. Reload the page and try again."
            )
        when = cleaned.get("assessment_date")
        if when and when > timezone.localdate():
            self.add_error("assessment_date", "The assessment date cannot be in the future.")
        elif when and when < timezone.localdate().replace(year=timezone.localdate().year - 5):
            self.add_error("assessment_date", "The assessment date is more than 5 years ago: check the year.")
        return cleaned

    def sections(self):
        """Indicators grouped by section, each with its bound fields, for the template."""
        grouped: dict = {}
        for indicator in self.indicators:
            prefix = f"ind_{indicator.pk}_"
            row = {
                "indicator": indicator,
                **{
                    name: self[prefix + name]
                    for name in ("present", "evidence", "last_seen", "previous_seen")
                    if prefix + name in self.fields
                },
            }
            grouped.setdefault(indicator.section, []).append(row)
        return list(grouped.items())

    def answers(self, data: dict | None = None) -> list[AnswerData]:
        data = self.cleaned_data if data is None else data
        return [
            AnswerData(
                indicator_id=i.pk,
                present=bool(data.get(f"ind_{i.pk}_present")),
                evidence=(data.get(f"ind_{i.pk}_evidence") or "").strip(),
                last_seen=data.get(f"ind_{i.pk}_last_seen"),
                previous_seen=data.get(f"ind_{i.pk}_previous_seen"),
            )
            for i in self.indicators
        ]


class ConfirmForm(Form):
    level = forms.ChoiceField(
        label="Confirmed risk level",
        choices=[(level.value, level.label) for level in CONFIRMABLE_LEVELS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the confirmed risk level."},
    )
    reason = forms.CharField(
        label="Professional judgement",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the confirmed level differs from the suggested one.",
    )


class ReferralForm(Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.filter(is_active=True),
        empty_label="Choose a provider",
        error_messages={"required": "Choose the provider.", "invalid_choice": "Choose one of the listed providers."},
    )
    referred_on = _date("Date referred", required=True)


class ReferralOutcomeForm(Form):
    outcome = forms.ChoiceField(
        choices=[c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.WITHDRAWN], widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PublishToolForm(Form):
    definition = forms.CharField(
        label="Tool definition (JSON)",
        widget=forms.Textarea(attrs={"rows": 30}),
        max_length=200_000,
        help_text="Start from the current version's definition below; give it a new version number.",
    )

    def clean_definition(self):
        try:
            return json.loads(self.cleaned_data["definition"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"This is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from None


class ReviewIntervalsForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {r.level: r.weeks for r in ReviewInterval.objects.all()}
        for level in (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW):
            self.fields[level.value] = forms.IntegerField(
                label=f"{level.label} risk: review every … weeks",
                min_value=1,
                max_value=104,
                initial=current.get(level.value),
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            )


class ProviderForm(ModelForm):
    levels = forms.MultipleChoiceField(
        label="Risk levels it takes",
        choices=ProviderLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one risk level the provider takes."},
    )

    class Meta:
        model = Provider
        fields = ["name", "description", "levels", "areas", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "areas": forms.CheckboxSelectMultiple}
