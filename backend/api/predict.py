"""POST /models/{name}/predict: one image in (multipart `file`, JSON data URL, or a raw image
body; read by api/uploads.py), the top-k classes out."""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from backend.api.deps import (
    BatcherDep,
    EnginesDep,
    GateDep,
    ImageLimitsDep,
    RuntimeDep,
    SettingsDep,
    WorkloadsDep,
)
from backend.api.schemas import NOT_FOUND, UPLOAD_ERRORS, error
from backend.api.uploads import IMAGE_BODY, read_image_bytes
from backend.serving.images import decode_cost, to_data_url
from backend.serving.inference import check_top_k, predict_image
from backend.serving.preprocess import draft_size_for
from backend.serving.runtime import GuardedLane
from backend.workloads import Lane
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["predictions"])


class ClassProbability(BaseModel):
    index: int = Field(description="Class index in the model's output.")
    label: str
    probability: float = Field(ge=0, le=1)


class PredictResponse(BaseModel):
    model: str
    trained: bool = Field(description="False: random weights, the classes mean nothing.")
    weights: str | None = Field(
        description='"user" (WEIGHTS_DIR), "shipped", "run" (a training run), or null.'
    )
    device: str
    engine: str = Field(
        description='What ran the forward pass (timings_ms.forward): "onnxruntime" or "eager" '
        "(PyTorch; also while a model's ONNX Runtime session is still being built)."
    )
    predictions: list[ClassProbability] = Field(description="Most probable first.")
    input_shape: list[int] = Field(description="[1, C, H, W] as fed to the network.")
    batch_size: int = Field(
        ge=1,
        description="Images in the forward pass that answered this request: requests for the "
        "same model that arrive together share one (micro-batching); 1 for a lone request.",
    )
    timings_ms: dict[str, float] = Field(
        description="read, queue, decode, preprocess, load, batch_wait (for the forward this "
        "request shared), forward (that forward's, for the whole batch) and total, in ms."
    )
    preview: str | None = Field(
        default=None,
        description="Only with preview=true: a PNG data URL of what the network sees.",
    )


_ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    **UPLOAD_ERRORS,
    422: error("Not an image, truncated, empty, bad top_k."),
    503: error("Too many predictions waiting."),
}


@router.post(
    "/{name}/predict",
    response_model=PredictResponse,
    response_model_exclude_unset=True,
    responses=_ERRORS,
    openapi_extra={"requestBody": IMAGE_BODY},
    summary="Classify one image",
)
async def predict(
    name: str,
    request: Request,
    settings: SettingsDep,
    limits: ImageLimitsDep,
    runtime: RuntimeDep,
    gate: GateDep,
    workloads: WorkloadsDep,
    engines: EnginesDep,
    batcher: BatcherDep,
    top_k: Annotated[int, Query(ge=1, description="How many classes to return.")] = 5,
    preview: Annotated[
        bool, Query(description="Also return the preprocessed input as a PNG data URL.")
    ] = False,
) -> PredictResponse:
    started = time.perf_counter()
    spec = get_spec(name)
    check_top_k(spec, top_k)  # the one check, before reading a byte of the body
    data = await read_image_bytes(request, limits, settings.max_upload_bytes, workloads)
    read_done = time.perf_counter()
    # An image that needs more than LARGE_IMAGE_BYTES to decode (header estimate) takes a lane
    # of its own: its seconds-long decode never holds a slot small images are waiting for.
    assert spec.dataset is not None  # check_top_k: a classifier
    draft = draft_size_for(spec.dataset)
    cost = await workloads.lane("bodies").run(decode_cost, data, draft)
    lane: Lane = gate
    if cost > settings.large_image_bytes:
        lane = workloads.lane("large_images", cls=GuardedLane)
    result = await lane.run(
        predict_image, runtime, spec, data, limits, top_k, preview, engines, batcher
    )
    finished = time.perf_counter()
    timings = {
        "read": round((read_done - started) * 1e3, 3),
        **result.timings_ms,
        "total": round((finished - started) * 1e3, 3),
    }
    # Whatever the worker did not account for, between reading and finishing, was waiting.
    work = sum(result.timings_ms.values())
    timings["queue"] = round(max(0.0, (finished - read_done) * 1e3 - work), 3)
    response = PredictResponse(
        model=result.model,
        trained=result.trained,
        weights=result.weights,
        device=result.device,
        engine=result.engine,
        predictions=[ClassProbability(**vars(s)) for s in result.predictions],
        input_shape=result.input_shape,
        batch_size=result.batch_size,
        timings_ms=timings,
    )
    if result.preview is not None:
        response.preview = to_data_url(result.preview)
    return response
