"""Writes for the places and persons of concern, their links to cases and disruption activity."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from meetings.models import (
    DisruptionActivity,
    PersonLink,
    PersonOfConcern,
    PlaceLink,
    PlaceOfConcern,
)
from meetings.services._shared import _audit
from met.models import Agency, User


@transaction.atomic
def place_create(*, actor: User, request: HttpRequest | None = None, **fields) -> PlaceOfConcern:
    place = PlaceOfConcern.objects.create(created_by=actor, **fields)
    _audit(actor, "place.create", place, request)
    return place


@transaction.atomic
def person_create(*, actor: User, request: HttpRequest | None = None, **fields) -> PersonOfConcern:
    person = PersonOfConcern.objects.create(created_by=actor, **fields)
    _audit(actor, "person.create", person, request)
    return person


@transaction.atomic
def register_link(
    *,
    actor: User,
    entry: PlaceOfConcern | PersonOfConcern,
    case: Case,
    note: str = "",
    request: HttpRequest | None = None,
):
    """Link a place or person to a case the actor can see (the view checked that)."""
    model, field = (PlaceLink, "place") if isinstance(entry, PlaceOfConcern) else (PersonLink, "person")
    link, created = model.objects.get_or_create(
        **{field: entry, "case": case}, defaults={"note": note, "linked_by": actor}
    )
    if not created:
        raise ValidationError({"case": "This child is already linked."})
    _audit(actor, f"{field}.link", entry, request, case=case)
    return link


@transaction.atomic
def disruption_record(
    *,
    actor: User,
    entry: PlaceOfConcern | PersonOfConcern,
    what: str,
    agency: Agency,
    happened_on: date,
    outcome: str = "",
    request: HttpRequest | None = None,
) -> DisruptionActivity:
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": "The date cannot be in the future."})
    field = "place" if isinstance(entry, PlaceOfConcern) else "person"
    activity = DisruptionActivity.objects.create(
        **{field: entry}, what=what, agency=agency, happened_on=happened_on, outcome=outcome, recorded_by=actor
    )
    _audit(actor, "disruption.create", activity, request)
    return activity
