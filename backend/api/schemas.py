"""Response schemas of the HTTP API that are not domain types already."""

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    """Every error the API answers (4xx and 5xx): a sentence, plus fields that depend on the
    error (`layer`, `valid_range`, `retry_after_s`, ...). The only error schema in /openapi.json."""

    model_config = ConfigDict(extra="allow")

    detail: str = Field(description="One sentence saying what was wrong and what is accepted.")


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
