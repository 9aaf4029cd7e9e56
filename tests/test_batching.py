"""Micro-batching (serving/batching.py): a lone request goes at once in a batch of one;
requests that arrive while a forward runs share the next forward, up to the largest batch;
each gets its own row and the same answer as alone, on eager PyTorch and ONNX Runtime; a
failed forward reaches every request of its batch; the lane's 503 still comes at once."""

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient
from torch import Tensor

import backend.serving.inference as inference
from backend.config import Settings
from backend.exports.service import ExportJob
from backend.main import create_app
from backend.serving.batching import MicroBatcher
from backend.serving.engines import EAGER, ONNXRUNTIME
from bench.server import wait_until
from tests import helpers_images as h
from tests.test_fast_paths import hold_predictions

# ---- the batcher alone ------------------------------------------------------------------------


class HeldForward:
    """A forward whose first call waits for `release`: what arrives meanwhile queues up.
    Logits are each image's values doubled, so every row says whose it is."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.sizes: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Tensor) -> tuple[Tensor, str]:
        with self._lock:
            self.sizes.append(batch.shape[0])
            first = len(self.sizes) == 1
        if first:
            self.entered.set()
            assert self.release.wait(20), "the test never released the first forward"
        return batch.flatten(1) * 2, "test"


def image(value: float) -> Tensor:
    return torch.full((1, 2, 2), value)


def run_held(batcher: MicroBatcher, values: list[float], forward: HeldForward) -> list:
    """The first value's request runs (and is held); the others queue behind it."""
    with ThreadPoolExecutor(len(values)) as pool:
        first = pool.submit(batcher.run, "key", "m", image(values[0]), forward)
        assert forward.entered.wait(20)
        rest = [pool.submit(batcher.run, "key", "m", image(v), forward) for v in values[1:]]
        wait_until(lambda: batcher.stats()["queued"] == len(values) - 1, "requests to queue", 20)
        forward.release.set()
        return [f.result(timeout=20) for f in [first, *rest]]


def test_a_lone_request_runs_at_once_in_a_batch_of_one():
    forward = HeldForward()
    forward.release.set()
    result = MicroBatcher(max_batch=8).run("key", "m", image(3.0), forward)
    assert forward.sizes == [1]
    assert result.batch_size == 1
    assert result.engine == "test"
    assert result.logits.tolist() == [6.0] * 4
    assert result.waited_ms >= 0 and result.forward_ms >= 0


def test_requests_arriving_during_a_forward_share_the_next_one_each_with_its_own_row():
    batcher = MicroBatcher(max_batch=8)
    forward = HeldForward()
    results = run_held(batcher, [1.0, 2.0, 3.0, 4.0], forward)
    assert forward.sizes == [1, 3]
    assert [r.batch_size for r in results] == [1, 3, 3, 3]
    assert [r.logits.tolist() for r in results] == [[v * 2] * 4 for v in (1.0, 2.0, 3.0, 4.0)]
    assert batcher.stats()["forwards"] == 2 and batcher.stats()["batched_requests"] == 3
    assert batcher.stats()["queued"] == 0 and batcher.stats()["running"] == 0


def test_batches_are_at_most_max_batch_and_first_come_first_served():
    forward = HeldForward()
    results = run_held(MicroBatcher(max_batch=2), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], forward)
    assert forward.sizes == [1, 2, 2, 1]
    assert [r.batch_size for r in results] == [1, 2, 2, 2, 2, 1]
    assert [r.logits[0].item() for r in results] == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]


def test_max_batch_one_never_batches():
    forward = HeldForward()
    results = run_held(MicroBatcher(max_batch=1), [1.0, 2.0, 3.0], forward)
    assert forward.sizes == [1, 1, 1]
    assert [r.batch_size for r in results] == [1, 1, 1]


def test_different_keys_never_share_a_forward():
    batcher, forward = MicroBatcher(max_batch=8), HeldForward()
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(batcher.run, "a", "m", image(1.0), forward)
        assert forward.entered.wait(20)
        b = pool.submit(batcher.run, "b", "m", image(2.0), forward)
        a = pool.submit(batcher.run, "a", "m", image(3.0), forward)
        wait_until(lambda: batcher.stats()["queued"] == 2, "requests to queue", 20)
        forward.release.set()
        results = [f.result(timeout=20) for f in (first, b, a)]
    assert sorted(forward.sizes) == [1, 1, 1]
    assert [r.logits[0].item() for r in results] == [2.0, 4.0, 6.0]


def test_a_failed_forward_reaches_every_request_of_its_batch_and_the_next_batch_runs():
    batcher = MicroBatcher(max_batch=8)
    held = HeldForward()
    calls: list[int] = []

    def fails_for_batches(batch: Tensor) -> tuple[Tensor, str]:
        calls.append(batch.shape[0])
        if batch.shape[0] > 1:
            raise MemoryError("out of memory in the batched forward")
        return held(batch)

    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(batcher.run, "key", "m", image(1.0), fails_for_batches)
        assert held.entered.wait(20)
        rest = [pool.submit(batcher.run, "key", "m", image(v), fails_for_batches) for v in (2, 3)]
        wait_until(lambda: batcher.stats()["queued"] == 2, "requests to queue", 20)
        held.release.set()
        assert first.result(timeout=20).logits[0].item() == 2.0
        for f in rest:
            with pytest.raises(MemoryError, match="batched forward"):
                f.result(timeout=20)
    assert calls == [1, 2]
    after = batcher.run("key", "m", image(5.0), fails_for_batches)  # nothing left stuck
    assert after.logits[0].item() == 10.0 and batcher.stats()["running"] == 0


def test_forwards_run_one_at_a_time_unless_allowed_more():
    def overlap(max_forwards: int) -> int:
        batcher = MicroBatcher(max_batch=1, max_forwards=max_forwards)
        inside, most, lock = 0, 0, threading.Lock()
        both = threading.Barrier(2, timeout=3)

        def forward(batch: Tensor) -> tuple[Tensor, str]:
            nonlocal inside, most
            with lock:
                inside += 1
                most = max(most, inside)
            with contextlib.suppress(threading.BrokenBarrierError):
                both.wait()  # passes only when two forwards run at once, else times out
            with lock:
                inside -= 1
            return batch.flatten(1), "test"

        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(batcher.run, k, "m", image(1.0), forward) for k in "ab"]
            for f in futures:
                f.result(timeout=20)
        return most

    assert overlap(max_forwards=1) == 1
    assert overlap(max_forwards=0) == 2


def test_the_window_waits_for_requests_being_decoded_and_never_for_none():
    batcher, calls = MicroBatcher(max_batch=8, window_s=30.0), []

    def forward(batch: Tensor) -> tuple[Tensor, str]:
        calls.append(batch.shape[0])
        return batch.flatten(1), "test"

    # Nobody else is being decoded: a 30 s window costs a lone request nothing.
    with ThreadPoolExecutor(2) as pool:
        assert pool.submit(batcher.run, "key", "m", image(1.0), forward).result(timeout=10)
        decoding = threading.Event()
        done_decoding = threading.Event()

        def second_request() -> object:
            with batcher.preparing("m") as arrival:
                decoding.set()
                assert done_decoding.wait(20)
                return batcher.run("key", "m", image(2.0), forward, arrival)

        second = pool.submit(second_request)
        assert decoding.wait(20)
        first = pool.submit(batcher.run, "key", "m", image(1.0), forward)
        wait_until(lambda: batcher.stats()["running"] == 1, "the forward to wait its window", 20)
        done_decoding.set()
        results = [first.result(timeout=20), second.result(timeout=20)]
    assert calls == [1, 2]
    assert [r.batch_size for r in results] == [2, 2]


def test_bad_limits_are_refused():
    with pytest.raises(ValueError, match="max_batch"):
        MicroBatcher(max_batch=0)


def test_the_engines_onnx_file_has_a_batch_axis_of_its_own_name():
    download = ExportJob("resnet18", (1, 3, 224, 224), None, Path("w.pt"), (1,))
    engine = ExportJob("resnet18", (1, 3, 224, 224), None, Path("w.pt"), (1,), dynamic_batch=True)
    assert download.filename == engine.filename == "resnet18_3x224x224.onnx"
    assert download.key != engine.key and engine.key.endswith("_dynamic-batch.onnx")


# ---- through the app: same answers as alone, in both engines ----------------------------------


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict = {"warm_summaries": False, "weights_dir": tmp_path}
    values.update(overrides)
    return Settings(**values)


def predict(client: TestClient, digit: int):
    files = {"file": ("d.png", h.png(h.digit(digit)), "image/png")}
    return client.post("/models/simplecnn/predict", files=files)


def hold_first_forward(monkeypatch: pytest.MonkeyPatch, queued: Callable[[], int], n: int):
    """The first forward of the app waits until `n` requests queue behind it."""
    real, calls = inference.batch_logits, []

    def held(*args: object, **kwargs: object):
        calls.append(1)
        if len(calls) == 1:
            wait_until(lambda: queued() == n, f"{n} requests to queue", 60)
        return real(*args, **kwargs)

    monkeypatch.setattr(inference, "batch_logits", held)


@pytest.mark.parametrize("engine", [EAGER, ONNXRUNTIME])
def test_concurrent_requests_batched_get_their_lone_answers(engine, tmp_path, monkeypatch):
    settings = make_settings(
        tmp_path,
        inference_engine=engine,
        inference_concurrency=8,
        inference_batch_max=8,
        cache_dir=tmp_path / "cache",
    )
    digits = [0, 1, 2, 3, 4, 5, 6]
    with TestClient(create_app(settings)) as client:
        state = client.app.state  # type: ignore[attr-defined]
        if engine == ONNXRUNTIME:
            predict(client, 0)  # starts the session's build
            state.engines.sessions.wait(state.runtime.get("simplecnn"), (1, 28, 28))
        lone = [predict(client, d).json() for d in digits]
        assert {r["batch_size"] for r in lone} == {1}
        assert {r["engine"] for r in lone} == {engine}
        hold_first_forward(monkeypatch, lambda: state.batcher.stats()["queued"], len(digits) - 1)
        with ThreadPoolExecutor(len(digits)) as pool:
            first = pool.submit(predict, client, digits[0])
            wait_until(lambda: state.batcher.stats()["running"] == 1, "the first forward", 60)
            rest = [pool.submit(predict, client, d) for d in digits[1:]]
            together = [f.result(timeout=120) for f in [first, *rest]]
    assert [r.status_code for r in together] == [200] * len(digits)
    bodies = [r.json() for r in together]
    assert [b["batch_size"] for b in bodies] == [1] + [len(digits) - 1] * (len(digits) - 1)
    assert {b["engine"] for b in bodies} == {engine}
    for alone, batched in zip(lone, bodies, strict=True):
        assert [p["index"] for p in batched["predictions"]] == [
            p["index"] for p in alone["predictions"]
        ]
        for a, b in zip(alone["predictions"], batched["predictions"], strict=True):
            assert b["probability"] == pytest.approx(a["probability"], abs=1e-4)
    # The shipped SimpleCNN is trained: the batch's rows are the digits, in order.
    assert [b["predictions"][0]["index"] for b in bodies] == [
        a["predictions"][0]["index"] for a in lone
    ]
    timings = bodies[1]["timings_ms"]
    assert {"decode", "preprocess", "load", "batch_wait", "forward", "queue", "total"} <= set(
        timings
    )
    assert timings["batch_wait"] > 0


def test_a_lone_request_is_a_batch_of_one_with_its_timings(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, inference_engine=EAGER))) as client:
        reply = predict(client, 7)
    assert reply.status_code == 200
    body = reply.json()
    assert body["batch_size"] == 1
    assert body["input_shape"] == [1, 1, 28, 28]
    assert body["predictions"][0]["label"] == "7"
    assert {"batch_wait", "forward", "decode", "preprocess"} <= set(body["timings_ms"])


def test_a_full_queue_still_answers_503_at_once_with_batching_on(tmp_path, monkeypatch):
    settings = make_settings(
        tmp_path, inference_concurrency=2, inference_queue_limit=0, inference_batch_max=8
    )
    release = hold_predictions(monkeypatch)
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(2) as pool:
        gate = client.app.state.inference  # type: ignore[attr-defined]
        running = [pool.submit(predict, client, d) for d in (1, 2)]
        wait_until(lambda: gate.running == 2, "two predictions to run", 20)
        refused = predict(client, 3)
        release.set()
        served = [f.result(timeout=60) for f in running]
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert "busy" in refused.json()["detail"]
    assert [r.status_code for r in served] == [200, 200]
    assert {r.json()["batch_size"] for r in served} <= {1, 2}
