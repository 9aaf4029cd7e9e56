"""GET /models/{name}/source: the code beside the diagram and the row -> line map."""

from fastapi import APIRouter

from backend.api.deps import SourcesDep, WeightsDep, WorkloadsDep
from backend.api.schemas import NOT_FOUND
from backend.source.source_map import ModelSource
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["source"])


@router.get(
    "/{name}/source",
    response_model=ModelSource,
    responses={**NOT_FOUND},
)
async def get_source(
    name: str, sources: SourcesDep, weights: WeightsDep, workloads: WorkloadsDep
) -> ModelSource:
    """The lecture notes' code for the seed's networks (OCR slips corrected, each listed in
    `corrections`), the generated seed-style code (GET /models/{name}/code) for the others and
    for custom networks; `rows` maps every summary row name (functional rows too) to its lines,
    `print_model` is what print(model) shows."""
    spec = get_spec(name)
    trained = weights.is_trained(name)
    # Building the model on meta to map its lines is analysis work: its lane, not the event loop.
    return await workloads.lane("analysis").run(sources.get, spec, trained)
