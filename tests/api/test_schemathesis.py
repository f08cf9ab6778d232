"""Property-based run of every operation in the OpenAPI schema (schemathesis), in-process.

Each operation gets a bounded number of generated requests, sent with a coordinator's token
through the WSGI application: no answer may be a server error, and every answer must match the
schema (status code, content type, headers and body). Runs in CI without network.
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from met.models import Agency, Notification
from riskassessment.models import ToolVersion
from tests.cases import COORDINATOR, user

# A handful per operation keeps CI quick; raise it locally for a deeper search (API_FUZZ_EXAMPLES=200).
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
DERANDOMIZE = "API_FUZZ_EXAMPLES" not in os.environ
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """The real WSGI application, inside the test's transaction.

    Django closes the database connection at the end of each request; in a test that would end
    the test's transaction, so (like Django's test client) the signal is disconnected meanwhile.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(world):
    _, key = services.token_create(user=user(COORDINATOR), name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


def _load_schema():
    """The schema as /api/schema/ serves it (test_it_serves_the_schema checks they agree).

    Built at import from drf-spectacular's generator, which needs no database, so that pytest
    collects one test per operation.
    """
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.config.generation.update(max_examples=MAX_EXAMPLES)
    return loaded


schema = _load_schema()

# The ids of the world's records, by the collection their paths start with (set by the `ids` fixture).
REAL_IDS: dict[str, list[str]] = {}


@schema.hook
def map_path_parameters(context, path_parameters):
    """Point half of the generated ids at real records, so detail and write endpoints answer 200s too.

    Deterministic (even numbers become real ids), so that Hypothesis can replay and shrink.
    """
    if not path_parameters or not str(path_parameters.get("id", "")).isdigit():
        return path_parameters
    collection = context.operation.path.split("/")[3]
    real = REAL_IDS.get(collection)
    number = int(path_parameters["id"])
    if real and number % 2 == 0:
        path_parameters["id"] = int(real[(number // 2) % len(real)])
    return path_parameters


@pytest.fixture
def ids(world):
    REAL_IDS.clear()
    REAL_IDS.update(
        {
            "children": [str(w.child_id) for w in (world.seen, world.other)],
            "cases": [str(world.seen.pk), str(world.other.pk)],
            "concerns": [str(world.seen_concern.pk), str(world.other_concern.pk)],
            "missing-episodes": [str(world.seen_episode.pk), str(world.other_episode.pk)],
            "risk-assessments": [str(world.seen_assessment.pk), str(world.other_assessment.pk)],
            "risk-tools": [str(pk) for pk in ToolVersion.objects.values_list("pk", flat=True)],
            "meetings": [str(world.meeting.pk)],
            "actions": [str(world.seen_action.pk), str(world.other_action.pk)],
            "notifications": [str(pk) for pk in Notification.objects.values_list("pk", flat=True)],
            "agencies": [str(pk) for pk in Agency.objects.values_list("pk", flat=True)],
        }
    )
    yield REAL_IDS
    REAL_IDS.clear()


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/hour"}}


def test_it_serves_the_schema_it_is_tested_against(world, auth_header):
    client = Client()
    response = client.get("/api/schema/", headers=auth_header)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == schema.raw_schema


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_within_its_schema(case, wsgi_app, auth_header, ids):
    case.call_and_validate(headers=auth_header, checks=CHECKS, app=wsgi_app)
