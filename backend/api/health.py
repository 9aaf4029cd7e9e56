"""GET /health: liveness plus the device the models run on (HEAD too, for probes that only
want the status; the OpenAPI document lists GET alone, see api/openapi.py)."""

import onnxruntime
import torch
from fastapi import APIRouter

from backend.api.deps import DeviceDep, EnginesDep
from backend.api.schemas import Health

router = APIRouter(tags=["health"])


@router.api_route("/health", methods=["GET", "HEAD"], response_model=Health)
async def health(device: DeviceDep, engines: EnginesDep) -> Health:
    return Health(
        status="ok",
        device=str(device.device),
        device_requested=device.requested,
        device_note=device.note,
        torch=torch.__version__,
        cuda_available=torch.cuda.is_available(),
        inference_engine=engines.choice.describe(),
        engines=engines.sessions.ready(),
        onnxruntime=onnxruntime.__version__,
    )
