"""What every API view shares: access through the app's helpers, audit of reads, versioned writes."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.audit import audit_list
from api.exceptions import django_errors
from api.permissions import HasCaseRole
from met.audit import client_ip

# Ids are whole numbers that fit the database; anything else falls through to the JSON 404.
ID_PATTERN = r"[0-9]{1,18}"
_IF_MATCH = re.compile(r'^\s*"(\d{1,18})"\s*$')


@contextmanager
def acting(request: Request) -> Iterator[None]:
    """Credit the before/after change history (django-auditlog) to the API user.

    auditlog's middleware looks at the session before DRF has read the token, so on its own it
    would record API changes as nobody's.
    """
    with set_actor(request.user, remote_addr=client_ip(request)):
        yield


def expected_version(request: Request, body_version: int | None) -> tuple[int, bool]:
    """The version the client read, from the body or If-Match: "<version>"; and whether it came by header."""
    header = request.headers.get("If-Match")
    if header is not None:
        match = _IF_MATCH.match(header)
        if match is None:
            raise ValidationError({"If-Match": ['Send the version you read in quotes, like If-Match: "3".']})
        version = int(match.group(1))
        if body_version is not None and body_version != version:
            raise ValidationError({"version": ["The version in the body and in If-Match differ: send one."]})
        return version, True
    if body_version is None:
        raise ValidationError(
            {"version": ['Send the version you read: as "version" in the body, or as an If-Match header.']}
        )
    return body_version, False


def remap_errors(error: DjangoValidationError, mapping) -> ValidationError:
    """A service's field errors, renamed to the fields of the API request they are about."""
    errors: dict = {}
    for field, messages in django_errors(error).items():
        path = mapping(field)
        target = errors
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target.setdefault(path[-1], []).extend(messages)
    return ValidationError(errors)


class ApiViewSet(viewsets.GenericViewSet):
    """Casework endpoints. Subclasses fetch single records through the app's access helpers."""

    permission_classes = [IsAuthenticated, HasCaseRole]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Used in audit actions: "<kind>.list" for a list page and "<kind>.view" for each record read.
    # Empty for reference data (categories, agencies, the risk tool), which is about no one.
    audit_kind = ""
    # Subclasses set Model.objects.none(): what the schema generator sees, as it has no user.
    queryset = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.visible_queryset()

    def visible_queryset(self):
        """What the request's user may see (through the app's access helpers)."""
        return self.queryset.all()

    # A view whose list rows are cut with restrict_to_visible(per_row=True) counts them with this
    # method (the same rows, in the form the database counts faster); None counts the rows themselves.
    counted_queryset = None

    def child_of(self, obj) -> int | None:
        """The child a record is about, for the audit trail; None for records about no child."""
        return None

    def page_read(self, page: list) -> list:
        """A list's page once read, before it is audited and serialized: for what a view reads for the
        page's rows together rather than row by row."""
        return page

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.page_read(self.paginate_queryset(queryset))
        if self.audit_kind:
            audit_list(request, page, kind=self.audit_kind, child_of=self.child_of)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def respond(self, obj, *, serializer_class=None, status: int = 200, **context) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        data = serializer_class(obj, context={**self.get_serializer_context(), **context}).data
        response = Response(data, status=status)
        if isinstance(getattr(obj, "version", None), int):
            response["ETag"] = f'"{obj.version}"'
        return response
