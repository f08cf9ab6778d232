"""Audit of API reads (DESIGN §8): every read of a child's record is an event, marked as API.

A single record read goes through met.audit.audit. A list page is one summary event plus one event
per record that belongs to a child, written in a single INSERT so that a list costs the same
number of queries whatever its length; each carries the child, so "who accessed this child's
record" finds API list reads too.
"""

from collections.abc import Callable, Iterable

from django.db import models
from rest_framework.request import Request

from met.audit import audit, client_ip, insert_events


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
    summary = (f"{kind}.list", kind, "list", None, {"ids": [obj.pk for obj in objects]})
    each = []
    if child_of is not None:
        for obj in objects:
            child_id = child_of(obj)
            if child_id is not None:
                each.append((f"{kind}.view", obj._meta.label_lower, obj.pk, child_id, {"list": True}))
    insert_events(actor=request.user, ip_address=client_ip(request), via_api=True, rows=[summary, *each])
