"""The analysis routes over HTTP: receptive fields, compare, gradient lessons, and their errors."""

import base64

import pytest
from fastapi.testclient import TestClient

from tests.helpers_images import canvas_style, digit, png


def test_receptive_field_rows_follow_the_summary(client: TestClient) -> None:
    body = client.get("/models/vgg16/receptive_field").json()
    summary = client.get("/models/vgg16/summary").json()
    # One entry per module row (forward()'s own operations, functional rows, have none).
    assert [(e["index"], e["name"]) for e in body["layers"]] == [
        (r["index"], r["name"]) for r in summary["layers"] if not r["functional"]
    ]
    by_name = {e["name"]: e for e in body["layers"]}
    features = by_name["features"]
    assert features["size"] == [212, 212] and features["jump"] == [32, 32]
    assert features["start"] == [15.5, 15.5] and not features["whole_input"]
    assert features["centre_unit"] == {"unit": [3, 3], "region": [6, 6, 217, 217]}
    assert by_name["features.28"]["size"] == [196, 196]
    assert by_name["classifier.0"]["whole_input"] and by_name["classifier.0"]["size"] is None
    assert body["output"]["whole_input"] and body["notes"] == []


def test_receptive_field_of_resnet_blocks(client: TestClient) -> None:
    body = client.get("/models/resnet18/receptive_field?height=64&width=48").json()
    assert body["input_shape"] == [1, 3, 64, 48]
    block = next(e for e in body["layers"] if e["name"] == "layer3.0")
    assert block["size"] == [37, 37] and block["output_shape"] == [1, 256, 16, 12]
    assert [(p["source"], p["size"]) for p in block["paths"]] == [
        ("layer3.0.bn2", [37, 37]),
        ("layer3.0.downsample", [25, 25]),
    ]
    layer4 = next(e for e in body["layers"] if e["name"] == "layer4")
    assert layer4["size"] == [109, 109] and layer4["exceeds_input"]


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/models/alexnet/receptive_field?height=200&width=200", 422, "AlexNet needs 223–254 px"),
        ("/models/nope/receptive_field", 404, "Unknown model 'nope'"),
        ("/models/vgg16/receptive_field?height=0", 422, "height"),
        ("/models/vgg16/receptive_field?height=99999", 422, "height must be between 1 and 4096"),
    ],
)
def test_receptive_field_errors(client: TestClient, url: str, status: int, detail: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_compare(client: TestClient) -> None:
    body = client.get("/compare?models=alexnet,vgg16,resnet18&size=224").json()
    assert body["common_size"] == 224 and body["requested_size"] == 224
    assert [m["name"] for m in body["models"]] == ["alexnet", "vgg16", "resnet18"]
    assert [m["params"] for m in body["models"]] == [62_378_344, 138_357_544, 11_173_962]
    assert [len(m["stages"]) for m in body["models"]] == [4, 6, 6]
    stage = body["models"][1]["stages"][0]
    assert stage["layers"] == ["features.0", "features.1", "features.2", "features.3", "features.4"]
    assert (stage["spatial"], stage["channels"], stage["params"]) == ([112, 112], 64, 38_720)


def test_compare_reason_and_errors(client: TestClient) -> None:
    body = client.get("/compare?models=simplecnn, resnet18&size=64").json()
    simple = body["models"][0]
    assert not simple["at_common_size"] and simple["input_size"] == 28
    assert "SimpleCNN needs 28–31 px" in simple["reason"]
    assert [m["name"] for m in client.get("/compare?models=vgg16").json()["models"]] == ["vgg16"]
    nine = client.get(
        "/compare?models=vgg11,vgg13,vgg16,vgg19,alexnet,simplecnn,resnet18,resnet34,plain18"
    )
    assert nine.status_code == 422 and "between 1 and 8 model names" in nine.json()["detail"]
    commas = client.get("/compare?models=,,")
    assert commas.status_code == 422 and "models" in commas.json()["detail"]
    missing = client.get("/compare")
    assert missing.status_code == 422 and "models" in missing.json()["detail"]
    unknown = client.get("/compare?models=vgg16,resnet50")
    assert unknown.status_code == 404 and "resnet50" in unknown.json()["detail"]


def test_gradient_lessons(client: TestClient) -> None:
    body = client.get("/gradients/skip_connections?depth=18").json()
    assert [s["key"] for s in body["series"]] == ["resnet18", "plain18"]
    assert body["setup"]["batch_shape"] == [8, 3, 32, 32]
    assert body["first_layer_ratio"] < 1e-4
    assert body["series"][0]["layers"][0] == {
        "index": 0,
        "name": "conv1",
        "type": "Conv2d",
        "norm": body["series"][0]["first"],
        "shortcut": False,
    }
    assert set(body["explanation"]) == {"en", "ko"}
    stack = client.get("/gradients/activations?depth=8").json()
    assert [s["key"] for s in stack["series"]] == ["relu8", "sigmoid8"]
    assert len(stack["series"][1]["layers"]) == 9 and stack["first_layer_ratio"] < 1e-3


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/gradients/skip_connections?depth=50", "depth must be one of 18, 34"),
        ("/gradients/skip_connections?batchnorm=train", "batchnorm"),
        ("/gradients/activations?depth=1", "depth must be at least 2; got 1."),
        ("/gradients/activations?depth=ten", "depth"),
    ],
)
def test_gradient_lesson_errors(client: TestClient, url: str, detail: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_feature_maps_over_http(client: TestClient) -> None:
    seven = png(canvas_style(digit(7)))
    response = client.post(
        "/models/simplecnn/feature_maps?layer=conv2&max_channels=6",
        files={"file": ("seven.png", seven, "image/png")},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["layer"], body["channels"], body["spatial"]) == ("conv2", 64, [14, 14])
    assert len(body["maps"]) == 6 and body["maps"][0]["image"].startswith("data:image/png;base64,")
    means = [m["mean"] for m in body["maps"]]
    assert means == sorted(means, reverse=True)
    as_json = client.post(
        "/models/simplecnn/feature_maps?layer=pool&call=2&format=grid&max_channels=2",
        json={"image": "data:image/png;base64," + base64.b64encode(seven).decode()},
    ).json()
    assert as_json["call"] == 2 and as_json["calls"] == 2
    assert len(as_json["maps"][0]["values"]) == 7 and as_json["maps"][0]["image"] is None


def test_gradcam_over_http(client: TestClient) -> None:
    seven = png(canvas_style(digit(7)))
    body = client.post("/models/simplecnn/gradcam", content=seven).json()
    assert (body["layer"], body["call"], body["method"]) == ("pool", 2, "gradcam")
    assert body["trained"] is True and body["label"] == "7" and body["class_index"] == 7
    heat = body["heatmap"]
    assert len(heat) == 7 and all(0 <= v <= 1 for row in heat for v in row)
    hires = client.post(
        "/models/simplecnn/gradcam?layer=conv1&class_index=1&method=hirescam", content=seven
    ).json()
    assert (hires["class_index"], hires["label"], hires["layer_shape"]) == (1, "1", [28, 28])


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/models/simplecnn/gradcam?layer=fc2", 422, "Layers that qualify: conv1, pool, conv2"),
        ("/models/simplecnn/feature_maps?layer=conv9", 422, "layers: conv1, pool, conv2, fc1"),
        ("/models/simplecnn/gradcam?class_index=12", 422, "between 0 and 9"),
        ("/models/basicblock/gradcam", 422, "building block"),
        ("/models/lenet/feature_maps?layer=conv1", 404, "Unknown model 'lenet'"),
    ],
)
def test_image_routes_refuse_before_reading(
    client: TestClient, url: str, status: int, detail: str
) -> None:
    response = client.post(url, content=b"not read")
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_image_routes_bad_bodies_and_methods(client: TestClient) -> None:
    garbage = client.post("/models/simplecnn/gradcam", content=b"\x00not an image")
    assert garbage.status_code == 422 and "image" in garbage.json()["detail"].lower()
    wrong = client.get("/models/simplecnn/feature_maps?layer=conv1")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
