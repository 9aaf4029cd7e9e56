"""The running server and published weights: downloads from the page (POST /weights/{name}/
download against a loopback mirror) and checkpoints added or removed while it runs."""

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient
from PIL import Image

from backend.config import Settings
from backend.main import create_app
from backend.weights.__main__ import main as weights_cli
from backend.zoo import get_spec
from tests.weights_mirror import (
    Mirror,
    published_name,
    running_mirror,
    state_dict_bytes,
    write_manifest,
)


@pytest.fixture(scope="module")
def resnet18_file() -> tuple[str, bytes]:
    """A real CIFAR ResNet-18 state dict (45 MB), named as torchvision names its files."""
    torch.manual_seed(7)
    data = state_dict_bytes(get_spec("resnet18").build().state_dict())
    return published_name("resnet18", data), data


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    with running_mirror() as m:
        yield m


def make_settings(tmp_path: Path, mirror: Mirror, entries: dict, allow: bool = True) -> Settings:
    return Settings(
        weights_dir=tmp_path / "checkpoints",
        weights_base_url=mirror.url,
        weights_manifest=write_manifest(tmp_path / "manifest.json", entries),
        allow_weight_downloads=allow,
        warm_summaries=False,
    )


def photo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def trained(client: TestClient, name: str) -> bool:
    return next(m["trained"] for m in client.get("/models").json() if m["name"] == name)


def wait_until_finished(client: TestClient, name: str, seen: list[dict]) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"/weights/{name}").json()["download"]
        seen.append(status)
        if status["state"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError(f"the download of {name} did not finish: {seen[-1]}")


def predict(client: TestClient, name: str) -> dict:
    response = client.post(f"/models/{name}/predict", files={"file": ("a.png", photo_png())})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_download_from_the_page_installs_and_the_server_reports_trained(
    tmp_path, mirror, resnet18_file
):
    name, data = resnet18_file
    mirror.serve(name, data)
    mirror.chunk_delay_s = 0.002  # ~700 chunks: slow enough to watch, to join and to be busy
    settings = make_settings(tmp_path, mirror, {"resnet18": (name, len(data))})
    with TestClient(create_app(settings)) as client:
        listing = client.get("/weights").json()
        entry = next(e for e in listing["models"] if e["model"] == "resnet18")
        assert listing["downloads_allowed"] is True
        assert entry["trained"] is False and entry["weights"] is None
        assert entry["published"] == {"file": name, "size_bytes": len(data), "size_label": "43 MB"}
        assert entry["command"] == "python -m backend.weights fetch resnet18"
        assert entry["download"]["state"] == "idle"
        assert predict(client, "resnet18")["trained"] is False  # built with random weights

        started = client.post("/weights/resnet18/download")
        assert started.status_code == 202 and started.json()["state"] == "running"
        joined = client.post("/weights/resnet18/download")  # a second click joins the first
        assert joined.status_code == 202 and joined.json()["state"] == "running"
        other = client.post("/weights/vgg16/download")
        assert other.status_code == 409
        assert other.json()["detail"].startswith("resnet18's weights are downloading (")
        assert other.json()["downloading"] == "resnet18"
        other_ko = client.post("/weights/vgg16/download", headers={"Accept-Language": "ko"})
        assert other_ko.status_code == 409
        assert other_ko.json()["detail"].startswith("resnet18 가중치를 내려받는 중입니다(")
        assert client.get("/health").json()["status"] == "ok"  # others are served meanwhile

        seen: list[dict] = []
        final = wait_until_finished(client, "resnet18", seen)
        assert final["state"] == "done", final
        assert final["bytes_done"] == final["bytes_total"] == len(data) and final["fraction"] == 1
        partway = [s for s in seen if s["state"] == "running" and 0 < s["bytes_done"] < len(data)]
        assert partway and all(s["bytes_total"] == len(data) for s in partway)
        assert [r for _, r in mirror.requests] == [None]  # one transfer for both clicks

        assert trained(client, "resnet18") is True  # no restart
        result = predict(client, "resnet18")
        assert result["trained"] is True and result["weights"] == "user"
        assert sorted(p.name for p in settings.weights_dir.iterdir()) == [
            "resnet18.json",
            "resnet18.pt",
        ]
        again = client.post("/weights/resnet18/download")
        assert again.status_code == 409 and "already has trained weights" in again.json()["detail"]
        again_ko = client.post("/weights/resnet18/download", headers={"Accept-Language": "ko"})
        assert again_ko.status_code == 409
        assert "이미 학습된 가중치가 있습니다" in again_ko.json()["detail"]


def test_a_failed_download_says_why_and_leaves_nothing(tmp_path, mirror):
    settings = make_settings(tmp_path, mirror, {"resnet18": ("resnet18-0badc0de.pth", 1000)})
    with TestClient(create_app(settings)) as client:
        assert client.post("/weights/resnet18/download").status_code == 202
        final = wait_until_finished(client, "resnet18", [])
        assert final["state"] == "failed"
        assert "answered HTTP 404 Not Found: the file is not there" in final["error"]
        assert str(settings.weights_dir) not in final["error"]
        assert trained(client, "resnet18") is False
        assert list(settings.weights_dir.iterdir()) == []
        # A failed job does not block the next one.
        assert client.post("/weights/resnet18/download").status_code == 202
        assert wait_until_finished(client, "resnet18", [])["state"] == "failed"


def test_page_downloads_are_refused_with_the_command_when_the_server_does_not_allow_them(
    tmp_path, mirror, resnet18_file
):
    name, data = resnet18_file
    settings = make_settings(tmp_path, mirror, {"resnet18": (name, len(data))}, allow=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/weights").json()["downloads_allowed"] is False
        refused = client.post("/weights/resnet18/download")
        assert refused.status_code == 403
        assert refused.json()["command"] == "python -m backend.weights fetch resnet18"
        assert "ALLOW_WEIGHT_DOWNLOADS is off" in refused.json()["detail"]
        korean = client.post("/weights/resnet18/download", headers={"Accept-Language": "ko"})
        assert korean.status_code == 403 and korean.headers["content-language"] == "ko"
        assert korean.json()["detail"].startswith("이 서버는 페이지에서 가중치를 내려받지 않습니다")
        assert korean.json()["command"] == refused.json()["command"]
        none = client.post("/weights/alexnet/download")
        assert none.status_code == 404
        assert none.json()["detail"].startswith("alexnet has no published weights to fetch")
        alexnet = client.get("/weights/alexnet").json()
        assert alexnet["published"] is None and alexnet["command"] is None
        assert client.get("/weights/vgg99").status_code == 404
        assert client.post("/weights/vgg99/download").status_code == 404
        assert client.get("/weights/resnet18").json()["download"]["state"] == "idle"
        assert mirror.requests == []


def test_checkpoints_added_and_removed_by_the_command_are_noticed_without_a_restart(
    tmp_path, mirror, resnet18_file
):
    _, data = resnet18_file
    settings = make_settings(tmp_path, mirror, {})
    file = tmp_path / "mine.pth"
    file.write_bytes(data)
    cli = {"settings": settings, "out": lambda _line: None}
    with TestClient(create_app(settings)) as client:
        assert trained(client, "resnet18") is False
        assert predict(client, "resnet18")["trained"] is False  # now in memory, random

        assert weights_cli(["import", "resnet18", str(file)], **cli) == 0
        assert trained(client, "resnet18") is True
        assert predict(client, "resnet18")["weights"] == "user"  # the random one was dropped

        assert weights_cli(["remove", "resnet18"], **cli) == 0
        assert predict(client, "resnet18")["trained"] is False
        assert trained(client, "resnet18") is False

        # A file that does not fit, dropped in by hand, is refused as at start-up.
        torch.save({"conv1.weight": torch.zeros(1)}, settings.weights_dir / "resnet18.pt")
        assert trained(client, "resnet18") is False
        assert predict(client, "resnet18")["trained"] is False


def test_an_onnx_export_after_weights_arrive_uses_them(tmp_path, mirror, resnet18_file):
    _, data = resnet18_file
    settings = make_settings(tmp_path, mirror, {})
    file = tmp_path / "mine.pth"
    file.write_bytes(data)
    url = "/models/resnet18/export.onnx?height=32&width=32"
    with TestClient(create_app(settings)) as client:
        before = client.get(url)
        assert before.status_code == 200 and before.headers["X-Model-Trained"] == "false"
        assert weights_cli(["import", "resnet18", str(file)], settings=settings) == 0
        after = client.get(url)  # the small file was cached: not reused for other weights
        assert after.status_code == 200 and after.headers["X-Model-Trained"] == "true"
        assert after.content != before.content
