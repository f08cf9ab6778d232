"""Every API error is JSON: {"detail": message, "code": machine code, "errors": {field: [messages]}}.

DRF's own exceptions keep their status codes; the domain's exceptions map to theirs:
django ValidationError → 400, PermissionDenied → 403, Http404 → 404, a stale write → 409 (412 when
the version came in If-Match). Anything unexpected is logged and answered with a JSON 500, never
Django's HTML error page.
"""

import logging
from collections.abc import Mapping

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from met.concurrency import StaleEditError

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"


class StaleWrite(APIException):
    """A write from an out-of-date copy: nothing was saved. Says what changed and what is there now."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"

    def __init__(self, error: StaleEditError, *, current_version: int, current: dict, if_match: bool):
        self.status_code = status.HTTP_412_PRECONDITION_FAILED if if_match else status.HTTP_409_CONFLICT
        message = error.message().replace(" Check the form below and save again.", "")
        message += " Read the record again (it is in “current”) and send your change with its version."
        self.payload = {
            "detail": message,
            "code": "precondition_failed" if if_match else "stale",
            "changes": [{"field": label, "was": old, "now": new} for label, old, new in error.changes],
            "current_version": current_version,
            "current": current,
        }
        super().__init__(message)


class PossibleDuplicate(APIException):
    """A new child looks like one the user can already see: they choose, as on the web form."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "possible_duplicate"

    def __init__(self, candidates: list[dict]):
        message = (
            "This child may already be on MET Hub. If one of the “candidates” is them, log the concern "
            "against their case (send “case”); if not, send the request again with “confirm_new_child”: true."
        )
        self.payload = {"detail": message, "code": self.default_code, "candidates": candidates}
        super().__init__(message)


def _as_lists(errors) -> dict | list:
    """Field errors as {field: [messages]}, nested where the request was nested."""
    if isinstance(errors, Mapping):
        return {str(key): _as_lists(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        if all(isinstance(item, str) for item in errors):
            return [str(item) for item in errors]
        return [_as_lists(item) for item in errors]
    return [str(errors)]


def _flatten(errors, prefix: str = "") -> list[str]:
    """The messages as readable sentences, each led by the field it is about."""
    if isinstance(errors, Mapping):
        lines = []
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            lines += _flatten(value, "" if key == NON_FIELD and not prefix else name)
        return lines
    if isinstance(errors, list):
        lines = []
        for index, item in enumerate(errors):
            lines += _flatten(item, prefix) if isinstance(item, str) else _flatten(item, f"{prefix}[{index}]")
        return lines
    return [f"{prefix}: {errors}" if prefix else str(errors)]


def validation_payload(errors) -> dict:
    if not isinstance(errors, Mapping):
        errors = {NON_FIELD: errors}
    errors = _as_lists(errors)
    return {"detail": " ".join(_flatten(errors)) or "The request is not valid.", "code": "invalid", "errors": errors}


def django_errors(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {NON_FIELD: list(error.messages)}


def exception_handler(exc, context):
    response = _handle(exc, context)
    set_rollback()  # nothing half-done survives an error, should the request run in a transaction
    return response


def _handle(exc, context):
    if isinstance(exc, StaleWrite | PossibleDuplicate):
        return Response(exc.payload, status=exc.status_code)
    if isinstance(exc, StaleEditError):
        # A service found the record moved on where the view did not expect it: still a conflict.
        return Response({"detail": exc.message(), "code": "stale", "changes": []}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_payload(django_errors(exc)), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DRFValidationError):
        return Response(validation_payload(exc.detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request body is too large.", "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        message = "The request could not be understood."
        return Response({"detail": message, "code": "bad_request", "errors": {NON_FIELD: [message]}}, status=400)
    response = drf_exception_handler(exc, context)  # APIException, Http404, PermissionDenied
    if response is None:
        view = context.get("view")
        logger.exception("Unexpected error in API view %s", type(view).__name__ if view else "?")
        return Response(
            {"detail": "Something went wrong on our side. Nothing was saved. Try again later.", "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    detail = response.data.get("detail") if isinstance(response.data, Mapping) else response.data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"detail": str(detail), "code": code}
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        # Every 400 has the same shape, so a client can always look in "errors".
        response.data["errors"] = {NON_FIELD: [str(detail)]}
    return response


@csrf_exempt  # it changes nothing; a POST to a wrong address must get this 404, not the CSRF page
def not_found(request, *args, **kwargs):
    """Any /api/ address that is not an endpoint: a JSON 404, as for everything else under /api/."""
    message = "There is no API endpoint at this address. The endpoints are listed at /api/docs/."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            message = f"API addresses end with a slash: try {request.path}/"
    return JsonResponse({"detail": message, "code": "not_found"}, status=404)
