"""Exports: ONNX files that ONNX Runtime runs like PyTorch, summary CSV and JSON downloads."""

import csv
import io
import threading

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from fastapi.testclient import TestClient
from torch import nn

from backend.analysis.seeded_init import initialise, materialise
from backend.analysis.shapes import build_on_meta
from backend.errors import ExportBusyError
from backend.exports.onnx import EXPORT_SEED, ExportService
from backend.zoo import ModelSpec, get_spec


def reference(name: str) -> nn.Module:
    """The PyTorch model the exporter writes: same architecture, same seeded weights."""
    return initialise(materialise(build_on_meta(get_spec(name))), EXPORT_SEED).eval()


def max_difference(data: bytes, model: nn.Module, shape: tuple[int, ...]) -> float:
    onnx.checker.check_model(onnx.load_from_string(data))
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    (declared,) = session.get_inputs()
    assert (declared.name, declared.shape) == ("input", list(shape))
    x = torch.randn(shape, generator=torch.Generator().manual_seed(7))
    (got,) = session.run(["logits"], {"input": x.numpy()})
    with torch.no_grad():
        expected = model(x).numpy()
    assert got.shape == expected.shape
    return float(np.abs(got - expected).max())


def test_simplecnn_onnx_matches_pytorch() -> None:
    service = ExportService()
    result = service.onnx(get_spec("simplecnn"), (1, 1, 28, 28), None)
    assert result.filename == "simplecnn_1x28x28.onnx" and not result.trained
    assert max_difference(result.data, reference("simplecnn"), (1, 1, 28, 28)) < 1e-4
    again = service.onnx(get_spec("simplecnn"), (1, 1, 28, 28), None)
    assert again.data == result.data and again.seconds == 0.0  # served from the cache


def test_resnet18_onnx_over_the_api_at_another_size(client: TestClient) -> None:
    response = client.get("/models/resnet18/export.onnx?height=48&width=40")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == (
        'attachment; filename="resnet18_3x48x40.onnx"'
    )
    assert response.headers["x-model-trained"] == "false"
    assert max_difference(response.content, reference("resnet18"), (1, 3, 48, 40)) < 1e-4


def test_trained_simplecnn_exports_its_checkpoint(client: TestClient) -> None:
    response = client.get("/models/simplecnn/export.onnx")
    assert response.status_code == 200 and response.headers["x-model-trained"] == "true"
    trained = client.app.state.runtime.get("simplecnn").module  # the shipped MNIST weights
    assert max_difference(response.content, trained, (1, 1, 28, 28)) < 1e-4


def test_new_head_in_the_file_name(client: TestClient) -> None:
    response = client.get("/models/simplecnn/export.onnx?num_classes=3")
    assert response.status_code == 200
    assert 'filename="simplecnn_1x28x28_3classes.onnx"' in response.headers["content-disposition"]
    model = onnx.load_from_string(response.content)
    dims = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
    assert dims == [1, 3]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/models/alexnet/export.onnx?height=100", "AlexNet needs 223–254 px"),
        ("/models/simplecnn/export.onnx?height=56&width=56", "batch size 4"),
        ("/models/vgg16/export.onnx?height=8", "VGG16 needs at least 32 px in height and in width"),
        ("/models/resnet18/export.onnx?height=0", "height"),
    ],
)
def test_sizes_the_model_cannot_take(client: TestClient, url: str, detail: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_unknown_model(client: TestClient) -> None:
    response = client.get("/models/lenet/export.onnx")
    assert response.status_code == 404 and "simplecnn" in response.json()["detail"]


def test_one_export_at_a_time() -> None:
    service = ExportService(wait_s=0.05)
    inside, release = threading.Event(), threading.Event()

    def slow_loader(spec: ModelSpec, model: nn.Module) -> bool:
        inside.set()
        release.wait(10)
        return False  # no checkpoint: seeded random weights

    worker = threading.Thread(
        target=service.onnx, args=(get_spec("simplecnn"), (1, 1, 28, 28), None, slow_loader)
    )
    worker.start()
    try:
        assert inside.wait(10)
        with pytest.raises(ExportBusyError, match="Another ONNX export is still running"):
            service.onnx(get_spec("simplecnn"), (1, 1, 30, 30), None)
    finally:
        release.set()
        worker.join(60)


def test_summary_csv(client: TestClient) -> None:
    response = client.get("/models/simplecnn/summary.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="simplecnn_1x28x28_summary.csv"' in response.headers["content-disposition"]
    every_row = list(csv.DictReader(io.StringIO(response.text)))
    rows = [r for r in every_row if r["functional"] == "False"]
    assert [(r["name"], r["output_shape"], r["params"]) for r in rows] == [
        ("conv1", "1x32x28x28", "320"),
        ("pool", "1x32x14x14", "0"),
        ("conv2", "1x64x14x14", "18496"),
        ("pool", "1x64x7x7", "0"),
        ("fc1", "1x128", "401536"),
        ("fc2", "1x10", "1290"),
    ]
    assert rows[3]["recursive"] == "True" and rows[0]["kernel_size"] == "3x3"


def test_summary_csv_with_frozen_features(client: TestClient) -> None:
    text = client.get("/models/vgg16/summary.csv?num_classes=10&freeze=features").text
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["functional"] == "False"]
    assert {r["name"]: r["trainable"] for r in rows if r["depth"] == "1"} == {
        "features": "False",
        "avgpool": "True",
        "classifier": "True",
    }
    assert rows[-1]["output_shape"] == "1x10"


def test_summary_json_download_equals_the_summary(client: TestClient) -> None:
    response = client.get("/models/resnet18/summary.json?height=64&width=64")
    assert response.status_code == 200
    assert 'filename="resnet18_3x64x64_summary.json"' in response.headers["content-disposition"]
    assert response.json() == client.get("/models/resnet18/summary?height=64&width=64").json()
    bad = client.get("/models/alexnet/summary.csv?height=100")
    assert bad.status_code == 422 and "223–254 px" in bad.json()["detail"]
