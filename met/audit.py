"""Recording audit events: every read and change of protected records goes through here."""

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from met.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if settings.MET_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw, so the last entry is the one we can trust.
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    child_id: int | None = None,
    request: HttpRequest | None = None,
    via_api: bool = False,
    detail: dict | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        child_id=child_id,
        ip_address=client_ip(request),
        via_api=via_api or bool(request is not None and request.path.startswith("/api/")),
        detail=detail or {},
    )


def audit_many(*, actor, action: str, obj: models.Model, child_ids, request: HttpRequest | None = None) -> int:
    """One event per child in a single insert: reading a meeting pack reads every child in it."""
    ip = client_ip(request)
    via_api = bool(request is not None and request.path.startswith("/api/"))
    events = [
        AuditEvent(
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            child_id=child_id,
            ip_address=ip,
            via_api=via_api,
        )
        for child_id in sorted(set(child_ids))
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


def audit_list_page(*, actor, kind: str, child_ids, request: HttpRequest | None = None) -> AuditEvent:
    """A page that lists children (the case list, triage, overdue interviews, reviews due, search):
    one event per page view, naming the children shown, written in one insert."""
    return audit(
        actor=actor,
        action=f"{kind}.list",
        object_type=kind,
        object_id="list",
        request=request,
        detail={"children": sorted({child_id for child_id in child_ids if child_id is not None})},
    )
