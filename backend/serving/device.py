"""Choosing the torch device from the DEVICE setting."""

import logging
from dataclasses import dataclass

import torch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceChoice:
    device: torch.device
    requested: str
    note: str | None = None  # why the device differs from what was asked for


def resolve_device(requested: str) -> DeviceChoice:
    """`auto` → cuda:0 when available, else cpu. An unavailable CUDA request falls back to the
    CPU with a logged warning (and a note /health shows), so the server still starts."""
    available = torch.cuda.is_available()
    if requested == "auto":
        return DeviceChoice(torch.device("cuda:0" if available else "cpu"), requested)
    if requested == "cpu":
        return DeviceChoice(torch.device("cpu"), requested)
    index = int(requested.partition(":")[2] or 0)
    if available and index < torch.cuda.device_count():
        return DeviceChoice(torch.device(f"cuda:{index}"), requested)
    note = (
        f"DEVICE={requested} was requested but "
        + (
            "CUDA is not available"
            if not available
            else f"only {torch.cuda.device_count()} GPU(s) exist"
        )
        + "; running on the CPU."
    )
    log.warning(note)
    return DeviceChoice(torch.device("cpu"), requested, note)
