"""Forms for case audits (issue 17). Each message names its field; the services check again."""

from django import forms
from django.utils import timezone

from cases.models import Category, RiskLevel, case_id_from_reference
from met import dates
from met.form_errors import Form
from met.models import User
from quality import sampling
from quality.models import FindingKind, Grade

STATUS_CHOICES = [("", "Open or closed"), ("open", "Open cases only"), ("closed", "Closed cases only")]


def _version_field():
    return forms.IntegerField(
        label="Version",
        min_value=0,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Version is not a number: open the form again from the round's page."},
    )


class RoundForm(Form):
    title = forms.CharField(label="Title", max_length=200)
    theme = forms.CharField(
        label="Theme",
        max_length=200,
        help_text="For example “children missing from care” or “child criminal exploitation”.",
    )
    starts_on = dates.DateField(label="Start date", help_text="Auditors see the sampled cases from this day.")
    ends_on = dates.DateField(label="End date", help_text="Their view of the cases ends after this day.")
    sample_size = forms.IntegerField(
        label="Number of cases to sample",
        min_value=1,
        max_value=sampling.MAX_SAMPLE,
        error_messages={
            "invalid": "Number of cases to sample must be a whole number.",
            "min_value": "Number of cases to sample must be at least 1.",
            "max_value": f"Number of cases to sample must be at most {sampling.MAX_SAMPLE}.",
        },
    )
    category = forms.ModelChoiceField(
        label="Exploitation category (optional)",
        queryset=Category.objects.all(),
        required=False,
        to_field_name="code",
        empty_label="Any category",
    )
    risk_level = forms.ChoiceField(
        label="Current risk level (optional)", choices=[("", "Any level"), *RiskLevel.choices], required=False
    )
    status = forms.ChoiceField(label="Case status (optional)", choices=STATUS_CHOICES, required=False)
    closed_from = dates.DateField(label="Closed on or after", required=False)
    closed_to = dates.DateField(label="Closed on or before", required=False)
    references = forms.CharField(
        label="Only these cases",
        required=False,
        max_length=2000,
        help_text="Case references such as MET-00012, separated by spaces or commas. Leave blank to draw from all cases.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seed = forms.IntegerField(
        label="Random seed",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave blank for a new random draw. The seed is recorded, so the same draw can be repeated and checked.",
        error_messages={
            "invalid": "Random seed must be a whole number.",
            "min_value": "Random seed must be 0 or more.",
            "max_value": "Random seed is too large.",
        },
    )

    def clean_references(self):
        words = [w for w in self.cleaned_data["references"].replace(",", " ").split() if w]
        ids = [case_id_from_reference(w) for w in words]
        bad = [w for w, pk in zip(words, ids, strict=True) if pk is None]
        if bad:
            raise forms.ValidationError(f"Only these cases: “{bad[0]}” is not a case reference like MET-00012.")
        return [f"MET-{pk:05d}" for pk in ids]  # as Case.reference writes them; sampling reads them back

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "End date must be the same as or after the start date.")
        closed_from, closed_to = data.get("closed_from"), data.get("closed_to")
        if closed_from and closed_to and closed_to < closed_from:
            self.add_error("closed_to", "Closed on or before must be the same as or after “closed on or after”.")
        return data

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"].code if data.get("category") else "",
            "risk_level": data.get("risk_level") or "",
            "status": data.get("status") or "",
            "closed_from": data["closed_from"].isoformat() if data.get("closed_from") else "",
            "closed_to": data["closed_to"].isoformat() if data.get("closed_to") else "",
            "references": data.get("references") or [],
        }


class _PersonByEmail(Form):
    def _person(self, name: str, label: str):
        email = self.cleaned_data[name].strip()
        person = User.objects.filter(email__iexact=email, is_active=True).select_related("agency").first()
        if person is None:
            raise forms.ValidationError(f"{label}: no active account has that email address.")
        return person


class AuditorForm(_PersonByEmail):
    email = forms.EmailField(
        label="Email address", help_text="The auditor answers for their own agency's involvement in each case."
    )

    def clean_email(self):
        return self._person("email", "Email address")


def grade_form_class(questions):
    """A form with a grade and the evidence for every question of the round's tool."""
    fields = {
        "involvement": forms.CharField(
            label="Your agency's involvement",
            max_length=5000,
            help_text="What your agency did with this child during the period, in a few lines.",
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        "version": _version_field(),
    }
    for q in questions:
        asked = q.text.rstrip(".")
        fields[f"grade_{q.code}"] = forms.ChoiceField(
            label=f"Grade: {q.text}",
            choices=Grade.choices,
            widget=forms.RadioSelect,
            help_text=q.guidance,
            error_messages={
                "required": f"Choose a grade for “{asked}”.",
                "invalid_choice": f"Choose a grade for “{asked}”.",
            },
        )
        fields[f"evidence_{q.code}"] = forms.CharField(
            label=f"Evidence: {q.text}",
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": f"Enter the evidence for “{asked}”."},
        )
    return type("GradeForm", (Form,), fields)


class ModerationForm(Form):
    final_grade = forms.ChoiceField(label="Final grade", choices=Grade.choices, widget=forms.RadioSelect)
    final_reasons = forms.CharField(
        label="Reasons",
        error_messages={"required": "Enter the reasons for the final grade."},
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this grade, weighing each agency's answers.",
    )
    version = _version_field()


class FindingForm(Form):
    kind = forms.ChoiceField(label="Kind of finding", choices=FindingKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="Finding", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    sampled = forms.TypedChoiceField(label="Case (optional)", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, sample=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sampled"].choices = [("", "The round as a whole")] + [(s.pk, s.case.reference) for s in sample]


class LearningActionForm(_PersonByEmail):
    description = forms.CharField(
        label="What needs to be done", max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_email = forms.EmailField(label="Owner's email address", help_text="The action goes to their agency too.")
    due_date = dates.DateField(label="Due date", earliest=timezone.localdate, latest=dates.years_from_today(5))

    def clean_owner_email(self):
        return self._person("owner_email", "Owner's email address")


class CompleteForm(Form):
    completion_note = forms.CharField(label="What was done", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
