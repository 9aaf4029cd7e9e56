"""GET /models/{name}/source: the code beside the diagram and the row -> line map."""

from fastapi import APIRouter

from backend.api.deps import SourcesDep
from backend.api.schemas import ErrorResponse
from backend.source.source_map import ModelSource
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["source"])


@router.get(
    "/{name}/source",
    response_model=ModelSource,
    responses={404: {"model": ErrorResponse, "description": "Unknown model name."}},
)
def get_source(name: str, sources: SourcesDep) -> ModelSource:
    """The lecture notes' code for the seed's networks (OCR slips corrected, each listed in
    `corrections`), the project's builder source for the others; `rows` maps every summary
    row name (functional rows too) to its lines, `print_model` is what print(model) shows."""
    return sources.get(get_spec(name))
