"""A convolution at work: one unit recomputed from the endpoint's numbers equals the model's."""

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient

from backend.errors import InvalidParameterError
from backend.inspection.conv_step import check_step, conv_step
from backend.serving.images import ImageLimits
from backend.serving.inference import model_input
from backend.serving.runtime import ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs, get_spec
from tests.helpers_images import canvas_style, digit, png

LIMITS = ImageLimits(16 * 1024 * 1024, 50_000_000)
SEVEN = png(canvas_style(digit(7)))
PHOTO = png((np.random.default_rng(0).random((48, 64, 3)) * 255).astype(np.uint8))


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> ModelRuntime:
    weights = WeightStore(tmp_path_factory.mktemp("no-user-checkpoints"))
    weights.scan(all_specs())
    return ModelRuntime(weights, torch.device("cpu"), max_loaded=2)


def step(runtime: ModelRuntime, name: str, layer: str, image: bytes = SEVEN, **kw):
    spec = get_spec(name)
    request = check_step(
        spec,
        layer,
        kw.pop("call", 1),
        kw.pop("channel", None),
        kw.pop("row", None),
        kw.pop("col", None),
        kw.pop("max_inputs", 64),
    )
    return conv_step(runtime, spec, image, LIMITS, request)


def test_simplecnn_conv1_unit_recomputed_from_the_window(runtime: ModelRuntime) -> None:
    result = step(runtime, "simplecnn", "conv1", channel=5, row=10, col=13)
    assert result.trained is True and result.type == "Conv2d"
    assert (result.kernel_size, result.in_channels, result.unit) == ([3, 3], 1, [5, 10, 13])
    window = result.windows[0]
    values, weights = np.array(window.values), np.array(window.weights)
    recomputed = float((values * weights).sum()) + result.bias
    assert np.allclose(np.array(window.products), values * weights, atol=1e-6)
    assert abs(recomputed - result.model_value) < 1e-5
    assert result.difference < 1e-5
    # and the model's value is the real conv output at that unit
    spec = get_spec("simplecnn")
    x = model_input(spec, SEVEN, LIMITS)[None]
    conv1 = runtime.get("simplecnn").module.conv1
    with torch.inference_mode():
        direct = conv1(x)[0, 5, 10, 13].item()
    assert abs(direct - result.model_value) < 1e-6
    assert result.window == [9, 12, 11, 14]


def test_conv2_sums_every_input_channel(runtime: ModelRuntime) -> None:
    result = step(runtime, "simplecnn", "conv2", channel=17, row=0, col=6, max_inputs=4)
    assert (result.in_channels, len(result.channel_sums), len(result.windows)) == (32, 32, 4)
    assert result.padded[0] == [True, True, True]  # row 0, padding 1: the top row is padding
    assert all(v == 0 for v in result.windows[0].values[0])
    total = sum(result.channel_sums)
    assert abs(total - result.total) < 1e-4
    assert abs(total + result.bias - result.model_value) < 1e-5
    for window in result.windows:
        products = np.array(window.values) * np.array(window.weights)
        assert abs(products.sum() - window.sum) < 1e-5


def test_max_pool_unit(runtime: ModelRuntime) -> None:
    result = step(runtime, "simplecnn", "pool", call=2, channel=3, row=2, col=4)
    assert result.type == "MaxPool2d" and result.call == 2
    assert result.input_shape == [1, 64, 14, 14] and result.output_shape == [1, 64, 7, 7]
    values = np.array(result.windows[0].values)
    assert values.shape == (2, 2)
    assert result.value == pytest.approx(values.max(), abs=1e-6)
    assert result.argmax == list(np.unravel_index(values.argmax(), values.shape))
    assert abs(result.value - result.model_value) < 1e-6
    assert result.bias is None and result.windows[0].weights is None


def test_grouped_conv_reads_its_group_only(runtime: ModelRuntime) -> None:
    result = step(runtime, "alexnet_2gpu", "features.3", PHOTO, channel=200, max_inputs=2)
    assert result.trained is False and result.groups == 2
    assert result.in_channels == 48
    assert [w.channel for w in result.windows] == [48, 49]  # the second GPU's half
    assert abs(sum(result.channel_sums) + result.bias - result.model_value) < 1e-4


def test_resnet_conv_without_bias(runtime: ModelRuntime) -> None:
    result = step(runtime, "resnet18", "layer2.0.conv1", PHOTO, channel=1, row=3, col=7)
    assert result.bias is None and result.stride == [2, 2]
    assert result.window == [5, 13, 7, 15]
    assert abs(sum(result.channel_sums) - result.model_value) < 1e-4


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"layer": "fc1"}, "layer"),
        ({"layer": "conv1", "channel": 32}, "channel"),
        ({"layer": "conv1", "row": 28}, "row"),
        ({"layer": "conv1", "col": 28}, "col"),
        ({"layer": "conv1", "max_inputs": 65}, "max_inputs"),
        ({"layer": "nope"}, "layer"),
    ],
)
def test_bad_requests_say_what_is_accepted(kw: dict, field: str) -> None:
    spec = get_spec("simplecnn")
    with pytest.raises(InvalidParameterError) as err:
        check_step(
            spec,
            kw["layer"],
            1,
            kw.get("channel"),
            kw.get("row"),
            kw.get("col"),
            kw.get("max_inputs", 8),
        )
    assert err.value.extra["field"] == field
    if kw["layer"] == "fc1":
        assert err.value.extra["valid"] == ["conv1", "pool", "conv2"]


def test_conv_step_endpoint(client: TestClient) -> None:
    url = "/models/simplecnn/conv_step?layer=conv2&channel=2&row=5&col=5&max_inputs=3"
    response = client.post(url, files={"file": ("seven.png", SEVEN, "image/png")})
    assert response.status_code == 200
    body = response.json()
    assert len(body["windows"]) == 3 and len(body["channel_sums"]) == 32
    assert body["difference"] < 1e-5
    assert body["output_image"].startswith("data:image/png;base64,")
    bad = client.post(
        "/models/simplecnn/conv_step?layer=fc1", files={"file": ("s.png", SEVEN, "image/png")}
    )
    assert bad.status_code == 422 and "Conv2d and MaxPool2d" in bad.json()["detail"]
    too_many = client.post(
        "/models/simplecnn/conv_step?layer=conv2&max_inputs=1000",
        files={"file": ("s.png", SEVEN, "image/png")},
    )
    assert too_many.status_code == 422
    block = client.post(
        "/models/basicblock/conv_step?layer=conv1", files={"file": ("s.png", SEVEN, "image/png")}
    )
    assert block.status_code == 422


def test_vgg16_deep_conv_within_tolerance(runtime: ModelRuntime) -> None:
    result = step(runtime, "vgg16", "features.28", PHOTO, channel=7, max_inputs=1)
    assert result.in_channels == 512 and result.kernel_size == [3, 3]
    assert abs(result.value - result.model_value) <= 1e-5 * max(1.0, abs(result.model_value))
