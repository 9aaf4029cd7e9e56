"""Response schemas of the HTTP API that are not domain types already."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorResponse(BaseModel):
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
    custom: bool = Field(default=False, description="A network from POST /architectures.")
    architecture: dict[str, Any] | None = Field(
        default=None,
        description="The editor's spec of this network (custom ones, and the zoo models the "
        "editor can express); POST it, changed, to /architectures.",
    )
