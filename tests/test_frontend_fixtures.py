"""The summaries saved for the frontend's node tests still say what the API says.

frontend/tests/fixtures/ holds API answers so that `node --test` can check the layout on the
real models without a server; this compares every field the frontend reads with the API
(in-process: it needs no browser).
"""

import json
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

FIXTURES = Path(__file__).resolve().parents[1] / "frontend" / "tests" / "fixtures"
ROW_FIELDS = [
    "index", "name", "type", "depth", "parent", "is_leaf", "recursive",
    "input_shape", "output_shape", "params", "trainable_params", "mult_adds", "hparams",
]  # fmt: skip
CASES = {path.stem: path for path in sorted(FIXTURES.glob("*.json"))}


def _query(stem: str) -> tuple[str, dict]:
    # "simplecnn_56" is SimpleCNN at 56×56; a plain model name is its default input.
    name, _, size = stem.rpartition("_")
    if not (name and size.isdigit()):
        return stem, {}
    return name, {"height": int(size), "width": int(size)}


def _view(summary: dict) -> dict:
    return {
        "model": summary["model"],
        "input_shape": summary["input_shape"],
        "output_shape": summary["output_shape"],
        "totals": summary["totals"]["params"],
        "warnings": summary["warnings"],
        "layers": [{k: row[k] for k in ROW_FIELDS} for row in summary["layers"]],
    }


def test_there_are_fixtures() -> None:
    assert {"simplecnn", "alexnet", "vgg16", "resnet18", "basicblock"} <= set(CASES)


@pytest.mark.parametrize("stem", list(CASES))
def test_fixture_matches_the_api(stem: str, client: TestClient) -> None:
    name, params = _query(stem)
    live = client.get(f"/models/{name}/summary", params=params)
    assert live.status_code == 200
    saved = json.loads(CASES[stem].read_text(encoding="utf-8"))
    assert _view(saved) == _view(live.json()), f"regenerate {CASES[stem].name} (see its README)"


# The analysis API's answers saved for the node tests of the analysis modules.
ANALYSIS = FIXTURES / "analysis"
FIXTURE_URLS = {
    "vgg16_c10_freeze": "/models/vgg16/summary?num_classes=10&freeze=feature_extractor",
    "compare_4": "/compare?models=simplecnn,alexnet,vgg16,resnet18",
    "gradients_skip18": "/gradients/skip_connections?depth=18",
    "gradients_act20": "/gradients/activations?depth=20",
    "rf_simplecnn": "/models/simplecnn/receptive_field",
    "rf_vgg16": "/models/vgg16/receptive_field",
    "rf_resnet18": "/models/resnet18/receptive_field",
}


def _same(saved, live, where: str = "") -> None:
    """Equal JSON, floats to 1e-5 relative (gradient norms are sums over many floats)."""
    if isinstance(saved, float) or isinstance(live, float):
        assert math.isclose(saved, live, rel_tol=1e-5, abs_tol=1e-30), where
    elif isinstance(saved, dict):
        assert saved.keys() == live.keys(), where
        for key in saved:
            _same(saved[key], live[key], f"{where}.{key}")
    elif isinstance(saved, list):
        assert len(saved) == len(live), where
        for i, (a, b) in enumerate(zip(saved, live, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert saved == live, where


@pytest.mark.parametrize("stem", sorted(FIXTURE_URLS))
def test_analysis_fixtures_match_the_api(stem: str, client: TestClient) -> None:
    saved = json.loads((ANALYSIS / f"{stem}.json").read_text(encoding="utf-8"))
    live = client.get(FIXTURE_URLS[stem])
    assert live.status_code == 200
    _same(saved, live.json(), stem)
