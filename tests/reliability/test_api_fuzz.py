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


# Stateful: sequences of calls where one response feeds the next request (an id from a create, fed
# to its detail, update and delete), through the links Schemathesis infers from the schema (Location
# headers and dependency analysis: drf-spectacular writes no OpenAPI links). Bounded so that CI stays
# within a few minutes; SAWT_FUZZ_SCENARIOS and SAWT_FUZZ_STEPS raise it for a longer hunt.
#
# Each scenario runs in a transaction rolled back at its end, so that every scenario meets the same
# database: Hypothesis replays scenarios while it shrinks, and a server whose answers drift with the
# rows earlier scenarios left (a name taken, a slot full) reads to it as flaky data generation. Work
# queued on commit therefore does not run here; the per-operation test above runs it.
@pytest.mark.django_db(transaction=True)
def test_api_workflows_hold_up_under_stateful_fuzzing(auth_header):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, transaction
    from hypothesis import Phase
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    class Workflows(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self):
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": auth_header}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance, error_body_on_4xx],
                transport_kwargs=kwargs,
            )

    assert Workflows.bundles, "no links between operations: the stateful run would test nothing more"
    # As Django's test client does: a request must not close the connection that holds the scenario.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        Workflows.run(
            settings=hypothesis_settings(
                max_examples=int(os.environ.get("SAWT_FUZZ_SCENARIOS", "40")),
                stateful_step_count=int(os.environ.get("SAWT_FUZZ_STEPS", "6")),
                deadline=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.generate, Phase.shrink],
                database=None,
            )
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
