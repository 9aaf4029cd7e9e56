"""GET /models/{name}/source: the code beside the diagram and the row -> line map."""

from fastapi import APIRouter

from backend.api.deps import SourcesDep, WeightsDep
from backend.api.schemas import NOT_FOUND
from backend.source.source_map import ModelSource
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["source"])


@router.get(
    "/{name}/source",
    response_model=ModelSource,
    responses={**NOT_FOUND},
)
def get_source(name: str, sources: SourcesDep, weights: WeightsDep) -> ModelSource:
    """The lecture notes' code for the seed's networks (OCR slips corrected, each listed in
    `corrections`), the generated seed-style code (GET /models/{name}/code) for the others and
    for custom networks; `rows` maps every summary row name (functional rows too) to its lines,
    `print_model` is what print(model) shows."""
    return sources.get(get_spec(name), trained=weights.is_trained(name))
