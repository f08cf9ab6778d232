"""Writes for missing episodes, the frequent-missing flag, and return home interview reminders."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases import missing
from cases.models import (
    Case,
    CaseStatus,
    MissingEpisode,
)
from cases.services.permissions import _child_audit
from cases.services.placements import placement_missing_notify
from cases.services.validation import validate_episode
from met.audit import audit
from met.concurrency import check_version
from met.models import AuditEvent, User


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


@transaction.atomic
def refresh_all_frequent_missing(*, as_of=None) -> int:
    """Daily: flags follow the rolling window as time passes. Returns how many cases changed.

    Set-based, whatever the number of cases: one grouped count finds the cases with enough episodes
    in the window, two updates set and clear the flag, and one insert audits every change.
    """
    as_of = as_of or timezone.localdate()
    start, end = missing.window_bounds(as_of)
    frequent = (
        MissingEpisode.objects.filter(went_missing_at__gte=start, went_missing_at__lt=end)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=missing.FREQUENT_MISSING_EPISODES)
        .values("case_id")
    )
    to_flag = list(Case.objects.filter(pk__in=frequent, is_frequent_missing=False).values_list("pk", "child_id"))
    to_clear = list(
        Case.objects.filter(is_frequent_missing=True).exclude(pk__in=frequent).values_list("pk", "child_id")
    )
    Case.objects.filter(pk__in=[pk for pk, _ in to_flag]).update(is_frequent_missing=True)
    Case.objects.filter(pk__in=[pk for pk, _ in to_clear]).update(is_frequent_missing=False)
    AuditEvent.objects.bulk_create(
        AuditEvent(action=action, object_type="cases.case", object_id=str(pk), child_id=child_id)
        for action, changed in (("case.flag_frequent_missing", to_flag), ("case.unflag_frequent_missing", to_clear))
        for pk, child_id in changed
    )
    return len(to_flag) + len(to_clear)


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
    # A child placed in another area: the responsible area's coordinators hear of it (issue 18).
    placement_missing_notify(episode=episode, actor=actor)
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


def returns_for_rhi_reminders(now: datetime):
    """Returns the RHI sweep reminds about at `now`: 48 hours or more ago, within the look-back, no
    interview recorded or declined, on a case still open (make bench counts its expected reminders
    from the same selection)."""
    return (
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


def rhi_sweep(*, now: datetime | None = None) -> int:
    """48 hours after a return with no interview: remind the lead professional. At 72: overdue, tell the coordinators too."""
    from met.areas import AreaCoordinators
    from met.reminders import Section, digest

    now = now or timezone.now()
    episodes = returns_for_rhi_reminders(now)
    # The coordinators of the child's own area (issue 18): another area's are never told about them.
    coordinators = AreaCoordinators()
    section = Section("Return home interviews", reverse("rhi_overdue_list"))
    with digest() as reminders:
        for episode in episodes.iterator(chunk_size=2000):
            lead = episode.case.lead_professional
            due = missing.rhi_due_at(episode.returned_at)
            overdue = now > due
            for recipient in {
                *([lead] if lead else []),
                *(coordinators.for_area(episode.case.area_id) if overdue or lead is None else ()),
            }:
                reminders.add(
                    kind="rhi",
                    obj=episode,
                    key="overdue" if overdue else "48h",
                    recipient=recipient,
                    section=section,
                    subject="Return home interview overdue" if overdue else "Return home interview due within 24 hours",
                    line=f"No return home interview is recorded for the child on {episode.case.reference}, who returned on {timezone.localtime(episode.returned_at):%-d %B %Y at %H:%M}. It is due by {timezone.localtime(due):%-d %B %Y at %H:%M}.",
                    link=episode.case.get_absolute_url(),
                    reason="You are the lead professional, or a MET coordinator.",
                    daily=False,  # hours, not days: it cannot wait for tomorrow's digest
                )
        return reminders.pending("rhi")
