"""GET /models, /models/{name}, /models/{name}/summary."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from backend.analysis.shapes import param_count
from backend.analysis.summary import ModelSummary, SummaryParams
from backend.analysis.transfer import resolve_freeze
from backend.api.deps import SummariesDep, WorkloadsDep, summary_of
from backend.api.schemas import ErrorResponse, ModelInfo, PaperInfo
from backend.zoo import ModelSpec, all_specs, get_spec

router = APIRouter(prefix="/models", tags=["models"])

NOT_FOUND = {404: {"model": ErrorResponse, "description": "Unknown model name."}}


def is_trained(request: Request, name: str) -> bool:
    weights = getattr(request.app.state, "weights", None)
    return bool(weights and weights.is_trained(name))


def model_info(spec: ModelSpec, trained: bool, lang: str = "en") -> ModelInfo:
    return ModelInfo(
        name=spec.name,
        title=spec.title,
        family=spec.family,
        dataset=spec.dataset.name if spec.dataset else None,
        input_shape=list(spec.default_input_shape),
        num_classes=spec.num_classes,
        params=param_count(spec.name),
        trained=trained,
        description=spec.description.get(lang, spec.description["en"]),
        descriptions=dict(spec.description),
        paper=PaperInfo(**vars(spec.paper)),
    )


# async: these read what is in memory (param_count is computed once per model, at start-up),
# so they answer from the event loop and never wait for a thread.
@router.get("", response_model=list[ModelInfo])
async def list_models(request: Request) -> list[ModelInfo]:
    return [model_info(s, is_trained(request, s.name)) for s in all_specs()]


@router.get("/{name}", response_model=ModelInfo, responses=NOT_FOUND)
async def get_model(name: str, request: Request) -> ModelInfo:
    spec = get_spec(name)
    info = model_info(spec, is_trained(request, name))
    info.labels = list(spec.dataset.labels) if spec.dataset else None
    return info


Size = Annotated[int | None, Query(ge=1, description="Input side in px (default: the model's).")]
Freeze = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Transfer learning: comma-separated top-level modules to freeze (e.g. "
        "`features`), or `feature_extractor` for every module before the head. Rows inside "
        "get `trainable: false`; totals split into trainable_params and frozen_params.",
    ),
]


def summary_params(
    spec: ModelSpec,
    height: int | None,
    width: int | None,
    batch_size: int = 1,
    num_classes: int | None = None,
    freeze: str | None = None,
) -> SummaryParams:
    """A summary's parameter set from query values, the model's defaults filling the gaps."""
    _, default_h, default_w = spec.default_input_shape
    return SummaryParams(
        batch_size=batch_size,
        height=height or default_h,
        width=width or default_w,
        num_classes=num_classes,
        freeze=resolve_freeze(spec, freeze.split(",")) if freeze else (),
    )


@router.get(
    "/{name}/summary",
    response_model=ModelSummary,
    responses={
        **NOT_FOUND,
        422: {
            "model": ErrorResponse,
            "description": "A size the network cannot take, or a "
            "parameter out of range; `layer` names the failing layer.",
        },
    },
)
async def get_summary(
    name: str,
    summaries: SummariesDep,
    workloads: WorkloadsDep,
    height: Size = None,
    width: Size = None,
    batch_size: Annotated[int, Query(ge=1)] = 1,
    num_classes: Annotated[int | None, Query(ge=1)] = None,
    depth: Annotated[int | None, Query(ge=1, le=99, description="Nesting depth kept.")] = None,
    freeze: Freeze = None,
) -> ModelSummary:
    spec = get_spec(name)
    params = summary_params(spec, height, width, batch_size, num_classes, freeze)
    return await summary_of(workloads, summaries, spec, params, depth)
