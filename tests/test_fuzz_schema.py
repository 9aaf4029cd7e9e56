"""Schema fuzzing: schemathesis generates requests from the app's own OpenAPI document.

Every response must have a documented status and match its documented schema, and no request
may produce a server error. Examples are bounded so the suite stays quick.
"""

import tempfile

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from backend.config import Settings
from backend.main import create_app

# Runs the fuzzer starts train in a thread and stop at their first time estimate, in a
# folder of their own: the schema is what is checked here, not training.
RUNS = tempfile.mkdtemp(prefix="fuzz-runs-")
APP = create_app(
    Settings(
        warm_summaries=False,
        summary_cache_size=64,
        runs_dir=RUNS,
        training_isolation="thread",
        training_max_seconds=0.01,
        training_queue_limit=1000,  # a full queue's 503 is tested in tests/lab
    )
)
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
    # Whether a schema-valid architecture can run depends on arithmetic across its fields (a
    # pool on a 1×1 map, groups that divide the widths, the parameter budget) that JSON Schema
    # cannot state, so POST /architectures answers such specs 422 by design. Likewise whether a
    # run can start: the model's input must fit the data set (422 naming a spec that would),
    # the data set must be on this machine (409). And whether a `layer` exists depends on the
    # model the path names (422 naming the model's layers): a fuzzed string passes the schema
    # and is no layer. CI found it once (`layer=fastapi_offline`, a string Hypothesis took from
    # the code) after many green runs. Every other check (documented statuses, response
    # schemas, no server error) still applies; tests/lab and the analysis tests check those.
    by_design = ("/architectures", "/training/runs")
    post = case.operation.method.upper() == "POST"
    names_a_layer = any(p.name == "layer" for p in case.operation.iter_parameters())
    excluded = (
        [positive_data_acceptance]
        if post and (case.operation.path in by_design or names_a_layer)
        else []
    )
    case.call_and_validate(excluded_checks=excluded)
