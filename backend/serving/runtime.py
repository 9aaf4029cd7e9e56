"""Running models: built lazily, kept in a bounded LRU, fed off the event loop a few at a time.

- `ModelRuntime.get(name)` returns the ready model (weights loaded, `eval()`, on the device),
  building it on first use. Models stay in memory while their weights fit in `max_bytes`
  (VGG16's alone are 0.55 GB, SimpleCNN's 1.7 MB) and they number at most `max_loaded`; the
  least recently used is dropped first. Models with shipped trained weights (SimpleCNN) are
  never dropped and count against neither limit: the page's first drawing always finds it.
- `InferenceGate.run(fn, ...)` runs blocking work in a worker thread with at most
  `concurrency` of them at once and at most `queue_limit` waiting; beyond that it refuses at
  once (503) rather than queueing without bound, as TorchServe, Triton and Ray Serve do.

Faults stay with the request and the model they belong to: a model that fails to build or load
answers 503 (`ModelUnavailableError`) for `failure_cooldown_s` without retrying, while the
others keep serving; running out of memory in a forward (CUDA or host) frees the CUDA cache
and answers 503 too, leaving the loaded models and the gate as they were.

Models returned by `get` are shared between requests: run them under `torch.inference_mode()`
and never attach hooks or change them; code that needs hooks (feature maps, Grad-CAM) should
work on `copy.deepcopy(loaded.module)` or hold its own instance.
"""

import dataclasses
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

from backend.errors import ExplorerError, ModelUnavailableError, NotAClassifierError
from backend.i18n import bilingual
from backend.serving.random_weights import RANDOM_INIT_SEED, RandomWeightFiles, in_channels_last
from backend.serving.weights import Checkpoint, CheckpointError, WeightStore, read_state_dict
from backend.workloads import Lane
from backend.zoo import ModelSpec, get_spec, model_names

log = logging.getLogger(__name__)
T = TypeVar("T")
# After a failed build, the same model answers 503 at once for this long instead of rebuilding
# under the build lock on every request (which would stall the builds of healthy models).
FAILURE_COOLDOWN_S = 10.0
OUT_OF_MEMORY = (torch.cuda.OutOfMemoryError, MemoryError)


@dataclass(frozen=True)
class LoadedModel:
    spec: ModelSpec
    module: nn.Module  # eval mode, on `device`; shared: do not modify
    device: torch.device
    trained: bool
    weights: str | None  # "user", "shipped", "run", or None for random weights
    channels_last: bool = False  # weights in NHWC: feed inputs in torch.channels_last too
    checkpoint: Checkpoint | None = None  # the file the weights came from, as validated


def require_classifier(spec: ModelSpec) -> None:
    if not spec.is_classifier:
        raise NotAClassifierError(bilingual("inspect.not_classifier", model=spec.name))


class ModelRuntime:
    def __init__(
        self,
        weights: WeightStore,
        device: torch.device,
        max_loaded: int,
        failure_cooldown_s: float = FAILURE_COOLDOWN_S,
        channels_last: Collection[str] = (),
        max_bytes: int | None = None,
        random_weights_dir: Path | None = None,
    ) -> None:
        self.weights = weights
        self.device = device
        self.max_loaded = max_loaded
        self.max_bytes = max_bytes  # weights and buffers of the droppable models; None: no cap
        self.channels_last = frozenset(channels_last)  # model names run in NHWC (bench/)
        self.failure_cooldown_s = failure_cooldown_s
        # Seeded random weights are made once per model and saved here; later builds map the
        # file into memory instead of initialising again (VGG16: ~1.3 s of a 1.55 s first
        # request). None: made every time.
        self.random_weights_dir = random_weights_dir
        self._random_files = (
            RandomWeightFiles(random_weights_dir, self.channels_last)
            if random_weights_dir
            else None
        )
        self._failures: dict[str, tuple[float, str]] = {}  # name -> (when, exception type)
        self._cache: OrderedDict[str, LoadedModel] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._build_lock = threading.Lock()  # one build at a time: bounds peak memory too

    def get(self, name: str) -> LoadedModel:
        """The ready model for `name` (raises for unknown names and non-classifiers)."""
        spec = get_spec(name)
        require_classifier(spec)
        hit = self._current(name)
        if hit is not None:
            return hit
        with self._build_lock:
            hit = self._current(name)  # built by another thread while this one waited
            if hit is not None:
                return hit
            self._refuse_if_failed_recently(spec.name)
            loaded = self._build(spec)
            self._failures.pop(spec.name, None)
            with self._cache_lock:
                self._cache[name] = loaded
                self._evict(keep=name)
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            return loaded

    def _evict(self, keep: str) -> None:
        """Drops the least recently used droppable models until the rest fit (the model just
        built stays even when it alone is over the byte budget). Holds `_cache_lock`."""
        while True:
            droppable = [n for n, m in self._cache.items() if not is_pinned(m)]
            held = sum(module_bytes(self._cache[n].module) for n in droppable)
            over_count = len(droppable) > self.max_loaded
            over_bytes = self.max_bytes is not None and held > self.max_bytes
            victims = [n for n in droppable if n != keep]
            if not (over_count or over_bytes) or not victims:
                return
            evicted = victims[0]
            del self._cache[evicted]
            log.info(
                "runtime: unloaded %s (%.0f MB of droppable weights, max %s; %d models, max %d)",
                evicted, held / 1e6,
                "none" if self.max_bytes is None else f"{self.max_bytes / 1e6:.0f} MB",
                len(droppable), self.max_loaded,
            )  # fmt: skip

    def held_bytes(self) -> int:
        """Bytes of weights and buffers of every model in memory."""
        with self._cache_lock:
            return sum(module_bytes(m.module) for m in self._cache.values())

    def _current(self, name: str) -> LoadedModel | None:
        """The cached model, unless its checkpoint was added, replaced or removed since it was
        built (a stat per call, see WeightStore.refresh): then it is dropped and rebuilt."""
        checkpoint = self.weights.checkpoint(name)
        hit = self._cached(name)
        if hit is None or hit.checkpoint == checkpoint:
            return hit
        with self._cache_lock:
            if self._cache.get(name) is hit:
                del self._cache[name]
        log.info("runtime: dropped %s: its checkpoint changed on disk", name)
        return None

    def _cached(self, name: str) -> LoadedModel | None:
        with self._cache_lock:
            hit = self._cache.get(name)
            if hit is not None:
                self._cache.move_to_end(name)
            return hit

    def loaded_names(self) -> list[str]:
        """Names in memory, least recently used first."""
        with self._cache_lock:
            return list(self._cache)

    def _refuse_if_failed_recently(self, name: str) -> None:
        failure = self._failures.get(name)
        if failure is None:
            return
        when, kind = failure
        left = self.failure_cooldown_s - (time.monotonic() - when)
        if left > 0:
            raise ModelUnavailableError(
                bilingual(
                    "error.load.cooling",
                    model=name,
                    device=self.device,
                    kind=kind,
                    left=f"{left:.0f}",
                ),
                model=name,
                retry_after_s=math.ceil(left),
            )

    def _build(self, spec: ModelSpec) -> LoadedModel:
        retry = math.ceil(self.failure_cooldown_s)
        try:
            loaded = self._build_trained(spec)
            if loaded is None:  # its layout is decided there, once per weights file
                return self._build_random(spec)
            return self._in_channels_last(loaded) if spec.name in self.channels_last else loaded
        except ExplorerError:
            raise
        except OUT_OF_MEMORY as exc:
            free_cuda_cache(self.device)
            self._failures[spec.name] = (time.monotonic(), type(exc).__name__)
            log.warning(
                "runtime: out of memory loading model=%s device=%s", spec.name, self.device,
                extra={"model": spec.name, "device": str(self.device)},
            )  # fmt: skip
            raise ModelUnavailableError(
                bilingual(
                    "error.load.memory",
                    model=spec.name,
                    device=self.device,
                    kind=type(exc).__name__,
                    retry=retry,
                ),
                model=spec.name,
                retry_after_s=retry,
            ) from exc
        except Exception as exc:  # a broken builder, a device error: this model only
            self._failures[spec.name] = (time.monotonic(), type(exc).__name__)
            log.error(
                "runtime: loading failed model=%s device=%s error=%s", spec.name, self.device,
                type(exc).__name__, exc_info=True,
                extra={"model": spec.name, "device": str(self.device)},
            )  # fmt: skip
            raise ModelUnavailableError(
                bilingual(
                    "error.load.failed",
                    model=spec.name,
                    device=self.device,
                    kind=type(exc).__name__,
                    retry=retry,
                ),
                model=spec.name,
                retry_after_s=retry,
            ) from exc

    def _in_channels_last(self, loaded: LoadedModel) -> LoadedModel:
        """`loaded` with NHWC weights when its forward can take them (see `_try_channels_last`)."""
        if not self._try_channels_last(loaded.spec, loaded.module):
            return loaded
        return dataclasses.replace(loaded, channels_last=True)

    def _try_channels_last(self, spec: ModelSpec, module: nn.Module) -> bool:
        """Turns `module`'s weights NHWC in place and checks them with one real forward (the
        meta device does not propagate NHWC through 1-channel inputs, so it cannot tell).
        SimpleCNN's `view(-1, 3136)`, for one, needs contiguous tensors: such a model is put
        back in the default layout and False returned. The forward costs as much as a
        request's: random weights pay it once, when their file is made (`_build_random`)."""
        module.to(memory_format=torch.channels_last)  # in place
        x = torch.zeros(1, *spec.default_input_shape, device=self.device)
        try:
            with torch.inference_mode():
                module(x.contiguous(memory_format=torch.channels_last))  # sets up its kernels too
        except RuntimeError as exc:
            if isinstance(exc, OUT_OF_MEMORY):
                raise
            log.warning(
                "runtime: %s cannot run in channels_last (%s); kept in the default layout",
                spec.name, str(exc).splitlines()[0],
            )  # fmt: skip
            module.to(memory_format=torch.contiguous_format)
            return False
        return True

    def _build_trained(self, spec: ModelSpec) -> LoadedModel | None:
        checkpoint = self.weights.checkpoint(spec.name)
        if checkpoint is None:
            return None
        try:
            state = read_state_dict(checkpoint.path)  # memory-mapped, not copied
            with torch.device("meta"):
                module = spec.build()  # no random init: every tensor comes from the file
            module.load_state_dict(state, strict=True, assign=True)
        except (CheckpointError, RuntimeError) as exc:
            self.weights.forget(spec.name, str(exc).splitlines()[0])
            return None
        module = module.float().to(self.device).eval()
        log.info("runtime: loaded %s from %s on %s", spec.name, checkpoint.path, self.device)
        return LoadedModel(
            spec, module, self.device, True, checkpoint.source, checkpoint=checkpoint
        )

    def _build_random(self, spec: ModelSpec) -> LoadedModel:
        """Seeded random weights, mapped from their file when there is one. A model in
        `channels_last` has its weights saved NHWC once its forward was checked in that layout
        (or contiguous when it failed): later builds take the layout from the file, without
        the conversion's copy and the check's forward (VGG16: a whole request's worth)."""
        # Zoo models only: custom networks (issue 13) are unbounded in number, and each file
        # would stay on disk.
        files = self._random_files if spec.name in model_names() else None
        start = time.perf_counter()
        module = files.load(spec) if files else None
        mapped = module is not None
        if module is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(RANDOM_INIT_SEED)
                module = spec.build()
            module = module.to(self.device).eval()
            if spec.name in self.channels_last:
                self._try_channels_last(spec, module)
            if files:
                files.save(spec, module)
        else:
            module = module.to(self.device).eval()
        nhwc = spec.name in self.channels_last and in_channels_last(module)
        log.info(
            "runtime: built %s with random weights on %s in %.0f ms (%s, %s)", spec.name,
            self.device, (time.perf_counter() - start) * 1e3,
            "memory-mapped from their file" if mapped else "initialised",
            "NHWC" if nhwc else "default layout",
        )  # fmt: skip
        return LoadedModel(spec, module, self.device, False, None, channels_last=nhwc)

    def weights_file(self, loaded: LoadedModel) -> tuple[Path, tuple[int, ...]] | None:
        """The file `loaded`'s weights came from, and its version (its stat): the checkpoint,
        or the seeded random weights saved under CACHE_DIR; None when there is no such file."""
        if loaded.checkpoint is not None:
            return loaded.checkpoint.path, tuple(loaded.checkpoint.stamp)
        if self.random_weights_dir is None or loaded.spec.name not in model_names():
            return None
        path = self.random_weights_path(loaded.spec)
        if not path.is_file():
            return None
        stat = path.stat()
        return path, (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def random_weights_path(self, spec: ModelSpec) -> Path:
        """The file of `spec`'s seeded random weights (see RandomWeightFiles.path)."""
        assert self._random_files is not None
        return self._random_files.path(spec)


def is_pinned(loaded: LoadedModel) -> bool:
    """Shipped trained weights (SimpleCNN, 1.7 MB) stay loaded whatever else comes and goes."""
    return loaded.weights == "shipped"


def module_bytes(module: nn.Module) -> int:
    tensors = [*module.parameters(), *module.buffers()]
    return sum(t.numel() * t.element_size() for t in tensors)


class GuardedLane(Lane):
    """A lane whose jobs run models: out of memory in one is a 503 for that request alone."""

    def call(self, fn: Callable[..., T], /, *args: object) -> T:
        return call_with_memory_guard(fn, *args)


class InferenceGate(GuardedLane):
    """Predictions: a lane of their own (backend/workloads.py). Feature maps and Grad-CAM,
    several times a prediction's work, have another ("inspection"), so a flood of them
    cannot make predictions wait."""

    busy_error = ModelUnavailableError

    def __init__(self, concurrency: int, queue_limit: int) -> None:
        super().__init__("inference", concurrency, queue_limit, noun="predictions")

    def busy_detail(self) -> str | dict[str, str]:
        return bilingual("error.busy", running=self.concurrency, waiting=self._waiting)


def free_cuda_cache(device: torch.device) -> None:
    if device.type == "cuda" and torch.cuda.is_initialized():
        torch.cuda.empty_cache()


def call_with_memory_guard(fn: Callable[..., T], /, *args: object) -> T:
    """`fn(*args)`, with running out of memory turned into a 503 for this request alone.

    The CUDA caching allocator keeps what the failed forward had reserved; it is emptied here,
    in the worker, before the gate's slot is released, so the next request starts clean.
    Models are read-only during a forward, so the cached ones stay valid.
    """
    try:
        return fn(*args)
    except OUT_OF_MEMORY as exc:
        on_cuda = isinstance(exc, torch.cuda.OutOfMemoryError)
        if on_cuda and torch.cuda.is_initialized():
            torch.cuda.empty_cache()
        where = "GPU" if on_cuda else "server"
        log.warning(
            "inference: out of memory on the %s (%s); request refused with 503", where,
            type(exc).__name__, extra={"error": type(exc).__name__},
        )  # fmt: skip
        raise ModelUnavailableError(
            bilingual(f"error.inference.memory_{'gpu' if on_cuda else 'server'}"),
            retry_after_s=1,
        ) from exc
