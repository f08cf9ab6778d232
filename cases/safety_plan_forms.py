"""The safety plan form (issue 16, part 1): the plan's own fields, and a row per agreed measure."""

from django import forms
from django.utils import timezone

from cases.models import PlanAgreedAt, SafetyPlan
from cases.services.safety_plans import PLAN_FIELDS
from met import dates
from met.form_errors import Form, ModelForm, lower_first, required_message
from met.models import Agency

# Blank measure rows under the ones already agreed (the page works without JavaScript: no "add a row").
MEASURE_ROWS_EMPTY = 3


def based_on_field() -> forms.IntegerField:
    """The version of a plan a form was filled from (0: none yet), for plans kept as versions
    (cases/services/_versions.py): one built on an older version than the current one is refused rather than
    silently replacing a colleague's."""
    return forms.IntegerField(
        label="Version the plan is based on",
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Version the plan is based on is not a number: open the form again from the case page.",
            "required": "Version the plan is based on is missing: open the form again from the case page.",
            "min_value": "Version the plan is based on is not a version: open the form again from the case page.",
        },
    )


class SafetyPlanForm(ModelForm):
    agreed_on = dates.DateField(label="Date agreed", latest=timezone.localdate)
    review_date = dates.DateField(label="Review date", help_text="When the plan will next be reviewed.")
    based_on = based_on_field()

    class Meta:
        model = SafetyPlan
        fields = list(PLAN_FIELDS)
        widgets = {
            "agreed_at": forms.RadioSelect,
            "child_views": forms.Textarea(attrs={"rows": 4}),
            "carers_views": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "child_views": "In the child's own words where you can.",
            "police_reference": "The reference under which the plan is recorded on the police system.",
            "csc_reference": "The reference under which the plan is recorded on the children's social care system.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_at"].choices = PlanAgreedAt.choices

    def clean(self):
        data = super().clean()
        agreed_on, review_date = data.get("agreed_on"), data.get("review_date")
        if agreed_on and review_date and review_date < agreed_on:
            self.add_error("review_date", "Review date cannot be before the date the plan was agreed.")
        return data


class MeasureForm(Form):
    what = forms.CharField(label="What will be done", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    who = forms.CharField(label="Who (person)", max_length=200)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none())
    by_when = dates.DateField(label="By when")

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.filter(is_active=True)
        # The row's number in every message: "Measure 2: enter who (person)" says which row to fix.
        index = (self.prefix or "0").rsplit("-", 1)[-1]
        if index.isdigit():
            for name, field in self.fields.items():
                required = required_message(field, name)
                field.label = f"Measure {int(index) + 1}: {lower_first(field.label)}"
                field.error_messages["required"] = f"Measure {int(index) + 1}: {lower_first(required)}"
                if hasattr(field, "custom_messages"):  # met.dates fields word their own "required" otherwise
                    field.custom_messages.add("required")


class BaseMeasureFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        self.agencies = Agency.objects.filter(is_active=True).order_by("short_name")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # Every row may be left blank, the prefilled ones too: blanking a measure drops it from the revision.
        return {**super().get_form_kwargs(index), "agencies": self.agencies, "empty_permitted": True}

    def clean(self):
        if any(self.errors):
            return
        if not self.measures():
            raise forms.ValidationError("Add at least one agreed measure: what, who (person and agency) and by when.")

    def measures(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


def measure_formset(data=None, *, initial: list[dict] | None = None):
    formset_class = forms.formset_factory(
        MeasureForm, formset=BaseMeasureFormSet, extra=MEASURE_ROWS_EMPTY, max_num=50, validate_max=True
    )
    # Bound, the rows are read as typed: compared with no initial values, a blanked row is an empty one.
    return formset_class(data, initial=None if data is not None else initial, prefix="measure")
