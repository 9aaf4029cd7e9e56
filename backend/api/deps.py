"""Dependencies shared by the routers, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from backend.analysis.summary import SummaryService
from backend.config import Settings, get_settings
from backend.serving.device import DeviceChoice
from backend.serving.weights import WeightStore
from backend.weights.jobs import DownloadManager


def get_app_settings(request: Request) -> Settings:
    """The settings the app was made with (tests make apps with their own)."""
    return getattr(request.app.state, "settings", None) or get_settings()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_summaries(request: Request) -> SummaryService:
    return request.app.state.summaries


def get_device(request: Request) -> DeviceChoice:
    return request.app.state.device


SummariesDep = Annotated[SummaryService, Depends(get_summaries)]
DeviceDep = Annotated[DeviceChoice, Depends(get_device)]


def get_weights(request: Request) -> WeightStore:
    return request.app.state.weights


def get_downloads(request: Request) -> DownloadManager:
    return request.app.state.downloads


WeightsDep = Annotated[WeightStore, Depends(get_weights)]
DownloadsDep = Annotated[DownloadManager, Depends(get_downloads)]
