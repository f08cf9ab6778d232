"""The forms of merging two records of one child (issue 16, part 5)."""

from django import forms

from cases.models import CASE_REFERENCE as REFERENCE
from cases.models import Case, Child
from met.form_errors import Form


class MergeFindForm(Form):
    """The other record, found by one of its cases' references (the reference everyone quotes)."""

    reference = forms.CharField(
        label="Case reference of the other record",
        max_length=20,
        help_text="For example MET-00042.",
        error_messages={"required": "Enter the case reference of the other record, like MET-00042."},
    )

    def clean_reference(self) -> Child:
        match = REFERENCE.match(self.cleaned_data["reference"])
        if match is None:
            raise forms.ValidationError("Enter the case reference of the other record like MET-00042.")
        case = Case.objects.select_related("child").filter(pk=int(match.group(1))).first()
        if case is None:
            raise forms.ValidationError(f"There is no case MET-{int(match.group(1)):05d}: check the case reference.")
        return case.child


class MergeForm(Form):
    """Which record is kept, and why the two are one child. `confirm` is set by the confirmation page."""

    survivor = forms.TypedChoiceField(
        label="Which record should be kept?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which record to keep.", "invalid_choice": "Choose which record to keep."},
    )
    reason = forms.CharField(
        label="Why are these records the same child?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: same date of birth and NHS number, confirmed with the school. A system admin "
        "reads this if the merge has to be reversed: do not write the child's details here.",
        error_messages={"required": "Say why these two records are the same child."},
    )

    def __init__(self, *args, children: tuple[Child, Child], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(child.pk, self._label(child)) for child in children]

    @staticmethod
    def _label(child: Child) -> str:
        # The two records often carry the same name: their cases tell them apart.
        references = [case.reference for case in Case.objects.filter(child=child).order_by("pk")]
        return f"Keep record {child.pk}: {child.full_name} ({', '.join(references) or 'no cases'})"


class UnmergeForm(Form):
    reason = forms.CharField(
        label="Why is the merge being reversed?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the coordinator found they are two different children (their request of 3 December).",
        error_messages={"required": "Say why the merge is being reversed."},
    )
