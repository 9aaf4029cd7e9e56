"""GET /models/{name}/code: the generated file, run in a fresh Python process, builds a network
with exactly the server's parameter names and shapes, for random specs and every zoo model."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.zoo import get_spec, model_names
from tests.architectures.strategies import ANY_SPEC

# Runs each file with run_name != "__main__" (its demo forward is skipped) on the meta device,
# and prints {file: {parameter or buffer: shape}}.
RUNNER = """
import json, runpy, sys, torch
out = {}
for path in sys.argv[1:]:
    with torch.device("meta"):
        model = runpy.run_path(path, run_name="generated")["model"]
    out[path] = {k: list(v.shape) for k, v in model.state_dict().items()}
print(json.dumps(out))
"""


def run_generated(files: dict[str, str], tmp: Path) -> dict[str, dict[str, list[int]]]:
    paths = []
    for i, code in enumerate(files.values()):
        path = tmp / f"model_{i}.py"
        path.write_text(code, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *paths], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shapes = json.loads(done.stdout)
    return {name: shapes[p] for name, p in zip(files, paths, strict=True)}


def server_shapes(name: str) -> dict[str, list[int]]:
    with torch.device("meta"):
        model = get_spec(name).build()
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def test_every_zoo_model_s_code_builds_its_state_dict(client: TestClient, tmp_path: Path) -> None:
    files = {}
    for name in model_names():
        response = client.get(f"/models/{name}/code")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/x-python")
        files[name] = response.text
    assert "cfg = [64, 64, 'M', 128, 128, 'M'" in files["vgg16"]
    assert "def make_layers(cfg" in files["vgg16"]
    assert "class BasicBlock(nn.Module)" in files["resnet18"]
    assert "ResNet(BasicBlock, [2, 2, 2, 2]" in files["resnet18"]
    assert "class PlainBlock(nn.Module)" in files["plain34"]
    assert "groups=2" in files["alexnet_2gpu"] and "groups=2" not in files["alexnet"]
    generated = run_generated(files, tmp_path)
    for name in model_names():
        assert generated[name] == server_shapes(name), name


@given(specs=st.lists(ANY_SPEC, min_size=8, max_size=8))
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_specs_code_builds_the_same_state_dict(
    client: TestClient, tmp_path_factory: pytest.TempPathFactory, specs: list[dict[str, Any]]
) -> None:
    files = {}
    for spec in specs:
        name = client.post("/architectures", json=spec).json()["name"]
        files[name] = client.get(f"/models/{name}/code").text
    generated = run_generated(files, tmp_path_factory.mktemp("code"))
    for name in files:
        assert generated[name] == server_shapes(name), name
        assert generated[name]  # a network with parameters


def test_generated_code_runs_as_a_script(client: TestClient, tmp_path: Path) -> None:
    spec = {"family": "resnet", "blocks": [1, 1], "widths": [4, 8], "skip": False}
    body = client.post("/architectures", json=spec).json()
    path = tmp_path / "net.py"
    path.write_text(client.get(f"/models/{body['name']}/code").text, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["torch.Size([1, 10])", f"{body['params']} parameters"]
