"""Assembles the app: settings, lifespan resources, routers, error handlers, the frontend."""

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Scope

from backend import architectures
from backend.analysis.shapes import param_count
from backend.analysis.summary import SummaryCaps
from backend.analysis.summary_service import SummaryService
from backend.api import health, models, predict
from backend.api.analysis import router as analysis_router
from backend.api.architectures import router as architectures_router
from backend.api.conv_step import router as conv_step_router
from backend.api.docs import install_docs
from backend.api.errors import install_error_handlers
from backend.api.exports import router as exports_router
from backend.api.middleware import CrossSiteGuard, RequestTimeout, SecurityHeaders
from backend.api.openapi import install_openapi, operation_id
from backend.api.source import router as source_router
from backend.api.static import PageFiles
from backend.api.training import router as training_router
from backend.api.weights import router as weights_router
from backend.config import PROJECT_ROOT, Settings, get_settings
from backend.exports.service import ExportPool
from backend.lab.service import Lab
from backend.serving.device import resolve_device
from backend.serving.inference import warm_up
from backend.serving.resources import open_serving
from backend.serving.runtime import GuardedLane
from backend.source.source_map import SourceService
from backend.weights.jobs import DownloadManager
from backend.weights.sources import load_manifest
from backend.workloads import Workloads
from backend.zoo import all_specs, get_spec

FRONTEND_DIR = PROJECT_ROOT / "frontend"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
log = logging.getLogger("backend")


class FrontendMount(Mount):
    """The static frontend as the app's fallback: it serves a request only when no API route
    matched its path.

    Starlette's router takes the first route that matches fully and otherwise the first that
    matches partially (right path, wrong method). A plain mount at "/" matches every request
    fully, so GET /models/x/predict or DELETE /models would reach StaticFiles and get its 405
    `Allow: GET, HEAD`. As a partial match it yields to the API route, whose 405 names the
    methods that route really takes; paths no route knows still reach the files.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        return (Match.PARTIAL if match == Match.FULL else match), child_scope


class FrontendFiles(PageFiles):
    """frontend/ without its tests folder (node tests and fixtures are not the page's)."""

    PRIVATE = ("tests",)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        first = path.replace("\\", "/").lstrip("/").split("/", 1)[0]
        if first in self.PRIVATE:
            return "", None
        return super().lookup_path(path)


class ExplorerApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Starlette puts its error middleware (the generic 500) outside every added middleware,
        # and the time limit (504) is outermost of those: the security headers wrap the whole
        # stack so that those answers carry them too.
        return SecurityHeaders(super().build_middleware_stack())


def _architecture_limits(settings: Settings) -> architectures.ArchitectureLimits:
    return architectures.ArchitectureLimits(
        max_layers=settings.arch_max_layers,
        max_blocks=settings.arch_max_blocks,
        max_width=settings.arch_max_width,
        max_classes=settings.arch_max_classes,
        max_input_size=min(settings.arch_max_input_size, settings.max_input_size),
        max_params=settings.arch_max_params,
        max_mult_adds=settings.arch_max_mult_adds,
    )


def _summary_service(settings: Settings) -> SummaryService:
    caps = SummaryCaps(
        max_input_size=settings.max_input_size,
        max_batch_size=settings.max_batch_size,
        max_num_classes=settings.max_num_classes,
    )
    return SummaryService(caps, settings.summary_cache_size)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    app.state.device = resolve_device(settings.device)
    app.state.summaries = _summary_service(settings)
    app.state.sources = SourceService()  # each model's code and row -> line map, once each
    app.state.workloads = Workloads(settings.workload_limits)
    app.state.exports = ExportPool(
        settings.export_dir,
        memory_bytes=settings.export_memory_bytes,
        disk_bytes=settings.export_disk_bytes,
        timeout_s=settings.export_timeout_s,
        # The engine's ONNX files outlive the process: a restart exports none of them again.
        engine_dir=settings.cache_dir / "onnx" if settings.cache_dir else None,
    )
    app.state.workloads.lane("inspection", cls=GuardedLane)  # models run there: OOM -> 503
    # /models answers from the event loop: count every model's parameters once, now.
    await asyncio.to_thread(lambda: [param_count(s.name) for s in all_specs()])
    if settings.warm_summaries:
        # torchinfo's first meta-device call in a process costs 1–2 s; pay it before serving.
        spec = get_spec("simplecnn")
        summaries = app.state.summaries
        await asyncio.to_thread(summaries.get, spec, summaries.default_params(spec))
    # ONNX Runtime sessions are built from files the export worker writes (never traced here).
    serving = await asyncio.to_thread(
        open_serving, settings, app.state.device.device, app.state.exports.onnx_file
    )
    if settings.warm_models:  # load and run these once now: their first request is then fast
        await asyncio.to_thread(warm_up, serving.runtime, settings.warm_models, serving.engines)
    app.state.weights = serving.weights  # /models reads is_trained() from it
    app.state.runtime = serving.runtime
    app.state.inference = app.state.workloads.add(serving.gate)
    app.state.engines = serving.engines
    app.state.batcher = serving.batcher
    app.state.image_limits = serving.limits
    app.state.downloads = DownloadManager(
        settings.weights_dir,
        settings.weights_base_url,
        load_manifest(settings.weights_manifest),
        is_trained=serving.weights.is_trained,
    )
    lab = await asyncio.to_thread(Lab, settings)  # reads the runs kept in RUNS_DIR
    serving.weights.add_lookup(lab.checkpoint)  # a finished run's model serves its weights
    app.state.lab = lab
    log.info("serving on %s", app.state.device.device)
    yield
    await asyncio.to_thread(lab.close)  # runs still training end as `interrupted`
    app.state.downloads.close()  # a download under way stops; its partial file is kept
    serving.close()
    app.state.workloads.close()
    app.state.exports.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    app = ExplorerApp(
        title="CNN Explorer",
        description="Layer-by-layer shapes, parameters and predictions of the classic CNNs.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    # Custom network names resolve through the zoo's registry under these limits.
    architectures.install(_architecture_limits(settings))
    install_error_handlers(app)
    install_docs(app)
    install_openapi(app)
    app.include_router(health.router)
    app.include_router(models.router)
    app.include_router(analysis_router)
    app.include_router(conv_step_router)
    app.include_router(exports_router)
    app.include_router(source_router)
    app.include_router(architectures_router)
    app.include_router(predict.router)
    app.include_router(training_router)
    app.include_router(weights_router)
    frontend = FrontendFiles(
        directory=FRONTEND_DIR,
        html=True,
        compress=settings.compress_static,
        versioned=settings.version_static,
        bundle=settings.bundle_static,
    )
    app.router.routes.append(FrontendMount("/", app=frontend, name="frontend"))  # last
    # Outermost last: the time limit wraps everything; security headers: see ExplorerApp.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"]
        )
    app.add_middleware(CrossSiteGuard, allowed_origins=settings.cors_origins)
    app.add_middleware(RequestTimeout, seconds=settings.request_timeout_s)
    return app


app = create_app()
