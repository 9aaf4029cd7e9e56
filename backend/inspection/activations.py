"""Feature maps: what one layer outputs for an uploaded image, most active channels first.

A spatial layer (output (1, C, H, W)) gives one map per channel, ranked by mean activation;
each map comes as a grey PNG data URL at the layer's own resolution (the page scales it up
without smoothing) and/or as numbers. A flat layer (a Linear's (1, N)) gives its N values.
Blocking work: the HTTP layer runs it through the inference gate.
"""

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from PIL import Image
from pydantic import BaseModel
from torch import Tensor

from backend.errors import InvalidParameterError
from backend.i18n import bilingual
from backend.inspection.layer_capture import Capture, LayerChoice, find_layer, private_instance
from backend.serving.images import ImageLimits, to_data_url
from backend.serving.inference import model_input
from backend.serving.preprocess import to_preview
from backend.serving.runtime import ModelRuntime, require_classifier
from backend.zoo import ModelSpec

MapFormat = Literal["png", "grid", "both"]
MAX_GRID_VALUES = 250_000  # numbers in one answer (SimpleCNN conv1, 32×28×28: 25,088)


class ChannelMap(BaseModel):
    channel: int
    mean: float
    max: float
    min: float
    image: str | None = None  # PNG data URL, grey, scaled min→max of `scale`
    values: list[list[float]] | None = None


class FeatureMaps(BaseModel):
    model: str
    trained: bool
    layer: str
    type: str
    call: int
    calls: int
    output_shape: list[int]
    channels: int  # all channels (or features) of the layer
    spatial: list[int] | None  # [H, W]; None for a flat output
    scale: str  # "per_map" or "shared"
    shared_range: list[float] | None  # [min, max] over the maps shown, when shared
    maps: list[ChannelMap]
    values: list[float] | None  # flat layers: every value
    preview: str  # the input as the network sees it, PNG data URL
    timings_ms: dict[str, float] = {}


def _grey_png(plane: np.ndarray, lo: float, hi: float) -> str:
    span = hi - lo
    scaled = (plane - lo) / span if span > 0 else np.zeros_like(plane)
    pixels = (np.clip(scaled, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return to_data_url(Image.fromarray(pixels))  # uint8 (H, W): mode "L"


@dataclass(frozen=True)
class MapRequest:
    """A checked feature-map request: made where the parameters enter, before any upload is
    read, and run later on a worker thread (render_feature_maps)."""

    spec: ModelSpec
    choice: LayerChoice
    max_channels: int = 32
    fmt: MapFormat = "png"
    shared_scale: bool = False


def plan_feature_maps(
    spec: ModelSpec,
    layer: str,
    call: int = 1,
    max_channels: int = 32,
    fmt: MapFormat = "png",
    shared_scale: bool = False,
) -> MapRequest:
    """Every check of a feature-map request that needs no image, in one place."""
    require_classifier(spec)  # only classifiers have a preprocessing for an image
    choice = find_layer(spec, layer, call)
    if max_channels < 1:
        raise InvalidParameterError(
            bilingual("inspect.max_channels", value=max_channels), field="max_channels"
        )
    shape = choice.entry.output_shape  # the input is always the model's default size
    if fmt in ("grid", "both") and len(shape) == 4:
        count = min(max_channels, shape[1]) * shape[2] * shape[3]
        if count > MAX_GRID_VALUES:
            raise InvalidParameterError(
                bilingual(
                    "inspect.grid_too_big",
                    maps=min(max_channels, shape[1]),
                    side=f"{shape[2]}×{shape[3]}",
                    count=f"{count:,}",
                    max=f"{MAX_GRID_VALUES:,}",
                ),
                field="max_channels",
            )
    return MapRequest(spec, choice, max_channels, fmt, shared_scale)


def feature_maps(
    runtime: ModelRuntime,
    spec: ModelSpec,
    data: bytes,
    limits: ImageLimits,
    layer: str,
    call: int = 1,
    max_channels: int = 32,
    fmt: MapFormat = "png",
    shared_scale: bool = False,
) -> FeatureMaps:
    """Checks and runs at once (for callers in the same thread)."""
    plan = plan_feature_maps(spec, layer, call, max_channels, fmt, shared_scale)
    return render_feature_maps(runtime, plan, data, limits)


def render_feature_maps(
    runtime: ModelRuntime, plan: MapRequest, data: bytes, limits: ImageLimits
) -> FeatureMaps:
    spec, choice = plan.spec, plan.choice
    max_channels, fmt, shared_scale = plan.max_channels, plan.fmt, plan.shared_scale
    started = time.perf_counter()
    x = model_input(spec, data, limits)  # (C, H, W)
    loaded = runtime.get(spec.name)
    model = private_instance(loaded)
    prepared = time.perf_counter()
    with Capture(model, choice) as capture, torch.inference_mode():
        model(x[None].to(loaded.device))
    output = capture.output
    assert output is not None
    out = output.float().cpu()  # (1, C, H, W) or (1, N)
    computed = time.perf_counter()
    result = FeatureMaps(
        model=spec.name,
        trained=loaded.trained,
        layer=choice.name,
        type=choice.entry.type,
        call=choice.call,
        calls=choice.calls,
        output_shape=list(out.shape),
        channels=int(out.shape[1]),
        spatial=list(out.shape[2:]) if out.dim() == 4 else None,
        scale="shared" if shared_scale else "per_map",
        shared_range=None,
        maps=[],
        values=None,
        preview=to_data_url(to_preview(x, spec.dataset)),  # type: ignore[arg-type]
    )
    if out.dim() == 4:
        _fill_maps(result, out[0], max_channels, fmt, shared_scale)
    else:
        result.values = [round(float(v), 5) for v in out.reshape(-1)]
    finished = time.perf_counter()
    result.timings_ms = {
        "prepare": round((prepared - started) * 1e3, 3),
        "forward": round((computed - prepared) * 1e3, 3),
        "encode": round((finished - computed) * 1e3, 3),
    }
    return result


def _fill_maps(
    result: FeatureMaps, maps: Tensor, max_channels: int, fmt: MapFormat, shared: bool
) -> None:
    """Rank (C, H, W) channels by mean activation and render the first `max_channels`."""
    means = maps.mean(dim=(1, 2))
    order = torch.argsort(means, descending=True, stable=True)[:max_channels]
    shown = maps[order].numpy()  # (K, H, W)
    lo, hi = float(shown.min()), float(shown.max())
    if shared:
        result.shared_range = [round(lo, 5), round(hi, 5)]
    for rank, channel in enumerate(order.tolist()):
        plane = shown[rank]
        p_lo, p_hi = (lo, hi) if shared else (float(plane.min()), float(plane.max()))
        result.maps.append(
            ChannelMap(
                channel=channel,
                mean=round(float(means[channel]), 5),
                max=round(float(plane.max()), 5),
                min=round(float(plane.min()), 5),
                image=_grey_png(plane, p_lo, p_hi) if fmt in ("png", "both") else None,
                values=np.round(plane, 4).tolist() if fmt in ("grid", "both") else None,
            )
        )
