"""Optimistic locking: a save made from a stale copy of a record is refused, never merged.

Edit forms carry the record's version and a signed snapshot of the values the editor saw.
When the version in the database has moved on, the snapshot tells us exactly what the other
person changed, so the message can say so.
"""

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db import models

_SALT = "met.concurrency.snapshot"


class StaleEditError(Exception):
    def __init__(self, changes: list[tuple[str, str, str]]):
        self.changes = changes
        super().__init__("The record was changed by someone else since it was opened.")

    def message(self) -> str:
        if not self.changes:
            return "Someone else saved this record after you opened it. Your changes were not saved."
        listed = "; ".join(f"{label}: “{old}” → “{new}”" for label, old, new in self.changes)
        return (
            "Someone else saved this record after you opened it, so your changes were not saved. "
            f"They changed {listed}. Check the form below and save again."
        )


def _display(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(instance, name).all())) or "(none)"
    value = getattr(instance, name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, str]:
    return {name: _display(instance, name) for name in fields}


def check_version(instance: models.Model, *, expected_version: int, seen: dict[str, str] | None) -> None:
    """Raise StaleEditError when `instance` (freshly locked from the database) has moved on."""
    if instance.version == expected_version:
        return
    changes = []
    for name, old in (seen or {}).items():
        try:
            new = _display(instance, name)
        except FieldDoesNotExist:  # a field removed since the form was rendered cannot be compared
            continue
        if new != old:
            changes.append((str(instance._meta.get_field(name).verbose_name).capitalize(), old, new))
    raise StaleEditError(changes)


class VersionedFormMixin(forms.Form):
    """Adds the hidden version and snapshot fields to a ModelForm editing an existing record."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    snapshot = forms.CharField(widget=forms.HiddenInput, required=False)

    snapshot_fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version
            self.fields["snapshot"].initial = signing.dumps(snapshot(instance, self.snapshot_fields), salt=_SALT)

    def clean_version(self):
        value = self.cleaned_data.get("version")
        if value is None:
            raise forms.ValidationError("This form is missing its version. Reload the page and try again.")
        return value

    def model_data(self) -> dict:
        """The edited fields' cleaned values, without the locking fields."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}

    def version_kwargs(self) -> dict:
        return {"expected_version": self.cleaned_data["version"], "seen": self.seen_values()}

    def seen_values(self) -> dict[str, str] | None:
        try:
            return signing.loads(self.cleaned_data.get("snapshot") or "", salt=_SALT)
        except signing.BadSignature:
            return None


def rebind_after_conflict(form_class, data, *, instance: models.Model, error: StaleEditError, **kwargs):
    """The editor's own values, the conflict explained, and the current version so they can save again."""
    fresh = form_class(instance=instance, **kwargs)
    data = data.copy()
    data["version"] = fresh.fields["version"].initial
    data["snapshot"] = fresh.fields["snapshot"].initial
    form = form_class(data, instance=instance, **kwargs)
    form.is_valid()
    form.add_error(None, error.message())
    return form
