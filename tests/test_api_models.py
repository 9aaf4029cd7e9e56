"""The HTTP contract of /health, /models and /models/{name}/summary (api.md)."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.main import create_app


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["device"] == ("cuda:0" if torch.cuda.is_available() else "cpu")
    assert body["torch"] == torch.__version__
    assert body["cuda_available"] is torch.cuda.is_available()


def test_models_list(client: TestClient) -> None:
    models = {m["name"]: m for m in client.get("/models").json()}
    vgg = models["vgg16"]
    assert vgg["title"] == "VGG16" and vgg["dataset"] == "imagenet"
    assert vgg["input_shape"] == [3, 224, 224] and vgg["num_classes"] == 1000
    assert vgg["params"] == 138_357_544
    assert vgg["trained"] is False
    assert "전이학습" in vgg["descriptions"]["ko"] and "transfer" in vgg["description"]
    assert models["simplecnn"]["input_shape"] == [1, 28, 28]
    assert models["resnet18"]["params"] == 11_173_962
    assert models["basicblock"]["num_classes"] is None
    assert models["alexnet"]["paper"]["year"] == 2012


def test_model_detail_includes_labels(client: TestClient) -> None:
    body = client.get("/models/resnet18").json()
    assert body["labels"][:3] == ["airplane", "automobile", "bird"] and len(body["labels"]) == 10
    imagenet = client.get("/models/alexnet").json()["labels"]
    assert len(imagenet) == 1000 and imagenet[0] == "tench"


def test_unknown_model_404_lists_names(client: TestClient) -> None:
    for path in ("/models/resnet50", "/models/resnet50/summary"):
        r = client.get(path)
        assert r.status_code == 404
        assert "resnet50" in r.json()["detail"]
        assert "simplecnn, alexnet" in r.json()["detail"]
        assert "vgg16" in r.json()["available"]


def test_vgg16_summary(client: TestClient) -> None:
    body = client.get("/models/vgg16/summary").json()
    assert body["model"] == "vgg16"
    assert body["input_shape"] == [1, 3, 224, 224] and body["output_shape"] == [1, 1000]
    assert body["totals"]["params"] == 138_357_544
    assert body["totals"]["mult_adds"] == 15_483_821_032
    assert body["totals"]["param_bytes"] == 138_357_544 * 4
    assert body["warnings"] == []
    first = body["layers"][0]
    assert (first["name"], first["type"], first["depth"], first["parent"]) == (
        "features",
        "Sequential",
        1,
        None,
    )


def test_alexnet_200_is_422_naming_classifier_1(client: TestClient) -> None:
    r = client.get("/models/alexnet/summary", params={"height": 200, "width": 200})
    assert r.status_code == 422
    body = r.json()
    assert body["layer"] == "classifier.1"
    assert body["detail"] == (
        "classifier.1 (Linear) expects 9216 features but got 6400: AlexNet needs 223–254 px."
    )


def test_simplecnn_56_warns(client: TestClient) -> None:
    body = client.get("/models/simplecnn/summary?height=56&width=56").json()
    assert body["output_shape"] == [4, 10]
    assert body["warnings"] and "batch size 4" in body["warnings"][0]


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("height=0", "height must be at least 1; got 0."),
        ("width=-4", "width must be at least 1; got -4."),
        ("height=1.5", "height must be a whole number; got 1.5."),
        ("height=abc", "height must be a whole number; got abc."),
        ("height=100000", "height must be between 1 and 4096"),
        ("batch_size=0", "batch_size must be at least 1; got 0."),
        ("batch_size=5000", "batch_size must be between 1 and 1024"),
        ("num_classes=0", "num_classes must be at least 1; got 0."),
        ("num_classes=10000000", "num_classes must be between 1 and 100000"),
        ("depth=0", "depth must be at least 1; got 0."),
        ("height=" + "9" * 40, "height must be between 1 and 4096"),
    ],
)
def test_bad_parameters_are_422_with_a_sentence(
    client: TestClient, query: str, needle: str
) -> None:
    r = client.get(f"/models/resnet18/summary?{query}")
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and needle in r.json()["detail"]


def test_building_block_has_no_classes(client: TestClient) -> None:
    r = client.get("/models/basicblock/summary?num_classes=3")
    assert r.status_code == 422 and "no classifier" in r.json()["detail"]
    body = client.get("/models/basicblock/summary").json()
    assert body["output_shape"] == [1, 64, 32, 32] and body["totals"]["params"] == 74_112


def test_depth_filters_rows(client: TestClient) -> None:
    body = client.get("/models/resnet18/summary?depth=2").json()
    assert max(r["depth"] for r in body["layers"]) == 2
    assert len([r for r in body["layers"] if r["type"] == "BasicBlock"]) == 8
    assert body["totals"]["params"] == 11_173_962


def test_unknown_path_is_json_404(client: TestClient) -> None:
    r = client.get("/no/such/thing")
    assert r.status_code == 404 and "/docs" in r.json()["detail"]


def test_concurrent_summaries_equal_sequential() -> None:
    queries = [
        (name, h)
        for name, sizes in {
            "simplecnn": (28, 30, 56),
            "alexnet": (224, 227, 250),
            "vgg16": (32, 64, 224),
            "resnet18": (8, 32, 64),
            "resnet34": (32, 40),
            "vgg11": (48, 96),
        }.items()
        for h in sizes
    ]
    assert len(queries) == 16
    path = "/models/{}/summary?height={}&width={}"

    def fetch(c: TestClient, q: tuple[str, int]) -> str:
        r = c.get(path.format(q[0], q[1], q[1]))
        assert r.status_code == 200
        return json.dumps(r.json(), sort_keys=True)

    settings = Settings(summary_cache_size=0, warm_summaries=False)  # every request computes
    with TestClient(create_app(settings)) as c:
        sequential = [fetch(c, q) for q in queries]
    with TestClient(create_app(settings)) as c, ThreadPoolExecutor(16) as pool:
        concurrent = list(pool.map(lambda q: fetch(c, q), queries))
    assert concurrent == sequential
