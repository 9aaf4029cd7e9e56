"""ONNX exports in a worker process (backend/exports/): files on disk that ONNX Runtime runs
like PyTorch, a disk cache, refusals before any work for files past the cap or protobuf's 2 GB,
and a worker over its memory limit answered with 503 while the server's process stays clean."""

import os
from pathlib import Path

import pytest

from backend.errors import InvalidParameterError, ServerBusyError
from backend.exports import (
    PROTOBUF_LIMIT_BYTES,
    ExportJob,
    ExportPool,
    check_export_size,
    estimated_onnx_bytes,
)
from tests.test_export import max_difference, reference

GiB = 1 << 30


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory):
    exports = ExportPool(tmp_path_factory.mktemp("exports"), memory_bytes=10 * GiB)
    yield exports
    exports.close()
    assert not exports.directory.exists()


def test_a_worker_writes_the_file_onnx_runtime_runs_like_pytorch(pool: ExportPool) -> None:
    job = ExportJob("simplecnn", (1, 1, 28, 28), None, None)
    first = pool.export(job)
    assert first.filename == "simplecnn_1x28x28.onnx" and not first.trained
    assert first.path.parent == pool.directory and first.size == first.path.stat().st_size
    assert first.seconds > 0
    data = first.path.read_bytes()
    assert max_difference(data, reference("simplecnn"), (1, 1, 28, 28)) < 1e-4
    again = pool.export(job)
    assert again.path == first.path and again.seconds == 0.0  # from the disk cache
    worker_pids = {p.pid for p in pool._pool()._processes.values()}
    assert worker_pids and os.getpid() not in worker_pids


def test_trained_weights_travel_to_the_worker_by_path(pool: ExportPool) -> None:
    shipped = Path(__file__).resolve().parent.parent / "backend" / "weights" / "simplecnn.pt"
    result = pool.export(ExportJob("simplecnn", (1, 1, 28, 28), None, shipped))
    assert result.trained and result.path.name == "simplecnn_1x28x28_trained.onnx"
    new_head = pool.export(ExportJob("simplecnn", (1, 1, 28, 28), 5, shipped))
    assert not new_head.trained  # a new head cannot use the checkpoint's
    assert new_head.filename == "simplecnn_1x28x28_5classes.onnx"


def test_the_disk_cache_drops_the_least_recently_used(tmp_path: Path) -> None:
    exports = ExportPool(tmp_path, disk_bytes=1)  # keeps only the newest file
    try:
        a = exports.export(ExportJob("simplecnn", (1, 1, 28, 28), None, None))
        b = exports.export(ExportJob("simplecnn", (1, 1, 28, 28), 3, None))
        assert b.path.exists() and not a.path.exists()
        assert exports.cached(ExportJob("simplecnn", (1, 1, 28, 28), None, None)) is None
    finally:
        exports.close()


def test_a_worker_past_its_memory_limit_is_a_503_and_is_replaced(tmp_path: Path) -> None:
    # 1 GiB of address space: importing torch alone reserves more, so the worker cannot live.
    exports = ExportPool(tmp_path, memory_bytes=1 * GiB)
    try:
        for _ in range(2):  # a new worker is started for the next request, and fails the same
            with pytest.raises(ServerBusyError) as err:
                exports.export(ExportJob("simplecnn", (1, 1, 28, 28), None, None))
            assert "needed more than the 1 GiB an export may use" in err.value.detail
            assert err.value.extra == {"retry_after_s": 10, "workload": "exports"}
    finally:
        exports.close()


def test_files_past_the_cap_or_protobufs_limit_are_refused_before_any_work() -> None:
    vgg19_100k = 20_024_384 + 4096 * 4096 + 4096 + 4096 * 100_000 + 100_000 + 102_764_544 + 4096
    with pytest.raises(InvalidParameterError) as err:
        check_export_size("vgg19", vgg19_100k, 100_000, cap_bytes=4 * GiB)
    assert err.value.detail == (
        "The ONNX file of vgg19 with 100,000 classes would be about 2.05 GiB (4 bytes for each "
        "of its 549,274,336 parameters), more than the 2 GB protobuf can write in one file; "
        "choose fewer classes or a smaller model."
    )
    assert err.value.extra["max_export_bytes"] == PROTOBUF_LIMIT_BYTES
    with pytest.raises(InvalidParameterError) as err:
        check_export_size("alexnet", 467_000_000, 100_000, cap_bytes=GiB)
    assert "more than the 1 GiB an export may be; choose fewer classes" in err.value.detail
    check_export_size("vgg19", 143_667_240, None, cap_bytes=GiB)  # the default head fits
    assert estimated_onnx_bytes(138_357_544) == 4 * 138_357_544 + (1 << 20)


def test_a_custom_network_exports_and_a_failure_comes_back_as_an_error(pool: ExportPool) -> None:
    """Custom names resolve in the worker too; an error inside the worker reaches the server
    as an exception it can read (the pool stays usable)."""
    name = "resnet.1-1-1~w8-16-32~c7"
    result = pool.export(ExportJob(name, (1, 3, 32, 32), None, None))
    assert result.size > 4 * 1000 and result.filename == f"{name}_3x32x32.onnx"
    with pytest.raises(RuntimeError, match="UnknownModelError"):
        pool.export(ExportJob("no_such_model", (1, 3, 32, 32), None, None))
    assert pool.export(ExportJob("simplecnn", (1, 1, 28, 28), None, None)).seconds == 0.0


CLOSE_AFTER_AN_EXPORT = """
import sys, tempfile
from pathlib import Path
import torch
from backend.analysis.seeded_init import initialise, materialise
from backend.analysis.shapes import build_on_meta
from backend.exports import ExportPool
from backend.zoo import get_spec

if __name__ == "__main__":
    folder = Path(tempfile.mkdtemp())
    model = materialise(build_on_meta(get_spec("simplecnn"), None))
    initialise(model, 0)
    torch.save(model.state_dict(), folder / "w.pt")
    pool = ExportPool(folder, engine_dir=folder / "onnx")
    print(pool.onnx_file("simplecnn", (1, 1, 28, 28), folder / "w.pt", (1,)).suffix)
    pool.close()
    print(pool._executor is None)
"""


def test_closing_after_an_export_leaves_nothing_for_the_resource_tracker(tmp_path: Path) -> None:
    """A killed idle worker left a semaphore behind ("resource_tracker: There appear to be 1
    leaked semaphore objects" when the server exited); an idle one is now let go by itself."""
    import subprocess
    import sys

    script = tmp_path / "close_after_export.py"
    script.write_text(CLOSE_AFTER_AN_EXPORT)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True, text=True, timeout=300, cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [".onnx", "True"]
    assert "leaked semaphore" not in out.stderr, out.stderr[-2000:]


def test_an_export_cut_short_by_close_says_so_and_nothing_starts_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """close() while an export runs (the server stopping during an engine's session build):
    the worker is stopped at once, not after the idle grace; the export ends with
    ExportPoolClosed, not the out-of-memory 503 a crashed worker gives; and a later export
    starts no new worker."""
    import threading
    import time

    import torch

    from backend.analysis.seeded_init import initialise, materialise
    from backend.analysis.shapes import build_on_meta
    from backend.exports import service
    from backend.zoo import get_spec

    model = materialise(build_on_meta(get_spec("resnet18"), None))
    initialise(model, 0)
    torch.save(model.state_dict(), tmp_path / "w.pt")
    pool = ExportPool(tmp_path / "exports", engine_dir=tmp_path / "onnx")
    graces: list[float] = []
    stop = service._stop
    monkeypatch.setattr(
        service, "_stop", lambda ex, grace_s=0.0: (graces.append(grace_s), stop(ex, grace_s))
    )
    outcome: list[BaseException] = []

    def export() -> None:
        try:
            pool.onnx_file("resnet18", (1, 3, 32, 32), tmp_path / "w.pt", (1,))
        except BaseException as exc:  # what the export ended with is the point
            outcome.append(exc)

    thread = threading.Thread(target=export)
    thread.start()
    # Until the export has its worker (started by the submit): closing earlier would refuse it
    # before it began, which the last assertion below checks on its own.
    while not (pool._exporting and pool._executor is not None and pool._executor._processes):
        time.sleep(0.01)
    pool.close()
    thread.join(timeout=120)
    assert graces == [0.0]
    assert len(outcome) == 1 and isinstance(outcome[0], service.ExportPoolClosed)
    assert "the server stopped during it" in str(outcome[0])
    with pytest.raises(service.ExportPoolClosed, match="closed"):
        pool.onnx_file("resnet18", (1, 3, 32, 32), tmp_path / "w.pt", (2,))
    assert pool._executor is None


def test_a_server_stopped_during_an_engine_export_leaves_nothing_behind(tmp_path: Path) -> None:
    """The first prediction starts the engine's export in the background; the server stops
    during it. The build says why it stopped (no traceback), and the killed worker's executor
    closes its queues before the server exits: before, the resource tracker warned "There
    appear to be 5 leaked semaphore objects" after every such stop."""
    import time

    import httpx

    from bench.images import test_jpegs
    from bench.server import running_server

    log = tmp_path / "server.log"
    env = {"INFERENCE_ENGINE": "onnxruntime", "CACHE_DIR": str(tmp_path / "cache")}
    with running_server({**env, "LOG_LEVEL": "info"}, log_path=log, timeout_s=120) as server:
        jpeg = test_jpegs()["224×224 JPEG"]
        files = {"file": ("x.jpg", jpeg, "image/jpeg")}
        reply = httpx.post(f"{server.base_url}/models/resnet18/predict", files=files, timeout=60)
        assert reply.status_code == 200
        assert reply.json()["engine"] == "eager"  # the session is being built meanwhile
    time.sleep(2.0)  # the resource tracker writes its warning as it exits, after the server
    text = log.read_text()
    assert "not built: the server is stopping" in text  # stopped during the export
    assert "Traceback" not in text
    assert "leaked semaphore" not in text
