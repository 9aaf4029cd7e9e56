"""POST /models/{name}/conv_step: one output unit of a convolution or max-pool, step by step."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from backend.api.analysis import IMAGE_ERRORS
from backend.api.deps import ImageLimitsDep, RuntimeDep, SettingsDep, WorkloadsDep
from backend.api.params import Call
from backend.api.uploads import IMAGE_BODY, read_image_bytes
from backend.inspection.conv_step import (
    DEFAULT_INPUTS,
    MAX_INPUTS,
    ConvStep,
    check_step,
    conv_step,
)
from backend.zoo import get_spec

router = APIRouter(tags=["analysis"])


@router.post(
    "/models/{name}/conv_step",
    response_model=ConvStep,
    responses=IMAGE_ERRORS,
    openapi_extra={"requestBody": IMAGE_BODY},
)
async def post_conv_step(
    name: str,
    request: Request,
    settings: SettingsDep,
    limits: ImageLimitsDep,
    runtime: RuntimeDep,
    workloads: WorkloadsDep,
    layer: Annotated[str, Query(max_length=200, description="A Conv2d or MaxPool2d row.")],
    call: Call = None,
    channel: Annotated[int | None, Query(ge=0, description="Output channel (default 0).")] = None,
    row: Annotated[int | None, Query(ge=0, description="Output row (default: the centre).")] = None,
    col: Annotated[
        int | None, Query(ge=0, description="Output column (default: the centre).")
    ] = None,
    max_inputs: Annotated[
        int,
        Query(ge=1, le=MAX_INPUTS, description="Input channels whose windows are sent in full."),
    ] = DEFAULT_INPUTS,
) -> ConvStep:
    """One output unit of a convolution computed step by step for an image: the input window,
    the filter's weights, their products, sum + bias, and the model's own value there."""
    # Every parameter is checked here, before the body is read (422 without an upload).
    step = check_step(get_spec(name), layer, call or 1, channel, row, col, max_inputs)
    data = await read_image_bytes(request, limits, settings.max_upload_bytes, workloads)
    # A model run on an image, like feature maps: the inspection lane, never the predictions'.
    return await workloads.lane("inspection").run(conv_step, runtime, step.spec, data, limits, step)
