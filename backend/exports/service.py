"""ONNX exports from the server's side: refused before any work when the file would be too
large, run in a worker process with its own memory limit, kept on disk (byte-bounded LRU).

Blocking: call `ExportPool.export` from the "exports" lane (backend/workloads.py), which
bounds how many wait. The file's size is ~4 bytes per parameter (float32 weights, a few KB of
graph), so the summary's parameter count decides before a worker is asked: VGG19 with
100,000 classes would be 2.2 GB, past protobuf's 2 GB limit for one message.
"""

import logging
import multiprocessing
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from backend.errors import InvalidParameterError, ServerBusyError, ShuttingDown
from backend.exports import worker
from backend.exports.engine_cache import EngineOnnxCache
from backend.i18n import bilingual
from backend.serving.decode_budget import human_bytes

log = logging.getLogger(__name__)

PROTOBUF_LIMIT_BYTES = 2**31 - 1  # protobuf cannot serialise one message past 2 GB
GRAPH_OVERHEAD_BYTES = 1 << 20  # names, shapes and nodes beside the weights (ResNet-18: ~60 KB)
_ALLOCATION_FAILURES = ("can't allocate memory", "DefaultCPUAllocator", "std::bad_alloc")


def estimated_onnx_bytes(params: int) -> int:
    return 4 * params + GRAPH_OVERHEAD_BYTES


def check_export_size(model: str, params: int, num_classes: int | None, cap_bytes: int) -> None:
    """Refuses (422) an export whose file would pass `cap_bytes` or protobuf's 2 GB."""
    limit = min(cap_bytes, PROTOBUF_LIMIT_BYTES)
    size = estimated_onnx_bytes(params)
    if size <= limit:
        return
    named = (
        bilingual("export.with_classes", model=model, classes=f"{num_classes:,}")
        if num_classes
        else model
    )
    raise InvalidParameterError(
        bilingual(
            "export.too_big.cap" if limit == cap_bytes else "export.too_big.protobuf",
            model=named,
            size=human_bytes(size),
            params=f"{params:,}",
            limit=human_bytes(limit),
        ),
        parameter="num_classes" if num_classes else "name",
        estimated_bytes=size,
        max_export_bytes=limit,
    )


@dataclass(frozen=True)
class ExportJob:
    name: str
    input_shape: tuple[int, int, int, int]
    num_classes: int | None
    checkpoint: Path | None  # the trained weights to export, if the model has some
    version: tuple[int, ...] = ()  # the checkpoint's stat: a replaced file is a new export
    dynamic_batch: bool = False  # any batch size (the serving engine's), not input_shape's

    @property
    def filename(self) -> str:
        _, c, h, w = self.input_shape
        classes = f"_{self.num_classes}classes" if self.num_classes else ""
        return f"{self.name}_{c}x{h}x{w}{classes}.onnx"

    @property
    def key(self) -> str:
        if self.checkpoint and not self.num_classes:
            weights = "trained" + "".join(f"-{v}" for v in self.version)
        else:
            weights = "seeded"
        batch = "_dynamic-batch" if self.dynamic_batch else ""
        return f"{self.filename[: -len('.onnx')]}_{weights}{batch}.onnx"


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str  # what the client saves it as
    size: int
    trained: bool
    seconds: float  # spent exporting; 0 when it came from the disk cache


CLOSE_GRACE_S = 5.0  # an idle worker leaves in well under a second


class ExportPoolClosed(ShuttingDown):
    """An export asked for, or cut short, after `close()`."""


class ExportPool:
    """A worker process (spawned, never forked from the server) that exports one model at a
    time under an address-space limit, and the files it wrote: downloads in a fresh folder
    (byte-bounded LRU, removed on close), the engine's files in `engine_dir` when given (kept
    across restarts, see engine_cache.py) or with the downloads when not."""

    def __init__(
        self,
        directory: Path | None = None,
        memory_bytes: int = 10 << 30,  # EXPORT_MEMORY_BYTES's default: VGG19 needs > 6 GiB
        disk_bytes: int = 2 << 30,
        timeout_s: float = 300.0,
        torch_threads: int = 1,
        engine_dir: Path | None = None,
    ) -> None:
        self.memory_bytes = memory_bytes
        self.disk_bytes = disk_bytes
        self.timeout_s = timeout_s
        self.torch_threads = torch_threads
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self.directory = Path(tempfile.mkdtemp(prefix="onnx-exports-", dir=directory))
        self.engine_cache = _engine_cache(engine_dir)
        self._files: OrderedDict[str, ExportFile] = OrderedDict()
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        self._exporting = 0  # exports submitted and not yet answered

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:  # shutting down: an engine build still running must not spawn one
                raise ExportPoolClosed("the export worker is closed: the server is stopping")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=worker.limit_memory,
                    initargs=(self.memory_bytes, self.torch_threads),
                    max_tasks_per_child=32,  # a fresh process now and then: no slow growth
                )
            return self._executor

    def start(self) -> Future:
        """Starts the worker now (its torch import takes seconds) instead of at the first
        export; returns the future of a no-op task."""
        return self._pool().submit(worker.ping)

    def cached(self, job: ExportJob) -> ExportFile | None:
        with self._lock:
            hit = self._files.get(job.key)
            if hit is None or not hit.path.exists():
                return None
            self._files.move_to_end(job.key)
            return ExportFile(hit.path, hit.filename, hit.size, hit.trained, 0.0)

    def export(self, job: ExportJob) -> ExportFile:
        """The job's file on disk, exported by the worker unless it is cached. Raises
        `ServerBusyError` (503) when the worker runs out of memory or time, or dies."""
        kept = self._kept_path(job)
        if kept is not None and kept.is_file():  # written by this or an earlier start
            return ExportFile(
                kept, job.filename, kept.stat().st_size, job.checkpoint is not None, 0.0
            )
        hit = self.cached(job)
        if hit is not None:
            return hit
        out = kept or self.directory / job.key
        checkpoint = str(job.checkpoint) if job.checkpoint else None
        args = (job.name, job.input_shape, job.num_classes, checkpoint, str(out), job.dynamic_batch)
        try:
            result = self._run(args, kept)
        except FutureTimeout:
            self._restart("took longer than the export time limit")
            raise ServerBusyError(
                bilingual("export.timeout", file=job.filename, seconds=f"{self.timeout_s:g}"),
                retry_after_s=10,
                workload="exports",
            ) from None
        except (BrokenProcessPool, CancelledError) as exc:
            if self._closed:  # killed or dropped by close(), not by its memory limit
                raise ExportPoolClosed(f"{job.filename}: the server stopped during it") from None
            if isinstance(exc, CancelledError):
                raise
            self._restart("stopped unexpectedly")
            raise self._out_of_memory(job) from None
        except MemoryError:
            raise self._out_of_memory(job) from None
        except RuntimeError as exc:
            if any(s in str(exc) for s in _ALLOCATION_FAILURES):
                raise self._out_of_memory(job) from None
            raise
        log.info(
            "exported %s: %.1f MB in %.1f s (worker process)",
            job.filename, result.size / 1e6, result.seconds,
        )  # fmt: skip
        file = ExportFile(
            Path(result.path), job.filename, result.size, result.trained, result.seconds
        )
        if kept is not None and self.engine_cache is not None:
            self.engine_cache.remove_older(kept)  # bounded: one file per model and shape
        else:
            self._keep(job.key, file)
        return file

    def _run(self, args: tuple[object, ...], kept: Path | None) -> worker.WorkerResult:
        with self._lock:
            self._exporting += 1
        try:
            future = self._pool().submit(worker.export_onnx, *args)
            return future.result(timeout=self.timeout_s)
        except BaseException:
            if kept is not None and self.engine_cache is not None:
                self.engine_cache.remove_partials(kept)
            raise
        finally:
            with self._lock:
                self._exporting -= 1

    def _kept_path(self, job: ExportJob) -> Path | None:
        """Where the engine's file of `job` is kept across restarts; None for downloads
        (per request: the LRU) and without `engine_dir`."""
        if self.engine_cache is None or not job.dynamic_batch or job.checkpoint is None:
            return None
        if job.num_classes is not None:
            return None
        return self.engine_cache.path(job.name, job.input_shape, job.checkpoint, job.version)

    def onnx_file(
        self, name: str, input_shape: tuple[int, ...], weights: Path, version: tuple[int, ...]
    ) -> Path:
        """The ONNX file of `name` with the weights in `weights` (a state dict file: a
        checkpoint, or the seeded random weights the runtime saved), exported by the worker:
        what the ONNX Runtime engine (serving/engines.py) builds its sessions from. Its batch
        axis is dynamic: micro-batches (serving/batching.py) of any size run on one session."""
        n, c, h, w = input_shape
        job = ExportJob(name, (n, c, h, w), None, weights, version, dynamic_batch=True)
        return self.export(job).path

    def _out_of_memory(self, job: ExportJob) -> ServerBusyError:
        log.warning("export of %s ran out of the worker's memory", job.filename)
        return ServerBusyError(
            bilingual("export.memory", file=job.filename, limit=human_bytes(self.memory_bytes)),
            retry_after_s=10,
            workload="exports",
        )

    def _keep(self, key: str, file: ExportFile) -> None:
        """Remembers the file; drops the least recently used ones past `disk_bytes`. A file
        being streamed stays readable after its name is removed (the stream holds it open)."""
        with self._lock:
            self._files[key] = file
            self._files.move_to_end(key)
            while (
                len(self._files) > 1 and sum(f.size for f in self._files.values()) > self.disk_bytes
            ):
                _, old = self._files.popitem(last=False)
                old.path.unlink(missing_ok=True)

    def _restart(self, why: str) -> None:
        log.warning("export worker %s; starting a new one", why)
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
            idle = self._exporting == 0  # an export would not end within the grace anyway
        if executor is not None:
            _stop(executor, grace_s=CLOSE_GRACE_S if idle else 0.0)
        shutil.rmtree(self.directory, ignore_errors=True)


def _engine_cache(directory: Path | None) -> EngineOnnxCache | None:
    if directory is None:
        return None
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a read-only cache costs each start its exports, nothing else
        log.warning("exports: cannot keep the engine's ONNX files in %s (%s)", directory, exc)
        return None
    return EngineOnnxCache(directory)


def _stop(executor: ProcessPoolExecutor, grace_s: float = 0.0) -> None:
    """Stops the worker: at once, or, with `grace_s`, after letting an idle one leave by itself
    for up to that long. A worker that leaves releases what it holds; a killed one leaves its
    semaphores to the resource tracker, which warns about them when the server exits. An
    export cannot be interrupted: one still running after the grace is killed."""
    # The executor's own table of its workers, kept before shutdown() drops it: a submit under
    # way (which shutdown waits out, and after which no submit is taken) adds its worker there.
    by_pid = getattr(executor, "_processes", None)
    executor.shutdown(wait=False, cancel_futures=True)
    processes = list(by_pid.values()) if by_pid is not None else []
    deadline = time.monotonic() + grace_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
    # The executor's thread sees the worker gone and closes its queues: their semaphores are
    # then released here, not left for the resource tracker to warn about at exit.
    for thread in threading.enumerate():
        owner = getattr(thread, "executor_reference", None)
        if owner is not None and owner() is executor:
            thread.join(timeout=5.0)
