"""Issue 18: the engine's ONNX files kept under CACHE_DIR/onnx are used by a later start without
an export; a changed weights version is a new file that replaces the old one; a damaged file is
exported again; per-download exports and an empty CACHE_DIR keep nothing."""

from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
import torch
from fastapi.testclient import TestClient

from backend.config import Settings
from backend.errors import ServerBusyError
from backend.exports import worker
from backend.exports.engine_cache import EngineOnnxCache
from backend.exports.service import ExportJob, ExportPool
from backend.main import create_app
from backend.serving.engines import ONNXRUNTIME, EngineChoice, Engines, OnnxSessions
from backend.serving.inference import model_input
from backend.zoo import get_spec
from bench.server import wait_until
from tests import helpers_images as h
from tests.helpers_engines import assert_onnxruntime_answers_like_eager
from tests.test_engines import LIMITS, runtime_for

SHAPE = (1, 1, 28, 28)


class FakeWorker:
    """Stands in for the worker process: writes a small file where it is told, counts calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def submit(self, fn: Any, *args: Any) -> Future:
        self.calls.append((fn.__name__, *args))
        out = Path(args[4])
        out.write_bytes(b"onnx graph of " + args[0].encode())
        future: Future = Future()
        future.set_result(worker.WorkerResult(str(out), out.stat().st_size, True, 0.5))
        return future


class CountingWorker:
    """The real worker process, with its submitted tasks counted."""

    def __init__(self, pool: ExportPool) -> None:
        self.real = pool._pool
        self.calls: list[str] = []

    def submit(self, fn: Any, *args: Any) -> Future:
        self.calls.append(fn.__name__)
        return self.real().submit(fn, *args)


def with_worker(pool: ExportPool, fake: Any) -> ExportPool:
    pool._pool = lambda: fake  # type: ignore[method-assign]
    return pool


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    path = tmp_path / "simplecnn.pt"
    path.write_bytes(b"weights")
    return path


def test_a_second_pool_over_the_same_cache_uses_the_file_without_the_worker(tmp_path, weights):
    first_worker, second_worker = FakeWorker(), FakeWorker()
    first = with_worker(ExportPool(tmp_path / "tmp", engine_dir=tmp_path / "onnx"), first_worker)
    path = first.onnx_file("simplecnn", SHAPE, weights, (1, 7, 100))
    first.close()  # the end of the process: the downloads' folder goes, the engine's stays
    assert [c[0] for c in first_worker.calls] == ["export_onnx"]
    assert first_worker.calls[0][6] is True  # the dynamic batch axis
    assert path.parent == tmp_path / "onnx" and path.name.startswith("simplecnn_1x28x28-")
    assert path.read_bytes() == b"onnx graph of simplecnn"

    second = with_worker(ExportPool(tmp_path / "tmp", engine_dir=tmp_path / "onnx"), second_worker)
    again = second.onnx_file("simplecnn", SHAPE, weights, (1, 7, 100))
    assert again == path
    assert second_worker.calls == []
    assert (
        second.export(ExportJob("simplecnn", SHAPE, None, weights, (1, 7, 100), True)).seconds == 0
    )
    second.close()


def test_a_new_weights_version_is_a_new_file_and_the_old_one_goes(tmp_path, weights):
    fake = FakeWorker()
    pool = with_worker(ExportPool(tmp_path / "tmp", engine_dir=tmp_path / "onnx"), fake)
    old = pool.onnx_file("simplecnn", SHAPE, weights, (1, 7, 100))
    other_shape = pool.onnx_file("simplecnn", (1, 1, 32, 32), weights, (1, 7, 100))
    other_model = pool.onnx_file("simplecnn2", SHAPE, weights, (1, 7, 100))
    new = pool.onnx_file("simplecnn", SHAPE, weights, (1, 7, 200))  # the checkpoint was replaced
    assert new != old and new.name.startswith("simplecnn_1x28x28-")
    assert len(fake.calls) == 4
    kept = sorted(p.name for p in (tmp_path / "onnx").glob("*.onnx"))
    assert kept == sorted([new.name, other_shape.name, other_model.name])
    assert not old.exists()
    pool.close()


class DyingWorker(FakeWorker):
    """A worker that fails halfway through writing (out of memory), leaving its partial file."""

    def submit(self, fn: Any, *args: Any) -> Future:
        self.calls.append((fn.__name__, *args))
        Path(f"{args[4]}.part-4242").write_bytes(b"half a graph")
        future: Future = Future()
        future.set_exception(RuntimeError("DefaultCPUAllocator: can't allocate memory"))
        return future


def test_a_failed_export_leaves_nothing_in_the_kept_folder(tmp_path, weights):
    pool = with_worker(ExportPool(tmp_path / "tmp", engine_dir=tmp_path / "onnx"), DyingWorker())
    with pytest.raises(ServerBusyError, match=r"simplecnn_1x28x28\.onnx"):
        pool.onnx_file("simplecnn", SHAPE, weights, (1, 7, 100))
    assert list((tmp_path / "onnx").iterdir()) == []
    pool.close()


def test_the_name_depends_on_the_exporters_and_the_format(tmp_path, weights, monkeypatch):
    cache = EngineOnnxCache(tmp_path)
    path = cache.path("vgg16", (1, 3, 224, 224), weights, (1, 2, 3))
    assert path == cache.path("vgg16", (4, 3, 224, 224), weights, (1, 2, 3))  # any batch
    assert path != cache.path("vgg16", (1, 3, 224, 224), tmp_path / "other.pt", (1, 2, 3))
    cache.exporters = (("torch", "9.9"), ("onnx", "1.23.2"), ("onnxscript", "0.7.2"))
    other_torch = cache.path("vgg16", (1, 3, 224, 224), weights, (1, 2, 3))
    assert other_torch != path
    monkeypatch.setattr("backend.exports.engine_cache.FORMAT", 99)
    other_format = cache.path("vgg16", (1, 3, 224, 224), weights, (1, 2, 3))
    assert other_format not in (path, other_torch)
    assert other_format.name.startswith("vgg16_3x224x224-")
    assert dict(EngineOnnxCache(tmp_path).exporters)["torch"] == torch.__version__.split("+")[0]


def test_downloads_and_an_unset_cache_keep_no_engine_files(tmp_path, weights):
    fake = FakeWorker()
    pool = with_worker(ExportPool(tmp_path / "tmp", engine_dir=tmp_path / "onnx"), fake)
    download = pool.export(ExportJob("simplecnn", SHAPE, None, weights))  # GET export.onnx
    assert download.path.parent == pool.directory  # the per-request LRU's folder
    no_cache = with_worker(ExportPool(tmp_path / "tmp"), FakeWorker())
    assert no_cache.engine_cache is None
    engine = no_cache.onnx_file("simplecnn", SHAPE, weights, (1, 7, 100))
    assert engine.parent == no_cache.directory
    pool.close()
    no_cache.close()
    assert list(tmp_path.glob("**/*.onnx")) == []


@pytest.fixture(scope="module")
def kept_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExportPool]:
    """A real worker process writing into a kept engine folder."""
    root = tmp_path_factory.mktemp("kept")
    pool = ExportPool(root / "tmp", engine_dir=root / "onnx")
    yield pool
    pool.close()


def test_a_damaged_kept_file_is_exported_again_and_gives_eagers_answers(tmp_path, kept_pool):
    runtime = runtime_for(tmp_path)
    loaded = runtime.get("simplecnn")
    path, version = runtime.weights_file(loaded)
    kept = kept_pool.onnx_file("simplecnn", SHAPE, path, version)
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) // 3])  # cut short, as by a full disk

    counting = CountingWorker(kept_pool)
    real_pool = kept_pool._pool
    kept_pool._pool = lambda: counting  # type: ignore[method-assign]
    sessions = OnnxSessions(
        torch.device("cpu"),
        1,
        1,
        weights_file=runtime.weights_file,
        export_onnx=kept_pool.onnx_file,
    )
    engines = Engines(EngineChoice(ONNXRUNTIME, {}), sessions)
    try:
        sessions.wait(loaded, SHAPE[1:])
        assert counting.calls == ["export_onnx"]  # the damaged file was exported again
        assert kept.read_bytes() == whole
        for digit in (3, 7):
            batch = model_input(get_spec("simplecnn"), h.png(h.digit(digit)), LIMITS)[None]
            assert_onnxruntime_answers_like_eager(loaded, batch, engines)
    finally:
        engines.close()
        kept_pool._pool = real_pool  # type: ignore[method-assign]


def _serve_once(settings: Settings) -> None:
    digit = h.png(h.digit(7))
    with TestClient(create_app(settings)) as client:
        reply = client.post("/models/simplecnn/predict", files={"file": ("d.png", digit)})
        assert reply.json()["predictions"][0]["label"] == "7"
        wait_until(
            lambda: client.get("/health").json()["engines"].get("simplecnn"),
            seconds=120,
            interval=0.2,
            what="the simplecnn ONNX Runtime session",
        )


def test_the_app_keeps_the_engine_file_across_a_restart_and_none_without_cache_dir(tmp_path):
    settings = dict(
        warm_summaries=False,
        weights_dir=tmp_path / "w",
        inference_engine="eager,simplecnn=onnxruntime",
        export_dir=tmp_path / "exports",
    )
    _serve_once(Settings(**settings, cache_dir=tmp_path / "cache"))
    kept = list((tmp_path / "cache" / "onnx").glob("*.onnx"))
    assert [p.name.split("-")[0] for p in kept] == ["simplecnn_1x28x28"]
    written = kept[0].stat()
    _serve_once(Settings(**settings, cache_dir=tmp_path / "cache"))  # a restart
    again = kept[0].stat()  # an export would have renamed a new file into place
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    _serve_once(Settings(**settings, cache_dir=""))
    assert list(tmp_path.glob("**/*.onnx")) == kept  # the second start kept nothing more
