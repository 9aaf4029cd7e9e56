"""Feature maps: shapes equal the summary's, values equal a direct computation, ranking, errors."""

import base64
import io
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from backend.analysis.summary import SummaryCaps, SummaryParams, summarize
from backend.errors import InvalidParameterError, NotAClassifierError
from backend.inspection.activations import feature_maps
from backend.serving.images import ImageLimits
from backend.serving.inference import model_input
from backend.serving.runtime import ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs, get_spec
from tests.helpers_images import canvas_style, digit, png

LIMITS = ImageLimits(16 * 1024 * 1024, 50_000_000)
CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)
SEVEN = png(canvas_style(digit(7)))  # a held-out MNIST 7, dark ink on white like a canvas


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> ModelRuntime:
    weights = WeightStore(tmp_path_factory.mktemp("no-user-checkpoints"))
    weights.scan(all_specs())  # finds the shipped SimpleCNN weights
    return ModelRuntime(weights, torch.device("cpu"), max_loaded=2)


def summary_rows(name: str) -> list:
    spec = get_spec(name)
    _, h, w = spec.default_input_shape
    params = SummaryParams(batch_size=1, height=h, width=w, num_classes=None)
    return summarize(spec, params, CAPS).layers


def decode(data_url: str) -> Image.Image:
    header, payload = data_url.split(",", 1)
    assert header == "data:image/png;base64"
    return Image.open(io.BytesIO(base64.b64decode(payload)))


@pytest.mark.parametrize(
    ("name", "layer", "call"),
    [
        ("simplecnn", "conv1", 1),
        ("simplecnn", "pool", 1),
        ("simplecnn", "conv2", 1),
        ("simplecnn", "pool", 2),
        ("resnet18", "layer2.0", 1),
        ("resnet18", "layer4", 1),
        ("alexnet", "features.3", 1),
    ],
)
def test_channels_and_size_match_the_summary(
    runtime: ModelRuntime, name: str, layer: str, call: int
) -> None:
    result = feature_maps(runtime, get_spec(name), SEVEN, LIMITS, layer, call, max_channels=5)
    row = [r for r in summary_rows(name) if r.name == layer][call - 1]
    assert result.output_shape == row.output_shape
    assert result.channels == row.output_shape[1]
    assert result.spatial == row.output_shape[2:]
    assert len(result.maps) == 5
    image = decode(result.maps[0].image)  # type: ignore[arg-type]
    assert image.mode == "L" and image.size == (row.output_shape[3], row.output_shape[2])
    assert result.trained is runtime.weights.is_trained(name)


def test_values_equal_a_direct_computation(runtime: ModelRuntime) -> None:
    spec = get_spec("simplecnn")
    result = feature_maps(runtime, spec, SEVEN, LIMITS, "conv1", max_channels=32, fmt="grid")
    x = model_input(spec, SEVEN, LIMITS)[None]  # (1, 1, 28, 28)
    conv1 = runtime.get("simplecnn").module.conv1
    with torch.no_grad():
        expected = F.conv2d(x, conv1.weight, conv1.bias, padding=1)[0]  # (32, 28, 28)
    means = expected.mean(dim=(1, 2))
    assert [m.channel for m in result.maps] == torch.argsort(means, descending=True).tolist()
    for m in result.maps:
        assert m.image is None
        assert np.allclose(m.values, expected[m.channel].numpy(), atol=1e-4)
        assert m.mean == pytest.approx(float(means[m.channel]), abs=1e-4)
    assert [m.mean for m in result.maps] == sorted((m.mean for m in result.maps), reverse=True)


def test_shared_scale_and_flat_layers(runtime: ModelRuntime) -> None:
    spec = get_spec("simplecnn")
    shared = feature_maps(runtime, spec, SEVEN, LIMITS, "pool", 2, 8, "both", shared_scale=True)
    lo, hi = shared.shared_range  # type: ignore[misc]
    assert lo == min(m.min for m in shared.maps) and hi == max(m.max for m in shared.maps)
    assert lo >= 0  # after ReLU and max-pool
    flat = feature_maps(runtime, spec, SEVEN, LIMITS, "fc2")
    assert flat.spatial is None and flat.maps == [] and flat.channels == 10
    assert int(np.argmax(flat.values)) == 7  # the trained network reads the 7
    assert decode(flat.preview).size == (28, 28)


def test_client_mistakes(runtime: ModelRuntime) -> None:
    spec = get_spec("simplecnn")
    with pytest.raises(InvalidParameterError, match="no layer 'conv3'; layers: conv1, pool"):
        feature_maps(runtime, spec, SEVEN, LIMITS, "conv3")
    with pytest.raises(InvalidParameterError, match="pool runs 2 time"):
        feature_maps(runtime, spec, SEVEN, LIMITS, "pool", call=3)
    big = get_spec("vgg16")
    with pytest.raises(InvalidParameterError, match="ask for fewer max_channels or format=png"):
        # 64 maps of 224×224 would be 3.2 million numbers; refused before VGG16 is built.
        feature_maps(
            runtime,
            big,
            png(np.full((224, 224), 128, np.uint8)),
            LIMITS,
            "features.0",
            max_channels=64,
            fmt="grid",
        )
    with pytest.raises(NotAClassifierError):
        feature_maps(runtime, get_spec("basicblock"), SEVEN, LIMITS, "conv1")


def test_helpers_do_not_touch_the_shared_model(runtime: ModelRuntime) -> None:
    shared = runtime.get("simplecnn").module
    feature_maps(runtime, get_spec("simplecnn"), SEVEN, LIMITS, "conv2")
    assert all(not m._forward_hooks for m in shared.modules())
    assert Path(runtime.weights.checkpoint("simplecnn").path).name == "simplecnn.pt"
    assert "vgg16" not in runtime.loaded_names()  # the refused grid never built it
