"""Running models: built lazily, kept in a bounded LRU, fed off the event loop a few at a time.

- `ModelRuntime.get(name)` returns the ready model (weights loaded, `eval()`, on the device),
  building it on first use. At most `max_loaded` models stay in memory (VGG16's weights alone
  are 0.55 GB); the least recently used is dropped first.
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

import asyncio
import dataclasses
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

import torch
from torch import nn

from backend.errors import ExplorerError, ModelUnavailableError, NotAClassifierError
from backend.i18n import bilingual
from backend.serving.weights import Checkpoint, CheckpointError, WeightStore, read_state_dict
from backend.zoo import ModelSpec, get_spec

log = logging.getLogger(__name__)
T = TypeVar("T")
RANDOM_INIT_SEED = 0  # untrained models get the same random weights on every start
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
        raise NotAClassifierError(
            f"{spec.name} is a building block with no classes, so it cannot classify an "
            "image; choose a classifier such as simplecnn, alexnet, vgg16 or resnet18.",
        )


class ModelRuntime:
    def __init__(
        self,
        weights: WeightStore,
        device: torch.device,
        max_loaded: int,
        failure_cooldown_s: float = FAILURE_COOLDOWN_S,
        channels_last: Collection[str] = (),
    ) -> None:
        self.weights = weights
        self.device = device
        self.max_loaded = max_loaded
        self.channels_last = frozenset(channels_last)  # model names run in NHWC (bench/)
        self.failure_cooldown_s = failure_cooldown_s
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
            max_loaded = self.max_loaded
            with self._cache_lock:
                self._cache[name] = loaded
                while len(self._cache) > max_loaded:
                    evicted, _ = self._cache.popitem(last=False)
                    log.info("runtime: unloaded %s (max_loaded_models=%d)", evicted, max_loaded)
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            return loaded

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
            loaded = self._build_trained(spec) or self._build_random(spec)
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
        """NHWC weights, checked with one real forward (the meta device does not propagate
        NHWC through 1-channel inputs, so it cannot tell). SimpleCNN's `view(-1, 3136)`, for
        one, needs contiguous tensors: such a model stays in the default layout."""
        module = loaded.module.to(memory_format=torch.channels_last)  # in place
        x = torch.zeros(1, *loaded.spec.default_input_shape, device=self.device)
        try:
            with torch.inference_mode():
                module(x.contiguous(memory_format=torch.channels_last))  # sets up its kernels too
        except RuntimeError as exc:
            if isinstance(exc, OUT_OF_MEMORY):
                raise
            log.warning(
                "runtime: %s cannot run in channels_last (%s); kept in the default layout",
                loaded.spec.name, str(exc).splitlines()[0],
            )  # fmt: skip
            module.to(memory_format=torch.contiguous_format)
            return loaded
        return dataclasses.replace(loaded, module=module, channels_last=True)

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
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(RANDOM_INIT_SEED)
            module = spec.build()
        module = module.to(self.device).eval()
        log.info("runtime: built %s with random weights on %s", spec.name, self.device)
        return LoadedModel(spec, module, self.device, False, None)


class InferenceGate:
    def __init__(self, concurrency: int, queue_limit: int) -> None:
        self.concurrency = concurrency
        self.queue_limit = queue_limit
        self._slots = asyncio.Semaphore(concurrency)
        self._waiting = 0
        self._running = 0

    async def run(self, fn: Callable[..., T], /, *args: object) -> T:
        """`fn(*args)` in a worker thread once a slot is free."""
        if self._slots.locked() and self._waiting >= self.queue_limit:
            raise ModelUnavailableError(
                bilingual("error.busy", running=self.concurrency, waiting=self._waiting),
                retry_after_s=1,
            )
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self._running += 1
        task = asyncio.ensure_future(asyncio.to_thread(call_with_memory_guard, fn, *args))
        # The slot is freed when the thread finishes, not when the request gives up waiting
        # (a client gone, a time limit): a cancelled request cannot oversubscribe the CPU.
        task.add_done_callback(self._release)
        return await asyncio.shield(task)

    def _release(self, task: asyncio.Future) -> None:
        self._running -= 1
        self._slots.release()
        if not task.cancelled():
            task.exception()  # retrieved here so an abandoned failure is not logged as lost

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def running(self) -> int:
        """Worker threads holding a slot (including those whose request has gone)."""
        return self._running


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
