"""Dependencies shared by the routers, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from backend.analysis.summary import ModelSummary, SummaryParams, SummaryService
from backend.config import Settings
from backend.serving.device import DeviceChoice
from backend.workloads import Workloads
from backend.zoo import ModelSpec


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # the app's own, which create_app(settings) may override


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


# async: a sync dependency would run in Starlette's shared thread pool, so even /health would
# queue behind whatever fills it. These only read the app's state.
async def get_summaries(request: Request) -> SummaryService:
    return request.app.state.summaries


async def get_device(request: Request) -> DeviceChoice:
    return request.app.state.device


async def get_workloads(request: Request) -> Workloads:
    return request.app.state.workloads


async def summary_of(
    workloads: Workloads,
    summaries: SummaryService,
    spec: ModelSpec,
    params: SummaryParams,
    depth: int | None = None,
) -> ModelSummary:
    """A cached summary straight from the event loop; an uncached one in the analysis lane."""
    hit = summaries.cached(spec, params, depth)
    if hit is not None:
        return hit
    return await workloads.lane("analysis").run(summaries.get, spec, params, depth)


SummariesDep = Annotated[SummaryService, Depends(get_summaries)]
DeviceDep = Annotated[DeviceChoice, Depends(get_device)]
WorkloadsDep = Annotated[Workloads, Depends(get_workloads)]
