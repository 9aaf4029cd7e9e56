"""POST /models/{name}/conv_step: one output unit of a convolution or max-pool, step by step."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from backend.analysis.conv_step import DEFAULT_INPUTS, MAX_INPUTS, ConvStep, check_step, conv_step
from backend.api.analysis import IMAGE_ERRORS, Call, _image
from backend.api.predict import IMAGE_BODY
from backend.serving.runtime import require_classifier
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
    spec = get_spec(name)
    require_classifier(spec)
    step = check_step(spec, layer, call or 1, channel, row, col, max_inputs)  # before the body
    data = await _image(request)
    state = request.app.state
    return await state.inference.run(conv_step, state.runtime, spec, data, state.image_limits, step)
