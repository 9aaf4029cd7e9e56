"""GET /weights, GET /weights/{name}, POST /weights/{name}/download: published weights.

A thin layer over `backend.weights.jobs.DownloadManager`: starting a download and reading its
progress return at once; the transfer runs in the manager's own thread (see jobs.py). Poll
`GET /weights/{name}` for progress (its `download`; the page does, twice a second). A failed
download's `error` is in the request's language (Accept-Language, as for refusals).
"""

from fastapi import APIRouter, Request, Response, status

from backend.api.deps import DownloadsDep, SettingsDep, WeightsDep
from backend.api.error_text import language_headers, preferred_language
from backend.api.schemas import (
    DownloadInfo,
    ErrorResponse,
    PublishedWeights,
    WeightsEntry,
    WeightsListing,
)
from backend.errors import DownloadsDisabledError
from backend.i18n import bilingual
from backend.serving.weights import WeightStore
from backend.weights.jobs import DownloadManager, DownloadStatus
from backend.weights.sources import source_for
from backend.zoo import all_specs, get_spec

router = APIRouter(prefix="/weights", tags=["weights"])


def fetch_command(name: str) -> str:
    return f"python -m backend.weights fetch {name}"


def download_info(name: str, job: DownloadStatus | None, lang: str) -> DownloadInfo:
    if job is None:
        return DownloadInfo(model=name, state="idle", bytes_done=0)
    return DownloadInfo(
        model=name,
        state=job.state,
        bytes_done=job.bytes_done,
        bytes_total=job.bytes_total,
        fraction=job.fraction,
        size_label=job.size_label,
        error=job.error[lang] if job.error is not None else None,
    )


def _entry(
    name: str, trained: bool, source: str | None, downloads: DownloadManager, lang: str
) -> WeightsEntry:
    published = downloads.sources.get(name)
    return WeightsEntry(
        model=name,
        trained=trained,
        weights=source,
        published=PublishedWeights(
            file=published.file_name,
            size_bytes=published.size_bytes,
            size_label=published.size_label,
        )
        if published
        else None,
        command=fetch_command(name) if published else None,
        download=download_info(name, downloads.status(name), lang) if published else None,
    )


@router.get("", response_model=WeightsListing)
def list_weights(
    settings: SettingsDep,
    weights: WeightsDep,
    downloads: DownloadsDep,
    request: Request,
    response: Response,
) -> WeightsListing:
    lang = _language(request, response)
    entries = []
    for spec in all_specs():
        if spec.is_classifier:
            entries.append(_model_entry(spec.name, weights, downloads, lang))
    return WeightsListing(downloads_allowed=settings.allow_weight_downloads, models=entries)


ERRORS = {
    403: {"model": ErrorResponse, "description": "Downloads from the page are off; `command`."},
    404: {"model": ErrorResponse, "description": "Unknown model, or none published for it."},
    409: {"model": ErrorResponse, "description": "Another download runs, or already trained."},
}


@router.post(
    "/{name}/download",
    response_model=DownloadInfo,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
)
def start_download(
    name: str, settings: SettingsDep, downloads: DownloadsDep, request: Request, response: Response
) -> DownloadInfo:
    spec = get_spec(name)
    source_for(downloads.sources, spec.name)  # 404 before anything else when none exists
    if not settings.allow_weight_downloads:
        raise DownloadsDisabledError(
            bilingual("error.weights.downloads_off", command=fetch_command(spec.name)),
            command=fetch_command(spec.name),
        )
    return download_info(spec.name, downloads.start(spec), _language(request, response))


@router.get("/{name}", response_model=WeightsEntry, responses={404: ERRORS[404]})
def model_weights(
    name: str, weights: WeightsDep, downloads: DownloadsDep, request: Request, response: Response
) -> WeightsEntry:
    """One model's entry of GET /weights; poll it for a download's progress."""
    return _model_entry(name, weights, downloads, _language(request, response))


def _language(request: Request, response: Response) -> str:
    """The request's language; the answer says which, for caches too."""
    lang = preferred_language(request)
    response.headers.update(language_headers(lang))
    return lang


def _model_entry(
    name: str, weights: WeightStore, downloads: DownloadManager, lang: str
) -> WeightsEntry:
    spec = get_spec(name)
    checkpoint = weights.checkpoint(spec.name) if spec.is_classifier else None
    source = checkpoint.source if checkpoint else None
    return _entry(spec.name, checkpoint is not None, source, downloads, lang)
