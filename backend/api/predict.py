"""POST /models/{name}/predict: one image in (multipart `file`, JSON data URL, or a raw image
body; read by api/uploads.py), the top-k classes out."""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from backend.api.deps import GateDep, ImageLimitsDep, RuntimeDep, SettingsDep
from backend.api.schemas import NOT_FOUND, UPLOAD_ERRORS, error
from backend.api.uploads import IMAGE_BODY, read_image_bytes
from backend.serving.images import to_data_url
from backend.serving.inference import check_top_k, predict_image
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
    predictions: list[ClassProbability] = Field(description="Most probable first.")
    input_shape: list[int] = Field(description="[1, C, H, W] as fed to the network.")
    timings_ms: dict[str, float] = Field(
        description="read, queue, decode, preprocess, load, forward and total, in ms."
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
    top_k: Annotated[int, Query(ge=1, description="How many classes to return.")] = 5,
    preview: Annotated[
        bool, Query(description="Also return the preprocessed input as a PNG data URL.")
    ] = False,
) -> PredictResponse:
    started = time.perf_counter()
    spec = get_spec(name)
    check_top_k(spec, top_k)  # the one check, before reading a byte of the body
    data = await read_image_bytes(request, limits, settings.max_upload_bytes)
    read_done = time.perf_counter()
    result = await gate.run(predict_image, runtime, spec, data, limits, top_k, preview)
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
        predictions=[ClassProbability(**vars(s)) for s in result.predictions],
        input_shape=result.input_shape,
        timings_ms=timings,
    )
    if result.preview is not None:
        response.preview = to_data_url(result.preview)
    return response
