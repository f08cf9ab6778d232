from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from cases import nrm
from cases.models import (
    Case,
    CaseStatus,
    Category,
    Child,
    ClosureReason,
    MissingEpisode,
    NrmOutcome,
    NrmReferral,
    RiskLevel,
)
from cases.services import COORDINATOR_CASE_FIELDS, EPISODE_FIELDS, PRACTITIONER_CASE_FIELDS, placement_problems
from cases.services.nrm import NRM_FIELDS
from met import cache, dates
from met.areas import area_ids
from met.concurrency import VersionedFormMixin
from met.form_errors import Form, ModelForm
from met.models import Agency, Area, User

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _datetime_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    return dates.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": f"Enter {label.lower()} as a real date and time, like 24/11/2026 18:30."},
    )


CHILD_FIELDS = [
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address_district",
    "school",
    "police_number",
    "csc_number",
    "nhs_number",
    "is_looked_after",
    "placed_out_of_area",
    "placed_by_other_authority",
    "placing_authority",
]


class ChildForm(ModelForm):
    date_of_birth = dates.DateField(
        label="Date of birth",
        required=False,
        input_formats=DATE_FORMATS,
        birthday=True,
        help_text="Leave blank if you do not know it.",
        error_messages={"invalid": "Enter the date of birth as a real date, like 27/03/2010."},
    )

    class Meta:
        model = Child
        fields = CHILD_FIELDS

    def validate_unique(self):
        # Identifier clashes are the service's to judge: it can offer the existing child instead.
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].error_messages["required"] = "Enter the child's first name (or ‘Unknown’)."
        self.fields["last_name"].error_messages["required"] = "Enter the child's last name (or ‘Unknown’)."

    def clean(self):
        data = super().clean()
        # Reported on the field, which also keeps the model's check constraint from repeating it at the top.
        for name, message in placement_problems(
            placed_out_of_area=data.get("placed_out_of_area"),
            placed_by_other_authority=data.get("placed_by_other_authority"),
            placing_authority=data.get("placing_authority"),
        ).items():
            self.add_error(name, message)
        return data


class ChildEditForm(VersionedFormMixin, ChildForm):
    snapshot_fields = CHILD_FIELDS


class ConcernForm(Form):
    category = forms.ModelChoiceField(
        label="What kind of concern is it?",
        queryset=Category.objects.all(),
        empty_label="Choose a category",
        error_messages={
            "required": "Choose the kind of concern.",
            "invalid_choice": "Choose one of the listed kinds of concern.",
        },
    )
    observed_at = _datetime_field("When it happened", help_text="Your best estimate if you are not sure.")
    description = forms.CharField(
        label="What you saw or were told",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Facts first: who, what, where. Say where information came from.",
        error_messages={"required": "Describe what you saw or were told."},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone who acts in several areas (a police officer across a force) says which area is
        # responsible for a child new to MET Hub (issue 18); in one area it is theirs.
        areas = sorted(area_ids(user)) if user is not None else []
        if len(areas) > 1:
            self.fields["area"] = forms.ModelChoiceField(
                label="Which area is responsible for this child?",
                queryset=Area.objects.filter(pk__in=areas),
                empty_label="Choose an area",
                help_text="Where the child lives, or the area that placed them if they are placed elsewhere.",
                error_messages={
                    "required": "Choose the area responsible for this child.",
                    "invalid_choice": "Choose one of the listed areas.",
                },
            )

    def clean_observed_at(self):
        value = self.cleaned_data["observed_at"]
        if value > timezone.now():
            raise forms.ValidationError("When it happened cannot be in the future.")
        return value


class DuplicateChoiceForm(Form):
    """Shown when a new child looks like one already on MET Hub that the user can see."""

    NEW = "new"
    choice = forms.CharField(
        error_messages={"required": "Choose the matching child, or say this is a different child."},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.pk): c for c in candidates}

    def clean_choice(self):
        value = self.cleaned_data["choice"]
        if value != self.NEW and value not in self.candidates:
            raise forms.ValidationError("Choose one of the children listed, or say this is a different child.")
        return value


class OpenCaseForm(Form):
    lead_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose the lead agency",
        error_messages={"required": "Choose the lead agency."},
    )
    lead_professional = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, is_practitioner=True).select_related("agency"),
        required=False,
        empty_label="Not decided yet",
        help_text="Must work for the lead agency. Gets the feedback after each MEOG meeting.",
    )
    agencies_involved = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone in these agencies who works on MET cases will be able to see and update the case.",
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one exploitation category."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"
        self.fields["categories"].item_hints = {c.pk: c.definition for c in Category.objects.all()}


class CloseCaseForm(Form):
    reason = forms.ChoiceField(
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case is being closed."},
    )
    note = forms.CharField(label="Details", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class CaseEditForm(VersionedFormMixin, ModelForm):
    snapshot_fields = list(COORDINATOR_CASE_FIELDS)

    class Meta:
        model = Case
        fields = list(COORDINATOR_CASE_FIELDS)
        widgets = {
            "agencies_involved": forms.CheckboxSelectMultiple,
            "categories": forms.CheckboxSelectMultiple,
            "voice_of_child": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].queryset = User.objects.filter(
            is_active=True, is_practitioner=True
        ).select_related("agency")
        self.fields["lead_professional"].label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"
        self.fields["restricted_to"].queryset = User.objects.filter(
            is_active=True, is_practitioner=True
        ).select_related("agency")
        self.fields["restricted_to"].label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"
        self.fields["restricted_to"].widget = forms.SelectMultiple(attrs={"size": 8})
        self.fields[
            "restricted_to"
        ].help_text = "Only for a restricted case: the people (besides coordinators and chairs) who may see it."
        self.fields["categories"].required = True
        self.fields["categories"].error_messages["required"] = "Choose at least one exploitation category."
        self.fields["categories"].item_hints = {c.pk: c.definition for c in Category.objects.all()}


class VoiceForm(VersionedFormMixin, ModelForm):
    snapshot_fields = list(PRACTITIONER_CASE_FIELDS)

    class Meta:
        model = Case
        fields = list(PRACTITIONER_CASE_FIELDS)
        widgets = {"voice_of_child": forms.Textarea(attrs={"rows": 6})}


class NoteForm(Form):
    text = forms.CharField(
        label="Add a case note",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the note."},
    )


EPISODE_FORM_FIELDS = list(EPISODE_FIELDS)


class MissingEpisodeForm(ModelForm):
    went_missing_at = _datetime_field("Went missing at")
    returned_at = _datetime_field(
        "Returned at", required=False, help_text="Leave blank while the child is still missing."
    )
    rhi_offered_at = _datetime_field("Return home interview offered at", required=False)
    rhi_completed_at = _datetime_field(
        "Return home interview completed at", required=False, help_text="Due within 72 hours of the child's return."
    )

    class Meta:
        model = MissingEpisode
        fields = EPISODE_FORM_FIELDS
        widgets = {"kind": forms.RadioSelect}


class MissingEpisodeEditForm(VersionedFormMixin, MissingEpisodeForm):
    snapshot_fields = EPISODE_FORM_FIELDS


FLAG_CHOICES = [
    ("frequent_missing", "Frequent missing"),
    ("high_risk", "High risk"),
    ("placed_out_of_area", "Placed out of area"),
    ("placed_here", "Placed here by another authority"),
    ("restricted", "Restricted"),
    ("turning_18", "Turning 18 within 6 months"),
]


PRACTITIONERS_KEY = "met:case-filter:practitioners"


def _practitioners() -> list[tuple]:
    # Every case list page offers every practitioner: kept a minute rather than read each time
    # (issue 14), and forgotten whenever a user is saved (forget_practitioners), so a new colleague
    # or a changed name shows at once.
    people = cache.get(PRACTITIONERS_KEY)
    if people is None:
        people = list(
            User.objects.filter(is_practitioner=True)
            .order_by("full_name", "pk")
            .values_list("pk", "full_name", "email")
        )
        cache.set(PRACTITIONERS_KEY, people, 60)
    return [("", "Anyone"), *((pk, name or email) for pk, name, email in people)]


def forget_practitioners(sender=None, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing the list shows
    cache.delete(PRACTITIONERS_KEY)


CATEGORIES_KEY = "met:case-filter:categories"
AGENCIES_KEY = "met:case-filter:agencies"


def _kept(key: str, read) -> list:
    # Categories and agencies change a few times a year but every case list page offers them: kept five
    # minutes (two queries of a list page's eleven, issue 14), forgotten when one is saved (forget_choices).
    rows = cache.get(key)
    if rows is None:
        rows = read()
        cache.set(key, rows, 300)
    return rows


def _categories() -> list[tuple[str, str, int]]:
    return _kept(CATEGORIES_KEY, lambda: list(Category.objects.values_list("code", "name", "pk")))


def _agencies() -> list[tuple[int, str]]:
    return _kept(AGENCIES_KEY, lambda: list(Agency.objects.values_list("pk", "name")))


def _category_id(code: str) -> int:
    return next(pk for known, _, pk in _categories() if known == code)


def forget_choices(sender=None, **kwargs) -> None:
    cache.delete(CATEGORIES_KEY)
    cache.delete(AGENCIES_KEY)


class _CodeChoiceField(forms.TypedChoiceField):
    """A choice by code that, like a model choice by code, says so when the address holds a null character."""

    def to_python(self, value):
        value = super().to_python(value)
        ProhibitNullCharactersValidator()(value)
        return value


class CaseFilterForm(Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *CaseStatus.choices])
    risk_level = forms.ChoiceField(
        label="Risk level", required=False, choices=[("", "Any risk level"), *RiskLevel.choices]
    )
    # By code in the address, as ever; cleaned to the category's id (filter_cases takes either).
    category = _CodeChoiceField(
        required=False,
        choices=lambda: [("", "Any category"), *((code, name) for code, name, _ in _categories())],
        coerce=_category_id,
        empty_value=None,
    )
    flag = forms.ChoiceField(required=False, choices=[("", "Any flag"), *FLAG_CHOICES])
    agency = forms.TypedChoiceField(
        label="Agency involved",
        required=False,
        choices=lambda: [("", "Any agency"), *_agencies()],
        coerce=int,
        empty_value=None,
    )
    # Ids and names rather than a queryset of users: a region has hundreds of practitioners, and
    # making a model instance of each, on every list page, was a fifth of the case list's time.
    lead_professional = forms.TypedChoiceField(
        label="Lead professional", required=False, coerce=int, empty_value=None, choices=lambda: _practitioners()
    )
    page = forms.IntegerField(
        required=False, min_value=1, error_messages={"invalid": "The page must be a whole number."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = (field.label or name.replace("_", " ")).lower()
            field.error_messages["invalid_choice"] = f"That {label} is not one of the options."


class SearchForm(Form):
    q = forms.CharField(
        label="Name, known-as name, date of birth or identifier",
        max_length=100,
        error_messages={
            "required": "Enter something to search for.",
            "max_length": "Search for at most 100 characters.",
        },
    )


# --- National Referral Mechanism (issue 16, part 2) -----------------------------------------------


class NrmReferralForm(ModelForm):
    """The referral and its decisions; the rules (cases/nrm.py) are checked here and again in the service."""

    referred_on = dates.DateField(label="Referral date", past=True, input_formats=DATE_FORMATS)
    rg_decided_on = dates.DateField(
        label="Reasonable grounds decision date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="The Competent Authority aims to decide within 5 working days of the referral.",
    )
    cg_decided_on = dates.DateField(
        label="Conclusive grounds decision date",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="Made after a positive reasonable grounds decision, no sooner than 30 days after it.",
    )
    ictg_allocated_on = dates.DateField(
        label="Date the guardian was allocated", required=False, input_formats=DATE_FORMATS
    )

    class Meta:
        model = NrmReferral
        fields = list(NRM_FIELDS)
        widgets = {"rg_outcome": forms.RadioSelect, "cg_outcome": forms.RadioSelect}
        help_texts = {
            "first_responder": "For example Hampshire Constabulary or Southampton City Council Children's Services.",
            "reference": "The reference the Single Competent Authority gave the referral, if known.",
            "ictg_name": "The guardian's name, or the service (for example Barnardo's ICTG service).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rg_outcome", "cg_outcome"):
            self.fields[name].choices = [("", "Not decided yet"), *NrmOutcome.choices]

    def clean(self):
        cleaned = super().clean()
        # Fields already refused show their own message; the rules only speak about the others.
        fields = {name: cleaned.get(name) for name in self._meta.fields}
        for name, messages in nrm.problems(fields, today=timezone.localdate()).items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned


class NrmReferralEditForm(VersionedFormMixin, NrmReferralForm):
    snapshot_fields = list(NRM_FIELDS)
