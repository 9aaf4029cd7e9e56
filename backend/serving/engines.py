"""Which engine runs a prediction's forward pass: eager PyTorch or ONNX Runtime.

ONNX Runtime fuses and pre-packs the graph (Conv+ReLU, BatchNorm folded into the convolution,
weights laid out for its kernels once), which eager PyTorch does on every call or not at all;
bench/RESULTS.md has the measured difference. The answer is the same model: the ONNX graph is
exported from the very module the runtime loaded (its weights, its checkpoint), and the tests
check top-5 equal and probabilities within 1e-4 of eager for every classifier.

A session is made once per (model, input shape, weights) and kept while the model is in the
runtime (the same LRU bound, `max_loaded`). Making one costs an export (VGG16: several seconds
and ~3 GB; none after a restart when CACHE_DIR keeps the file, backend/exports/engine_cache.py),
so it never happens in a request: the first request for a key starts the build in
the engine's own background thread and is answered by eager PyTorch meanwhile
(`timings_ms.engine` says which ran); the next ones use the session once it is ready. A build
that fails is logged and the key stays on eager until the model is reloaded.

The graph is never traced in the server's process: torch.export keeps global state (torch.fx,
dynamo) that corrupted concurrent summaries when it ran beside them (issue 19). `export_onnx`,
given by the app, has the export worker process (backend/exports) write the file from the
model's weights file: its checkpoint, or the seeded random weights the runtime saved under
CACHE_DIR. A model with neither (no CACHE_DIR) stays on eager.

Only predictions use an engine: Grad-CAM and feature maps need PyTorch's hooks and gradients.
"""

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors
from torch import Tensor

from backend.errors import ShuttingDown
from backend.serving.runtime import LoadedModel
from backend.zoo import model_names

log = logging.getLogger(__name__)

# What ONNX Runtime raises for a file that is not a whole, valid model (truncated, overwritten):
# such a file is exported again; any other failure (out of memory...) leaves the file alone.
DAMAGED_FILE = (ort_errors.InvalidProtobuf, ort_errors.InvalidGraph, ort_errors.Fail)

EAGER = "eager"
ONNXRUNTIME = "onnxruntime"
ENGINES = (EAGER, ONNXRUNTIME)


def providers_for(device: torch.device) -> list[str]:
    """ONNX Runtime's execution providers matching DEVICE: CUDA first on a GPU (when this
    onnxruntime build has it), the CPU always last as the fallback."""
    available = ort.get_available_providers()
    if device.type == "cuda" and "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def make_session(model: Path, device: torch.device, threads: int) -> ort.InferenceSession:
    """A session over the ONNX file at `model`, read by ONNX Runtime itself (no copy of its
    bytes in Python: VGG16's file is 0.55 GB)."""
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:  # 0: ONNX Runtime's default (one per physical core)
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle intra-op threads spin by default, taking a core from the other forwards on a busy
    # server; they sleep instead.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # warnings about unused initialisers are not for users
    providers = providers_for(device)
    if providers[0] == "CUDAExecutionProvider":
        # TF32 off: with it, GPU convolutions round their inputs to 10 bits of mantissa and
        # the answers could leave the 1e-4 of eager on the CPU that the engines promise. (Never
        # run here: this machine has no GPU; a session that fails to build leaves eager on.)
        cuda = {"device_id": device.index or 0, "use_tf32": 0}
        return ort.InferenceSession(
            str(model), options, providers=[(providers[0], cuda), providers[1]]
        )
    return ort.InferenceSession(str(model), options, providers=providers)


@dataclass(frozen=True)
class OnnxSession:
    session: ort.InferenceSession
    input_name: str
    provider: str
    dynamic_batch: bool = False  # the graph takes any batch size (micro-batches), not only 1

    def __call__(self, batch: Tensor) -> Tensor:
        """Logits of a (N, C, H, W) float32 batch, as a CPU tensor."""
        array = np.ascontiguousarray(batch.detach().cpu().numpy(), dtype=np.float32)
        if not self.dynamic_batch and array.shape[0] != 1:  # a batch-1 graph: one at a time
            rows = [self.session.run(None, {self.input_name: a[None]})[0] for a in array]
            return torch.from_numpy(np.concatenate(rows))
        (logits,) = self.session.run(None, {self.input_name: array})
        return torch.from_numpy(logits)


# (model, input shape, weights file, its version) -> the ONNX file the export worker wrote.
ExportOnnx = Callable[[str, tuple[int, ...], Path, tuple[int, ...]], Path]


class EngineChoice:
    """Per model, the engine named by INFERENCE_ENGINE (see config.parse_engines)."""

    def __init__(self, default: str, per_model: Mapping[str, str]) -> None:
        self.default = default
        self.per_model = dict(per_model)

    def for_model(self, name: str) -> str:
        return self.per_model.get(name, self.default)

    def describe(self) -> str:
        overrides = ",".join(f"{k}={v}" for k, v in sorted(self.per_model.items()))
        return self.default + (f",{overrides}" if overrides else "")


class OnnxSessions:
    """ONNX Runtime sessions per (model, input shape, weights), built in the background."""

    def __init__(
        self,
        device: torch.device,
        threads: int,
        max_sessions: int,
        weights_file: Callable[[LoadedModel], tuple[Path, tuple[int, ...]] | None] | None = None,
        export_onnx: ExportOnnx | None = None,
    ) -> None:
        self.device = device
        self.weights_file = weights_file
        self.export_onnx = export_onnx
        self.threads = threads
        self.max_sessions = max(1, max_sessions)
        self._ready: OrderedDict[Hashable, OnnxSession] = OrderedDict()
        self._building: dict[Hashable, Future] = {}
        self._failed: set[Hashable] = set()
        self._lock = threading.Lock()
        # One build at a time, off the request threads (an export holds the weights ~5 times).
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onnx-build")

    @staticmethod
    def key(loaded: LoadedModel, shape: tuple[int, ...]) -> Hashable:
        # The checkpoint (path and stat) names the weights; without one they are the seeded
        # random weights, the same on every build.
        return (loaded.spec.name, tuple(shape), loaded.checkpoint)

    def get(
        self, loaded: LoadedModel, shape: tuple[int, ...], start: bool = True
    ) -> OnnxSession | None:
        """The ready session, or None (with `start`, a build is started if none is running
        and this key's has not failed)."""
        key = self.key(loaded, shape)
        with self._lock:
            hit = self._ready.get(key)
            if hit is not None:
                self._ready.move_to_end(key)
                return hit
            # One build at a time and none queued behind it: a queued build would hold its
            # model's weights until its turn. The next request for the key tries again.
            if not start or self._building or key in self._failed:
                return None
            self._building[key] = self._builder.submit(self._build, key, loaded, shape)
        return None

    def wait(self, loaded: LoadedModel, shape: tuple[int, ...]) -> OnnxSession:
        """Blocks until the session is ready (start-up warm-up, tests, benchmarks)."""
        key = self.key(loaded, shape)
        while (hit := self.get(loaded, shape)) is None:
            with self._lock:
                if key in self._failed:
                    raise RuntimeError(f"no ONNX Runtime session for {loaded.spec.name} {shape}")
                building = list(self._building.values())
            for future in building:  # this key's build, or the one it waits behind
                future.result()
        return hit

    def _build(self, key: Hashable, loaded: LoadedModel, shape: tuple[int, ...]) -> None:
        try:
            session = self._make(loaded, shape)
        except ShuttingDown:
            log.info("engines: ONNX Runtime session for %s %s not built: the server is stopping",
                     loaded.spec.name, shape)  # fmt: skip
            with self._lock:
                self._building.pop(key, None)
            return
        except Exception:
            log.exception("engines: ONNX Runtime session for %s %s failed; eager serves it",
                          loaded.spec.name, shape)  # fmt: skip
            with self._lock:
                self._building.pop(key, None)
                self._failed.add(key)
            return
        with self._lock:
            self._building.pop(key, None)
            self._ready[key] = session
            # Sessions of models the runtime dropped go with them: same bound as the runtime.
            while len(self._ready) > self.max_sessions:
                self._ready.popitem(last=False)

    def _make(self, loaded: LoadedModel, shape: tuple[int, ...]) -> OnnxSession:
        source = self.weights_file(loaded) if self.weights_file else None
        if source is None or self.export_onnx is None:
            raise RuntimeError("no weights file or export worker to build the graph from")
        path, version = source
        onnx_path = self.export_onnx(loaded.spec.name, (1, *shape), path, version)
        try:
            session = make_session(onnx_path, self.device, self.threads)
        except DAMAGED_FILE as exc:  # a file kept from an earlier start, damaged since: again
            log.warning("engines: ONNX Runtime cannot load %s (%s); exporting it again",
                        onnx_path, type(exc).__name__)  # fmt: skip
            onnx_path.unlink(missing_ok=True)
            onnx_path = self.export_onnx(loaded.spec.name, (1, *shape), path, version)
            session = make_session(onnx_path, self.device, self.threads)
        provider = session.get_providers()[0]
        log.info("engines: ONNX Runtime session for %s %s ready (%s, %.1f MB)",
                 loaded.spec.name, shape, provider, onnx_path.stat().st_size / 1e6)  # fmt: skip
        graph_input = session.get_inputs()[0]
        dynamic = not isinstance(graph_input.shape[0], int)  # a named axis ("batch"), not 1
        return OnnxSession(session, graph_input.name, provider, dynamic_batch=dynamic)

    def ready(self) -> dict[str, str]:
        """Per model with a ready session: "onnxruntime (<its execution provider>)"."""
        with self._lock:
            return {key[0]: f"{ONNXRUNTIME} ({s.provider})" for key, s in self._ready.items()}

    def forget_all(self) -> None:
        with self._lock:
            self._ready.clear()
            self._failed.clear()

    def close(self) -> None:
        self._builder.shutdown(wait=False, cancel_futures=True)


class Engines:
    """What predictions call: the forward pass of a loaded model on the engine chosen for it."""

    def __init__(self, choice: EngineChoice, sessions: OnnxSessions) -> None:
        self.choice = choice
        self.sessions = sessions
        # On a GPU without onnxruntime's CUDA provider, ONNX Runtime would run on the CPU:
        # slower than eager on the GPU, so eager it is.
        self.onnx_usable = providers_for(sessions.device)[0] != "CPUExecutionProvider" or (
            sessions.device.type == "cpu"
        )

    def logits(self, loaded: LoadedModel, batch: Tensor) -> tuple[Tensor, str]:
        """(logits, engine that ran) of a (N, C, H, W) batch. ONNX Runtime once its session
        for this model, input shape and weights is ready; eager PyTorch before that and for
        models set to eager."""
        # Zoo models only: every custom network (issue 13's names) would cost an export.
        zoo = loaded.spec.name in model_names()
        wanted = self.choice.for_model(loaded.spec.name) == ONNXRUNTIME and self.onnx_usable
        if not (zoo and wanted):
            return eager_logits(loaded, batch), EAGER
        shape = tuple(batch.shape[1:])
        session = self.sessions.get(loaded, shape, start=False)
        if session is not None:
            return session(batch), ONNXRUNTIME
        logits = eager_logits(loaded, batch)
        # The build starts after this forward, not during it: the two would share the cores.
        self.sessions.get(loaded, shape)
        return logits, EAGER

    def close(self) -> None:
        self.sessions.close()


def eager_logits(loaded: LoadedModel, batch: Tensor) -> Tensor:
    with torch.inference_mode():
        batch = batch.to(loaded.device)
        if loaded.channels_last:  # NHWC weights want NHWC inputs, or each conv converts
            batch = batch.contiguous(memory_format=torch.channels_last)
        return loaded.module(batch)
