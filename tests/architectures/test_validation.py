"""Invalid specs answer 422 with a sentence naming the field (and position), before anything
is built; limits come from Settings."""

from typing import Any

import pytest
import torch
from fastapi.testclient import TestClient

from backend import architectures
from backend.architectures import ArchitectureLimits
from backend.config import Settings
from backend.errors import InvalidArchitectureError
from backend.main import create_app

CASES: list[tuple[str, Any, str, str]] = [
    ("unknown family", {"family": "lenet"}, "family", "Unknown family 'lenet'"),
    ("no family", {"cfg": [64]}, "family", "family is missing"),
    ("not an object", [64, "M"], "request", "must be a JSON object"),
    ("negative width", {"family": "vgg", "cfg": [64, -3]}, "cfg[1]", "got -3"),
    (
        "zero width",
        {"family": "simplecnn", "channels": [0]},
        "channels[0]",
        "channels[0] must be at least 1; got 0.",  # a written sentence, not pydantic's words
    ),
    (
        "10,000-entry cfg",
        {"family": "vgg", "cfg": [64] * 10_000},
        "cfg",
        "10,000 entries; at most 64",
    ),
    (
        "a pool too many",
        {"family": "vgg", "cfg": [64, "M", "M", "M", "M", "M", "M"], "input_size": 32},
        "cfg[6]",
        "cfg[6] 'M': the map is already 1×1 at a 32 px input; remove a pool or use a larger input.",
    ),
    (
        "channels past the cap",
        {"family": "vgg", "cfg": [64, 8192]},
        "cfg[1]",
        "8,192 is over the limit of 4,096",
    ),
    ("string width", {"family": "vgg", "cfg": [64, "128"]}, "cfg[1]", "got '128'"),
    ("lowercase pool", {"family": "vgg", "cfg": [64, "m"]}, "cfg[1]", "'M' (a 2×2 max-pool)"),
    (
        "bool width",
        {"family": "resnet", "blocks": [True, 2]},
        "blocks[0]",
        "must be a whole number; got True",
    ),
    (
        "string switch",
        {"family": "resnet", "skip": "no"},
        "skip",
        "skip must be true or false; got 'no'.",
    ),
    (
        "float size",
        {"family": "vgg", "input_size": 32.5},
        "input_size",
        "must be a whole number; got 32.5",
    ),
    (
        "unknown field",
        {"family": "vgg", "dropout": 0.5},
        "dropout",
        "unknown field for a vgg network",
    ),
    (
        "wrong activation",
        {"family": "vgg", "activation": "gelu"},
        "activation",
        "'relu', 'sigmoid' or 'tanh'",
    ),
    ("two channels", {"family": "vgg", "in_channels": 2}, "in_channels", "1 or 3"),
    (
        "widths per stage",
        {"family": "resnet", "blocks": [3, 3, 3]},
        "widths",
        "widths has 4 entries but blocks has 3",
    ),
    (
        "too many blocks",
        {"family": "resnet", "blocks": [17], "widths": [16]},
        "blocks[0]",
        "limit of 16",
    ),
    ("empty cfg", {"family": "vgg", "cfg": []}, "cfg", "cfg is empty"),
    ("pools only", {"family": "vgg", "cfg": ["M"]}, "cfg", "no convolution"),
    (
        "groups that do not divide",
        {"family": "alexnet", "groups": [3, 1, 1]},
        "groups[0]",
        "conv2 splits 96 input and 256 output channels into 3 groups",
    ),
    (
        "four AlexNet widths",
        {"family": "alexnet", "widths": [96, 256, 384, 256]},
        "widths",
        "exactly five",
    ),
    ("AlexNet too small", {"family": "alexnet", "input_size": 40}, "input_size", "at least 63 px"),
    ("input too large", {"family": "resnet", "input_size": 4096}, "input_size", "limit of 512 px"),
    (
        "classes past the cap",
        {"family": "simplecnn", "num_classes": 20_000},
        "num_classes",
        "limit of 10,000",
    ),
    (
        "too many parameters",
        {"family": "vgg", "cfg": [4096, "M"], "classifier": [4096]},
        "cfg",
        "parameters; the limit is 150,000,000",
    ),
    (
        "too many mult-adds",
        {"family": "vgg", "cfg": [2048, 2048, 2048], "input_size": 128},
        "cfg",
        "G mult-adds at 128 px; the limit is 25.0 G",
    ),
]


@pytest.mark.parametrize(
    ("spec", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_specs_answer_422_naming_the_field(
    client: TestClient, spec: Any, field: str, words: str
) -> None:
    response = client.post("/architectures", json=spec)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert words in body["detail"]
    assert body["detail"].endswith(".")


def test_simplecnn_stage_too_many_names_the_first_stage_that_cannot_pool(
    client: TestClient,
) -> None:
    body = client.post("/architectures", json={"family": "simplecnn", "channels": [8] * 5}).json()
    assert body["field"] == "channels[4]"
    assert "already 1×1 at a 28 px input" in body["detail"]


def test_body_that_is_not_json_or_too_large(client: TestClient) -> None:
    response = client.post(
        "/architectures", content=b"{cfg: [64]", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "not JSON" in response.json()["detail"]
    response = client.post("/architectures", content=b"[" * 300_000)
    assert response.status_code == 413 and "256 KiB" in response.json()["detail"]
    nested = b"[" * 100_000 + b"]" * 100_000  # deep nesting: refused, not a RecursionError 500
    assert client.post("/architectures", content=nested).status_code == 422


def test_limits_come_from_settings() -> None:
    app = create_app(Settings(warm_summaries=False, arch_max_width=100, arch_max_layers=3))
    try:
        with TestClient(app) as small:
            wide = small.post("/architectures", json={"family": "simplecnn", "channels": [128]})
            assert wide.status_code == 422 and wide.json()["field"] == "channels[0]"
            long = small.post("/architectures", json={"family": "vgg", "cfg": [8, 8, 8, 8]})
            assert "at most 3" in long.json()["detail"]
            # a name made under the default limits is re-checked under these
            assert small.get("/models/simplecnn.128/summary").status_code == 422
    finally:
        architectures.install(ArchitectureLimits())  # the other tests' app uses the defaults


def test_checking_a_spec_builds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_layers(*args: object, **kwargs: object) -> None:
        raise AssertionError("a layer was built while checking a spec")

    monkeypatch.setattr(torch.nn.Conv2d, "__init__", no_layers)
    monkeypatch.setattr(torch.nn.Linear, "__init__", no_layers)
    with pytest.raises(InvalidArchitectureError, match="mult-adds"):
        architectures.validate({"family": "vgg", "cfg": [4096] * 64})
    with pytest.raises(InvalidArchitectureError, match="cfg\\[1\\] 'M'"):
        architectures.validate({"family": "vgg", "cfg": [8, "M"], "input_size": 1})
    assert architectures.validate({"family": "resnet"}).params == 11_173_962
    assert architectures.validate({"family": "alexnet", "groups": [2, 2, 2]}).params == 60_965_224
