"""Plans kept as versions per case (SafetyPlan, TransitionPlan): a new version replaces the current one, which is
kept, no longer current. The caller holds the case's row lock, so two people saving at once get a conflict,
never two current versions."""

from django.core.exceptions import ValidationError

CONFLICT = "conflict"


def supersede(model, *, case, based_on: int, conflict: str):
    """Make the case's current version of `model` no longer current; return it (or None) and the new number.

    `based_on` is the version the person started from (0 for none). When it is not the current one,
    nothing is written and the ValidationError (code "conflict") says `conflict`, with {number} filled in."""
    current = model.objects.filter(case=case, is_current=True).first()
    number = current.number if current else 0
    if based_on != number:
        raise ValidationError(conflict.format(number=number), code=CONFLICT)
    if current:
        model.objects.filter(pk=current.pk).update(is_current=False)
    return current, number + 1
