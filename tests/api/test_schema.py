"""Schemathesis over the OpenAPI spec: no server errors, and every response matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from config.wsgi import application
from roundtable.accounts.services import api_token_create
from roundtable.groups.models import JoinPolicy
from tests.factories import GroupFactory, UserFactory, facilitator_of


@pytest.fixture
def _keep_connection_open():  # type: ignore[no-untyped-def]
    # Like Django's test client: a finished request must not close the test's connection
    # (and with it the transaction each test runs in).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, _keep_connection_open):  # type: ignore[no-untyped-def]
    group = GroupFactory(name="Schema Circle", slug="schema-circle", join_policy=JoinPolicy.OPEN)
    facilitator_of(group)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=UserFactory())
    return {"Authorization": f"Bearer {secret}"}


schema = schemathesis.pytest.from_fixture("api_schema")


# One test item runs every operation as a subtest (about 150 s on a quiet 2-core machine):
# the whole item gets more than pytest-timeout's 300 s a test, or a busy machine fails it.
@pytest.mark.timeout(1200)
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, bearer) -> None:  # type: ignore[no-untyped-def]
    # Half the calls are anonymous, half authenticated, so both paths are exercised.
    headers = bearer if case.operation.path not in ("/api/v1/auth/token",) and hash(str(case.query)) % 2 else {}
    # A real server always knows the client address; the WSGI test transport needs telling.
    # positive_data_acceptance is left out on purpose: a well-formed request can still name
    # a place we don't know or a group that does not exist, and 400/404 is the right answer.
    case.call_and_validate(
        headers=headers,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        # Unknown query parameters are ignored by design (as most HTTP APIs do), which the
        # negative-data check reads as "accepted"; bodies are still checked strictly.
        excluded_checks=[positive_data_acceptance, *([negative_data_rejection] if case.method == "GET" else [])],
    )
