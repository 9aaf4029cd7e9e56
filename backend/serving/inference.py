"""One prediction, start to finish: bytes -> image -> tensor -> ready model -> top-k classes,
each step timed. Blocking; the HTTP layer runs it through an `InferenceGate`."""

import io
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import torch
from PIL import Image
from torch import Tensor

from backend.errors import InvalidParameterError
from backend.i18n import bilingual
from backend.serving.batching import MicroBatcher
from backend.serving.engines import EAGER, ONNXRUNTIME, Engines, OnnxSessions, eager_logits
from backend.serving.images import ImageLimits, decode_image
from backend.serving.preprocess import Preprocess, draft_size_for, preprocess_for, to_preview
from backend.serving.runtime import LoadedModel, ModelRuntime, require_classifier
from backend.zoo import ModelSpec, get_spec
from backend.zoo.datasets import Dataset

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClassScore:
    index: int
    label: str
    probability: float


@dataclass
class Prediction:
    model: str
    trained: bool
    weights: str | None  # "user", "shipped", "run" or None (random weights)
    device: str
    predictions: list[ClassScore]
    input_shape: list[int]  # [1, C, H, W] as fed to the network
    engine: str = EAGER  # what ran the forward pass: "eager" (PyTorch) or "onnxruntime"
    batch_size: int = 1  # images in the forward that answered it (micro-batching)
    timings_ms: dict[str, float] = field(default_factory=dict)
    preview: Image.Image | None = None  # what the network sees, at model resolution


def check_top_k(spec: ModelSpec, top_k: int) -> None:
    require_classifier(spec)
    num_classes = spec.num_classes or 0
    if not 1 <= top_k <= num_classes:
        raise InvalidParameterError(
            bilingual("error.top_k", n=num_classes, model=spec.name, top_k=top_k), field="top_k"
        )


@lru_cache(maxsize=64)  # keyed by the whole Dataset: custom networks bring their own sizes
def _preprocess(dataset: Dataset) -> Preprocess:
    return preprocess_for(dataset)


def classify(
    loaded: LoadedModel, batch: Tensor, top_k: int, engines: Engines | None = None
) -> tuple[list[ClassScore], str]:
    """Top-k classes of the first item of `batch` (1, C, H, W), most probable first, and the
    engine that ran the forward pass (eager PyTorch when `engines` is None)."""
    logits, engine = batch_logits(loaded, batch, engines)  # (1, num_classes)
    return top_classes(loaded, logits[0], top_k), engine


def batch_logits(
    loaded: LoadedModel, batch: Tensor, engines: Engines | None = None
) -> tuple[Tensor, str]:
    if engines is None:
        return eager_logits(loaded, batch), EAGER
    return engines.logits(loaded, batch)


def top_classes(loaded: LoadedModel, logits: Tensor, top_k: int) -> list[ClassScore]:
    """The `top_k` classes of one image's logits (num_classes,), most probable first."""
    labels = loaded.spec.dataset.labels if loaded.spec.dataset else ()
    with torch.inference_mode():
        probabilities = logits.float().softmax(dim=0)
        values, indices = probabilities.topk(top_k)
    return [
        ClassScore(int(i), labels[int(i)], round(float(p), 6))
        for p, i in zip(values.cpu(), indices.cpu(), strict=True)
    ]


def model_input(
    spec: ModelSpec, data: bytes, limits: ImageLimits, timings_ms: dict[str, float] | None = None
) -> Tensor:
    """Upload bytes -> the (C, H, W) normalised tensor the model is fed: the one place an upload
    becomes a tensor, for predictions and for looking inside the model alike. When `timings_ms`
    is given, the decode and preprocess steps are recorded in it (ms)."""
    require_classifier(spec)  # only classifiers have a dataset, hence a preprocessing
    assert spec.dataset is not None
    start = time.perf_counter()
    image = decode_image(data, limits, draft_size=draft_size_for(spec.dataset))
    decoded = time.perf_counter()
    tensor = _preprocess(spec.dataset)(image)  # (C, H, W)
    if timings_ms is not None:
        timings_ms["decode"] = round((decoded - start) * 1e3, 3)
        timings_ms["preprocess"] = round((time.perf_counter() - decoded) * 1e3, 3)
    return tensor


def predict_image(
    runtime: ModelRuntime,
    spec: ModelSpec,
    data: bytes,
    limits: ImageLimits,
    top_k: int,
    want_preview: bool = False,
    engines: Engines | None = None,
    batcher: MicroBatcher | None = None,
) -> Prediction:
    """`top_k` is checked where it enters (check_top_k, before the body is read), not again.
    With `batcher`, the forward may be shared with other requests (serving/batching.py):
    `timings_ms.forward` is then the batch's, `batch_wait` the wait for it."""
    if batcher is None:
        return _predict(runtime, spec, data, limits, top_k, want_preview, engines)
    timings: dict[str, float] = {}
    with batcher.preparing(spec.name) as arrival:
        tensor = model_input(spec, data, limits, timings)  # NotAClassifierError for a block
        start = time.perf_counter()
        loaded = runtime.get(spec.name)
        timings["load"] = round((time.perf_counter() - start) * 1e3, 3)
        key = OnnxSessions.key(loaded, tuple(tensor.shape))  # same model, size and weights
        batched = batcher.run(
            key, spec.name, tensor, lambda b: batch_logits(loaded, b, engines), arrival
        )
    assert spec.dataset is not None
    timings["batch_wait"] = round(batched.waited_ms, 3)
    timings["forward"] = round(batched.forward_ms, 3)
    return Prediction(
        model=spec.name,
        trained=loaded.trained,
        weights=loaded.weights,
        device=str(loaded.device),
        predictions=top_classes(loaded, batched.logits, top_k),
        input_shape=[1, *tensor.shape],
        engine=batched.engine,
        batch_size=batched.batch_size,
        timings_ms=timings,
        preview=to_preview(tensor, spec.dataset) if want_preview else None,
    )


def _predict(
    runtime: ModelRuntime,
    spec: ModelSpec,
    data: bytes,
    limits: ImageLimits,
    top_k: int,
    want_preview: bool,
    engines: Engines | None,
) -> Prediction:
    """One request, one forward of its own."""
    timings: dict[str, float] = {}
    tensor = model_input(spec, data, limits, timings)  # NotAClassifierError for a block
    assert spec.dataset is not None
    start = time.perf_counter()
    loaded = runtime.get(spec.name)  # a dictionary look-up once the model is in memory
    loaded_at = time.perf_counter()
    batch = tensor[None]  # (1, C, H, W)
    scores, engine = classify(loaded, batch, top_k, engines)
    timings["load"] = round((loaded_at - start) * 1e3, 3)
    timings["forward"] = round((time.perf_counter() - loaded_at) * 1e3, 3)
    return Prediction(
        model=spec.name,
        trained=loaded.trained,
        weights=loaded.weights,
        device=str(loaded.device),
        predictions=scores,
        input_shape=list(batch.shape),
        engine=engine,
        timings_ms=timings,
        preview=to_preview(tensor, spec.dataset) if want_preview else None,
    )


def _warm_up_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").save(buffer, format="JPEG")  # 256×256
    return buffer.getvalue()


def warm_up(
    runtime: ModelRuntime, names: Iterable[str], engines: Engines | None = None
) -> dict[str, float]:
    """Loads each model and classifies a small JPEG with it, start to finish, so that its first
    request pays neither the load nor the first decode's and forward's set-up (Pillow's JPEG
    plugin, oneDNN's kernels: both are cached per process). Raises for unknown names and
    non-classifiers: a typo in WARM_MODELS stops the start-up with a clear message. With
    `engines`, a model on ONNX Runtime also has its session built before this returns. Returns
    the seconds spent per model."""
    jpeg = _warm_up_jpeg()
    limits = ImageLimits(max_bytes=len(jpeg), max_pixels=256 * 256)
    names = list(dict.fromkeys(names))
    if len(names) > runtime.max_loaded:
        log.warning(
            "warm-up: %d models asked for but max_loaded_models=%d keeps only the last %d",
            len(names), runtime.max_loaded, runtime.max_loaded,
        )  # fmt: skip
    spent = {}
    for name in names:
        start = time.perf_counter()
        spec = get_spec(name)
        predict_image(runtime, spec, jpeg, limits, top_k=1)
        if engines is not None and engines.choice.for_model(name) == ONNXRUNTIME:
            shape = tuple(model_input(spec, jpeg, limits).shape)
            engines.sessions.wait(runtime.get(name), shape)  # the ONNX Runtime session too
        spent[name] = time.perf_counter() - start
        log.info("warm-up: %s ready in %.2f s", name, spent[name])
    return spent
