"""Lanes (backend/workloads.py): each heavy kind bounded on its own, never blocking another;
and the model runtime's memory counted in bytes, with the shipped SimpleCNN kept loaded."""

import asyncio
import threading
import time
from pathlib import Path

import pytest
import torch

from backend.errors import ModelUnavailableError, ServerBusyError
from backend.serving.runtime import InferenceGate, ModelRuntime, module_bytes
from backend.serving.weights import WeightStore
from backend.workloads import FALLBACK_LIMITS, Lane, LaneLimits, Workloads
from backend.zoo import all_specs
from tests import helpers_images as h
from tests.test_weights import simplecnn_state


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_a_full_lane_refuses_at_once_and_names_itself():
    async def scenario() -> None:
        lane = Lane("exports", concurrency=1, queue_limit=1, retry_after_s=10, noun="exports")
        release = threading.Event()
        first = asyncio.ensure_future(lane.run(release.wait, 10))
        second = asyncio.ensure_future(lane.run(release.wait, 10))
        await until(lambda: lane.running == 1 and lane.waiting == 1)
        started = time.monotonic()
        with pytest.raises(ServerBusyError) as err:
            await lane.run(lambda: None)
        assert time.monotonic() - started < 0.5  # refused, not queued
        assert err.value.detail == (
            "The server is busy: 1 exports are running and 1 are waiting; retry in a moment."
        )
        assert err.value.extra == {"retry_after_s": 10, "workload": "exports"}
        assert lane.refused == 1
        release.set()
        assert await asyncio.gather(first, second) == [True, True]
        assert lane.stats() == {
            "lane": "exports",
            "concurrency": 1,
            "queue_limit": 1,
            "running": 0,
            "waiting": 0,
            "refused": 1,
        }
        lane.close()

    h.run_in_own_loop(scenario())


def test_one_lane_full_never_delays_another():
    async def scenario() -> float:
        work = Workloads()
        exports, analysis = work.lane("exports"), work.lane("analysis")
        release = threading.Event()
        blocked = [asyncio.ensure_future(exports.run(release.wait, 10)) for _ in range(3)]
        await until(lambda: exports.running == 1 and exports.waiting == 2)
        started = time.monotonic()
        assert await analysis.run(lambda: 7) == 7
        elapsed = time.monotonic() - started
        release.set()
        await asyncio.gather(*blocked)
        work.close()
        return elapsed

    assert h.run_in_own_loop(scenario()) < 1.0


def test_lanes_run_in_threads_of_their_own():
    async def scenario() -> set[str]:
        work = Workloads()
        names = {
            await work.lane(k).run(lambda: threading.current_thread().name)
            for k in ("analysis", "bodies")
        }
        work.close()
        return names

    names = h.run_in_own_loop(scenario())
    assert {n.rsplit("_", 1)[0] for n in names} == {"lane-analysis", "lane-bodies"}


def test_other_kinds_get_lanes_from_the_configured_limits():
    work = Workloads({"training": LaneLimits(concurrency=1, queue_limit=0, retry_after_s=30)})
    training = work.lane("training")
    assert (training.concurrency, training.queue_limit, training.retry_after_s) == (1, 0, 30)
    assert work.lane("training") is training
    downloads = work.lane("downloads")
    assert (downloads.concurrency, downloads.queue_limit) == (
        FALLBACK_LIMITS.concurrency,
        FALLBACK_LIMITS.queue_limit,
    )
    assert [s["lane"] for s in work.stats()] == ["training", "downloads"]
    with pytest.raises(ValueError, match="concurrency >= 1"):
        LaneLimits(concurrency=0, queue_limit=1)
    work.close()


def test_workload_limits_come_from_the_environment(monkeypatch):
    from backend.config import Settings

    monkeypatch.setenv(
        "WORKLOAD_LIMITS",
        '{"training": {"concurrency": 1, "queue_limit": 0},'
        ' "analysis": {"concurrency": 2, "queue_limit": 8}}',
    )
    settings = Settings()
    assert settings.workload_limits["training"] == LaneLimits(1, 0)
    assert Workloads(settings.workload_limits).lane("analysis").queue_limit == 8


def test_the_inference_gate_is_a_lane_that_answers_model_unavailable():
    gate = InferenceGate(concurrency=2, queue_limit=3)
    assert isinstance(gate, Lane) and gate.name == "inference"
    assert issubclass(gate.busy_error, ModelUnavailableError)
    gate.close()


# ---- the model runtime by bytes --------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> WeightStore:
    user, shipped = tmp_path / "user", tmp_path / "shipped"
    user.mkdir()
    shipped.mkdir()
    torch.save(simplecnn_state(favourite=3), shipped / "simplecnn.pt")
    weights = WeightStore(user, shipped)
    weights.scan(all_specs())
    return weights


def test_models_are_dropped_by_bytes_and_the_shipped_one_stays(store: WeightStore):
    runtime = ModelRuntime(store, torch.device("cpu"), max_loaded=8, max_bytes=100_000_000)
    assert runtime.get("simplecnn").weights == "shipped"
    sizes = {n: module_bytes(runtime.get(n).module) for n in ("resnet18", "plain18")}
    # 4 bytes per parameter (11,173,962 and 11,000,138) plus BatchNorm's running statistics
    assert 4 * 11_173_962 < sizes["resnet18"] < 4 * 11_173_962 + 100_000
    assert 4 * 11_000_138 < sizes["plain18"] < 4 * 11_000_138 + 100_000
    assert runtime.loaded_names() == ["simplecnn", "resnet18", "plain18"]  # 89 MB fit
    runtime.get("resnet34")  # 85 MB: both others must go, the shipped SimpleCNN stays
    assert runtime.loaded_names() == ["simplecnn", "resnet34"]
    assert runtime.held_bytes() == module_bytes(runtime.get("resnet34").module) + 1_686_568


def test_the_count_cap_never_drops_the_shipped_model(store: WeightStore):
    runtime = ModelRuntime(store, torch.device("cpu"), max_loaded=1)
    runtime.get("simplecnn")
    for name in ("resnet18", "plain18", "resnet18"):
        runtime.get(name)
    assert runtime.loaded_names() == ["simplecnn", "resnet18"]


def test_a_model_alone_over_the_byte_budget_still_serves(store: WeightStore):
    runtime = ModelRuntime(store, torch.device("cpu"), max_loaded=4, max_bytes=10_000_000)
    assert not runtime.get("resnet18").trained
    assert runtime.loaded_names() == ["resnet18"]
    runtime.get("plain18")
    assert runtime.loaded_names() == ["plain18"]
