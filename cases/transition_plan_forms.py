"""The transition plan form (issue 16, part 6): the hand-over at 18, checked by the service's own rules."""

from django import forms
from django.utils import timezone

from cases.models import AdultServicesOutcome, TransitionPlan
from cases.safety_plan_forms import based_on_field
from cases.services.turning_18 import PLAN_FIELDS, plan_problems
from met import dates
from met.form_errors import ModelForm
from met.models import Agency


class TransitionPlanForm(ModelForm):
    agreed_on = dates.DateField(label="Date agreed", latest=timezone.localdate)
    adult_referred_on = dates.DateField(
        label="Date referred to adult services",
        required=False,
        latest=timezone.localdate,
        help_text="Leave blank if no referral has been made (not every young person needs adult services).",
    )
    based_on = based_on_field()

    class Meta:
        model = TransitionPlan
        fields = list(PLAN_FIELDS)
        widgets = {"adult_outcome": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "responsible": "Who is responsible for the hand-over",
            "responsible_agency": "Their agency",
            "adult_team": "Adult services team",
            "adult_reference": "Adult services reference",
            "adult_outcome": "Adult services decision",
            "leaving_care_team": "Leaving-care team",
            "personal_adviser": "Personal adviser",
            "notes": "Notes",
            "change_note": "What changed and why",
        }
        help_texts = {
            "responsible": "The person who makes sure the hand-over happens before the 18th birthday.",
            "adult_team": "For example adult social care's safeguarding team, or the transitions team.",
            "leaving_care_team": "Needed when the child is looked after: the team that supports care leavers.",
            "personal_adviser": "The care leaver's personal adviser, once allocated.",
            "change_note": "Only when changing an earlier version.",
        }

    def __init__(self, *args, looked_after: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.looked_after = looked_after
        self.fields["responsible_agency"].queryset = Agency.objects.filter(is_active=True).order_by("short_name")
        self.fields["responsible_agency"].empty_label = "Choose an agency"
        self.fields["adult_outcome"].choices = [("", "No decision recorded"), *AdultServicesOutcome.choices]
        self.fields["adult_outcome"].error_messages["invalid_choice"] = (
            "Adult services decision must be one of the options listed."
        )
        self.fields["responsible_agency"].error_messages["invalid_choice"] = (
            "Their agency must be one of the agencies listed."
        )
        if looked_after:
            self.fields["leaving_care_team"].help_text = "The child is looked after: enter the leaving-care team."

    def clean(self):
        cleaned = super().clean()
        # Fields already refused show their own message; the rules only speak about the others.
        fields = {name: cleaned.get(name) for name in self._meta.fields}
        for name, messages in plan_problems(fields, looked_after=self.looked_after, today=timezone.localdate()).items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned
