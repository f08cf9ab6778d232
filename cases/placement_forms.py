"""The forms of placements and transfers (issue 18, part 2). The services check the rules again."""

from django import forms
from django.utils import timezone

from met import dates
from met.form_errors import Form
from met.models import Area


def _other_areas(case) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Area.objects.filter(is_active=True).exclude(pk=case.area_id).order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
    )


class PlacementStartForm(Form):
    reason = forms.CharField(
        label="Why is the child placed there?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The host area's coordinators and chairs read this at the top of the placement view.",
        error_messages={"required": "Say why the child is placed in that area."},
    )
    placed_on = dates.DateField(label="Date the placement began", latest=timezone.localdate)
    address_note = forms.CharField(
        label="Kind of placement or provider (optional)",
        max_length=200,
        required=False,
        help_text="For example: residential children's home, foster placement. Not the address.",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"host_area": _other_areas(case), **self.fields}
        self.fields["host_area"].label = "Which area is the child placed in?"
        self.fields["host_area"].error_messages["required"] = "Choose the area the child is placed in."
        self.fields["host_area"].error_messages["invalid_choice"] = "Choose one of the areas listed."
        self.order_fields(["host_area", "reason", "placed_on", "address_note"])


class PlacementEndForm(Form):
    ended_on = dates.DateField(label="Date the placement ended", latest=timezone.localdate)
    placement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("placement", "version"):
            for code in ("required", "invalid", "min_value"):
                self.fields[name].error_messages[code] = (
                    "The form is missing which placement it ends: open it again from the placement page."
                )


class TransferForm(Form):
    reason = forms.CharField(
        label="Why does the case move?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the child has moved home with their family.",
        error_messages={"required": "Say why the case moves to that area."},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"to_area": _other_areas(case), **self.fields}
        self.fields["to_area"].label = "Which area becomes responsible for the child?"
        self.fields["to_area"].error_messages["required"] = "Choose the area that becomes responsible."
        self.fields["to_area"].error_messages["invalid_choice"] = "Choose one of the areas listed."
