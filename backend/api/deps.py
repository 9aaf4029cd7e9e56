"""Every service a route needs, as an Annotated dependency (FastAPI's full-stack template does
the same): routes never read `request.app.state` themselves. The lifespan (backend/main.py)
creates these services once and keeps them on the app's state; this is the one module that
reads them back."""

from typing import Annotated

from fastapi import Depends, Request

from backend.analysis.summary import SummaryService
from backend.config import Settings
from backend.exports.onnx import ExportService
from backend.lab.service import Lab
from backend.serving.device import DeviceChoice
from backend.serving.images import ImageLimits
from backend.serving.runtime import InferenceGate, ModelRuntime
from backend.serving.weights import WeightStore
from backend.weights.jobs import DownloadManager


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # the app's own, which create_app(settings) may override


def get_summaries(request: Request) -> SummaryService:
    return request.app.state.summaries


def get_device(request: Request) -> DeviceChoice:
    return request.app.state.device


def get_runtime(request: Request) -> ModelRuntime:
    return request.app.state.runtime


def get_gate(request: Request) -> InferenceGate:
    return request.app.state.inference


def get_weights(request: Request) -> WeightStore:
    return request.app.state.weights


def get_image_limits(request: Request) -> ImageLimits:
    return request.app.state.image_limits


def get_exporter(request: Request) -> ExportService:
    return request.app.state.exporter


def get_downloads(request: Request) -> DownloadManager:
    return request.app.state.downloads


def get_lab(request: Request) -> Lab:
    return request.app.state.lab


SettingsDep = Annotated[Settings, Depends(get_settings)]
SummariesDep = Annotated[SummaryService, Depends(get_summaries)]
DeviceDep = Annotated[DeviceChoice, Depends(get_device)]
RuntimeDep = Annotated[ModelRuntime, Depends(get_runtime)]
GateDep = Annotated[InferenceGate, Depends(get_gate)]
WeightsDep = Annotated[WeightStore, Depends(get_weights)]
ImageLimitsDep = Annotated[ImageLimits, Depends(get_image_limits)]
ExporterDep = Annotated[ExportService, Depends(get_exporter)]
DownloadsDep = Annotated[DownloadManager, Depends(get_downloads)]
LabDep = Annotated[Lab, Depends(get_lab)]
