"""A custom name works in every /models/{name} route, with no server state; GET /models
still lists the zoo only."""

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from backend.config import Settings
from backend.main import create_app
from backend.zoo import model_names
from tests.helpers_images import digit, encode, png

RESNET = {"family": "resnet", "blocks": [1, 1, 1], "widths": [8, 16, 32], "num_classes": 7}
DIGITS = {"family": "simplecnn", "channels": [4, 8], "hidden": 16}  # MNIST-sized, 10 classes


@pytest.fixture(scope="module")
def resnet_name(client: TestClient) -> str:
    return client.post("/architectures", json=RESNET).json()["name"]


def photo() -> bytes:
    rng = np.random.default_rng(0)
    return encode(Image.fromarray(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)))


def test_post_answers_the_name_spec_numbers_and_links(client: TestClient) -> None:
    body = client.post("/architectures", json=RESNET).json()
    assert body["name"] == "resnet.1-1-1~w8-16-32~c7"
    assert body["family"] == "resnet" and body["trained"] is False
    assert body["spec"] == {
        "family": "resnet", "activation": "relu", "blocks": [1, 1, 1], "widths": [8, 16, 32],
        "stem": "cifar", "skip": True, "num_classes": 7, "in_channels": 3, "input_size": 32,
    }  # fmt: skip
    assert body["input_shape"] == [3, 32, 32] and body["features_shape"] == [32, 8, 8]
    assert body["links"]["summary"] == f"/models/{body['name']}/summary"
    assert body["links"]["page"] == f"/#{body['name']}"


def test_model_info_says_custom_random_and_carries_the_spec(
    client: TestClient, resnet_name: str
) -> None:
    info = client.get(f"/models/{resnet_name}").json()
    assert info["custom"] is True and info["trained"] is False
    assert info["architecture"]["widths"] == [8, 16, 32]
    assert info["dataset"] == "cifar10" and info["num_classes"] == 7
    assert info["labels"] == [f"class {i}" for i in range(7)]  # CIFAR-10's ten do not fit seven
    assert "random" in info["descriptions"]["en"] and "무작위" in info["descriptions"]["ko"]
    zoo = {m["name"]: m for m in client.get("/models").json()}
    assert resnet_name not in zoo and list(zoo) == model_names()  # the zoo only
    assert zoo["vgg16"]["custom"] is False and zoo["vgg16"]["architecture"]["cfg"][:3] == [
        64,
        64,
        "M",
    ]
    assert zoo["plain18"]["architecture"]["skip"] is False
    assert zoo["resnet18_imagenet"]["architecture"]["stem"] == "imagenet"
    assert zoo["basicblock"]["architecture"] is None
    assert zoo["alexnet_torchvision"]["architecture"] is None  # an adaptive pool: no family has one


def test_summary_receptive_field_compare_and_downloads(
    client: TestClient, resnet_name: str
) -> None:
    summary = client.get(f"/models/{resnet_name}/summary").json()
    assert summary["output_shape"] == [1, 7]
    fields = client.get(f"/models/{resnet_name}/receptive_field").json()
    modules = [r for r in summary["layers"] if not r["functional"]]  # functional rows: no field
    assert [e["name"] for e in fields["layers"]] == [r["name"] for r in modules]
    compare = client.get(f"/compare?models=resnet18,{resnet_name}").json()
    stages = [s["name"] for s in compare["models"][1]["stages"]]
    assert stages == ["stem", "layer1", "layer2", "layer3", "head"]
    assert compare["models"][1]["params"] == summary["totals"]["params"]
    csv = client.get(f"/models/{resnet_name}/summary.csv")
    assert csv.status_code == 200 and csv.text.count("\n") == len(summary["layers"]) + 1
    as_json = client.get(f"/models/{resnet_name}/summary.json").json()
    assert as_json["totals"] == summary["totals"]
    onnx = client.get(f"/models/{resnet_name}/export.onnx")
    assert onnx.status_code == 200 and len(onnx.content) > 4 * summary["totals"]["params"]
    bigger = client.get(f"/models/{resnet_name}/summary?height=64&width=64").json()
    assert bigger["layers"][-1]["output_shape"] == [1, 7]


def test_predict_feature_maps_and_gradcam(client: TestClient, resnet_name: str) -> None:
    files = {"file": ("photo.png", photo(), "image/png")}
    prediction = client.post(f"/models/{resnet_name}/predict?top_k=3", files=files).json()
    assert prediction["trained"] is False and len(prediction["predictions"]) == 3
    assert prediction["input_shape"] == [1, 3, 32, 32]
    assert prediction["predictions"][0]["label"].startswith("class ")
    maps = client.post(f"/models/{resnet_name}/feature_maps?layer=layer2", files=files).json()
    assert maps["channels"] == 16 and maps["spatial"] == [16, 16]
    cam = client.post(f"/models/{resnet_name}/gradcam", files=files).json()
    assert cam["layer"] == "layer3" and len(cam["heatmap"]) == 8


def test_a_grey_network_takes_a_drawn_digit_at_its_own_size(client: TestClient) -> None:
    spec = {**DIGITS, "input_size": 36}
    name = client.post("/architectures", json=spec).json()["name"]
    files = {"file": ("seven.png", png(255 - digit(7)), "image/png")}
    prediction = client.post(f"/models/{name}/predict", files=files).json()
    assert prediction["input_shape"] == [1, 1, 36, 36]
    assert prediction["predictions"][0]["label"] in [str(d) for d in range(10)]
    big = {"family": "vgg", "cfg": [4, "M", 8, "M"], "input_size": 96, "num_classes": 1000}
    name = client.post("/architectures", json=big).json()["name"]
    files = {"file": ("photo.png", photo(), "image/png")}
    prediction = client.post(f"/models/{name}/predict", files=files).json()
    assert prediction["input_shape"] == [1, 3, 96, 96]
    assert prediction["predictions"][0]["label"] != "class 0"  # ImageNet's own labels


def test_code_route(client: TestClient, resnet_name: str) -> None:
    response = client.get(f"/models/{resnet_name}/code")
    assert (
        response.status_code == 200
        and "ResNet(BasicBlock, [1, 1, 1], num_classes=7)" in response.text
    )
    assert f'filename="{resnet_name}.py"' in response.headers["content-disposition"]
    assert client.get("/models/lenet5/code").status_code == 404


def test_a_fresh_server_resolves_the_same_name(resnet_name: str) -> None:
    with TestClient(create_app(Settings(warm_summaries=False))) as fresh:
        info = fresh.get(f"/models/{resnet_name}").json()
        assert info["architecture"]["blocks"] == [1, 1, 1] and info["params"] > 0


def test_an_invalid_custom_name_is_a_422_in_every_route(client: TestClient) -> None:
    name = "vgg.64-M-M-M-M-M-M~s32"
    for path in ("", "/summary", "/receptive_field", "/code", "/summary.csv", "/export.onnx"):
        response = client.get(f"/models/{name}{path}")
        assert response.status_code == 422, path
        assert "cfg[6] 'M'" in response.json()["detail"]
    response = client.post(
        f"/models/{name}/predict", content=photo(), headers={"content-type": "image/png"}
    )
    assert response.status_code == 422
    assert client.get(f"/compare?models=vgg16,{name}").status_code == 422
