"""Cheap first requests (issue 18): the seeded random weights of every zoo model come back from
their file bit for bit, memory-mapped rather than copied, in the layout they run in (NHWC for
CHANNELS_LAST_MODELS, decided once when the file is made), and counted in the memory budget as
before; checkpoints are memory-mapped too."""

from pathlib import Path

import pytest
import torch
from torch import nn

from backend.config import Settings
from backend.exports.service import ExportPool
from backend.serving.engines import ONNXRUNTIME, EngineChoice, Engines, OnnxSessions
from backend.serving.inference import classify
from backend.serving.random_weights import RANDOM_INIT_SEED, in_channels_last
from backend.serving.runtime import ModelRuntime, module_bytes
from backend.serving.weights import SHIPPED_WEIGHTS_DIR, WeightStore
from backend.zoo import all_specs, get_spec
from backend.zoo.datasets import DATASETS
from tests import helpers_images as h
from tests.helpers_engines import assert_onnxruntime_answers_like_eager

CLASSIFIERS = [s.name for s in all_specs() if s.is_classifier and s.name != "simplecnn"]
DEFAULT_NHWC = tuple(Settings.model_fields["channels_last_models"].default)


def runtime(
    tmp_path: Path, channels_last: tuple[str, ...] = DEFAULT_NHWC, shipped: Path | None = None
) -> ModelRuntime:
    weights = WeightStore(tmp_path / "checkpoints", shipped or SHIPPED_WEIGHTS_DIR)
    weights.scan(all_specs())
    return ModelRuntime(
        weights,
        torch.device("cpu"),
        max_loaded=1,
        channels_last=channels_last,
        random_weights_dir=tmp_path / "random-weights",
    )


def seeded(name: str) -> dict[str, torch.Tensor]:
    """What a model's random weights have always been: seed 0, then the zoo's initialisers."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(RANDOM_INIT_SEED)
        return get_spec(name).build().state_dict()


def mapped_from(tensor: torch.Tensor, path: Path) -> bool:
    """Whether the tensor's memory is a mapping of `path` (Linux: /proc/self/maps)."""
    where, address = str(path.resolve()), tensor.data_ptr()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].strip() == where:
                low, high = (int(x, 16) for x in fields[0].split("-"))
                if low <= address < high:
                    return True
    return False


def state_bytes(state: dict[str, torch.Tensor]) -> int:
    return sum(t.numel() * t.element_size() for t in state.values())


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_every_zoo_model_maps_the_same_weights_as_a_fresh_seeded_init(tmp_path, name):
    expected = seeded(name)
    made = runtime(tmp_path).get(name)  # initialised and saved
    path = runtime(tmp_path).random_weights_path(get_spec(name))
    mapped = runtime(tmp_path).get(name)  # a later start: from the file
    state = mapped.module.state_dict()
    assert list(state) == list(expected)
    for key, tensor in expected.items():
        assert torch.equal(state[key], tensor), key
        assert torch.equal(made.module.state_dict()[key], tensor), key
    assert not made.trained and not mapped.trained and mapped.weights is None
    assert mapped.channels_last == (name in DEFAULT_NHWC) == path.name.endswith("-nhwc.pt")
    parameters = [p for p in mapped.module.parameters() if p.numel()]
    assert all(mapped_from(p, path) for p in parameters)  # not copied out of the file
    assert module_bytes(mapped.module) == state_bytes(expected)
    path.unlink()  # VGG19's is 0.57 GB: the next cases need the disk more


def test_an_nhwc_model_is_checked_once_when_its_file_is_made(tmp_path, monkeypatch):
    checks: list[str] = []
    original = ModelRuntime._try_channels_last

    def counted(self: ModelRuntime, spec, module: nn.Module) -> bool:
        checks.append(spec.name)
        return original(self, spec, module)

    monkeypatch.setattr(ModelRuntime, "_try_channels_last", counted)
    made = runtime(tmp_path, ("alexnet",)).get("alexnet")
    mapped = runtime(tmp_path, ("alexnet",)).get("alexnet")
    assert checks == ["alexnet"]  # the second build took the layout from the file
    assert made.channels_last and mapped.channels_last
    conv = mapped.module.get_submodule("features.0").weight
    assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()
    # A server that runs it in the default layout has its own file, contiguous.
    plain = runtime(tmp_path, ()).get("alexnet")
    assert not plain.channels_last and not in_channels_last(plain.module)
    assert plain.module.get_submodule("features.0").weight.is_contiguous()
    plain_file = runtime(tmp_path, ()).random_weights_path(get_spec("alexnet")).name
    files = {f.name for f in (tmp_path / "random-weights").iterdir()}
    assert files == {plain_file, plain_file.replace(".pt", "-nhwc.pt")}
    batch = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(3))
    (nhwc_scores, _), (plain_scores, _) = (classify(m, batch, 5) for m in (mapped, plain))
    assert [s.index for s in nhwc_scores] == [s.index for s in plain_scores]
    for a, b in zip(nhwc_scores, plain_scores, strict=True):
        assert a.probability == pytest.approx(b.probability, abs=1e-5)


def test_a_model_that_fails_the_nhwc_check_is_saved_contiguous_and_not_checked_again(
    tmp_path, caplog
):
    # SimpleCNN without its shipped checkpoint: random weights, and a view() that needs NCHW.
    empty = tmp_path / "no-shipped-weights"
    empty.mkdir()
    made = runtime(tmp_path, ("simplecnn",), shipped=empty).get("simplecnn")
    assert caplog.text.count("simplecnn cannot run in channels_last") == 1
    mapped = runtime(tmp_path, ("simplecnn",), shipped=empty).get("simplecnn")
    assert caplog.text.count("simplecnn cannot run in channels_last") == 1
    assert not made.channels_last and not mapped.channels_last and not mapped.trained
    assert mapped.module.get_submodule("conv2").weight.is_contiguous()
    for key, tensor in seeded("simplecnn").items():
        assert torch.equal(mapped.module.state_dict()[key], tensor), key
    mnist = DATASETS["mnist"]
    digit = torch.from_numpy(h.digit(7)).float().div(255)[None, None]
    scores, _ = classify(mapped, (digit - mnist.mean[0]) / mnist.std[0], top_k=10)
    assert sorted(s.index for s in scores) == list(range(10))


def test_the_shipped_checkpoint_is_memory_mapped_and_trained(tmp_path):
    loaded = runtime(tmp_path).get("simplecnn")
    assert loaded.trained and loaded.weights == "shipped" and not loaded.channels_last
    path = SHIPPED_WEIGHTS_DIR / "simplecnn.pt"
    assert all(mapped_from(p, path) for p in loaded.module.parameters())
    shipped = torch.load(path, weights_only=True)
    assert all(torch.equal(loaded.module.state_dict()[k], v) for k, v in shipped.items())
    assert module_bytes(loaded.module) == state_bytes(shipped) == 1_686_568


def test_mapped_models_count_in_the_memory_budget(tmp_path):
    rt = runtime(tmp_path)
    for name in ("resnet18", "alexnet"):
        rt.get(name)  # files made
    budget = state_bytes(seeded("alexnet")) + 1  # alexnet alone fits, with resnet18 not
    rt = ModelRuntime(
        rt.weights,
        torch.device("cpu"),
        max_loaded=4,
        channels_last=DEFAULT_NHWC,
        max_bytes=budget,
        random_weights_dir=tmp_path / "random-weights",
    )
    resnet = rt.get("resnet18")
    assert rt.held_bytes() == module_bytes(resnet.module) == state_bytes(seeded("resnet18"))
    rt.get("alexnet")
    assert rt.loaded_names() == ["alexnet"]  # resnet18 dropped to fit
    assert rt.held_bytes() == state_bytes(seeded("alexnet"))


def test_onnxruntime_exports_an_nhwc_file_to_the_same_answers(tmp_path):
    # The engine's export worker reads the very file the runtime mapped, NHWC strides and all.
    rt = runtime(tmp_path, ("resnet18",))
    loaded = rt.get("resnet18")
    source = rt.weights_file(loaded)
    assert loaded.channels_last and source is not None and source[0].name.endswith("-nhwc.pt")
    pool = ExportPool(tmp_path / "exports")
    sessions = OnnxSessions(torch.device("cpu"), 1, 1, rt.weights_file, pool.onnx_file)
    engines = Engines(EngineChoice(ONNXRUNTIME, {}), sessions)
    try:
        batch = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(5))
        sessions.wait(loaded, (3, 32, 32))
        assert_onnxruntime_answers_like_eager(loaded, batch, engines, top_k=10)
    finally:
        engines.close()
        pool.close()
