"""Validation shared by every way in (forms, API): a child's details and a missing episode's times."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Child,
)
from cases.services._shared import IDENTIFIERS, OLDEST_AGE_YEARS

PLACEMENT_FIELDS = ("placed_out_of_area", "placed_by_other_authority", "placing_authority")
PLACEMENT_CONFLICT = (
    "A child cannot be both placed out of area and placed here by another local authority. Tick "
    "‘placed out of area’ if this authority placed them somewhere else, or ‘placed here by another "
    "local authority’ if another authority placed them here – not both."
)


def placement_problems(*, placed_out_of_area, placed_by_other_authority, placing_authority) -> dict[str, str]:
    """The placement rules, in one place for the forms, the API and the services (the database's
    check constraint cases_child_one_placement_direction is the last line behind them).

    "Placed out of area" is this authority's child living elsewhere; "placed here" is another
    authority's child living here: the two describe opposite directions, so one child is never both."""
    errors = {}
    if placed_out_of_area and placed_by_other_authority:
        errors["placed_out_of_area"] = PLACEMENT_CONFLICT
    if placed_by_other_authority and not (placing_authority or "").strip():
        errors["placing_authority"] = "Enter which local authority placed the child here."
    return errors


def validate_child(data: dict, *, instance: Child | None = None) -> dict:
    errors = {}
    dob = data.get("date_of_birth")
    today = timezone.localdate()
    if dob is not None:
        if dob > today:
            errors["date_of_birth"] = "Date of birth must be today or in the past."
        elif dob < today.replace(year=today.year - OLDEST_AGE_YEARS - 1):
            errors["date_of_birth"] = (
                f"MET Hub is for children and care leavers up to {OLDEST_AGE_YEARS}: check the year."
            )
    for name in IDENTIFIERS:
        value = (data.get(name) or "").strip() or None
        data[name] = value
        if value is None:
            continue
        clash = Child.objects.filter(**{name: value})
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            label = Child._meta.get_field(name).verbose_name
            errors[name] = (
                f"Another child already has this {label}. Search for them and log the concern against their record."
            )
    if data.get("nhs_number") and (not data["nhs_number"].isdigit() or len(data["nhs_number"]) != 10):
        errors["nhs_number"] = "An NHS number is 10 digits."
    # A change to some fields is judged with the others as they stand, so that an edit cannot leave
    # the record contradicting itself (the check constraint would refuse it with a 500).
    errors.update(
        placement_problems(
            **{name: data[name] if name in data else getattr(instance, name, None) for name in PLACEMENT_FIELDS}
        )
    )
    if errors:
        raise ValidationError(errors)
    return data


def validate_episode(data: dict, *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    errors = {}
    for name in ("went_missing_at", "returned_at", "rhi_offered_at", "rhi_completed_at"):
        if data.get(name) is not None and data[name].year < 2000:
            # A mistyped year: MET Hub holds nothing from before 2000.
            raise ValidationError({name: "Check the year: that date is before 2000."})
    went, back = data.get("went_missing_at"), data.get("returned_at")
    if went and went > now:
        errors["went_missing_at"] = "The time the child went missing cannot be in the future."
    if back:
        if back > now:
            errors["returned_at"] = "The return time cannot be in the future."
        elif went and back < went:
            errors["returned_at"] = "The return time must be after the time the child went missing."
    for name in ("rhi_offered_at", "rhi_completed_at"):
        value = data.get(name)
        if value is None:
            continue
        if not back:
            errors[name] = "Record the child's return before the return home interview."
        elif value < back:
            errors[name] = "The interview cannot be before the child returned."
        elif value > now:
            errors[name] = "The interview time cannot be in the future."
    if data.get("rhi_completed_at") and data.get("rhi_declined"):
        errors["rhi_declined"] = "An interview cannot be both completed and declined."
    if data.get("reported_to_police") is False and data.get("police_reference"):
        errors["police_reference"] = "Tick ‘reported to police’ or remove the police reference."
    if errors:
        raise ValidationError(errors)
