"""Audit of API reads (DESIGN §8): every read of a child's record is an event, marked as API.

A single record read goes through met.audit.audit. A list page is one summary event plus one event
per record that belongs to a child, written in a single INSERT so that a list costs the same
number of queries whatever its length; each carries the child, so "who accessed this child's
record" finds API list reads too.
"""

from collections.abc import Callable, Iterable

from django.db import models
from rest_framework.request import Request

from met.audit import audit, client_ip
from met.models import AuditEvent


def audit_read(request: Request, obj: models.Model, *, action: str, child_id: int | None) -> None:
    audit(actor=request.user, action=action, obj=obj, child_id=child_id, request=request, via_api=True)


def audit_list(
    request: Request,
    objects: Iterable[models.Model],
    *,
    kind: str,
    child_of: Callable[[models.Model], int | None] | None = None,
) -> None:
    objects = list(objects)
    audit(
        actor=request.user,
        action=f"{kind}.list",
        object_type=kind,
        object_id="list",
        request=request,
        via_api=True,
        detail={"ids": [obj.pk for obj in objects]},
    )
    if child_of is None:
        return
    ip = client_ip(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=request.user,
            action=f"{kind}.view",
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            child_id=child_of(obj),
            ip_address=ip,
            via_api=True,
            detail={"list": True},
        )
        for obj in objects
        if child_of(obj) is not None
    )
