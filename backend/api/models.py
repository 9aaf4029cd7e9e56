"""GET /models, /models/{name}, /models/{name}/summary."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from backend.analysis.shapes import param_count
from backend.analysis.summary import ModelSummary
from backend.api.deps import SummariesDep, WeightsDep, WorkloadsDep
from backend.api.params import Freeze, Size, summary_params
from backend.api.schemas import NOT_FOUND, ModelInfo, PaperInfo, error
from backend.architectures import spec_of
from backend.i18n import LANGUAGES
from backend.zoo import ModelSpec, all_specs, get_spec, model_names

router = APIRouter(prefix="/models", tags=["models"])


def model_info(spec: ModelSpec, trained: bool, lang: str = "en") -> ModelInfo:
    custom = spec.name not in model_names()
    return ModelInfo(
        name=spec.name,
        title=spec.title,
        titles={code: spec.title_in(code) for code in LANGUAGES},
        family=spec.family,
        dataset=spec.dataset.name if spec.dataset else None,
        input_shape=list(spec.default_input_shape),
        num_classes=spec.num_classes,
        params=param_count(spec.name),
        trained=trained,
        description=spec.description.get(lang, spec.description["en"]),
        descriptions=dict(spec.description),
        paper=PaperInfo(**vars(spec.paper)),
        custom=custom,
        architecture=spec_of(spec.name),
    )


# async: these read what is in memory (param_count is computed once per model, at start-up),
# so they answer from the event loop and never wait for a thread.
@router.get("", response_model=list[ModelInfo])
async def list_models(weights: WeightsDep) -> list[ModelInfo]:
    return [model_info(s, weights.is_trained(s.name)) for s in all_specs()]


@router.get("/{name}", response_model=ModelInfo, responses=NOT_FOUND)
async def get_model(name: str, weights: WeightsDep) -> ModelInfo:
    spec = get_spec(name)
    info = model_info(spec, weights.is_trained(name))
    info.labels = list(spec.dataset.labels) if spec.dataset else None
    return info


@router.get(
    "/{name}/summary",
    response_model=ModelSummary,
    responses={
        **NOT_FOUND,
        422: error(
            "A size the network cannot take, or a parameter out of range; `layer` names the "
            "failing layer."
        ),
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
    functional: Annotated[
        bool,
        Query(
            description="Include the operations forward() calls without a module (F.relu, "
            "view, flatten, the residual +=) as rows with `functional: true`."
        ),
    ] = True,
) -> Response:
    spec = get_spec(name)
    params = summary_params(spec, height, width, batch_size, num_classes, freeze)
    # Already JSON (cached as bytes by the service), so FastAPI does not serialize it again;
    # response_model still documents the schema. A cached answer comes from the event loop, an
    # uncached one is computed in the analysis lane.
    body = summaries.cached_json(spec, params, depth, functional)
    if body is None:
        lane = workloads.lane("analysis")
        body = await lane.run(summaries.get_json, spec, params, depth, functional)
    return Response(content=body, media_type="application/json")
