"""Analysis routes: receptive fields, model comparison by stage, the vanishing-gradient lessons,
and, for an uploaded image, feature maps and Grad-CAM."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from backend.analysis.compare import MAX_MODELS, Comparison, compare
from backend.analysis.gradients import (
    SKIP_DEPTHS,
    STACK_DEPTHS,
    GradientLesson,
    activation_lesson,
    skip_connection_lesson,
)
from backend.analysis.receptive_field import Field as ReceptiveField
from backend.analysis.receptive_field import model_fields, unit_region
from backend.api.deps import (
    ImageLimitsDep,
    RuntimeDep,
    SettingsDep,
    SummariesDep,
    WorkloadsDep,
    summary_of,
)
from backend.api.params import Call, Size, summary_params
from backend.api.schemas import NOT_FOUND, UPLOAD_ERRORS, error
from backend.api.uploads import IMAGE_BODY, read_image_bytes
from backend.inspection.activations import FeatureMaps, plan_feature_maps, render_feature_maps
from backend.inspection.gradcam import GradCam, plan_grad_cam, run_grad_cam
from backend.zoo import get_spec

router = APIRouter(tags=["analysis"])

BAD_SIZE = {422: error("A size the network cannot take, or a parameter out of range.")}


class PathField(BaseModel):
    source: str = Field(description="Module whose output this operand is ('input': the image).")
    size: list[int | float] | None
    jump: list[int | float] | None
    start: list[int | float] | None


class UnitRegion(BaseModel):
    unit: list[int] = Field(description="[row, column] of the output unit (the centre one).")
    region: list[int] = Field(description="[top, left, bottom, right] input pixels, inclusive.")


class LayerReceptiveField(BaseModel):
    index: int = Field(description="Same index as the summary row.")
    name: str
    type: str
    output_shape: list[int]
    size: list[int | float] | None = Field(description="[height, width] in input pixels.")
    jump: list[int | float] | None = Field(description="Effective stride [h, w], input pixels.")
    start: list[int | float] | None = Field(
        description="Centre of unit (0, 0) in input coordinates (pixel i centred at i)."
    )
    whole_input: bool = Field(description="Every output value depends on the whole input.")
    exceeds_input: bool = Field(description="The field is larger than the input on some axis.")
    exact: bool = Field(description="False after an adaptive pool with uneven windows.")
    paths: list[PathField] = Field(
        description="Operands of an addition in this module (ResNet block: main path, then "
        "shortcut); the module's field is the union (the larger) of them."
    )
    centre_unit: UnitRegion | None


class ReceptiveFields(BaseModel):
    model: str
    input_shape: list[int]
    layers: list[LayerReceptiveField]
    output: LayerReceptiveField = Field(description="The model's own output.")
    notes: list[str]


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 4)


def _layer_field(
    index: int,
    name: str,
    type_: str,
    shape: tuple[int, ...],
    f: ReceptiveField | None,
    paths: list,
    hw: tuple[int, int],
) -> LayerReceptiveField:
    def axes(attr: str, field: ReceptiveField | None) -> list[int | float] | None:
        if field is None or field.spatial is None:
            return None
        return [_number(getattr(a, attr)) for a in field.spatial]

    centre = None
    if f is not None and f.spatial is not None and len(shape) == 4:
        unit = (shape[2] // 2, shape[3] // 2)
        region = unit_region(f, unit, *hw)
        centre = UnitRegion(unit=list(unit), region=list(region)) if region else None
    size = axes("size", f)
    return LayerReceptiveField(
        index=index,
        name=name,
        type=type_,
        output_shape=list(shape),
        size=size,
        jump=axes("jump", f),
        start=axes("start", f),
        whole_input=f is None or f.is_global,
        exceeds_input=size is not None and (size[0] > hw[0] or size[1] > hw[1]),
        exact=f.exact if f is not None else True,
        paths=[
            PathField(
                source=src, size=axes("size", pf), jump=axes("jump", pf), start=axes("start", pf)
            )
            for src, pf in paths
        ],
        centre_unit=centre,
    )


@router.get(
    "/models/{name}/receptive_field",
    response_model=ReceptiveFields,
    responses={**NOT_FOUND, **BAD_SIZE},
)
async def get_receptive_field(
    name: str,
    summaries: SummariesDep,
    workloads: WorkloadsDep,
    height: Size = None,
    width: Size = None,
) -> ReceptiveFields:
    """Receptive field (size, jump, start) at every summary row's output, computed analytically."""
    spec = get_spec(name)
    # The summary validates the size (422 naming the failing layer) and is cached.
    params = summary_params(spec, height, width)
    await summary_of(workloads, summaries, spec, params)
    h, w = params.height, params.width
    trace = await workloads.lane("analysis").run(model_fields, spec.name, h, w)
    layers = [
        _layer_field(e.index, e.name, e.type, e.output_shape, e.field, e.paths, (h, w))
        for e in trace.layers
    ]
    out = trace.output
    return ReceptiveFields(
        model=spec.name,
        input_shape=list(trace.input_shape),
        layers=layers,
        output=_layer_field(-1, "", out.type, out.output_shape, out.field, out.paths, (h, w)),
        notes=trace.notes,
    )


@router.get(
    "/compare",
    response_model=Comparison,
    responses={**NOT_FOUND, **BAD_SIZE},
)
async def get_comparison(
    summaries: SummariesDep,
    workloads: WorkloadsDep,
    models: Annotated[
        str,
        Query(
            max_length=400,
            pattern=r"[^,\s]",  # at least one name
            description=f"1–{MAX_MODELS} comma-separated model names, e.g. alexnet,vgg16,resnet18.",
        ),
    ],
    size: Annotated[
        int | None,
        Query(ge=1, description="Square input side for all (default: one they all accept)."),
    ] = None,
    sizes: Annotated[
        Literal["common", "own"],
        Query(
            description="Without `size`: common (a size they all accept, possibly upscaling a "
            "CIFAR network) or own (each model at its own input size, as the page shows them)."
        ),
    ] = "common",
) -> Comparison:
    """Models side by side by stage: spatial size, channels, parameters, mult-adds, depth."""
    names = [n.strip() for n in models.split(",") if n.strip()]
    return await workloads.lane("analysis").run(compare, names, size, summaries, sizes == "own")


@router.get(
    "/gradients/skip_connections",
    response_model=GradientLesson,
    responses=BAD_SIZE,
)
async def get_skip_connection_gradients(
    workloads: WorkloadsDep,
    depth: Annotated[
        int,
        Query(
            description="18: ResNet-18 vs Plain-18; 34: ResNet-34 vs Plain-34.",
            json_schema_extra={"enum": sorted(SKIP_DEPTHS)},
        ),
    ] = 18,
    batchnorm: Annotated[
        Literal["running", "batch"],
        Query(
            description="running: BatchNorm uses its initial statistics (passes values through); "
            "batch: the batch's statistics, as in training."
        ),
    ] = "running",
    init: Annotated[
        Literal["default", "he"],
        Query(
            description="default: PyTorch's initialisation (uniform Kaiming, a=√5); he: He et "
            "al.'s normal N(0, 2/fan_in) for the convolutions, as the ResNet paper used."
        ),
    ] = "default",
) -> GradientLesson:
    """Per-layer weight-gradient norms of ResNet-N and its plain twin, one backward pass."""
    return await workloads.lane("gradients").run(skip_connection_lesson, depth, batchnorm, init)


@router.get(
    "/gradients/activations",
    response_model=GradientLesson,
    responses=BAD_SIZE,
)
async def get_activation_gradients(
    workloads: WorkloadsDep,
    depth: Annotated[
        int,
        Query(
            ge=STACK_DEPTHS[0],
            le=STACK_DEPTHS[1],
            description=f"Convolutions in the stack, {STACK_DEPTHS[0]}–{STACK_DEPTHS[1]}.",
        ),
    ] = 20,
) -> GradientLesson:
    """Per-layer weight-gradient norms of a plain conv stack with ReLU and with sigmoid."""
    return await workloads.lane("gradients").run(activation_lesson, depth)


# Feature maps and Grad-CAM take an image the way POST /models/{name}/predict does.
IMAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    **UPLOAD_ERRORS,
    422: error("Not an image, or a bad layer or parameter."),
    503: error("Too many requests waiting."),
}


@router.post(
    "/models/{name}/feature_maps",
    response_model=FeatureMaps,
    responses=IMAGE_ERRORS,
    openapi_extra={"requestBody": IMAGE_BODY},
)
async def post_feature_maps(
    name: str,
    request: Request,
    settings: SettingsDep,
    limits: ImageLimitsDep,
    runtime: RuntimeDep,
    workloads: WorkloadsDep,
    layer: Annotated[str, Query(max_length=200, description="A summary row's name, e.g. conv1.")],
    call: Call = None,
    max_channels: Annotated[int, Query(ge=1, le=4096, description="Maps returned.")] = 32,
    format: Annotated[
        Literal["png", "grid", "both"],
        Query(description="png: PNG data URLs; grid: numbers; both."),
    ] = "png",
    scale: Annotated[
        Literal["per_map", "shared"], Query(description="Grey range per map or shared.")
    ] = "per_map",
) -> FeatureMaps:
    """One layer's output for an image: its channels as maps, most active (mean) first."""
    # Every parameter is checked here, once, before the body is read (422 without an upload).
    plan = plan_feature_maps(
        get_spec(name), layer, call or 1, max_channels, format, scale == "shared"
    )
    data = await read_image_bytes(request, limits, settings.max_upload_bytes, workloads)
    # Several times a prediction's work: a lane of their own, so floods never delay predictions.
    return await workloads.lane("inspection").run(render_feature_maps, runtime, plan, data, limits)


@router.post(
    "/models/{name}/gradcam",
    response_model=GradCam,
    responses=IMAGE_ERRORS,
    openapi_extra={"requestBody": IMAGE_BODY},
)
async def post_gradcam(
    name: str,
    request: Request,
    settings: SettingsDep,
    limits: ImageLimitsDep,
    runtime: RuntimeDep,
    workloads: WorkloadsDep,
    layer: Annotated[
        str | None,
        Query(max_length=200, description="A layer with a spatial output (default: the last)."),
    ] = None,
    call: Call = None,
    class_index: Annotated[
        int | None, Query(ge=0, description="Class to explain (default: the top prediction).")
    ] = None,
    method: Annotated[
        Literal["gradcam", "hirescam"],
        Query(
            description="gradcam: channel weights averaged over positions (the paper); "
            "hirescam: per position, faithful for flatten + fully connected heads."
        ),
    ] = "gradcam",
) -> GradCam:
    """Grad-CAM heat map of one class on one layer, in [0, 1], with an overlay-ready PNG."""
    # Every parameter is checked here, once, before the body is read (422 without an upload).
    plan = plan_grad_cam(get_spec(name), layer, class_index, call, method)
    data = await read_image_bytes(request, limits, settings.max_upload_bytes, workloads)
    # Several times a prediction's work: a lane of their own, so floods never delay predictions.
    return await workloads.lane("inspection").run(run_grad_cam, runtime, plan, data, limits)
