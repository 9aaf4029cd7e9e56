"""POST /models/{name}/predict: one image in (multipart `file`, JSON data URL, or a raw image
body), the top-k classes out.

The body is read here, not by FastAPI, so that its size is counted while it arrives and a body
over MAX_UPLOAD_BYTES is refused (413) without ever being buffered whole.
"""

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException  # Request.form() raises Starlette's own

from backend.api.schemas import ErrorResponse
from backend.errors import (
    ImageTooLargeError,
    InvalidParameterError,
    UnsupportedFormatError,
)
from backend.serving.images import ACCEPTED, ImageLimits, decode_cost, to_data_url
from backend.serving.inference import check_top_k, predict_image
from backend.serving.json_bodies import image_from_json
from backend.serving.preprocess import draft_size_for
from backend.serving.runtime import GuardedLane, ModelRuntime
from backend.workloads import Lane
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["predictions"])

MULTIPART_OVERHEAD = 64 * 1024  # part headers and boundaries around the file itself
HOW_TO_SEND = (
    "send multipart/form-data with the image in a field named 'file', JSON "
    '{"image": "data:image/png;base64,..."}, or the image itself as the body'
)


class ClassProbability(BaseModel):
    index: int = Field(description="Class index in the model's output.")
    label: str
    probability: float = Field(ge=0, le=1)


class PredictResponse(BaseModel):
    model: str
    trained: bool = Field(description="False: random weights, the classes mean nothing.")
    weights: str | None = Field(description='"user" (WEIGHTS_DIR), "shipped", or null.')
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


class PredictJSON(BaseModel):
    image: str = Field(description="A data URL, e.g. data:image/png;base64,iVBOR...")


# The image body that predict, feature_maps and gradcam all take.
IMAGE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "application/json": {"schema": PredictJSON.model_json_schema()},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Unknown model name."},
    413: {"model": ErrorResponse, "description": "Body or image too large (bytes or pixels)."},
    415: {"model": ErrorResponse, "description": "A format outside the allow-list."},
    422: {"model": ErrorResponse, "description": "Not an image, truncated, empty, bad top_k."},
    503: {"model": ErrorResponse, "description": "Too many predictions waiting."},
}


def _too_large(limit: int) -> ImageTooLargeError:
    return ImageTooLargeError(
        f"The request body is larger than the {limit / (1 << 20):.3g} MiB accepted; send a "
        f"smaller {ACCEPTED} image.",
        max_bytes=limit,
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) as soon as it is known to pass `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


async def _file_from_multipart(request: Request, body: bytes) -> bytes:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(
            max_files=1, max_fields=8, max_part_size=MULTIPART_OVERHEAD
        )
    except HTTPException as exc:  # python-multipart's refusals (too many parts, bad framing)
        raise InvalidParameterError(
            f"The multipart body could not be parsed ({exc.detail}); {HOW_TO_SEND}."
        ) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            found = ", ".join(repr(k) for k in form) or "none"
            raise InvalidParameterError(
                f"The multipart body has no file field named 'file' (fields: {found}); "
                f"{HOW_TO_SEND}.",
                parameter="file",
            )
        return await upload.read()
    finally:
        await form.close()


async def read_image_bytes(request: Request, limits: ImageLimits, body_limit: int) -> bytes:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        return await _file_from_multipart(request, await read_body(request, body_limit))
    if media_type == "application/json" or media_type.endswith("+json"):
        body = await read_body(request, body_limit)
        # Parsing and base64 of up to 16 MB (whitespace included) is work: never on the loop.
        return await request.app.state.workloads.lane("bodies").run(image_from_json, body, limits)
    if media_type.startswith("image/") or media_type in ("application/octet-stream", ""):
        return await read_body(request, body_limit)  # the bytes themselves decide the format
    raise UnsupportedFormatError(
        f"Request bodies of type {media_type!r} are not accepted; {HOW_TO_SEND}.",
        content_type=media_type,
    )


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
    top_k: Annotated[int, Query(ge=1, description="How many classes to return.")] = 5,
    preview: Annotated[
        bool, Query(description="Also return the preprocessed input as a PNG data URL.")
    ] = False,
) -> PredictResponse:
    started = time.perf_counter()
    spec = get_spec(name)
    check_top_k(spec, top_k)  # refuse before reading a byte of the body
    state = request.app.state
    limits: ImageLimits = state.image_limits
    data = await read_image_bytes(request, limits, state.settings.max_upload_bytes)
    read_done = time.perf_counter()
    runtime: ModelRuntime = state.runtime
    lane: Lane = state.inference
    assert spec.dataset is not None  # check_top_k: a classifier
    draft = draft_size_for(spec.dataset)
    cost = await state.workloads.lane("bodies").run(decode_cost, data, draft)
    if cost > state.settings.large_image_bytes:
        lane = state.workloads.lane("large_images", cls=GuardedLane)
    result = await lane.run(predict_image, runtime, spec, data, limits, top_k, preview)
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
