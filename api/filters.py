"""Query-string filters for the lists (django-filter) and a strict ?ordering=.

A value that is not one of the options is a 400 that says so, never silently ignored: a partner
system that mistypes a filter must not take the whole list for the filtered one.
The case filters are the web list's own (cases.selectors.filter_cases), so the two cannot drift.
"""

from datetime import UTC

from django import forms
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField as IsoDateTimeFieldBase
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from api.fields import EARLIEST, LATEST, MAX_ID, RANGE_MESSAGE
from cases.forms import FLAG_CHOICES
from cases.missing import overdue_rhi_filter
from cases.models import (
    Case,
    CaseStatus,
    Category,
    Child,
    Concern,
    ConcernOutcome,
    EpisodeKind,
    MissingEpisode,
    RiskLevel,
)
from cases.selectors import filter_cases
from meetings.models import Action, ActionStatus, Meeting, MeetingStatus
from met.models import Agency, Notification, User
from riskassessment.models import Assessment, AssessmentStatus


def _not_an_option(label: str) -> dict:
    return {"invalid_choice": f"That {label} is not one of the options."}


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error rather than "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")

    def validate(self, value):
        pass


class SafeModelChoiceField(forms.ModelChoiceField):
    """Text that no option could be (NUL characters, which PostgreSQL refuses) is not looked up."""

    def to_python(self, value):
        if isinstance(value, str) and ("\x00" in value or len(value) > 100):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelChoiceFilter(filters.ModelChoiceFilter):
    field_class = SafeModelChoiceField


class IsoDateTimeField(IsoDateTimeFieldBase):
    """ISO 8601, within the years a record can have, and in UTC before it reaches the database
    (PostgreSQL refuses offsets beyond ±15:59, which Python accepts)."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            result = result.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(RANGE_MESSAGE, code="out_of_range") from None
        if not EARLIEST <= result.date() <= LATEST:
            raise forms.ValidationError(RANGE_MESSAGE, code="out_of_range")
        return result


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's own widget turns anything but true/false into "no filter": read the text as sent.
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class DateFilter(filters.DateFilter):
    """ISO 8601 dates (2026-03-27) only, as everywhere else in the API."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a real date as YYYY-MM-DD, like 2026-03-27."})
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A record id: a whole number. Ids of records you cannot see just match nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Enter the id as a whole number.",
                "min_value": "Ids start at 1.",
                "max_value": "No record has an id that large.",
            },
        )
        super().__init__(*args, **kwargs)


class CaseFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=CaseStatus.choices, error_messages=_not_an_option("status"))
    risk_level = filters.ChoiceFilter(choices=RiskLevel.choices, error_messages=_not_an_option("risk level"))
    category = extend_schema_field(OpenApiTypes.STR)(
        ModelChoiceFilter(
            queryset=Category.objects.all(),
            to_field_name="code",
            error_messages=_not_an_option("category"),
            help_text="A category code, e.g. cse.",
        )
    )
    flag = filters.ChoiceFilter(choices=FLAG_CHOICES, error_messages=_not_an_option("flag"))
    agency = extend_schema_field(OpenApiTypes.INT)(
        ModelChoiceFilter(
            queryset=Agency.objects.all(), error_messages=_not_an_option("agency"), help_text="An agency involved (id)."
        )
    )
    lead_professional = extend_schema_field(OpenApiTypes.INT)(
        ModelChoiceFilter(
            queryset=User.objects.filter(is_practitioner=True),
            error_messages=_not_an_option("lead professional"),
            help_text="The lead professional's user id.",
        )
    )

    class Meta:
        model = Case
        fields = ["status", "risk_level", "category", "flag", "agency", "lead_professional"]

    def filter_queryset(self, queryset):
        # The view's queryset is already cut to what the user may see.
        return filter_cases(queryset, self.form.cleaned_data)


class ChildFilter(filters.FilterSet):
    police_number = filters.CharFilter(max_length=40)
    csc_number = filters.CharFilter(max_length=40)
    nhs_number = filters.CharFilter(max_length=10)
    date_of_birth = DateFilter()

    class Meta:
        model = Child
        fields = ["police_number", "csc_number", "nhs_number", "date_of_birth"]


class ConcernFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    category = extend_schema_field(OpenApiTypes.STR)(
        ModelChoiceFilter(
            queryset=Category.objects.all(), to_field_name="code", error_messages=_not_an_option("category")
        )
    )
    outcome = filters.ChoiceFilter(choices=ConcernOutcome.choices, error_messages=_not_an_option("outcome"))
    triaged = BooleanFilter(field_name="triaged_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Concern
        fields = ["case", "category", "outcome", "triaged"]


class MissingEpisodeFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    kind = filters.ChoiceFilter(choices=EpisodeKind.choices, error_messages=_not_an_option("kind"))
    went_missing_after = IsoDateTimeFilter(field_name="went_missing_at", lookup_expr="gte")
    went_missing_before = IsoDateTimeFilter(field_name="went_missing_at", lookup_expr="lt")
    rhi_overdue = BooleanFilter(method="filter_rhi_overdue", help_text="Return home interview overdue (72 hours).")

    class Meta:
        model = MissingEpisode
        fields = ["case", "kind", "went_missing_after", "went_missing_before", "rhi_overdue"]

    def filter_rhi_overdue(self, queryset, name, value):
        overdue = overdue_rhi_filter(now=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class AssessmentFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id")
    status = filters.ChoiceFilter(choices=AssessmentStatus.choices, error_messages=_not_an_option("status"))

    class Meta:
        model = Assessment
        fields = ["case", "status"]


class MeetingFilter(filters.FilterSet):
    date_from = DateFilter(field_name="date", lookup_expr="gte")
    date_to = DateFilter(field_name="date", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=MeetingStatus.choices, error_messages=_not_an_option("status"))

    class Meta:
        model = Meeting
        fields = ["date_from", "date_to", "status"]


class ActionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ActionStatus.choices, error_messages=_not_an_option("status"))
    case = IdFilter(field_name="case_id")
    mine = BooleanFilter(method="filter_mine", help_text="Only the actions you own (true), or only others' (false).")
    overdue = BooleanFilter(method="filter_overdue", help_text="Open and past their due date.")

    class Meta:
        model = Action
        fields = ["status", "case", "mine", "overdue"]

    def filter_mine(self, queryset, name, value):
        mine = {"owner": self.request.user}
        return queryset.filter(**mine) if value else queryset.exclude(**mine)

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class NotificationFilter(filters.FilterSet):
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread"]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a list asked for none of its filters is left as it is: no
    FilterSet is built (a deep copy of every filter and a form of empty fields, validated), a
    millisecond of every unfiltered list page (issue 14). An empty form filters nothing, so the rows
    are the same; a filter named with any value, even blank or wrong, goes through django-filter."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _asks_for_any(request.query_params, filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _asks_for_any(params, names) -> bool:
    # A filter with a two-part widget (a range) reads its name with a suffix: name_min, name_after.
    return any(param == name or param.startswith(f"{name}_") for param in params for name in names)


class StrictOrderingFilter(OrderingFilter):
    """?ordering=field,-other among the view's `ordering_fields`; an unknown field is a 400."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
            wanted = [term.strip() for term in raw.split(",")]
            unknown = [term for term in wanted if term.lstrip("-") not in valid]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"You cannot order by “{unknown[0]}”. Choose from {', '.join(valid)} "
                            "(with a leading - for descending order)."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        fields_ = ", ".join(getattr(view, "ordering_fields", None) or [])
        default = ",".join(getattr(view, "ordering", None) or [])
        parameters = super().get_schema_operation_parameters(view)
        parameters[0]["description"] = (
            f"Order by one or more of: {fields_}, separated by commas; a leading - reverses. Default: {default}."
        )
        return parameters
