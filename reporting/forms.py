from django import forms
from django.utils import timezone

from met import dates
from met.areas import all_area_ids, area_ids
from met.concurrency import VersionedFormMixin
from met.form_errors import Form, ModelForm
from met.models import Agency, Area, User
from reporting.access import sees_strategic_reports
from reporting.models import PlanAction, Priority, Rag, Report, ReportKind
from reporting.services import EARLIEST_PERIOD, REISSUE_REASON_MAX

EVERY_AREA = "all"


class RequestReportForm(Form):
    kind = forms.ChoiceField(choices=ReportKind.choices, initial=ReportKind.MACE_MONTHLY)
    # Issue 18: only where there are several areas; then the chair's own areas, and every area (the
    # strategic group's LSCB report) for a chair.
    area = forms.ChoiceField(
        label="Area",
        required=True,
        error_messages={"required": "Choose the area.", "invalid_choice": "Choose an area from the list."},
    )
    month = forms.DateField(
        label="Period starting",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"],
        help_text="The first month of the period.",
        error_messages={"required": "Choose the month the period starts.", "invalid": "Enter a month like 2026-10."},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None or len(all_area_ids()) < 2:
            del self.fields["area"]
            return
        own = Area.objects.filter(pk__in=area_ids(user), is_active=True).order_by("name")
        choices = [(str(area.pk), area.name) for area in own]
        if sees_strategic_reports(user):
            choices.append((EVERY_AREA, "Every area: the strategic group's LSCB report"))
        self.fields["area"].choices = [("", "Choose the area"), *choices]

    def clean_area(self):
        value = self.cleaned_data["area"]
        return None if value == EVERY_AREA else Area.objects.get(pk=int(value))

    def clean(self):
        cleaned = super().clean()
        month, kind = cleaned.get("month"), cleaned.get("kind")
        if month and month < EARLIEST_PERIOD:
            self.add_error("month", f"Period starting must be {EARLIEST_PERIOD:%B %Y} or later.")
        if month and month.replace(day=1) > timezone.localdate():
            self.add_error("month", "That period has not started yet.")
        if (
            month
            and kind in (ReportKind.LSCB_QUARTERLY, ReportKind.LSCB_HALF_YEAR)
            and month.month not in ({1, 4, 7, 10} if kind == ReportKind.LSCB_QUARTERLY else {1, 7})
        ):
            self.add_error("month", "Quarters start in January, April, July or October; half-years in January or July.")
        return cleaned


class ReissueForm(Form):
    reason = forms.CharField(
        label="Why are you re-issuing this report?",
        help_text="Say what was wrong. The reason is shown on the new issue and kept with the old one.",
        max_length=REISSUE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why the report is being re-issued.",
            "max_length": f"Keep the reason to {REISSUE_REASON_MAX} characters or fewer.",
        },
    )


class CommentaryForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = ["good_practice", "themes_narrative", "stuck_cases_narrative"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class RagForm(Form):
    rating = forms.ChoiceField(
        choices=Rag.choices, widget=forms.RadioSelect, error_messages={"required": "Choose red, amber or green."}
    )
    commentary = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the rating is based on."},
    )
    dated = dates.DateField(
        label="As at",
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Enter a real date."},
    )


# --- keeping the strategic action plan (issue 17 part 3) ----------------------------------------------


def _people():
    return User.objects.filter(is_active=True).select_related("agency").order_by("full_name")


def _name_length_errors(form) -> None:
    """“Who is going to do it must be 300 characters or fewer”, not Django's nameless default."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if limit:
            field.error_messages["max_length"] = f"{str(field.label).rstrip('?')} must be {limit} characters or fewer."


def _person_field(label: str, help_text: str = "") -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=_people(),
        required=False,
        label=label,
        help_text=help_text,
        error_messages={"invalid_choice": f"Choose the {label.lower()} from the list."},
    )
    field.label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"
    return field


def _area_field(form) -> None:
    """A priority of one area's plan or of the shared one (issue 18); with a single area there is no
    choice to make, and the form is as it was."""
    if len(all_area_ids()) < 2:
        del form.fields["area"]
        return
    form.fields["area"].queryset = Area.objects.filter(is_active=True)
    form.fields["area"].empty_label = "Every area (shared)"
    form.fields["area"].error_messages["invalid_choice"] = "Choose an area from the list."


class PriorityForm(VersionedFormMixin, ModelForm):
    snapshot_fields = ["title", "lead", "lead_agency", "lead_person", "area"]

    class Meta:
        model = Priority
        fields = ["title", "lead", "lead_agency", "lead_person", "area"]
        labels = {"title": "Priority", "lead": "Lead, as the plan words it", "area": "Area"}
        help_texts = {"lead": "For example “LSCB (MET Group)”."}
        error_messages = {"title": {"required": "Enter the priority."}}

    def __init__(self, *args, **kwargs):
        if len(all_area_ids()) < 2:  # no area to choose (_area_field): its snapshot as before areas
            self.snapshot_fields = [name for name in self.snapshot_fields if name != "area"]
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.filter(is_active=True)
        self.fields["lead_agency"].error_messages["invalid_choice"] = "Choose the lead agency from the list."
        self.fields["lead_person"] = _person_field("Named lead", "The person who answers for it.")
        _area_field(self)
        _name_length_errors(self)


class PlanActionForm(VersionedFormMixin, ModelForm):
    snapshot_fields = ["what", "how", "who", "when", "difference", "agencies", "lead_person", "due_date"]
    due_date = dates.DateField(label="Due date", required=False)

    class Meta:
        model = PlanAction
        fields = ["what", "how", "who", "when", "difference", "agencies", "lead_person", "due_date"]
        labels = {
            "what": "What are we going to do?",
            "how": "How are we going to do it?",
            "who": "Who is going to do it?",
            "when": "When are we going to do it?",
            "difference": "What difference will it make?",
            "agencies": "Owning agencies",
        }
        help_texts = {
            "who": "As the plan words it.",
            "when": "As the plan words it, for example “6 monthly” or “By May 2016”.",
        }
        widgets = {
            "what": forms.Textarea(attrs={"rows": 3}),
            "how": forms.Textarea(attrs={"rows": 5}),
            "difference": forms.Textarea(attrs={"rows": 4}),
            "agencies": forms.CheckboxSelectMultiple,
        }
        error_messages = {"what": {"required": "Enter what the group will do."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True)
        self.fields["agencies"].required = False
        self.fields["agencies"].error_messages.update(
            invalid_choice="Choose owning agencies from the list.",
            invalid_pk_value="Choose owning agencies from the list.",
        )
        self.fields["lead_person"] = _person_field("Named lead", "The person who answers for it.")
        _name_length_errors(self)


class NewPriorityForm(PriorityForm):
    """Adding: no version yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"], self.fields["snapshot"]


class NewPlanActionForm(PlanActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"], self.fields["snapshot"]


class RetireForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is it being retired?",
        help_text="For example: done, overtaken, or merged into another action. It stays in the plan's history.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why it is being retired.",
            "max_length": "Reason for retiring must be 2000 characters or fewer.",
        },
    )


class ReviewRecordForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = dates.DateField(label="Date of the review", past=True)
    notes = forms.CharField(
        label="Notes of the review",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the group concluded about the plan's progress, and what it changed.",
        error_messages={"required": "Enter the notes of the review."},
    )
    next_review_on = dates.DateField(
        label="Date of the next review", required=False, help_text="Leave blank for 6 months after this review."
    )


class ReviewScheduleForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    next_review_on = dates.DateField(label="Date of the next review")


class StrategicGroupForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("chair", "Strategic chair"), ("deputy_chair", "Deputy chair")):
            self.fields[name] = _person_field(label, "They keep the action plan; leave blank for nobody.")
