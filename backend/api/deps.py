"""Dependencies shared by the routers, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from backend.analysis.summary_service import SummaryService
from backend.config import Settings, get_settings
from backend.serving.device import DeviceChoice
from backend.source.source_map import SourceService

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_summaries(request: Request) -> SummaryService:
    return request.app.state.summaries


def get_device(request: Request) -> DeviceChoice:
    return request.app.state.device


def get_sources(request: Request) -> SourceService:
    return request.app.state.sources


SummariesDep = Annotated[SummaryService, Depends(get_summaries)]
SourcesDep = Annotated[SourceService, Depends(get_sources)]
DeviceDep = Annotated[DeviceChoice, Depends(get_device)]
