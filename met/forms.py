from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.db.models import Q

from met import areas as met_areas
from met import dates, services
from met.concurrency import VersionedFormMixin
from met.form_errors import Form, ModelForm, NamedErrorsMixin
from met.models import ROLE_HELP, Agency, AgencyKind, Area, Role, User

phone_validator = RegexValidator(r"^[0-9 +()\-]{6,40}$", "Enter a phone number using digits, spaces, + ( ) or -.")


class LoginForm(NamedErrorsMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address."
        self.fields["password"].error_messages["required"] = "Enter your password."

    error_messages = {
        "invalid_login": "Enter a correct email address and password. After 5 failed attempts the account is locked.",
        "inactive": "This account has been deactivated. Ask your agency admin if you need access.",
    }


class PasswordChangeForm(NamedErrorsMixin, auth_forms.PasswordChangeForm):
    """Django's, with messages that name the field."""


class PasswordResetForm(NamedErrorsMixin, auth_forms.PasswordResetForm):
    """Django's, with messages that name the field."""


class SetPasswordForm(NamedErrorsMixin, auth_forms.SetPasswordForm):
    """Django's, with messages that name the field."""


class TokenForm(Form):
    token = forms.RegexField(
        label="6-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": "Enter the 6-digit code shown in your authenticator app.",
            "required": "Enter the 6-digit code from your authenticator app.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


def role_choices(actor: User) -> list[tuple[str, str]]:
    grantable = services.grantable_roles(actor)
    return [(role.value, role.label) for role in Role if role.value in grantable]


class UserFormBase(ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="A person may hold several roles.",
    )

    def __init__(self, *args, actor: User, agency: Agency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["roles"].choices = role_choices(actor)
        self.fields["roles"].item_hints = {role.value: text for role, text in ROLE_HELP.items()}
        # Roles the person holds that this admin may not change are kept as they are, and said so.
        self.kept_roles = set()
        if self.instance.pk:
            held = {role.value for role in self.instance.roles}
            grantable = services.grantable_roles(actor)
            self.fields["roles"].initial = [role for role in held if role in grantable]
            self.kept_roles = held - grantable
            if self.instance.pk == actor.pk:
                # The page shows one's own roles as text; the service refuses a hand-made POST that changes them.
                self.own_roles = held
                self.fields["roles"].choices = Role.choices
                self.fields["roles"].widget = forms.MultipleHiddenInput()
                self.fields["roles"].initial = sorted(held)
                self.kept_roles = set()
        if self.kept_roles:
            kept = services.role_labels(self.kept_roles)
            self.fields["roles"].help_text = f"Also holds: {kept}. Only a system admin can grant or remove that role."
        agency = agency or (self.instance.agency if self.instance.pk else None)
        managers = User.objects.filter(is_active=True).select_related("agency")
        if agency is not None:
            managers = managers.filter(agency=agency)
        elif not actor.is_system_admin:
            managers = managers.filter(agency_id=actor.agency_id)
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["line_manager"].queryset = managers
        self.fields["line_manager"].required = False
        self.fields["line_manager"].empty_label = "No line manager"
        self.fields["full_name"].error_messages["required"] = "Enter the person's full name."
        if "email" in self.fields:
            self.fields["email"].error_messages.update(
                required="Enter the person's work email address.",
                invalid="Enter an email address in the right format, like name@example.org.",
            )
        if not self.instance.pk:
            self.fields["roles"].initial = [Role.PRACTITIONER.value]
        self.fields["line_manager"].help_text = "Escalations of this person's overdue actions go to their line manager."
        self.fields["phone"].validators.append(phone_validator)

    own_roles: set[str] | None = None

    @property
    def own_roles_display(self) -> str:
        return ", ".join(Role(role).label for role in Role.values if role in (self.own_roles or ()))

    def clean_roles(self):
        roles = set(self.cleaned_data.get("roles") or [])
        # The whole set the account will hold: what was ticked, and what this admin may not change.
        return roles | self.kept_roles


class UserCreateForm(UserFormBase):
    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "phone", "agency", "line_manager"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)
        self.fields["agency"].empty_label = "Choose an agency"
        self.fields["agency"].error_messages["required"] = "Choose the agency the person works for."
        if not actor.is_system_admin:
            # Agency admins create accounts in their own agency only.
            del self.fields["agency"]
        self.fields["line_manager"].queryset = (
            User.objects.filter(is_active=True).select_related("agency").order_by("agency__name", "full_name")
            if actor.is_system_admin
            else self.fields["line_manager"].queryset
        )
        self.fields["line_manager"].label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email

    def clean(self):
        cleaned = super().clean()
        agency = cleaned.get("agency") if "agency" in self.fields else self.actor.agency
        manager = cleaned.get("line_manager")
        if agency is not None and manager is not None and manager.agency_id != agency.pk:
            self.add_error("line_manager", "Choose a line manager from the same agency.")
        return cleaned


class UserEditForm(VersionedFormMixin, UserFormBase):
    """`areas` is offered to a system admin only, and only where the agency works in several areas:
    an agency admin must not be able to widen anyone's sight, and a form without the field changes nothing."""

    snapshot_fields = [
        "full_name",
        "job_title",
        "phone",
        "line_manager",
        "is_practitioner",
        "is_coordinator",
        "is_chair",
        "is_agency_admin",
        "is_system_admin",
    ]

    class Meta:
        model = User
        fields = ["full_name", "job_title", "phone", "line_manager"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        agency_areas = list(Area.objects.filter(agencies=self.instance.agency_id))
        if actor.is_system_admin and len(agency_areas) > 1:
            self.fields["areas"] = forms.ModelMultipleChoiceField(
                label="Areas this person acts in",
                queryset=Area.objects.filter(pk__in=[a.pk for a in agency_areas]),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text="Leave empty for every area their agency works in.",
            )
            self.fields["areas"].initial = [a.pk for a in self.instance.areas.all() if a in agency_areas]

    def selected_areas(self):
        """The areas to save, or None where the form does not offer them (nothing changes)."""
        return self.cleaned_data["areas"] if "areas" in self.fields else None


def _areas_field(agency: Agency | None) -> forms.ModelMultipleChoiceField:
    """Where the agency works: the active areas, and any inactive one it already works in. With only
    one area in the installation it is ticked, and an empty answer means that one (as before areas)."""
    choices = Area.objects.filter(is_active=True)
    if agency is not None and agency.pk:
        choices = Area.objects.filter(Q(is_active=True) | Q(agencies=agency)).distinct()
    field = forms.ModelMultipleChoiceField(
        label="Areas this agency works in",
        queryset=choices,
        widget=forms.CheckboxSelectMultiple,
        required=len(met_areas.all_area_ids()) > 1,
        help_text="A council works in its own area; police, health trusts and charities often work in several.",
        error_messages={"required": "Choose at least one area this agency works in."},
    )
    return field


class _AgencyAreasMixin:
    def clean_areas(self):
        chosen = self.cleaned_data.get("areas")
        if not chosen and len(met_areas.all_area_ids()) == 1:
            return Area.objects.filter(pk__in=met_areas.all_area_ids())
        return chosen


class AgencyForm(_AgencyAreasMixin, ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "short_name", "kind", "areas"]
        help_texts = {
            "kind": "Children's social care, police and health are statutory: a MEOG meeting needs all three."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AgencyKind.choices
        self.fields["kind"].error_messages["required"] = "Choose the kind of agency."
        self.fields["name"].error_messages["required"] = "Enter the agency's name."
        self.fields["short_name"].error_messages["required"] = "Enter the agency's short name."
        self.fields["areas"] = _areas_field(None)
        if len(met_areas.all_area_ids()) == 1:
            self.fields["areas"].initial = list(met_areas.all_area_ids())


class AgencyEditForm(_AgencyAreasMixin, VersionedFormMixin, ModelForm):
    snapshot_fields = ["name", "short_name", "kind", "is_active", "senior_contact", "areas"]

    class Meta:
        model = Agency
        fields = ["name", "short_name", "kind", "is_active", "senior_contact", "areas"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["senior_contact"].queryset = User.objects.filter(agency=self.instance, is_active=True)
        self.fields["areas"] = _areas_field(self.instance)
        self.fields["areas"].initial = list(self.instance.areas.values_list("pk", flat=True))


class AreaForm(ModelForm):
    class Meta:
        model = Area
        fields = ["name", "short_name"]
        help_texts = {"name": "The local authority's area, for example “Southampton”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the area's name."
        self.fields["short_name"].error_messages["required"] = "Enter the area's short name."


class AreaEditForm(VersionedFormMixin, AreaForm):
    snapshot_fields = ["name", "short_name", "is_active"]

    class Meta(AreaForm.Meta):
        fields = ["name", "short_name", "is_active"]


class UserFilterForm(Form):
    q = forms.CharField(label="Name or email", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("active", "Active"), ("inactive", "Deactivated"), ("all", "All")],
    )
    agency = forms.ModelChoiceField(
        label="Agency", required=False, queryset=Agency.objects.all(), empty_label="All agencies"
    )


class NonWorkingDayForm(Form):
    date = dates.DateField(
        label="Date",
        **services.NON_WORKING_DAYS,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": "Enter the date.", "invalid": "Enter a real date, like 8/5/2027."},
    )
    reason = forms.CharField(max_length=200, error_messages={"required": "Say why, for example “Extra bank holiday”."})
