"""What the server holds for predictions, made once at start-up from the settings and released
at shutdown: checkpoints found, the model runtime, the inference gate, the upload limits."""

import logging
from dataclasses import dataclass

import torch

from backend.config import Settings
from backend.serving.decode_budget import DecodeBudget
from backend.serving.images import ImageLimits
from backend.serving.runtime import InferenceGate, ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs

log = logging.getLogger(__name__)


@dataclass
class ServingResources:
    weights: WeightStore
    runtime: ModelRuntime
    gate: InferenceGate
    limits: ImageLimits
    torch_threads_before: int

    def close(self) -> None:
        torch.set_num_threads(self.torch_threads_before)


def open_serving(settings: Settings, device: torch.device) -> ServingResources:
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
    )
    if weights.is_trained("simplecnn"):
        runtime.get("simplecnn")  # 1.7 MB: the first drawing is answered without a load
    log.info(
        "predictions: trained weights for %s; up to %d at once, %d waiting, %d torch thread(s)",
        ", ".join(n for n in (s.name for s in all_specs()) if weights.is_trained(n)) or "none",
        settings.inference_concurrency,
        settings.inference_queue_limit,
        torch.get_num_threads(),
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
        torch_threads_before=threads_before,
    )
