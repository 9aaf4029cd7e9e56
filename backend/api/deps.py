"""Every service a route needs, as an Annotated dependency (FastAPI's full-stack template does
the same): routes never read `request.app.state` themselves. The lifespan (backend/main.py)
creates these services once and keeps them on the app's state; this is the one module that
reads them back.

Every getter is `async`: a sync dependency runs in Starlette's shared thread pool, so even
/health would queue behind whatever fills it. They only read the app's state."""

from typing import Annotated

from fastapi import Depends, Request

from backend.analysis.summary import ModelSummary, SummaryParams
from backend.analysis.summary_service import SummaryService
from backend.config import Settings
from backend.exports.service import ExportPool
from backend.lab.service import Lab
from backend.serving.batching import MicroBatcher
from backend.serving.device import DeviceChoice
from backend.serving.engines import Engines
from backend.serving.images import ImageLimits
from backend.serving.runtime import InferenceGate, ModelRuntime
from backend.serving.weights import WeightStore
from backend.source.source_map import SourceService
from backend.weights.jobs import DownloadManager
from backend.workloads import Workloads
from backend.zoo import ModelSpec


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # the app's own, which create_app(settings) may override


async def get_summaries(request: Request) -> SummaryService:
    return request.app.state.summaries


async def get_device(request: Request) -> DeviceChoice:
    return request.app.state.device


async def get_runtime(request: Request) -> ModelRuntime:
    return request.app.state.runtime


async def get_gate(request: Request) -> InferenceGate:
    return request.app.state.inference


async def get_engines(request: Request) -> Engines:
    return request.app.state.engines


async def get_batcher(request: Request) -> MicroBatcher:
    return request.app.state.batcher


async def get_weights(request: Request) -> WeightStore:
    return request.app.state.weights


async def get_image_limits(request: Request) -> ImageLimits:
    return request.app.state.image_limits


async def get_exports(request: Request) -> ExportPool:
    return request.app.state.exports


async def get_workloads(request: Request) -> Workloads:
    return request.app.state.workloads


async def get_downloads(request: Request) -> DownloadManager:
    return request.app.state.downloads


async def get_lab(request: Request) -> Lab:
    return request.app.state.lab


def get_sources(request: Request) -> SourceService:
    return request.app.state.sources


SettingsDep = Annotated[Settings, Depends(get_settings)]
SummariesDep = Annotated[SummaryService, Depends(get_summaries)]
SourcesDep = Annotated[SourceService, Depends(get_sources)]
DeviceDep = Annotated[DeviceChoice, Depends(get_device)]
RuntimeDep = Annotated[ModelRuntime, Depends(get_runtime)]
GateDep = Annotated[InferenceGate, Depends(get_gate)]
EnginesDep = Annotated[Engines, Depends(get_engines)]
BatcherDep = Annotated[MicroBatcher, Depends(get_batcher)]
WeightsDep = Annotated[WeightStore, Depends(get_weights)]
ImageLimitsDep = Annotated[ImageLimits, Depends(get_image_limits)]
ExportsDep = Annotated[ExportPool, Depends(get_exports)]
WorkloadsDep = Annotated[Workloads, Depends(get_workloads)]


async def summary_of(
    workloads: Workloads,
    summaries: SummaryService,
    spec: ModelSpec,
    params: SummaryParams,
    depth: int | None = None,
    functional: bool = True,
) -> ModelSummary:
    """A cached summary straight from the event loop; an uncached one in the analysis lane."""
    hit = summaries.cached(spec, params, depth, functional)
    if hit is not None:
        return hit
    lane = workloads.lane("analysis")
    return await lane.run(summaries.get, spec, params, depth, functional)


DownloadsDep = Annotated[DownloadManager, Depends(get_downloads)]
LabDep = Annotated[Lab, Depends(get_lab)]
