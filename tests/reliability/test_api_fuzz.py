"""Schemathesis against /api/schema/, every operation, signed in: no 500s, responses that match the
schema, and every 4xx carries the error body."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from sawt.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schemathesis.check
def error_body_on_4xx(ctx, response, case):
    if 400 <= response.status_code < 500:
        body = response.json()
        assert set(body) == {"error"}, body
        assert {"code", "message", "details"} <= set(body["error"]), body


@pytest.fixture
def auth_header(db, owner, settings):
    from sawt.accounts.services import api_token_create

    settings.SAWT_RATE_LIMIT_ENABLED = False
    return {"Authorization": f"Bearer {api_token_create(user=owner, name='fuzz')[1]}"}


@schema.parametrize()
@hypothesis_settings(max_examples=int(os.environ.get("SAWT_FUZZ_EXAMPLES", "8")), deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(transaction=True)
def test_api_operation_holds_up_under_fuzzing(case, auth_header):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    case.call_and_validate(
        headers=auth_header,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance, error_body_on_4xx],
    )
