"""A bounded schemathesis run against the API's own OpenAPI document, in process through the WSGI application
(no server, no network): every operation, with examples that fit the document and examples that do not, a fixed
seed and a small number of examples, so that it stays fast and repeatable. No answer may be a server error or
differ from the document.

The document is the committed docs/openapi.json, which test_openapi.py holds equal to /api/openapi.json; reading
the file lets pytest collect one test per operation before the database exists.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, seed
from hypothesis import settings as hypothesis_settings

from smartstadt.api.openapi import COMMITTED

EXAMPLES = 100  # per operation (about 20 s in all on a small machine)

schema = schemathesis.openapi.from_path(str(COMMITTED))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _localhost(settings: Any) -> None:
    # The WSGI client of schemathesis names its host "localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    # The WSGI handler closes the database connection after each request; in a test's transaction that ends
    # the test's connection (on PostgreSQL). Django's own test client unhooks the same two signals.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@seed(20261207)
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_documented(case: schemathesis.Case, demo_region: None) -> None:
    # The API only reads: the demo region, loaded once per session, serves every example of an operation.
    case.call_and_validate()
