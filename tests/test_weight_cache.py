"""Seeded random weights are made once per model, saved under CACHE_DIR and memory-mapped by
later builds: the same tensors as initialising again, a broken file is replaced, and a cache
that cannot be written costs nothing but the speed-up."""

from pathlib import Path

import pytest
import torch

from backend.serving.runtime import RANDOM_INIT_SEED, ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs, get_spec


def runtime(tmp_path: Path, cache: Path | None) -> ModelRuntime:
    weights = WeightStore(tmp_path / "checkpoints")
    weights.scan(all_specs())
    return ModelRuntime(weights, torch.device("cpu"), max_loaded=1, random_weights_dir=cache)


def same_state(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("name", ["resnet18", "alexnet"])
def test_random_weights_are_saved_once_and_mapped_afterwards(tmp_path, name):
    cache = tmp_path / "random-weights"
    made = runtime(tmp_path, cache).get(name)
    files = list(cache.iterdir())
    assert [f.name for f in files] == [runtime(tmp_path, cache).random_weights_path(
        get_spec(name)).name]  # fmt: skip
    assert files[0].name.startswith(f"{name}-seed{RANDOM_INIT_SEED}-")
    stamp = files[0].stat().st_mtime_ns
    mapped = runtime(tmp_path, cache).get(name)
    uncached = runtime(tmp_path, None).get(name)
    assert not made.trained and not mapped.trained
    assert same_state(mapped.module, made.module)
    assert same_state(mapped.module, uncached.module)  # what a server without a cache makes
    assert files[0].stat().st_mtime_ns == stamp  # read, not written again
    assert not any(t.is_meta for t in mapped.module.state_dict().values())
    x = torch.randn(
        1, *get_spec(name).default_input_shape, generator=torch.Generator().manual_seed(1)
    )
    with torch.inference_mode():
        assert torch.equal(mapped.module(x), uncached.module(x))


def test_a_broken_cache_file_is_made_again(tmp_path, caplog):
    cache = tmp_path / "random-weights"
    rt = runtime(tmp_path, cache)
    path = rt.random_weights_path(get_spec("resnet18"))
    cache.mkdir()
    path.write_bytes(b"PK\x03\x04 not really a zip")
    loaded = rt.get("resnet18")
    assert "initialising resnet18 again" in caplog.text
    assert same_state(loaded.module, runtime(tmp_path, None).get("resnet18").module)
    assert torch.load(path, weights_only=True).keys() == loaded.module.state_dict().keys()


def test_an_unwritable_cache_is_logged_and_serving_goes_on(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    loaded = runtime(tmp_path, blocker / "random-weights").get("resnet18")
    assert not loaded.trained
    assert "cannot save the random weights of resnet18" in caplog.text
    assert not list(tmp_path.glob("**/.resnet18*.part"))


def test_the_file_name_changes_with_the_architecture(tmp_path):
    rt = runtime(tmp_path, tmp_path / "c")
    names = {rt.random_weights_path(get_spec(n)).name for n in ("resnet18", "resnet34", "plain18")}
    assert len(names) == 3
