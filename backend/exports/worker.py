"""What runs inside the export worker process: build, load or seed, export, write to disk.

Imported by the worker only (spawn start method): nothing here touches the server's state.
"""

import logging
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import torch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerResult:
    path: str
    size: int
    trained: bool
    seconds: float


def limit_memory(address_space_bytes: int, torch_threads: int) -> None:
    """Worker initializer: caps the process's address space (RLIMIT_AS), so a too-large export
    fails with MemoryError inside the worker instead of pushing the server's host into swap,
    and keeps torch to `torch_threads` threads so exports do not crowd out predictions."""
    if address_space_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (address_space_bytes, address_space_bytes))
    if torch_threads > 0:
        torch.set_num_threads(torch_threads)
    logging.basicConfig(level=logging.WARNING)


def export_onnx(
    name: str,
    input_shape: tuple[int, int, int, int],
    num_classes: int | None,
    checkpoint: str | None,
    out_path: str,
    dynamic_batch: bool = False,
) -> WorkerResult:
    """Writes the ONNX file of `name` at `input_shape` to `out_path` (atomically). Failures
    come back as MemoryError or RuntimeError: the domain errors' own constructors cannot be
    rebuilt from their pickled arguments, and a result the server cannot unpickle would break
    the whole pool. With `dynamic_batch`, the graph takes any batch size (the serving engine's
    micro-batches); downloads keep the exact shape asked for."""
    try:
        return _export_onnx(name, input_shape, num_classes, checkpoint, out_path, dynamic_batch)
    except MemoryError:
        raise
    except Exception as exc:
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None


def _export_onnx(
    name: str,
    input_shape: tuple[int, int, int, int],
    num_classes: int | None,
    checkpoint: str | None,
    out_path: str,
    dynamic_batch: bool = False,
) -> WorkerResult:
    import backend.architectures  # noqa: F401 - installs the resolver of custom network names
    from backend.analysis.seeded_init import initialise, materialise
    from backend.analysis.shapes import build_on_meta
    from backend.exports.onnx import EXPORT_SEED, onnx_bytes
    from backend.serving.weights import read_state_dict
    from backend.zoo import get_spec

    started = time.perf_counter()
    spec = get_spec(name)
    model = materialise(build_on_meta(spec, num_classes))  # CPU, not yet initialised
    trained = False
    if checkpoint is not None and num_classes is None:
        model.load_state_dict(read_state_dict(Path(checkpoint)), strict=True)
        trained = True
    if not trained:
        initialise(model, EXPORT_SEED)
    data = onnx_bytes(model, input_shape, dynamic_batch)
    del model
    partial = f"{out_path}.part-{os.getpid()}"
    with open(partial, "wb") as f:
        f.write(data)
    os.replace(partial, out_path)
    return WorkerResult(out_path, len(data), trained, time.perf_counter() - started)


def ping() -> int:
    """A no-op task: starts the worker (and its torch import) ahead of the first export."""
    return os.getpid()
