"""What the server holds for predictions, made once at start-up from the settings and released
at shutdown: checkpoints found, the model runtime, the inference gate, the upload limits."""

import logging
from dataclasses import dataclass

import torch

from backend.config import Settings, parse_engines
from backend.serving.batching import MicroBatcher
from backend.serving.decode_budget import DecodeBudget
from backend.serving.engines import EngineChoice, Engines, ExportOnnx, OnnxSessions
from backend.serving.images import ImageLimits
from backend.serving.runtime import InferenceGate, ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs, get_spec

log = logging.getLogger(__name__)


@dataclass
class ServingResources:
    weights: WeightStore
    runtime: ModelRuntime
    gate: InferenceGate
    limits: ImageLimits
    engines: Engines
    batcher: MicroBatcher
    torch_threads_before: int

    def close(self) -> None:
        self.engines.close()
        torch.set_num_threads(self.torch_threads_before)


def engines_for(
    settings: Settings,
    device: torch.device,
    runtime: ModelRuntime,
    export_onnx: ExportOnnx | None,
) -> Engines:
    default, per_model = parse_engines(settings.inference_engine)
    for name in per_model:
        get_spec(name)  # a typo in INFERENCE_ENGINE stops the start-up with the known names
    sessions = OnnxSessions(
        device,
        threads=settings.torch_threads,
        max_sessions=settings.max_loaded_models,
        weights_file=runtime.weights_file,
        export_onnx=export_onnx,
    )
    return Engines(EngineChoice(default, per_model), sessions)


def open_serving(
    settings: Settings, device: torch.device, export_onnx: ExportOnnx | None = None
) -> ServingResources:
    """Blocking (checkpoint validation reads file headers): call it from a worker thread."""
    threads_before = torch.get_num_threads()
    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    weights = WeightStore(settings.weights_dir)
    weights.scan(all_specs())
    runtime = ModelRuntime(
        weights,
        device,
        settings.max_loaded_models,
        channels_last=settings.channels_last_models,
        max_bytes=settings.model_memory_bytes,
        random_weights_dir=settings.cache_dir / "random-weights" if settings.cache_dir else None,
    )
    if weights.is_trained("simplecnn"):
        runtime.get("simplecnn")  # 1.7 MB: the first drawing is answered without a load
    log.info(
        "predictions: trained weights for %s; up to %d at once, %d waiting, %d torch thread(s), "
        "engine %s, batches of up to %d, %s forward(s) at once",
        ", ".join(n for n in (s.name for s in all_specs()) if weights.is_trained(n)) or "none",
        settings.inference_concurrency,
        settings.inference_queue_limit,
        torch.get_num_threads(),
        settings.inference_engine,
        settings.inference_batch_max,
        settings.inference_forwards or "any number of",
    )
    return ServingResources(
        weights=weights,
        runtime=runtime,
        gate=InferenceGate(settings.inference_concurrency, settings.inference_queue_limit),
        limits=ImageLimits(
            settings.max_upload_bytes,
            settings.max_image_pixels,
            max_decode_bytes=min(settings.max_decode_bytes, settings.decode_memory_bytes),
            budget=DecodeBudget(settings.decode_memory_bytes, settings.decode_wait_s),
        ),
        engines=engines_for(settings, device, runtime, export_onnx),
        batcher=MicroBatcher(
            settings.inference_batch_max,
            settings.inference_forwards,
            settings.inference_batch_window_ms / 1e3,
        ),
        torch_threads_before=threads_before,
    )
