"""A model as ONNX for one input size.

ONNX goes through torch's `torch.export`-based exporter (`dynamo=True`, the default since
torch 2.9; the TorchScript exporter is deprecated). It traces with fake tensors, so its cost
does not grow with the input size — the old exporter ran a real forward pass, which at a few
thousand pixels would need gigabytes of activations. It still holds the weights several times
over (VGG16: ~3 GB peak for a 553 MB file), so exports run one at a time and a request waits
at most `wait_s` for its turn before it is told to come back (ExportBusyError → 503). Small
files are kept in a byte-bounded LRU, since a model and size always give the same file.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from torch import nn

from backend.analysis.seeded_init import initialise, materialise
from backend.analysis.shapes import build_on_meta
from backend.errors import ExportBusyError
from backend.i18n import bilingual
from backend.serving.onnx_graph import onnx_bytes
from backend.serving.weights import WeightStore, read_state_dict
from backend.zoo.registry import ModelSpec

log = logging.getLogger(__name__)

EXPORT_SEED = 0  # random weights, when the model has no checkpoint, are the same every time


@dataclass(frozen=True)
class OnnxExport:
    data: bytes
    filename: str
    input_shape: tuple[int, int, int, int]
    trained: bool
    seconds: float  # time spent exporting (0 when served from the cache)


def onnx_filename(spec: ModelSpec, input_shape: tuple[int, ...], num_classes: int | None) -> str:
    _, c, h, w = input_shape
    classes = f"_{num_classes}classes" if num_classes else ""
    return f"{spec.name}_{c}x{h}x{w}{classes}.onnx"


WeightsLoader = Callable[[ModelSpec, nn.Module], bool]  # loads a checkpoint; True if it did


def checkpoint_loader(weights: WeightStore) -> WeightsLoader:
    """Loads the checkpoint the server found for a model: the weights predictions use."""

    def load(spec: ModelSpec, model: nn.Module) -> bool:
        checkpoint = weights.checkpoint(spec.name)
        if checkpoint is None:
            return False
        model.load_state_dict(read_state_dict(checkpoint.path), strict=True)
        return True

    return load


class ExportService:
    """ONNX exports, one at a time, with an LRU of small results."""

    def __init__(
        self,
        wait_s: float = 30.0,
        cache_bytes: int = 128 * 1024 * 1024,
        max_cached_file: int = 64 * 1024 * 1024,
    ) -> None:
        self.wait_s = wait_s
        self.cache_bytes = cache_bytes
        self.max_cached_file = max_cached_file
        self._turn = threading.Lock()  # one export at a time (memory, not correctness)
        self._cache: OrderedDict[tuple, OnnxExport] = OrderedDict()
        self._cache_lock = threading.Lock()

    def onnx(
        self,
        spec: ModelSpec,
        input_shape: tuple[int, int, int, int],
        num_classes: int | None,
        load_weights: WeightsLoader | None = None,
        weights_version: Hashable = None,
    ) -> OnnxExport:
        """The model's ONNX file; the caller has checked that it accepts `input_shape`.
        `weights_version` names the checkpoint `load_weights` would load (a cached file made
        from other weights, before a checkpoint was added or replaced, is not reused)."""
        key = (spec.name, input_shape, num_classes, load_weights is not None, weights_version)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if not self._turn.acquire(timeout=self.wait_s):
            raise ExportBusyError(bilingual("error.export_busy", seconds=f"{self.wait_s:g}"))
        try:
            cached = self._cached(key)  # exported by the request we waited for?
            if cached is not None:
                return cached
            started = time.perf_counter()
            model = materialise(build_on_meta(spec, num_classes))  # CPU, not yet initialised
            trained = bool(load_weights and num_classes is None and load_weights(spec, model))
            if not trained:
                initialise(model, EXPORT_SEED)
            data = onnx_bytes(model, input_shape)
            del model
            seconds = time.perf_counter() - started
        finally:
            self._turn.release()
        log.info(
            "exported %s %s to ONNX: %.1f MB in %.1f s",
            spec.name,
            input_shape,
            len(data) / 1e6,
            seconds,
        )
        result = OnnxExport(
            data, onnx_filename(spec, input_shape, num_classes), input_shape, trained, seconds
        )
        self._store(key, result)
        return result

    def _cached(self, key: tuple) -> OnnxExport | None:
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is None:
                return None
            self._cache.move_to_end(key)
            return OnnxExport(hit.data, hit.filename, hit.input_shape, hit.trained, 0.0)

    def _store(self, key: tuple, result: OnnxExport) -> None:
        if len(result.data) > self.max_cached_file:
            return
        with self._cache_lock:
            self._cache[key] = result
            while sum(len(r.data) for r in self._cache.values()) > self.cache_bytes:
                self._cache.popitem(last=False)
