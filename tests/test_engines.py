"""The ONNX Runtime engine gives eager PyTorch's answers (top-5 equal, probabilities within
1e-4) for every classifier of the zoo; eager answers while a session is being built; the
INFERENCE_ENGINE setting, /health and the predict response say which engine ran."""

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import ValidationError

from backend.config import Settings, parse_engines
from backend.errors import UnknownModelError
from backend.exports.service import ExportPool
from backend.main import create_app
from backend.serving.engines import (
    EAGER,
    ONNXRUNTIME,
    EngineChoice,
    Engines,
    OnnxSessions,
    make_session,
    providers_for,
)
from backend.serving.images import ImageLimits
from backend.serving.inference import classify, model_input
from backend.serving.runtime import ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs, get_spec
from bench.server import wait_until
from tests import helpers_images as h
from tests.helpers_engines import assert_onnxruntime_answers_like_eager

CLASSIFIERS = [s.name for s in all_specs() if s.is_classifier]
LIMITS = ImageLimits(max_bytes=16 * 1024 * 1024, max_pixels=50_000_000)


def _jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def upload_images() -> list[bytes]:
    """A drawn digit, a colour gradient and seeded noise, as uploads."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:300, 0:400]
    gradient = np.stack([x * 255 // 400, y * 255 // 300, (x + y) * 255 // 700], -1)
    noise = rng.integers(0, 256, (256, 320, 3))
    return [
        h.png(h.digit(7)),
        _jpeg(gradient.astype(np.uint8)),
        _jpeg(noise.astype(np.uint8)),
    ]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExportPool]:
    """The export worker process that writes the engine's ONNX files, as in the server."""
    pool = ExportPool(tmp_path_factory.mktemp("exports"))
    yield pool
    pool.close()


def runtime_for(tmp_path: Path) -> ModelRuntime:
    weights = WeightStore(tmp_path)  # no user checkpoints: shipped or seeded random weights
    weights.scan(all_specs())
    # Random weights saved to a file: the export worker exports from that very file.
    return ModelRuntime(
        weights, torch.device("cpu"), max_loaded=1, random_weights_dir=tmp_path / "random"
    )


def sessions_for(
    runtime: ModelRuntime, exports: ExportPool, max_sessions: int = 1, device: str = "cpu"
) -> OnnxSessions:
    return OnnxSessions(
        torch.device(device),
        1,
        max_sessions,
        weights_file=runtime.weights_file,
        export_onnx=exports.onnx_file,
    )


def onnx_engines(runtime: ModelRuntime, exports: ExportPool, max_sessions: int = 1) -> Engines:
    return Engines(EngineChoice(ONNXRUNTIME, {}), sessions_for(runtime, exports, max_sessions))


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_onnxruntime_gives_eager_answers(name, tmp_path, exports):
    spec = get_spec(name)
    runtime = runtime_for(tmp_path)
    loaded = runtime.get(name)
    engines = onnx_engines(runtime, exports)
    try:
        for data in upload_images():
            batch = model_input(spec, data, LIMITS)[None]
            engines.sessions.wait(loaded, tuple(batch.shape[1:]))
            assert_onnxruntime_answers_like_eager(loaded, batch, engines)
    finally:
        engines.close()


def test_eager_answers_while_the_session_is_built_and_onnxruntime_after(tmp_path, exports):
    runtime = runtime_for(tmp_path)
    loaded = runtime.get("simplecnn")
    engines = onnx_engines(runtime, exports)
    batch = model_input(get_spec("simplecnn"), h.png(h.digit(3)), LIMITS)[None]
    try:
        first, engine = classify(loaded, batch, top_k=3, engines=engines)
        assert engine == EAGER  # the build has only just started, in the background
        engines.sessions.wait(loaded, (1, 28, 28))
        again, engine = classify(loaded, batch, top_k=3, engines=engines)
        assert engine == ONNXRUNTIME
        assert [s.index for s in again] == [s.index for s in first]
        assert engines.sessions.ready() == {"simplecnn": "onnxruntime (CPUExecutionProvider)"}
    finally:
        engines.close()


def test_the_pools_default_memory_limit_is_the_servers():
    # A pool made without a limit gets the one the server uses (VGG19's export needs > 6 GiB).
    default = Settings.model_fields["export_memory_bytes"].default
    assert ExportPool.__init__.__defaults__[1] == default


def test_sessions_never_trace_in_the_server_process(tmp_path, exports, monkeypatch):
    # torch.export's global state corrupted concurrent summaries when it ran in the server
    # (issue 19): the graph comes from the export worker, so an in-process trace never happens.
    def no_trace_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("torch.onnx.export ran in the server's process")

    monkeypatch.setattr(torch.onnx, "export", no_trace_here)
    runtime = runtime_for(tmp_path)
    loaded = runtime.get("simplecnn")
    sessions = sessions_for(runtime, exports)
    try:
        assert sessions.wait(loaded, (1, 28, 28)).provider == "CPUExecutionProvider"
    finally:
        sessions.close()


def test_a_model_without_a_weights_file_stays_on_eager(tmp_path, exports):
    weights = WeightStore(tmp_path)
    weights.scan(all_specs())
    runtime = ModelRuntime(weights, torch.device("cpu"), max_loaded=1)  # no CACHE_DIR
    loaded = runtime.get("resnet18")  # random weights, never saved to a file
    assert runtime.weights_file(loaded) is None
    engines = onnx_engines(runtime, exports)
    batch = torch.zeros(1, 3, 32, 32)
    try:
        assert classify(loaded, batch, top_k=1, engines=engines)[1] == EAGER
        with pytest.raises(RuntimeError, match="no ONNX Runtime session for resnet18"):
            engines.sessions.wait(loaded, (3, 32, 32))
        assert classify(loaded, batch, top_k=1, engines=engines)[1] == EAGER
    finally:
        engines.close()


def test_a_model_set_to_eager_never_builds_a_session(tmp_path, exports):
    runtime = runtime_for(tmp_path)
    loaded = runtime.get("simplecnn")
    engines = Engines(
        EngineChoice(ONNXRUNTIME, {"simplecnn": EAGER}), sessions_for(runtime, exports, 2)
    )
    batch = torch.zeros(1, 1, 28, 28)
    for _ in range(3):
        assert classify(loaded, batch, top_k=1, engines=engines)[1] == EAGER
    assert engines.sessions.ready() == {}
    engines.close()


def test_sessions_are_bounded_like_the_loaded_models(tmp_path, exports):
    runtime = runtime_for(tmp_path)
    loaded = runtime.get("simplecnn")
    sessions = sessions_for(runtime, exports, max_sessions=1)
    try:
        sessions.wait(loaded, (1, 28, 28))
        sessions.wait(loaded, (1, 30, 30))  # another input size is another session
        assert len(sessions._ready) == 1
        assert next(iter(sessions._ready))[1] == (1, 30, 30)
    finally:
        sessions.close()


def test_the_cpu_provider_serves_the_cpu_and_is_the_fallback_on_cuda():
    assert providers_for(torch.device("cpu")) == ["CPUExecutionProvider"]
    assert providers_for(torch.device("cuda:0"))[-1] == "CPUExecutionProvider"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("onnxruntime", ("onnxruntime", {})),
        ("eager", ("eager", {})),
        ("onnxruntime, alexnet=eager", ("onnxruntime", {"alexnet": "eager"})),
        ("vgg16=onnxruntime", ("eager", {"vgg16": "onnxruntime"})),
        (" EAGER ,resnet18=ONNXRuntime", ("eager", {"resnet18": "onnxruntime"})),
    ],
)
def test_inference_engine_setting_parses(value, expected):
    assert parse_engines(value) == expected
    assert Settings(inference_engine=value).inference_engine == value.strip()


@pytest.mark.parametrize("value", ["tensorrt", "vgg16=tvm", "onnx"])
def test_an_unknown_engine_is_refused_with_the_choices(value):
    with pytest.raises(ValidationError, match="use eager or onnxruntime"):
        Settings(inference_engine=value)


def test_an_unknown_model_in_the_setting_stops_the_start_up(tmp_path):
    settings = Settings(warm_summaries=False, weights_dir=tmp_path, inference_engine="vgg61=eager")
    with pytest.raises(UnknownModelError, match="vgg61"), TestClient(create_app(settings)):
        pass


def test_predict_and_health_say_which_engine_ran(tmp_path):
    settings = Settings(
        warm_summaries=False,
        weights_dir=tmp_path,
        inference_engine="eager,simplecnn=onnxruntime",
        cache_dir=None,
    )
    digit = h.png(h.digit(7))
    with TestClient(create_app(settings)) as client:
        health = client.get("/health").json()
        assert health["inference_engine"] == "eager,simplecnn=onnxruntime"
        assert health["onnxruntime"]
        first = client.post("/models/simplecnn/predict", files={"file": ("d.png", digit)}).json()
        assert first["engine"] in (EAGER, ONNXRUNTIME)
        assert first["predictions"][0]["label"] == "7"
        wait_until(
            lambda: client.get("/health").json()["engines"].get("simplecnn"),
            seconds=120,
            interval=0.2,
            what="the simplecnn ONNX Runtime session",
        )
        later = client.post("/models/simplecnn/predict", files={"file": ("d.png", digit)}).json()
        assert later["engine"] == ONNXRUNTIME
        assert set(later["timings_ms"]) >= {"decode", "preprocess", "forward", "total", "queue"}
        assert [p["index"] for p in later["predictions"]] == [
            p["index"] for p in first["predictions"]
        ]
        assert client.get("/health").json()["engines"] == {
            "simplecnn": "onnxruntime (CPUExecutionProvider)"
        }
        resnet = client.post("/models/resnet18/predict", files={"file": ("d.png", digit)})
        assert resnet.status_code == 200
        assert resnet.json()["engine"] == EAGER  # the default for the others


def test_custom_networks_run_eager_and_leave_no_files(tmp_path):
    # Issue 13's networks are unbounded in number: no export and no weights file for them.
    settings = Settings(
        warm_summaries=False,
        weights_dir=tmp_path / "w",
        inference_engine="onnxruntime",
        cache_dir=tmp_path / "cache",
    )
    spec = {"family": "simplecnn", "channels": [4, 8], "hidden": 16}
    digit = h.png(h.digit(7))
    with TestClient(create_app(settings)) as client:
        name = client.post("/architectures", json=spec).json()["name"]
        for _ in range(3):
            reply = client.post(f"/models/{name}/predict", files={"file": ("d.png", digit)})
            assert reply.status_code == 200
            assert reply.json()["engine"] == EAGER
        assert client.get("/health").json()["engines"] == {}
    assert not list((tmp_path / "cache").glob("**/*.pt"))


def test_a_gpu_without_the_cuda_provider_stays_on_eager(monkeypatch):
    monkeypatch.setattr("onnxruntime.get_available_providers", lambda: ["CPUExecutionProvider"])
    on_gpu = Engines(EngineChoice(ONNXRUNTIME, {}), OnnxSessions(torch.device("cuda:0"), 1, 1))
    on_cpu = Engines(EngineChoice(ONNXRUNTIME, {}), OnnxSessions(torch.device("cpu"), 1, 1))
    assert not on_gpu.onnx_usable and on_cpu.onnx_usable
    monkeypatch.setattr(
        "onnxruntime.get_available_providers",
        lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"],
    )
    with_cuda = Engines(EngineChoice(ONNXRUNTIME, {}), OnnxSessions(torch.device("cuda:0"), 1, 1))
    assert with_cuda.onnx_usable
    assert providers_for(torch.device("cuda:0")) == [
        "CUDAExecutionProvider",
        "CPUExecutionProvider",
    ]


def test_a_cuda_session_asks_for_full_fp32_on_the_named_device(monkeypatch, tmp_path):
    """What make_session hands ONNX Runtime on a GPU (no GPU here: the session is recorded)."""
    made: list[tuple] = []
    monkeypatch.setattr(
        "onnxruntime.get_available_providers",
        lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"],
    )
    monkeypatch.setattr(
        "onnxruntime.InferenceSession",
        lambda path, options, providers: made.append((path, options, providers)),
    )
    make_session(tmp_path / "m.onnx", torch.device("cuda:1"), 0)
    ((path, options, providers),) = made
    assert path == str(tmp_path / "m.onnx")
    assert providers == [
        ("CUDAExecutionProvider", {"device_id": 1, "use_tf32": 0}),
        "CPUExecutionProvider",
    ]
    assert options.inter_op_num_threads == 1
