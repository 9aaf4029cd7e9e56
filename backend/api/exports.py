"""Downloads: a model as ONNX (/models/{name}/export.onnx), its summary as CSV and JSON."""

from fastapi import APIRouter
from fastapi.responses import Response

from backend.analysis.summary import ModelSummary
from backend.api.deps import ExporterDep, SummariesDep, WeightsDep
from backend.api.params import Classes, Freeze, Size, summary_params
from backend.api.schemas import NOT_FOUND, error
from backend.errors import InputSizeError
from backend.exports.onnx import checkpoint_loader
from backend.exports.summary_csv import summary_csv
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["exports"])

ERRORS = {
    **NOT_FOUND,
    422: error("A size the network cannot take."),
}


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
        503: error("Another export is still running."),
    },
)
def export_onnx(
    name: str,
    summaries: SummariesDep,
    exporter: ExporterDep,
    weights: WeightsDep,
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
    version = weights.checkpoint(spec.name)  # a stat: a changed checkpoint is a new export
    result = exporter.onnx(
        spec, (n, c, h, w), num_classes, checkpoint_loader(weights), weights_version=version
    )
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
    freeze: Freeze = None,
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
    freeze: Freeze = None,
) -> Response:
    """The same JSON as /summary, as a file download."""
    summary = _summary(summaries, name, height, width, num_classes, freeze)
    _, c, h, w = summary.input_shape
    return Response(
        summary.model_dump_json(),
        media_type="application/json",
        headers=_attachment(f"{summary.model}_{c}x{h}x{w}_summary.json"),
    )
