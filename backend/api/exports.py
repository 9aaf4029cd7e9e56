"""Downloads: a model as ONNX (/models/{name}/export.onnx), its summary as CSV and JSON."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from backend.analysis.export import ExportService, checkpoint_loader, summary_csv
from backend.analysis.summary import ModelSummary
from backend.api.deps import SummariesDep
from backend.api.models import summary_params
from backend.api.schemas import ErrorResponse
from backend.errors import InputSizeError
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["exports"])

Size = Annotated[int | None, Query(ge=1, description="Input side in px (default: the model's).")]
Classes = Annotated[int | None, Query(ge=1, description="Classes of a new head (default: own).")]
ERRORS = {
    404: {"model": ErrorResponse, "description": "Unknown model name."},
    422: {"model": ErrorResponse, "description": "A size the network cannot take."},
}


def get_exporter(request: Request) -> ExportService:
    return request.app.state.exporter


ExporterDep = Annotated[ExportService, Depends(get_exporter)]


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _summary(
    summaries: SummariesDep,
    name: str,
    height: int | None,
    width: int | None,
    num_classes: int | None,
    freeze: str | None = None,
) -> ModelSummary:
    spec = get_spec(name)
    params = summary_params(spec, height, width, num_classes=num_classes, freeze=freeze)
    return summaries.get(spec, params)


@router.get(
    "/{name}/export.onnx",
    response_class=Response,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "The ONNX file (input `input`, output `logits`, batch 1).",
        },
        **ERRORS,
        503: {"model": ErrorResponse, "description": "Another export is still running."},
    },
)
def export_onnx(
    name: str,
    request: Request,
    summaries: SummariesDep,
    exporter: ExporterDep,
    height: Size = None,
    width: Size = None,
    num_classes: Classes = None,
) -> Response:
    """The model as ONNX for one input size (batch 1): its checkpoint's weights if it has one
    (and keeps its own classes), else random weights from a fixed seed."""
    spec = get_spec(name)
    summary = _summary(summaries, name, height, width, num_classes)  # 422 for bad sizes
    if summary.warnings:  # SimpleCNN's view(-1, ...) would bake a wrong batch into the file
        raise InputSizeError(summary.warnings[0], field="height")
    n, c, h, w = summary.input_shape
    weights = getattr(request.app.state, "weights", None)
    loader = checkpoint_loader(weights) if weights is not None else None
    version = weights.checkpoint(spec.name) if weights is not None else None  # a stat
    result = exporter.onnx(spec, (n, c, h, w), num_classes, loader, weights_version=version)
    headers = _attachment(result.filename) | {
        "X-Model-Trained": "true" if result.trained else "false",
        "X-Export-Seconds": f"{result.seconds:.3f}",
    }
    return Response(result.data, media_type="application/octet-stream", headers=headers)


@router.get(
    "/{name}/summary.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One line per row."}, **ERRORS},
)
def summary_as_csv(
    name: str,
    summaries: SummariesDep,
    height: Size = None,
    width: Size = None,
    num_classes: Classes = None,
    freeze: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """The summary's rows as CSV (shapes written as 1x3x224x224)."""
    summary = _summary(summaries, name, height, width, num_classes, freeze)
    _, c, h, w = summary.input_shape
    return Response(
        summary_csv(summary),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"{summary.model}_{c}x{h}x{w}_summary.csv"),
    )


@router.get(
    "/{name}/summary.json",
    response_model=ModelSummary,
    responses=ERRORS,
)
def summary_as_json(
    name: str,
    summaries: SummariesDep,
    height: Size = None,
    width: Size = None,
    num_classes: Classes = None,
    freeze: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """The same JSON as /summary, as a file download."""
    summary = _summary(summaries, name, height, width, num_classes, freeze)
    _, c, h, w = summary.input_shape
    return Response(
        summary.model_dump_json(),
        media_type="application/json",
        headers=_attachment(f"{summary.model}_{c}x{h}x{w}_summary.json"),
    )
