"""Writes for children, cases, concerns, notes and missing episodes.

Views and API serializers validate the shape of the input, then call one of these. Each runs in
one transaction, checks the domain rules (raising ValidationError with a clear message), records
an audit event, and leaves permissions in step with the case.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cases import extensions, missing
from cases.access import cases_visible_to
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseNote,
    CaseStatus,
    Category,
    Child,
    ClosureReason,
    Concern,
    ConcernOutcome,
    MissingEpisode,
)
from met.audit import audit
from met.concurrency import check_version
from met.models import Agency, User
from met.notifications import notify

CASE_PERMS = ("view_case", "change_case")
IDENTIFIERS = ("police_number", "csc_number", "nhs_number")
OLDEST_AGE_YEARS = 25  # the service may keep working with care leavers up to 25


# --- validation shared by every way in (forms, API) -------------------------------------------


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
    if data.get("placed_by_other_authority") and not (data.get("placing_authority") or "").strip():
        errors["placing_authority"] = "Enter which local authority placed the child here."
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


# --- permissions kept in step with the case ---------------------------------------------------


def _sync_agency_permissions(case: Case) -> None:
    """Members of every involved agency (through its group) may view and change the case."""
    involved = set(case.agencies_involved.values_list("group_id", flat=True))
    granted = set(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("group_id", flat=True))
    for agency in Agency.objects.filter(group_id__in=involved - granted).select_related("group"):
        for perm in CASE_PERMS:
            assign_perm(perm, agency.group, case)
    for agency in Agency.objects.filter(group_id__in=granted - involved).select_related("group"):
        for perm in CASE_PERMS:
            remove_perm(perm, agency.group, case)


def _set_agencies_involved(case: Case, agencies) -> None:
    """The agencies working on the case, and their permissions. The lead agency is always involved:
    it leads the work, so its people must see the case whatever the form said."""
    involved = set(agencies)
    if case.lead_agency is not None:
        involved.add(case.lead_agency)
    case.agencies_involved.set(involved)
    _sync_agency_permissions(case)


def sync_user_permissions(case: Case) -> None:
    """Give people their own permissions on the case for the reasons they have one, and no others.

    View and change: the lead professional and the people named on a restricted case.
    View only: the owners of its actions (DESIGN §3).
    Logging a concern is not a reason: the person who logged it follows that concern, its triage
    outcome and feedback on the concern's own page (cases.access.get_concern_for_user), not the case.
    Recomputed from the reasons each time, so a former lead loses access when they stop leading.
    """
    from cases.models import CaseUserObjectPermission

    wanted: dict[int, set[str]] = {}
    for user_id in [case.lead_professional_id, *case.restricted_to.values_list("pk", flat=True)]:
        if user_id:
            wanted.setdefault(user_id, set()).update(CASE_PERMS)
    # Reasons the apps above register (meetings: the owners of the case's actions).
    for user_id in extensions.extra_viewers(case):
        wanted.setdefault(user_id, set()).add("view_case")
    held: dict[int, set[str]] = {}
    for user_id, codename in CaseUserObjectPermission.objects.filter(content_object=case).values_list(
        "user_id", "permission__codename"
    ):
        held.setdefault(user_id, set()).add(codename)
    users = {u.pk: u for u in User.objects.filter(pk__in=set(wanted) | set(held))}
    for user_id in set(wanted) | set(held):
        for perm in wanted.get(user_id, set()) - held.get(user_id, set()):
            assign_perm(perm, users[user_id], case)
        for perm in held.get(user_id, set()) - wanted.get(user_id, set()):
            remove_perm(perm, users[user_id], case)


def _child_audit(actor, action, obj, case_or_child, request, detail=None):
    child_id = case_or_child.pk if isinstance(case_or_child, Child) else case_or_child.child_id
    audit(actor=actor, action=action, obj=obj, child_id=child_id, request=request, detail=detail)


# --- concerns and triage ----------------------------------------------------------------------


@transaction.atomic
def concern_log(
    *,
    actor: User,
    category: Category,
    observed_at: datetime,
    description: str,
    child: Child | None = None,
    new_child: dict | None = None,
    possible_duplicate_of: Child | None = None,
    request: HttpRequest | None = None,
) -> Concern:
    """Log a concern about an existing child (their live case, or a new referral) or a new child."""
    if (child is None) == (new_child is None):
        raise ValueError("Give exactly one of child or new_child.")
    if observed_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"observed_at": "When it happened cannot be in the future."})
    if child is None:
        data = validate_child(dict(new_child))
        try:
            with transaction.atomic():
                child = Child.objects.create(created_by=actor, **data)
        except IntegrityError:
            raise ValidationError(
                "Another child with one of these identifiers was saved a moment ago. Search again."
            ) from None
        _child_audit(actor, "child.create", child, child, request)
    case = Case.objects.select_for_update().filter(child=child).exclude(status=CaseStatus.CLOSED).first()
    if case is None:
        case = Case.objects.create(child=child, created_by=actor)
        _child_audit(actor, "case.refer", case, case, request)
    concern = Concern.objects.create(
        case=case,
        logged_by=actor,
        source_agency=actor.agency,
        category=category,
        observed_at=observed_at,
        description=description,
        possible_duplicate_of=possible_duplicate_of,
    )
    case.categories.add(category)
    sync_user_permissions(case)
    _child_audit(actor, "concern.create", concern, case, request, {"case": case.pk})
    return concern


def _notify_loggers(concerns, *, subject: str, body: str, case: Case) -> None:
    """Tell each person who logged one of the concerns what became of it. `body` names the case as
    {case} ("case MET-…") or {ref} (" MET-…"): only someone who may see the case learns its reference;
    the others hear the outcome (DESIGN §3)."""
    for concern in concerns:
        sees_case = cases_visible_to(concern.logged_by).filter(pk=case.pk).exists()
        notify(
            recipient=concern.logged_by,
            subject=subject,
            body=body.format(
                case=f"case {case.reference}" if sees_case else "a case", ref=f" {case.reference}" if sees_case else ""
            ),
            link=reverse("concern_detail", args=[concern.pk]),
            reason="You logged this concern.",
        )


@transaction.atomic
def case_open(
    *,
    actor: User,
    case: Case,
    lead_agency: Agency,
    lead_professional: User | None,
    agencies_involved,
    categories,
    request: HttpRequest | None = None,
) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.REFERRED:
        raise ValidationError(
            "Only a referred case can be opened: this one is already " + case.get_status_display().lower() + "."
        )
    if lead_professional is not None and lead_professional.agency_id != lead_agency.pk:
        raise ValidationError({"lead_professional": "The lead professional must work for the lead agency."})
    if not categories:
        raise ValidationError({"categories": "Choose at least one exploitation category."})
    case.status = CaseStatus.OPEN
    case.opened_at = timezone.now()
    case.lead_agency = lead_agency
    case.lead_professional = lead_professional
    case.version += 1
    case.save()
    _set_agencies_involved(case, agencies_involved)
    case.categories.set(categories)
    sync_user_permissions(case)
    pending = list(case.concerns.filter(triaged_at__isnull=True).select_related("logged_by"))
    case.concerns.filter(triaged_at__isnull=True).update(
        triaged_at=timezone.now(), triaged_by=actor, outcome=ConcernOutcome.CASE_OPENED
    )
    _child_audit(
        actor, "case.open", case, case, request, {"agencies": sorted(a.pk for a in case.agencies_involved.all())}
    )
    _notify_loggers(
        pending,
        subject="Your concern: a MET case has been opened",
        body="The MET coordinator has opened {case} for the concern you logged. The lead agency is "
        + lead_agency.name.replace("{", "{{").replace("}", "}}")
        + ".",
        case=case,
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str, note: str = "", request: HttpRequest | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is already closed.")
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose a reason for closing the case."})
    if reason == ClosureReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the case is being closed."})
    was_referral = case.status == CaseStatus.REFERRED
    case.status = CaseStatus.CLOSED
    case.closure_reason = reason
    case.closure_note = note
    case.closed_at = timezone.now()
    case.version += 1
    case.save()
    pending = list(case.concerns.filter(triaged_at__isnull=True).select_related("logged_by"))
    case.concerns.filter(triaged_at__isnull=True).update(
        triaged_at=timezone.now(), triaged_by=actor, outcome=ConcernOutcome.CASE_CLOSED
    )
    _child_audit(actor, "case.close", case, case, request, {"reason": reason, "at_triage": was_referral})
    _notify_loggers(
        pending,
        subject="Your concern has been reviewed",
        body=f"The MET coordinator reviewed the concern you logged and closed it: {ClosureReason(reason).label}.".replace(
            "{", "{{"
        ).replace("}", "}}"),
        case=case,
    )
    return case


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern, request: HttpRequest | None = None) -> Concern:
    """A new concern about a child whose case is already open: seen by the coordinator, stays on the case."""
    concern = Concern.objects.select_for_update().select_related("case", "logged_by").get(pk=concern.pk)
    if concern.triaged_at is not None:
        raise ValidationError("This concern has already been triaged.")
    if concern.case.status != CaseStatus.OPEN:
        raise ValidationError("Open the case, or close it, to triage a concern on a referral.")
    concern.triaged_at = timezone.now()
    concern.triaged_by = actor
    concern.outcome = ConcernOutcome.ADDED_TO_CASE
    concern.save(update_fields=["triaged_at", "triaged_by", "outcome"])
    _child_audit(actor, "concern.triage", concern, concern.case, request)
    _notify_loggers(
        [concern],
        subject="Your concern has been added to the child's case",
        body="The MET coordinator has added the concern you logged to the child's open case{ref}.",
        case=concern.case,
    )
    return concern


# --- editing children and cases ---------------------------------------------------------------


@transaction.atomic
def child_update(
    *, actor: User, child: Child, expected_version: int, seen: dict | None, request: HttpRequest | None = None, **fields
) -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    check_version(child, expected_version=expected_version, seen=seen)
    fields = validate_child(fields, instance=child)
    changed = [name for name, value in fields.items() if getattr(child, name) != value]
    for name, value in fields.items():
        setattr(child, name, value)
    child.version += 1
    child.save()
    _child_audit(actor, "child.update", child, child, request, {"fields": changed})
    return child


# Who may change which fields of a case: the one list the edit forms, this service and the API share.
# Practitioners who work on the case record the voice of the child; who works on it is the coordinator's call.
COORDINATOR_CASE_FIELDS = (
    "lead_agency",
    "lead_professional",
    "agencies_involved",
    "categories",
    "is_restricted",
    "restricted_to",
    "voice_of_child",
)
PRACTITIONER_CASE_FIELDS = ("voice_of_child",)


@transaction.atomic
def case_update(
    *, actor: User, case: Case, expected_version: int, seen: dict | None, request: HttpRequest | None = None, **fields
) -> Case:
    allowed = COORDINATOR_CASE_FIELDS if actor.sees_all_cases else PRACTITIONER_CASE_FIELDS
    if not set(fields) <= set(allowed):
        raise PermissionDenied("Only the MET coordinator or a chair can change who works on a case.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_version(case, expected_version=expected_version, seen=seen)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed. Log a new concern to refer the child again.")
    lead_agency = fields.get("lead_agency", case.lead_agency)
    lead_professional = fields.get("lead_professional", case.lead_professional)
    if lead_professional is not None and lead_agency is not None and lead_professional.agency_id != lead_agency.pk:
        raise ValidationError({"lead_professional": "The lead professional must work for the lead agency."})
    if "categories" in fields and not fields["categories"]:
        raise ValidationError({"categories": "Choose at least one exploitation category."})
    if fields.get("is_restricted") and not fields.get("restricted_to"):
        raise ValidationError({"restricted_to": "Name at least one person who may see this restricted case."})
    many = {name: fields.pop(name) for name in ("agencies_involved", "categories", "restricted_to") if name in fields}
    changed = [name for name, value in fields.items() if getattr(case, name) != value] + sorted(many)
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    case.save()
    if "agencies_involved" in many or "lead_agency" in fields:
        _set_agencies_involved(case, many.get("agencies_involved", case.agencies_involved.all()))
    if "categories" in many:
        case.categories.set(many["categories"])
    if "restricted_to" in many:
        case.restricted_to.set(many["restricted_to"])
    if case.is_restricted and (problems := extensions.restriction_problems(case)):
        # Restricting a case must not hide it from someone who still has open work on it.
        raise ValidationError({"restricted_to": problems})
    sync_user_permissions(case)
    _child_audit(actor, "case.update", case, case, request, {"fields": changed})
    return case


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str, request: HttpRequest | None = None) -> CaseNote:
    if not text.strip():
        raise ValidationError({"text": "Enter the note."})
    note = CaseNote.objects.create(case=case, author=actor, text=text.strip())
    _child_audit(actor, "case_note.create", note, case, request)
    return note


# --- missing episodes -------------------------------------------------------------------------


def case_refresh_frequent_missing(*, case: Case, as_of=None) -> bool:
    """Set or clear the case's frequent-missing flag from its episodes (cases/missing.py's rule)."""
    as_of = as_of or timezone.localdate()
    start, end = missing.window_bounds(as_of)
    starts = case.missing_episodes.filter(went_missing_at__gte=start, went_missing_at__lt=end).values_list(
        "went_missing_at", flat=True
    )
    frequent = missing.is_frequent_missing(starts, as_of=as_of)
    if frequent != case.is_frequent_missing:
        Case.objects.filter(pk=case.pk).update(is_frequent_missing=frequent)
        case.is_frequent_missing = frequent
        audit(
            actor=None,
            action="case.flag_frequent_missing" if frequent else "case.unflag_frequent_missing",
            obj=case,
            child_id=case.child_id,
        )
    return frequent


def refresh_all_frequent_missing(*, as_of=None) -> int:
    """Daily: flags follow the rolling window as time passes. Returns how many cases changed."""
    as_of = as_of or timezone.localdate()
    start, _ = missing.window_bounds(as_of)
    candidates = Case.objects.filter(
        Q(is_frequent_missing=True) | Q(missing_episodes__went_missing_at__gte=start)
    ).distinct()
    changed = 0
    for case in candidates.iterator():
        before = case.is_frequent_missing
        if case_refresh_frequent_missing(case=case, as_of=as_of) != before:
            changed += 1
    return changed


EPISODE_FIELDS = (
    "kind",
    "went_missing_at",
    "returned_at",
    "reported_to_police",
    "police_reference",
    "where_found",
    "rhi_offered_at",
    "rhi_completed_at",
    "rhi_by",
    "rhi_declined",
)


@transaction.atomic
def missing_episode_record(*, actor: User, case: Case, request: HttpRequest | None = None, **fields) -> MissingEpisode:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed. Log a new concern to refer the child again.")
    validate_episode(fields)
    episode = MissingEpisode.objects.create(case=case, recorded_by=actor, **fields)
    _child_audit(actor, "missing_episode.create", episode, case, request)
    case_refresh_frequent_missing(case=case)
    return episode


@transaction.atomic
def missing_episode_update(
    *,
    actor: User,
    episode: MissingEpisode,
    expected_version: int,
    seen: dict | None,
    request: HttpRequest | None = None,
    **fields,
) -> MissingEpisode:
    episode = MissingEpisode.objects.select_for_update().select_related("case").get(pk=episode.pk)
    check_version(episode, expected_version=expected_version, seen=seen)
    validate_episode({name: fields.get(name, getattr(episode, name)) for name in EPISODE_FIELDS})
    changed = [name for name, value in fields.items() if getattr(episode, name) != value]
    for name, value in fields.items():
        setattr(episode, name, value)
    episode.version += 1
    episode.save()
    _child_audit(actor, "missing_episode.update", episode, episode.case, request, {"fields": changed})
    case_refresh_frequent_missing(case=episode.case)
    return episode


# --- reminders (DESIGN §6) --------------------------------------------------------------------

RHI_LOOKBACK_DAYS = 28  # older returns were handled (or not) long ago: a first sweep must not flood inboxes


def rhi_sweep(*, now: datetime | None = None) -> int:
    """48 hours after a return with no interview: remind the lead professional. At 72: overdue, tell the coordinators too."""
    from met.models import User as Member
    from met.reminders import send_once

    now = now or timezone.now()
    episodes = (
        MissingEpisode.objects.filter(
            kind="missing",
            returned_at__lte=now - timedelta(hours=missing.RHI_REMINDER_HOURS),
            returned_at__gte=now - timedelta(days=RHI_LOOKBACK_DAYS),
            rhi_completed_at__isnull=True,
            rhi_declined=False,
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__lead_professional")
    )
    coordinators = list(Member.objects.filter(is_active=True, is_coordinator=True))
    sent = 0
    for episode in episodes:
        lead = episode.case.lead_professional
        due = missing.rhi_due_at(episode.returned_at)
        link = episode.case.get_absolute_url()
        overdue = now > due
        key = "overdue" if overdue else "48h"
        for recipient in {*([lead] if lead else []), *(coordinators if overdue or lead is None else [])}:
            sent += send_once(
                kind="rhi",
                obj=episode,
                key=key,
                recipient=recipient,
                subject="Return home interview overdue" if overdue else "Return home interview due within 24 hours",
                body=f"No return home interview is recorded for the child on {episode.case.reference}, who returned on {timezone.localtime(episode.returned_at):%-d %B %Y at %H:%M}. It is due by {timezone.localtime(due):%-d %B %Y at %H:%M}.",
                link=link,
                reason="You are the lead professional, or a MET coordinator.",
            )
    return sent
