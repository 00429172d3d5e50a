"""API fuzzing: schemathesis generates requests from our OpenAPI schema (/api/schema/) and sends them,
with each role's token, to the real Django app (in-process WSGI, test database).

Promises checked on every response: no 5xx; the body matches the schema for the documented status;
invalid input (negative cases: wrong types, missing required fields, out-of-range values) is rejected
with a 4xx, never accepted. `FUZZ_EXAMPLES` (default 2 per operation and mode) bounds the run; raise it
for a longer campaign, e.g. `FUZZ_EXAMPLES=100 pytest tests/fuzz -s` (counts are printed).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

from tests import factories as f

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
# Signing in and out is fuzzed elsewhere (tests/accounts): a DELETE here would revoke the token in use.
SKIPPED_PATHS = ("/api/v1/auth/token/",)
TRIED: dict[str, int] = {}


def _schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def keep_connection():
    """Like Django's test client: requests must not close the test's database connection (the WSGI
    handler would, at request end — on PostgreSQL that loses the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def inventory(db):
    """A few rows of everything, so generated ids often hit real objects."""
    for _ in range(3):
        f.NumberAssignmentFactory()
        f.ExtensionFactory()
        f.DeviceFactory()
        f.LineFactory()
        f.CallRouteFactory()


@pytest.mark.slow
@pytest.mark.parametrize("role", ["accounting", "marketer", "lawyer", "admin", None])
def test_no_generated_request_gets_a_server_error_or_an_off_schema_answer(
    role, personas, inventory, keep_connection
):
    headers = {}
    if role:
        token, _ = Token.objects.get_or_create(user=personas[role])
        headers["Authorization"] = f"Token {token.key}"
    failures: list[str] = []
    counter = {"requests": 0}
    for result in _schema().get_all_operations():
        operation = result.ok()
        if operation.path.startswith(SKIPPED_PATHS):
            continue
        # The admin may do everything, so only the admin's invalid bodies reach validation; the other
        # roles are fuzzed with valid-looking requests (to their refusals and their reads).
        modes = (
            (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            if role == "admin"
            else (GenerationMode.POSITIVE,)
        )
        for mode in modes:
            _fuzz(operation, mode, role, headers, failures, counter, EXAMPLES if role == "admin" else 1)
    TRIED[role or "anonymous"] = counter["requests"]
    print(f"\nAPI fuzz as {role or 'anonymous'}: {counter['requests']} requests, {len(failures)} failures")
    assert counter["requests"] > 50, "the schema offered suspiciously few operations"
    assert not failures, f"{len(failures)} failing requests of {counter['requests']}:\n" + "\n\n".join(
        failures[:5]
    )


@schemathesis.check
def invalid_body_rejected(ctx, response, case):
    """Schemathesis' negative_data_rejection, for invalid request *bodies*.

    Query strings are lenient on purpose (DRF: an empty `page` is page 1, an unknown ordering field is
    ignored), so mutations there are only held to "no 5xx, answer on schema".
    """
    data = getattr(getattr(case.meta, "phase", None), "data", None)
    locations = {getattr(data, "parameter_location", None)}
    locations |= {getattr(m, "location", None) for m in getattr(data, "mutations", None) or []}
    if ParameterLocation.BODY in locations and locations <= {ParameterLocation.BODY, None}:
        return negative_data_rejection(ctx, response, case)
    return None


def _fuzz(operation, mode, role, headers, failures, counter, examples):
    checks = [not_a_server_error, response_schema_conformance]
    if mode is GenerationMode.NEGATIVE and role == "admin":
        checks.append(invalid_body_rejected)  # other roles are refused before validation (403)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        counter["requests"] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks)
        except Exception as exc:  # schemathesis raises a FailureGroup naming the broken promise
            failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {exc}"[:600])

    try:
        run()
    except Unsatisfiable:
        counter["unsatisfiable"] = counter.get("unsatisfiable", 0) + 1  # no input fits the schema's filters
