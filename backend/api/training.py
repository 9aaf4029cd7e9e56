"""/training: runs (start, list, read, cancel/delete, live events, downloads) and presets.

The events stream is Server-Sent Events: `id:` is the run's event number, so a client that
reconnects with `Last-Event-ID` (EventSource does it by itself) gets exactly what it missed.
A stream ends when its run has ended, and otherwise after STREAM_S seconds (shorter than
REQUEST_TIMEOUT_S), telling EventSource to reconnect at once: no stream outlives the server's
time limit, and a client that leaves never affects the run.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from backend.api.deps import LabDep
from backend.api.error_text import language_headers, preferred_language
from backend.api.schemas import ErrorResponse
from backend.errors import ExplorerError, RunStateError
from backend.i18n import bilingual
from backend.lab.datasets import LAB_DATASETS, check_available
from backend.lab.presets import PRESETS, missing
from backend.lab.service import Lab
from backend.lab.settings import RunSettings
from backend.lab.store import RunRecord, curves_csv

router = APIRouter(prefix="/training", tags=["training"])

STREAM_S = 25.0
POLL_S = 0.2
KEEP_ALIVE_S = 10.0
RECONNECT_MS = 500


class RunInfo(RunRecord):
    model: str | None = Field(
        description="Once done: the model name every /models/{name}/... route takes "
        "(run-<id>), serving this run's weights; null before."
    )


class PresetInfo(BaseModel):
    name: str
    title: dict[str, str]
    runs: list[dict[str, Any]]
    lesson: dict[str, str]
    available: bool
    missing: list[str]


class PresetStarted(BaseModel):
    group: str
    runs: list[RunInfo]


def info(record: RunRecord, curves: bool = True) -> RunInfo:
    data = record.model_dump()
    if not curves:
        data["curves"]["step_loss"] = []
    return RunInfo(**data, model=record.model_name if record.status == "done" else None)


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such run."},
}


@router.post(
    "/runs",
    status_code=202,
    response_model=RunInfo,
    responses={
        404: {"model": ErrorResponse, "description": "Unknown model."},
        409: {
            "model": ErrorResponse,
            "description": "The data set is not on this machine, or too many runs are kept.",
        },
        422: {
            "model": ErrorResponse,
            "description": "Settings outside the caps, or a model that does not fit the data "
            "set (the detail says which spec would).",
        },
        503: {"model": ErrorResponse, "description": "The queue is full (Retry-After)."},
    },
)
def start_run(settings: RunSettings, lab: LabDep) -> RunInfo:
    return info(lab.start(settings))


@router.get("/runs", response_model=list[RunInfo])
def list_runs(lab: LabDep) -> list[RunInfo]:
    """Newest first; `curves.step_loss` is left out here (GET one run for it)."""
    lab.store.refresh()
    records = sorted(lab.store.all(), key=lambda r: r.created_at, reverse=True)
    return [info(r, curves=False) for r in records]


@router.get("/runs/{run_id}", response_model=RunInfo, responses=ERRORS)
def get_run(run_id: str, lab: LabDep) -> RunInfo:
    return info(lab.store.get(run_id))


@router.delete(
    "/runs/{run_id}",
    responses={
        **ERRORS,
        200: {"model": RunInfo, "description": "Cancelled (queued) or cancelling (running)."},
        204: {"description": "A finished run, deleted with its files."},
    },
)
def delete_run(run_id: str, lab: LabDep) -> Response:
    record = lab.cancel_or_delete(run_id)
    if record is None:
        return Response(status_code=204)
    return JSONResponse(info(record).model_dump(mode="json"))


def _sse(event_id: int, kind: str, data: dict[str, Any]) -> str:
    return f"id: {event_id}\nevent: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@router.get(
    "/runs/{run_id}/events",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
)
async def run_events(
    run_id: str,
    lab: LabDep,
    last_event_id: Annotated[
        str,
        Header(
            pattern=r"^ *[0-9]{0,12} *$",
            description="Resume after this event id (EventSource sends it).",
        ),
    ] = "",
    after: Annotated[
        int | None, Query(ge=0, description="Same as Last-Event-ID, for clients without it.")
    ] = None,
) -> StreamingResponse:
    start = after or 0
    if last_event_id and last_event_id.strip():
        start = int(last_event_id)
    lab.store.events_after(run_id, start)  # 404 now, before the stream starts

    async def stream() -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_S
        quiet_since = loop.time()
        last = start
        yield f"retry: {RECONNECT_MS}\n\n"
        while True:
            try:
                events, ended = lab.store.events_after(run_id, last)
            except Exception:
                return  # deleted while watched
            for event in events:
                yield _sse(event.id, event.event, event.data)
                last = event.id
                quiet_since = loop.time()
            if ended:
                return
            now = loop.time()
            if now >= deadline:
                return  # EventSource reconnects with Last-Event-ID after RECONNECT_MS
            if now - quiet_since >= KEEP_ALIVE_S:
                yield ": keep-alive\n\n"
                quiet_since = now
            await asyncio.sleep(POLL_S)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/runs/{run_id}/checkpoint",
    response_class=FileResponse,
    responses={**ERRORS, 409: {"model": ErrorResponse, "description": "Not done yet."}},
)
def run_checkpoint(run_id: str, lab: LabDep) -> FileResponse:
    record = lab.store.get(run_id)
    path = lab.store.checkpoint_path(run_id)
    if record.status != "done" or not path.is_file():
        raise RunStateError(
            bilingual("lab.run_not_done", run=run_id, status=record.status),
            status=record.status,
        )
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=f"{record.settings.model}-{record.model_name}.pt",
    )


@router.get("/runs/{run_id}/curves.csv", response_class=Response, responses=ERRORS)
def run_curves(run_id: str, lab: LabDep) -> Response:
    record = lab.store.get(run_id)
    return Response(
        curves_csv(record),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{record.model_name}.csv"'},
    )


@router.get("/datasets")
def list_datasets(lab: LabDep, request: Request, response: Response) -> list[dict[str, Any]]:
    """The data sets, with whether each is on this machine (and if not, what to do, in the
    request's language)."""
    lang = preferred_language(request)
    response.headers.update(language_headers(lang))
    out = []
    for key, dataset in LAB_DATASETS.items():
        problems = missing_dataset(key, lab, lang)
        out.append(
            {
                "name": key,
                "title": dataset.title,
                "input_shape": list(dataset.zoo.input_shape),
                "train_images": dataset.train_size,
                "heldout_images": dataset.heldout_size,
                "available": not problems,
                "missing": problems,
            }
        )
    return out


def missing_dataset(key: str, lab: Lab, lang: str = "en") -> list[str]:
    try:
        check_available(key, lab.settings.data_dir)
    except ExplorerError as exc:
        return [exc.texts.get(lang, exc.detail)]
    return []


@router.get("/presets", response_model=list[PresetInfo])
def list_presets(lab: LabDep, request: Request, response: Response) -> list[PresetInfo]:
    """The experiments; `missing` says, in the request's language, what this machine lacks."""
    lang = preferred_language(request)
    response.headers.update(language_headers(lang))
    out = []
    for preset in PRESETS.values():
        problems = missing(preset, lab.settings.data_dir, lang)
        out.append(
            PresetInfo(
                name=preset.name,
                title=preset.title,
                runs=[{"label": label, **s.model_dump()} for label, s in preset.runs],
                lesson=preset.lesson,
                available=not problems,
                missing=problems,
            )
        )
    return out


@router.post(
    "/presets/{name}",
    status_code=202,
    response_model=PresetStarted,
    responses={
        404: {"model": ErrorResponse, "description": "Unknown experiment."},
        409: {"model": ErrorResponse, "description": "Its models or data are not here."},
        503: {"model": ErrorResponse, "description": "The queue has no room for all runs."},
    },
)
def start_preset(name: str, lab: LabDep) -> PresetStarted:
    group, records = lab.start_preset(name)
    return PresetStarted(group=group, runs=[info(r) for r in records])
