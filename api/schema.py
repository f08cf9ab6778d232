"""OpenAPI schema: every operation documents the errors it can answer with, in their JSON shapes.

The error responses are added here once, by the kind of operation, rather than repeated on every
view: a list can fail its filters (400) or run past its last page (404); a write can be invalid
(400), refused (403), about a record you cannot see (404), or stale (409, 412 with If-Match).
"""

import inspect

from drf_spectacular import openapi
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiResponse

from api.serializers import ErrorSerializer, StaleErrorSerializer, ValidationErrorSerializer

ERROR_RESPONSES = {
    "400": OpenApiResponse(ValidationErrorSerializer, description="The request is not valid: see “errors”."),
    "401": OpenApiResponse(ErrorSerializer, description="No valid API token (or browser session)."),
    "403": OpenApiResponse(ErrorSerializer, description="You may not do this: your role, or the record's rules."),
    "404": OpenApiResponse(
        ErrorSerializer,
        description="No such record, or one you may not see (the two look the same); for a list, a page past the end.",
    ),
    "409": OpenApiResponse(
        StaleErrorSerializer, description="Someone else changed the record since you read it: nothing was saved."
    ),
    "412": OpenApiResponse(StaleErrorSerializer, description="As 409, for a version sent in If-Match."),
    "415": OpenApiResponse(ErrorSerializer, description="Send the body as application/json."),
    "429": OpenApiResponse(ErrorSerializer, description="Too many requests for this token: wait and try again."),
}


class AutoSchema(openapi.AutoSchema):
    def get_description(self) -> str:
        """The action's docstring, or the view's own: never one inherited from a shared base class."""
        handler = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        own = type(self.view).__dict__.get("__doc__")
        return get_doc(handler) or (inspect.cleandoc(own) if own else "")

    def _resolve_path_parameters(self, variables):
        """Record ids are integers (the URL pattern that enforces it would otherwise show as a string)."""
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["name"] in {"id", "pk"}:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
                parameter.setdefault("description", "The record's id.")
        return parameters

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]
        has_path_parameters = "{" in self.path
        if self.method == "GET":
            if self._is_list_view():
                codes += ["400", "404"]
            elif has_path_parameters:
                codes += ["404"]
        elif self.method in {"POST", "PATCH", "PUT"}:
            codes += ["400", "404", "415"]
            if self.method in {"PATCH", "PUT"}:
                codes += ["409", "412"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ERROR_RESPONSES[code], code, direction=direction)
        return dict(sorted(responses.items()))
