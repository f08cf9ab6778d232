"""Keeping the strategic action plan (issue 17 part 3): priorities and actions added, edited and
retired by the strategic group's chair and deputy chair, each change kept with the values before it
(PlanChange) and audited; the 6-monthly review recorded and rescheduled; and the reminder of it.

Nothing is deleted: a retired priority or action keeps its history and ratings and leaves the plan's
RAG summary. Edits are checked against the version the editor saw (met/concurrency.py).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from met import dates
from met.audit import audit
from met.concurrency import check_version
from met.models import User
from reporting import plan_review
from reporting.access import require_group_admin, require_plan_editor
from reporting.models import PlanAction, PlanChange, PlanChangeKind, PlanReview, Priority, StrategicGroup

PRIORITY_FIELDS = ("title", "lead", "lead_agency", "lead_person", "area")
ACTION_FIELDS = ("what", "how", "who", "when", "difference", "agencies", "lead_person", "due_date")
REASON_MAX = 2000


# --- checking what was typed ------------------------------------------------------------------------


def _label(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _text(model: type[Model], name: str, value, *, required: bool = False, message: str = "") -> str:
    # A browser sends a textarea's line breaks as CRLF; the plan keeps them as the seed does, LF.
    value = (value or "").replace("\r\n", "\n").strip()
    limit = model._meta.get_field(name).max_length
    if required and not value:
        raise ValidationError({name: message or f"Enter {_label(model, name).lower()}."})
    if limit and len(value) > limit:
        raise ValidationError({name: f"{_label(model, name)} must be {limit} characters or fewer."})
    return value


def _person(name: str, person: User | None, label: str) -> User | None:
    if person is not None and not person.is_active:
        raise ValidationError({name: f"{label} must be someone with an active account."})
    return person


def _clean_priority(fields: dict) -> dict:
    unknown = set(fields) - set(PRIORITY_FIELDS)
    if unknown:
        raise ValidationError(f"A priority has no {', '.join(sorted(unknown))}.")
    cleaned = dict(fields)
    if "title" in fields:
        cleaned["title"] = _text(Priority, "title", fields["title"], required=True, message="Enter the priority.")
    if "lead" in fields:
        cleaned["lead"] = _text(Priority, "lead", fields["lead"])
    if "lead_agency" in fields and fields["lead_agency"] is not None and not fields["lead_agency"].is_active:
        raise ValidationError({"lead_agency": "Lead agency must be an active agency."})
    if "lead_person" in fields:
        cleaned["lead_person"] = _person("lead_person", fields["lead_person"], "Named lead")
    return cleaned


def _clean_action(fields: dict) -> dict:
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError(f"An action has no {', '.join(sorted(unknown))}.")
    cleaned = dict(fields)
    for name in ("what", "how", "who", "when", "difference"):
        if name in fields:
            cleaned[name] = _text(
                PlanAction, name, fields[name], required=name == "what", message="Enter what the group will do."
            )
    if "agencies" in fields:
        agencies = list(fields["agencies"] or [])
        if any(not agency.is_active for agency in agencies):
            raise ValidationError({"agencies": "Owning agencies must be active agencies."})
        cleaned["agencies"] = agencies
    if "lead_person" in fields:
        cleaned["lead_person"] = _person("lead_person", fields["lead_person"], "Named lead")
    if fields.get("due_date") is not None:
        problem = dates.out_of_range("Due date", fields["due_date"])
        if problem:
            raise ValidationError({"due_date": problem})
    return cleaned


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why it is being retired."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Reason for retiring must be {REASON_MAX} characters or fewer."})
    return reason


# --- history ----------------------------------------------------------------------------------------


def shown(value) -> str:
    """A value as the history shows it."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(item) for item in value)) or "(none)"
    if isinstance(value, User):
        return value.full_name or value.email
    return str(value)


def _current(obj: Model, name: str):
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return list(getattr(obj, name).all())
    return getattr(obj, name)


def _changes(obj: Model, fields: dict) -> list[list[str]]:
    """[label, before, after] for each field whose value changes."""
    changed = []
    for name, new in fields.items():
        old = _current(obj, name)
        if obj._meta.get_field(name).many_to_many:
            if {o.pk for o in old} == {n.pk for n in new}:
                continue
        elif old == new:
            continue
        changed.append([_label(type(obj), name), shown(old), shown(new)])
    return changed


def _record(
    *, actor: User, kind: str, obj: Priority | PlanAction, fields: list, reason: str = "", request=None
) -> PlanChange:
    subject = {"priority": obj} if isinstance(obj, Priority) else {"action": obj}
    change = PlanChange.objects.create(kind=kind, fields=fields, reason=reason, changed_by=actor, **subject)
    audit(
        actor=actor,
        action=f"plan.{'priority' if isinstance(obj, Priority) else 'action'}.{kind}",
        obj=obj,
        request=request,
        detail={"fields": [label for label, *_ in fields], "change": change.pk},
    )
    return change


def _lock_plan() -> StrategicGroup:
    """Plan writes that number things (a new priority, a new action) take turns on the group's row."""
    StrategicGroup.objects.get_or_create(pk=1)
    return StrategicGroup.objects.select_for_update().get(pk=1)


def _apply(obj: Model, fields: dict) -> None:
    many = {name: fields[name] for name in fields if obj._meta.get_field(name).many_to_many}
    for name, value in fields.items():
        if name not in many:
            setattr(obj, name, value)
    obj.save()
    for name, value in many.items():
        getattr(obj, name).set(value)


# --- priorities -------------------------------------------------------------------------------------


@transaction.atomic
def priority_create(*, actor: User, request: HttpRequest | None = None, **fields) -> Priority:
    require_plan_editor(actor)
    fields = _clean_priority(fields)
    if "title" not in fields:
        raise ValidationError({"title": "Enter the priority."})
    _lock_plan()
    number = (Priority.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    priority = Priority.objects.create(number=number, **fields)
    _record(
        actor=actor,
        kind=PlanChangeKind.CREATED,
        obj=priority,
        fields=[[_label(Priority, name), "", shown(value)] for name, value in fields.items() if value],
        request=request,
    )
    return priority


def _refuse_retired(obj: Priority | PlanAction, what: str) -> None:
    if obj.is_retired:
        raise ValidationError(
            f"This {what} was retired on {timezone.localtime(obj.retired_at):%-d %B %Y} and no longer changes."
        )


def _update(model, obj, *, actor, what: str, clean, expected_version: int, seen, request, fields: dict):
    """Edit a priority or an action: checked against the version the editor saw, and the values
    before the change kept in its history."""
    require_plan_editor(actor)
    obj = model.objects.select_for_update().get(pk=obj.pk)
    check_version(obj, expected_version=expected_version, seen=seen)
    _refuse_retired(obj, what)
    fields = clean(fields)
    changes = _changes(obj, fields)
    if changes:
        obj.version += 1
        _apply(obj, fields)
        _record(actor=actor, kind=PlanChangeKind.EDITED, obj=obj, fields=changes, request=request)
    return obj


def _retire(model, obj, *, actor, what: str, expected_version: int, reason: str, request, check=None):
    """Take a priority or an action out of the plan: never deleted, its history and ratings kept."""
    require_plan_editor(actor)
    obj = model.objects.select_for_update().get(pk=obj.pk)
    check_version(obj, expected_version=expected_version, seen=None)
    _refuse_retired(obj, what)
    reason = _reason(reason)
    if check is not None:
        check(obj)
    obj.retired_at, obj.retired_by, obj.retired_reason = timezone.now(), actor, reason
    obj.version += 1
    obj.save()
    _record(actor=actor, kind=PlanChangeKind.RETIRED, obj=obj, fields=[], reason=reason, request=request)
    return obj


@transaction.atomic
def priority_update(
    *,
    actor: User,
    priority: Priority,
    expected_version: int,
    seen: dict | None,
    request: HttpRequest | None = None,
    **fields,
) -> Priority:
    return _update(
        Priority,
        priority,
        actor=actor,
        what="priority",
        clean=_clean_priority,
        expected_version=expected_version,
        seen=seen,
        request=request,
        fields=fields,
    )


def _no_actions_in_plan(priority: Priority) -> None:
    active = list(priority.actions.filter(retired_at__isnull=True).values_list("ref", flat=True))
    if active:
        raise ValidationError(
            f"Priority {priority.number} still has actions in the plan ({', '.join(active)}): retire them first."
        )


@transaction.atomic
def priority_retire(
    *, actor: User, priority: Priority, expected_version: int, reason: str, request: HttpRequest | None = None
) -> Priority:
    """Retire a priority whose actions are all retired; it stays in the plan's history."""
    return _retire(
        Priority,
        priority,
        actor=actor,
        what="priority",
        expected_version=expected_version,
        reason=reason,
        request=request,
        check=_no_actions_in_plan,
    )


# --- actions ----------------------------------------------------------------------------------------


def _next_ref(priority: Priority) -> tuple[int, str]:
    """The next number within the priority, never one used before (a retired action keeps its ref)."""
    seq = (PlanAction.objects.filter(priority=priority).aggregate(top=Max("seq"))["top"] or 0) + 1
    while PlanAction.objects.filter(ref=f"{priority.number}.{seq}").exists():
        seq += 1
    return seq, f"{priority.number}.{seq}"


@transaction.atomic
def plan_action_create(*, actor: User, priority: Priority, request: HttpRequest | None = None, **fields) -> PlanAction:
    require_plan_editor(actor)
    fields = _clean_action(fields)
    if "what" not in fields:
        raise ValidationError({"what": "Enter what the group will do."})
    _lock_plan()
    priority = Priority.objects.get(pk=priority.pk)
    if priority.is_retired:
        raise ValidationError(f"Priority {priority.number} is retired: add the action to a priority in the plan.")
    seq, ref = _next_ref(priority)
    agencies = fields.pop("agencies", [])
    try:
        with transaction.atomic():
            action = PlanAction.objects.create(priority=priority, seq=seq, ref=ref, **fields)
    except IntegrityError:
        raise ValidationError("Another action took that number at the same moment. Save again.") from None
    action.agencies.set(agencies)
    fields["agencies"] = agencies
    _record(
        actor=actor,
        kind=PlanChangeKind.CREATED,
        obj=action,
        fields=[[_label(PlanAction, name), "", shown(value)] for name, value in fields.items() if value],
        request=request,
    )
    return action


@transaction.atomic
def plan_action_update(
    *,
    actor: User,
    action: PlanAction,
    expected_version: int,
    seen: dict | None,
    request: HttpRequest | None = None,
    **fields,
) -> PlanAction:
    return _update(
        PlanAction,
        action,
        actor=actor,
        what="action",
        clean=_clean_action,
        expected_version=expected_version,
        seen=seen,
        request=request,
        fields=fields,
    )


@transaction.atomic
def plan_action_retire(
    *, actor: User, action: PlanAction, expected_version: int, reason: str, request: HttpRequest | None = None
) -> PlanAction:
    """Take an action out of the plan (done with, overtaken, merged into another): it keeps its ref,
    history and ratings, and leaves the RAG summary."""
    return _retire(
        PlanAction,
        action,
        actor=actor,
        what="action",
        expected_version=expected_version,
        reason=reason,
        request=request,
    )


# --- the strategic group and its reviews --------------------------------------------------------------


@transaction.atomic
def strategic_group_update(
    *,
    actor: User,
    expected_version: int,
    chair: User | None,
    deputy_chair: User | None,
    request: HttpRequest | None = None,
) -> StrategicGroup:
    """Name the strategic group's chair and deputy chair, as the LSCB appointed them (seed 001)."""
    require_group_admin(actor)
    group = _lock_plan()
    check_version(group, expected_version=expected_version, seen=None)
    _person("chair", chair, "Strategic chair")
    _person("deputy_chair", deputy_chair, "Deputy chair")
    if chair is not None and deputy_chair is not None and chair.pk == deputy_chair.pk:
        raise ValidationError({"deputy_chair": "Deputy chair must be someone other than the strategic chair."})
    before = (group.chair_id, group.deputy_chair_id)
    group.chair, group.deputy_chair = chair, deputy_chair
    group.version += 1
    group.save()
    audit(
        actor=actor,
        action="plan.group",
        obj=group,
        request=request,
        detail={"before": list(before), "after": [group.chair_id, group.deputy_chair_id]},
    )
    return group


def _review_date(name: str, value: date | None, label: str) -> date:
    if value is None:
        raise ValidationError({name: f"Enter {label.lower()}."})
    problem = dates.out_of_range(label, value)
    if problem:
        raise ValidationError({name: problem})
    return value


@transaction.atomic
def plan_review_schedule(
    *, actor: User, expected_version: int, next_review_on: date | None, request: HttpRequest | None = None
) -> StrategicGroup:
    """Set (or move) the date of the next 6-monthly review; the chair is reminded a month before it."""
    require_plan_editor(actor)
    group = _lock_plan()
    check_version(group, expected_version=expected_version, seen=None)
    next_review_on = _review_date("next_review_on", next_review_on, "Date of the next review")
    if next_review_on < timezone.localdate():
        raise ValidationError({"next_review_on": "Date of the next review must be today or later."})
    before = group.next_review_on
    group.next_review_on = next_review_on
    group.version += 1
    group.save()
    audit(
        actor=actor,
        action="plan.review.schedule",
        obj=group,
        request=request,
        detail={"before": before.isoformat() if before else None, "after": next_review_on.isoformat()},
    )
    return group


@transaction.atomic
def plan_review_record(
    *,
    actor: User,
    expected_version: int,
    held_on: date | None,
    notes: str,
    next_review_on: date | None = None,
    request: HttpRequest | None = None,
) -> PlanReview:
    """Record the review the group held, with its notes, and set the next one (6 months on unless
    another date is given)."""
    require_plan_editor(actor)
    group = _lock_plan()
    check_version(group, expected_version=expected_version, seen=None)
    held_on = _review_date("held_on", held_on, "Date of the review")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Date of the review cannot be in the future."})
    notes = _text(PlanReview, "notes", notes, required=True, message="Enter the notes of the review.")
    next_review_on = next_review_on or plan_review.next_review_after(held_on)
    _review_date("next_review_on", next_review_on, "Date of the next review")
    if next_review_on <= held_on:
        raise ValidationError({"next_review_on": "Date of the next review must be after the review being recorded."})
    review = PlanReview.objects.create(held_on=held_on, due_on=group.next_review_on, notes=notes, recorded_by=actor)
    group.next_review_on = next_review_on
    group.version += 1
    group.save()
    audit(
        actor=actor,
        action="plan.review.record",
        obj=review,
        request=request,
        detail={"held_on": held_on.isoformat(), "next_review_on": next_review_on.isoformat()},
    )
    return review


def plan_review_sweep(*, today: date | None = None) -> int:
    """Remind the strategic chair of the plan's review from a month before its date, once per date
    (met/reminders.py records it; a retried or repeated sweep sends nothing more)."""
    from met.reminders import Section, digest

    today = today or timezone.localdate()
    group = StrategicGroup.objects.select_related("chair").filter(pk=1).first()
    if group is None or group.chair is None or not plan_review.reminder_due(group.next_review_on, today):
        return 0
    link = reverse("plan_reviews")
    overdue = group.next_review_on < today
    with digest() as reminders:
        reminders.add(
            kind="plan_review",
            obj=group,
            key=group.next_review_on.isoformat(),
            recipient=group.chair,
            section=Section("Action plan review", link),
            subject="The action plan's 6-monthly review is overdue"
            if overdue
            else "The action plan's 6-monthly review is coming up",
            line=f"The MET strategic group's review of the action plan {'was' if overdue else 'is'} due on "
            f"{group.next_review_on:%-d %B %Y}. Record it, or move it, on the plan's reviews page.",
            link=link,
            reason="You chair the MET strategic group.",
        )
        return reminders.pending("plan_review")
