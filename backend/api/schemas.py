"""Response schemas of the HTTP API that are not domain types already."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    """Every error the API answers (4xx and 5xx): a sentence, plus fields that depend on the
    error (`layer`, `valid_range`, `retry_after_s`, ...). The only error schema in /openapi.json."""

    model_config = ConfigDict(extra="allow")

    detail: str = Field(description="One sentence saying what was wrong and what is accepted.")


def error(description: str) -> dict[str, Any]:
    """One documented error status of a route (`responses=`)."""
    return {"model": ErrorResponse, "description": description}


NOT_FOUND = {404: error("Unknown model name.")}
# Every route that takes an image (api/uploads.py) can answer these.
UPLOAD_ERRORS = {
    413: error("Body or image too large (bytes or pixels)."),
    415: error("A format outside the allow-list."),
}


class Health(BaseModel):
    status: str
    device: str
    device_requested: str
    device_note: str | None
    torch: str
    cuda_available: bool


class PaperInfo(BaseModel):
    title: str
    authors: str
    year: int
    url: str


class ModelInfo(BaseModel):
    name: str
    title: str
    family: str
    dataset: str | None
    input_shape: list[int]
    num_classes: int | None
    params: int
    trained: bool
    description: str
    descriptions: dict[str, str]
    paper: PaperInfo
    labels: list[str] | None = None
