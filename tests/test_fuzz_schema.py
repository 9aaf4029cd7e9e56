"""Schema fuzzing: schemathesis generates requests from the app's own OpenAPI document.

Every response must have a documented status and match its documented schema, and no request
may produce a server error. Examples are bounded so the suite stays quick.
"""

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from backend.config import Settings
from backend.main import create_app

APP = create_app(Settings(warm_summaries=False, summary_cache_size=64))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def setup_module() -> None:
    # Run the lifespan (device, summary service) for the ASGI app schemathesis calls.
    global _client
    _client = TestClient(APP)
    _client.__enter__()


def teardown_module() -> None:
    _client.__exit__(None, None, None)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
