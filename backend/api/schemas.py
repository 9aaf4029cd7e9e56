"""Response schemas of the HTTP API that are not domain types already."""

from typing import Any, Literal

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
    inference_engine: str = Field(
        description='The INFERENCE_ENGINE setting: a default engine ("eager" or "onnxruntime"), '
        "then per-model choices (alexnet=eager)."
    )
    engines: dict[str, str] = Field(
        description="Per model with an ONNX Runtime session ready, the engine its predictions "
        'run on now ("onnxruntime (CPUExecutionProvider)"); other models run on eager PyTorch.'
    )
    onnxruntime: str


class PaperInfo(BaseModel):
    title: str
    authors: str
    year: int
    url: str
    relation: Literal["source", "tradition"] = Field(
        default="source",
        description="source: the paper's own network; tradition: a network in the paper's "
        "line (SimpleCNN is the lecture notes' small CNN in LeNet's tradition, not LeNet-5).",
    )


class ModelInfo(BaseModel):
    name: str
    title: str
    titles: dict[str, str] = Field(description="The title in each language (en, ko).")
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


class PublishedWeights(BaseModel):
    file: str = Field(description="The published file name; it carries its SHA-256 prefix.")
    size_bytes: int
    size_label: str = Field(description="The size as people read it, e.g. '528 MB'.")


class DownloadInfo(BaseModel):
    model: str
    state: str = Field(description="idle, running, done or failed.")
    bytes_done: int
    bytes_total: int | None = None
    fraction: float | None = None
    size_label: str | None = None
    error: str | None = Field(None, description="Why it failed; nothing was kept.")


class WeightsEntry(BaseModel):
    model: str
    trained: bool
    weights: str | None = Field(description="'user' (WEIGHTS_DIR), 'shipped' or null (random).")
    published: PublishedWeights | None = Field(description="Published weights that fit, if any.")
    command: str | None = Field(description="The command that fetches them on the server.")
    download: DownloadInfo | None


class WeightsListing(BaseModel):
    downloads_allowed: bool = Field(description="Whether POST /weights/{name}/download works.")
    models: list[WeightsEntry]
