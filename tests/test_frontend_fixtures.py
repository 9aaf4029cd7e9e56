"""The summaries saved for the frontend's node tests still say what the API says.

frontend/tests/fixtures/ holds API answers so that `node --test` can check the layout on the
real models without a server; this compares every field the frontend reads with the API
(in-process: it needs no browser).
"""

import json
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
