"""The speed and boundedness choices behave as documented (their timings live in bench/, not
here): a full inference queue answers 503 with a Retry-After header."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import backend.api.predict as predict_api
from backend.api.errors import retry_after
from backend.config import Settings
from backend.errors import ModelUnavailableError
from backend.main import create_app
from tests import helpers_images as h


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict = {"warm_summaries": False, "weights_dir": tmp_path}
    values.update(overrides)
    return Settings(**values)


def wait_for(condition, timeout_s: float = 20.0) -> None:
    """Waits for state, not for a guessed time: threads start late on a busy machine."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_full_queue_answers_503_with_a_retry_after_header(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, inference_concurrency=1, inference_queue_limit=0)
    release = threading.Event()
    real = predict_api.predict_image

    def held(*args: object):
        release.wait(20)
        return real(*args)

    monkeypatch.setattr(predict_api, "predict_image", held)
    files = {"file": ("d.png", h.png(h.digit(3)), "image/png")}
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(1) as pool:
        gate = client.app.state.inference  # type: ignore[attr-defined]
        first = pool.submit(client.post, "/models/simplecnn/predict", files=files)
        wait_for(lambda: gate.running == 1)
        refused = client.post("/models/simplecnn/predict", files=files)
        release.set()
        served = first.result(timeout=60)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == str(refused.json()["retry_after_s"]) == "1"
    assert "busy" in refused.json()["detail"]
    assert served.status_code == 200 and "retry-after" not in served.headers


@pytest.mark.parametrize("seconds, header", [(1, "1"), (2.2, "3"), (0, "0")])
def test_retry_after_is_whole_seconds_rounded_up(seconds, header):
    assert retry_after(ModelUnavailableError("busy", retry_after_s=seconds)) == {
        "Retry-After": header
    }
    assert retry_after(ModelUnavailableError("no hint")) is None
