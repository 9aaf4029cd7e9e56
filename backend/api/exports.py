"""Downloads: a model as ONNX (/models/{name}/export.onnx), its summary as CSV and JSON."""

from fastapi import APIRouter
from fastapi.responses import Response

from backend.analysis.shapes import valid_square_sizes
from backend.analysis.summary import ModelSummary
from backend.api.deps import (
    ExportsDep,
    SettingsDep,
    SummariesDep,
    WeightsDep,
    WorkloadsDep,
    summary_of,
)
from backend.api.params import Classes, Freeze, Size, summary_params
from backend.api.schemas import NOT_FOUND, error
from backend.api.streaming import FileStream
from backend.errors import InputSizeError
from backend.exports.service import ExportJob, check_export_size
from backend.exports.summary_csv import summary_csv
from backend.i18n import bilingual
from backend.zoo import get_spec

router = APIRouter(prefix="/models", tags=["exports"])

ERRORS = {
    **NOT_FOUND,
    422: error("A size the network cannot take."),
}


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


async def _summary(
    workloads: WorkloadsDep,
    summaries: SummariesDep,
    name: str,
    height: int | None,
    width: int | None,
    num_classes: int | None,
    freeze: str | None = None,
) -> ModelSummary:
    spec = get_spec(name)
    params = summary_params(spec, height, width, num_classes=num_classes, freeze=freeze)
    return await summary_of(workloads, summaries, spec, params)


@router.get(
    "/{name}/export.onnx",
    response_class=Response,
    responses={
        200: {
            "content": {"application/octet-stream": {}},
            "description": "The ONNX file (input `input`, output `logits`, batch 1).",
        },
        **ERRORS,
        503: error("Exports are at capacity, or the export ran out of memory or time."),
    },
)
async def export_onnx(
    name: str,
    summaries: SummariesDep,
    workloads: WorkloadsDep,
    exports: ExportsDep,
    weights: WeightsDep,
    settings: SettingsDep,
    height: Size = None,
    width: Size = None,
    num_classes: Classes = None,
) -> Response:
    """The model as ONNX for one input size (batch 1): its checkpoint's weights if it has one
    (and keeps its own classes), else random weights from a fixed seed. Refused (422) before
    any work when the file would pass MAX_EXPORT_BYTES; exported in a worker process, written
    to disk and streamed from there."""
    spec = get_spec(name)
    summary = await _summary(workloads, summaries, name, height, width, num_classes)  # 422s
    if summary.warnings:  # SimpleCNN's view(-1, ...) would bake a wrong batch into the file
        sizes = valid_square_sizes(spec.name, num_classes, settings.max_input_size)
        raise InputSizeError(
            bilingual(
                "export.batch_folded",
                model=spec.title,
                height=summary.input_shape[2],
                width=summary.input_shape[3],
                batch=summary.output_shape[0],
                needs=sizes.sentence(spec.title),
            ),
            field="height",
        )
    check_export_size(spec.name, summary.totals.params, num_classes, settings.max_export_bytes)
    n, c, h, w = summary.input_shape
    checkpoint = weights.checkpoint(spec.name)  # its stat: a changed checkpoint, a new export
    job = ExportJob(
        spec.name,
        (n, c, h, w),
        num_classes,
        checkpoint.path if checkpoint else None,
        checkpoint.stamp if checkpoint else (),
    )
    result = exports.cached(job) or await workloads.lane("exports").run(exports.export, job)
    try:
        file = result.path.open("rb")
    except FileNotFoundError:  # dropped from the disk cache this instant: export it again
        result = await workloads.lane("exports").run(exports.export, job)
        file = result.path.open("rb")
    headers = _attachment(result.filename) | {
        "X-Model-Trained": "true" if result.trained else "false",
        "X-Export-Seconds": f"{result.seconds:.3f}",
    }
    return FileStream(file, result.size, settings.send_timeout_s, headers)


@router.get(
    "/{name}/summary.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One line per row."}, **ERRORS},
)
async def summary_as_csv(
    name: str,
    summaries: SummariesDep,
    workloads: WorkloadsDep,
    height: Size = None,
    width: Size = None,
    num_classes: Classes = None,
    freeze: Freeze = None,
) -> Response:
    """The summary's rows as CSV (shapes written as 1x3x224x224)."""
    summary = await _summary(workloads, summaries, name, height, width, num_classes, freeze)
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
async def summary_as_json(
    name: str,
    summaries: SummariesDep,
    workloads: WorkloadsDep,
    height: Size = None,
    width: Size = None,
    num_classes: Classes = None,
    freeze: Freeze = None,
) -> Response:
    """The same JSON as /summary, as a file download."""
    summary = await _summary(workloads, summaries, name, height, width, num_classes, freeze)
    _, c, h, w = summary.input_shape
    return Response(
        summary.model_dump_json(),
        media_type="application/json",
        headers=_attachment(f"{summary.model}_{c}x{h}x{w}_summary.json"),
    )
