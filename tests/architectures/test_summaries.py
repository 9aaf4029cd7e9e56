"""Random valid specs of every family: the server's summary (totals and every layer's output
shape) equals a model built independently from the same spec in plain torch (reference.py)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from tests.architectures import reference
from tests.architectures.strategies import (
    alexnet_specs,
    resnet_specs,
    simplecnn_specs,
    vgg_specs,
)

ACTIVATION_TYPES = {"ReLU", "Sigmoid", "Tanh"}
EXAMPLES = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_against_reference(client: TestClient, spec: dict[str, Any]) -> None:
    created = client.post("/architectures", json=spec)
    assert created.status_code == 200, created.json()
    body = created.json()
    assert body["spec"] == spec  # every field was given: normalising changes nothing
    summary = client.get(f"/models/{body['name']}/summary").json()
    model = reference.build(spec)
    expected_params = sum(p.numel() for p in model.parameters())
    assert summary["totals"]["params"] == expected_params == body["params"]
    size = spec["input_size"]
    assert summary["input_shape"] == [1, spec["in_channels"], size, size]
    assert summary["output_shape"] == [1, spec["num_classes"]]
    expected = reference.leaf_outputs(model, spec)
    rows: dict[str, list[list[int]]] = {}
    for row in summary["layers"]:
        # module leaves (forward()'s own operations, functional rows, are no module)
        if row["is_leaf"] and not row["functional"] and row["type"] not in ACTIVATION_TYPES:
            rows.setdefault(row["name"], []).append(row["output_shape"])
    assert rows == expected
    weight_rows = [r for r in summary["layers"] if r["type"] in ("Conv2d", "Linear")]
    conv_linear = reference.conv_linear_mult_adds(model, spec)
    assert body["mult_adds"] == conv_linear
    # torchinfo adds each conv's bias additions to its mult-adds; weights alone match exactly
    biases = sum(
        r["output_shape"][1] * r["output_shape"][2] * r["output_shape"][3]
        for r in weight_rows
        if r["type"] == "Conv2d" and r["hparams"]["bias"]
    ) + sum(r["hparams"]["out_features"] for r in weight_rows if r["type"] == "Linear")
    assert sum(r["mult_adds"] for r in weight_rows) - biases == conv_linear


@given(spec=vgg_specs())
@EXAMPLES
def test_vgg_summaries_match_plain_torch(client: TestClient, spec: dict[str, Any]) -> None:
    check_against_reference(client, spec)


@given(spec=resnet_specs())
@EXAMPLES
def test_resnet_summaries_match_plain_torch(client: TestClient, spec: dict[str, Any]) -> None:
    check_against_reference(client, spec)


@given(spec=simplecnn_specs())
@EXAMPLES
def test_simplecnn_summaries_match_plain_torch(client: TestClient, spec: dict[str, Any]) -> None:
    check_against_reference(client, spec)


@given(spec=alexnet_specs())
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_alexnet_summaries_match_plain_torch(client: TestClient, spec: dict[str, Any]) -> None:
    check_against_reference(client, spec)


@pytest.mark.parametrize(
    ("spec", "params"),
    [
        (
            {
                "family": "vgg",
                "cfg": [
                    64,
                    64,
                    "M",
                    128,
                    128,
                    "M",
                    256,
                    256,
                    256,
                    "M",
                    512,
                    512,
                    512,
                    "M",
                    512,
                    512,
                    512,
                    "M",
                ],
            },
            138_357_544,
        ),
        ({"family": "resnet", "blocks": [2, 2, 2, 2]}, 11_173_962),
        ({"family": "simplecnn", "channels": [32, 64], "hidden": 128}, 421_642),
    ],
)
def test_the_seeds_networks_as_specs_give_the_zoos_numbers(
    client: TestClient, spec: dict[str, Any], params: int
) -> None:
    body = client.post("/architectures", json=spec).json()
    assert body["params"] == params
    summary = client.get(f"/models/{body['name']}/summary").json()
    assert summary["totals"]["params"] == params
