from django import forms
from django.db.models import Q
from django.utils import timezone

from cases.forms import DATE_FORMATS
from cases.models import ClosureReason
from meetings.models import FeedbackMethod, PersonOfConcern, PlaceOfConcern, Section
from meetings.services import DUE_DATES, MEETING_DATES
from met import dates
from met.areas import area_ids
from met.form_errors import Form, ModelForm
from met.models import Agency, Area, User
from riskassessment.models import Provider
from riskassessment.services import CONFIRMABLE_LEVELS

# Only people who do casework can own actions or attend: they must be able to see the children.
CASE_ROLE = Q(is_practitioner=True) | Q(is_coordinator=True) | Q(is_chair=True)


# A time is typed in a plain box on the 24-hour clock: a native time input shows a 12-hour clock in some
# browsers and is several tab stops (issue 15).
TIME_BOX = forms.TimeInput(attrs={"class": "govuk-input--width-4", "spellcheck": "false"}, format="%H:%M")
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _date(label: str, **kwargs) -> forms.DateField:
    return dates.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": f"Enter {label.lower()} as a real date, like 3/12/2026.",
            "required": f"Enter {label.lower()}.",
        },
        **kwargs,
    )


def _people(queryset=None):
    field = forms.ModelChoiceField(
        queryset=queryset if queryset is not None else User.objects.filter(is_active=True).select_related("agency")
    )
    field.label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"
    return field


class MeetingForm(Form):
    # A meeting is this year or next, give or take: 9999 or 0001 is a typing error.
    date = _date("Date of the meeting", **MEETING_DATES)
    starts_at = forms.TimeField(
        label="Start time",
        help_text="On the 24-hour clock, like 10:00.",
        widget=TIME_BOX,
        input_formats=TIME_FORMATS,
        initial="10:00",
        error_messages={"invalid": "Enter a time like 10:00."},
    )
    chair = _people(User.objects.filter(is_active=True, is_chair=True).select_related("agency"))
    location = forms.CharField(required=False, max_length=200)
    online_link = forms.URLField(
        label="Online meeting link",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        """Each area runs its own MEOG (issue 18): the meeting is for one of the user's areas, chosen
        here only when they act in more than one (otherwise the service is given their one area)."""
        super().__init__(*args, **kwargs)
        self.areas = list(Area.objects.filter(pk__in=area_ids(user)).order_by("name")) if user is not None else []
        if len(self.areas) > 1:
            self.fields = {
                "area": forms.ModelChoiceField(
                    label="Which area's MEOG?",
                    queryset=Area.objects.filter(pk__in=[a.pk for a in self.areas]).order_by("name"),
                    empty_label="Choose an area",
                    error_messages={
                        "required": "Choose the area this meeting is for.",
                        "invalid_choice": "Choose one of your areas.",
                    },
                ),
                **self.fields,
            }

    def clean(self):
        data = super().clean()
        if "area" not in self.fields and len(self.areas) == 1:
            data["area"] = self.areas[0]
        return data


class AddItemForm(Form):
    section = forms.TypedChoiceField(choices=Section.choices, coerce=int)
    case = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=500, required=False, label="Why it is on the agenda")


class RemoveItemForm(Form):
    reason = forms.CharField(
        label="Why take it off the agenda?",
        max_length=500,
        error_messages={"required": "Say why the item is being taken off the agenda."},
    )


class DiscussionForm(Form):
    discussion = forms.CharField(
        label="Discussion summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Succinct: the facts shared and what was agreed.",
    )


class ConfirmRiskForm(Form):
    assessment = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a submitted assessment for this child."},
    )
    level = forms.ChoiceField(
        choices=[(level.value, level.label) for level in CONFIRMABLE_LEVELS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the confirmed risk level."},
    )
    reason = forms.CharField(
        label="Professional judgement", required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = case.assessments.filter(status="submitted")
        self.fields["assessment"].label_from_instance = lambda a: (
            f"SERAF of {a.assessment_date:%-d %b %Y}: score {a.score}, suggests {a.get_suggested_level_display().lower()}"
        )


class ReferralDecisionForm(Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.filter(is_active=True),
        empty_label="Choose a provider",
        error_messages={"required": "Choose the provider."},
    )
    referred_on = _date("Date referred", initial=timezone.localdate)
    mismatch_reason = forms.CharField(
        label="Reason, if the provider does not take the child's risk level",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseDecisionForm(Form):
    reason = forms.ChoiceField(
        choices=ClosureReason.choices, error_messages={"required": "Choose why the case is closed."}
    )
    note = forms.CharField(required=False, max_length=2000)


class OtherDecisionForm(Form):
    text = forms.CharField(
        label="Decision",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the decision."},
    )


class ActionForm(Form):
    description = forms.CharField(
        label="What needs doing",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what needs doing."},
    )
    owner = _people()
    due_date = _date("Due date", **DUE_DATES)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].empty_label = "Choose who will do it"
        if case is not None:
            agencies = list(case.agencies_involved.values_list("pk", flat=True))
            self.fields["owner"].queryset = (
                User.objects.filter(is_active=True, agency__in=agencies)
                .filter(CASE_ROLE)
                .select_related("agency")
                .order_by("agency__name", "full_name")
            )
            self.fields["owner"].help_text = "Someone from an agency involved in the case."
            if case.is_restricted:
                # Only people who may see the restricted child can be given work on them.
                self.fields["owner"].queryset = self.fields["owner"].queryset.filter(
                    Q(pk__in=case.restricted_to.values("pk"))
                    | Q(pk=case.lead_professional_id)
                    | Q(is_coordinator=True)
                    | Q(is_chair=True)
                )
                self.fields[
                    "owner"
                ].help_text = "This case is restricted: only the people named on it can own its actions."
        self.fields["owner"].error_messages.update(
            required="Choose who will do it.", invalid_choice="Choose someone from an agency involved in the case."
        )


class CompleteActionForm(Form):
    note = forms.CharField(
        label="What was done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done."},
    )


class CancelActionForm(Form):
    reason = forms.CharField(
        label="Why cancel it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the action is being cancelled."},
    )


class QuorumExceptionForm(Form):
    reason = forms.CharField(
        label="Reason to go ahead without a quorum",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason."},
    )


class AddendumForm(Form):
    text = forms.CharField(
        label="Correction",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the correction."},
    )


class PlaceForm(ModelForm):
    class Meta:
        model = PlaceOfConcern
        fields = ["name", "kind", "address", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "Enter the place's name."},
            "kind": {"required": "Choose the kind of place."},
        }


class PersonForm(ModelForm):
    class Meta:
        model = PersonOfConcern
        fields = ["name", "aliases", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class LinkForm(Form):
    case = forms.IntegerField(
        label="Case number",
        help_text="The number in the case reference: 123 for MET-00123.",
        error_messages={"required": "Enter the case number.", "invalid": "Enter the case number as digits."},
    )
    note = forms.CharField(required=False, max_length=300)


class DisruptionForm(Form):
    what = forms.CharField(label="What was done", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    agency = forms.ModelChoiceField(queryset=Agency.objects.filter(is_active=True), empty_label="Choose the agency")
    happened_on = _date("When")
    outcome = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackSentForm(Form):
    method = forms.ChoiceField(
        choices=[c for c in FeedbackMethod.choices if c[0] != FeedbackMethod.APP_EMAIL],
        error_messages={"required": "Choose how the feedback was given."},
    )
    note = forms.CharField(required=False, max_length=2000)


# --- attendance, guests and invitations (issue 20) ----------------------------------------------------

NEW_GUEST_ROWS = 3


class InviteForm(Form):
    """Invite one person, with an account or as a guest, to chosen items at a time slot."""

    who = forms.ChoiceField(
        label="Who are you inviting?",
        choices=[("user", "Someone with a MET Hub account"), ("guest", "A guest without an account")],
        widget=forms.RadioSelect,
        initial="user",
        error_messages={"required": "Choose who you are inviting."},
    )
    user = _people()
    guest = forms.ModelChoiceField(queryset=None, required=False, empty_label="A new guest (enter below)")
    guest_name = forms.CharField(label="New guest's name", required=False, max_length=200)
    guest_organisation = forms.CharField(label="Organisation", required=False, max_length=200)
    guest_role = forms.CharField(label="Role", required=False, max_length=200)
    items = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Items",
        error_messages={
            "required": "Choose at least one item to invite them to.",
            "invalid_choice": "Choose items that are on this meeting's agenda.",
            "invalid_pk_value": "Choose items that are on this meeting's agenda.",
        },
    )
    slot = forms.TimeField(
        label="Time slot",
        help_text="On the 24-hour clock, like 10:30.",
        widget=TIME_BOX,
        input_formats=TIME_FORMATS,
        error_messages={
            "required": "Enter the time they should join, like 10:30.",
            "invalid": "Enter a time like 10:30.",
        },
    )

    def __init__(self, *args, meeting, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].required = False
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, is_practitioner=True, is_coordinator=False, is_chair=False)
            .exclude(attendances__meeting=meeting, attendances__scope="meeting")
            .select_related("agency")
            .order_by("agency__name", "full_name")
        )
        self.fields["user"].empty_label = "Choose a person"
        self.fields["user"].error_messages["invalid_choice"] = (
            "Choose a practitioner: coordinators, chairs and people attending the whole meeting already see every item."
        )
        self.fields["guest"].queryset = meeting.guests.filter(scope="items")
        self.fields["items"].queryset = meeting.items.filter(pk__in=[i.pk for i in items])
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.subject_label} ({i.get_section_display().lower()}"
            + (f", now at {i.slot:%H:%M}" if i.slot else "")
            + ")"
        )

    def clean(self):
        data = super().clean()
        if data.get("who") == "user" and not data.get("user"):
            self.add_error("user", "Choose the person to invite.")
        if data.get("who") == "guest" and not data.get("guest"):
            if not (data.get("guest_name") or "").strip():
                self.add_error("guest_name", "Enter the guest's name, or choose a guest already added.")
            if not (data.get("guest_organisation") or "").strip():
                self.add_error("guest_organisation", "Enter the organisation the guest is from.")
        return data


class GuestStatementForm(Form):
    accept = forms.BooleanField(
        label="I have read the confidentiality statement and I accept it",
        error_messages={"required": "Tick the box to accept the statement, or hand the device back."},
    )


class WithdrawDecisionForm(Form):
    reason = forms.CharField(
        label="Why is the decision being withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the decision is being withdrawn."},
    )
