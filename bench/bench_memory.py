"""Resident memory: a bare `import torch, torchvision, fastapi` process (the floor), the server
idle, after summaries of every model, and after each model is loaded for inference."""

import subprocess
import sys
import time

import httpx

from backend.zoo import all_specs
from bench.images import test_jpegs
from bench.server import Server
from bench.stats import table

FLOOR_SCRIPT = """
import time
start = time.perf_counter()
import torch, torchvision, fastapi
took = time.perf_counter() - start
with open("/proc/self/status") as f:
    rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
print(rss / 1024, took)
"""


def bare_import_floor() -> tuple[float, float]:
    """(RSS in MB, import seconds) of a fresh `python -c "import torch, torchvision, fastapi"`."""
    out = subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT], capture_output=True, text=True, check=True
    )
    rss, took = out.stdout.split()
    return float(rss), float(took)


def settled_rss(server: Server, wait_s: float = 1.0) -> float:
    time.sleep(wait_s)  # let lazily started threads and allocations settle
    return server.rss_mb


def run(server: Server, inference_models: tuple[str, ...]) -> tuple[str, dict]:
    floor_mb, floor_s = bare_import_floor()
    rows: list[tuple] = [("bare `import torch, torchvision, fastapi`", floor_mb, 0.0, "")]
    idle = settled_rss(server)
    rows.append(("server idle (started, no model loaded but simplecnn)", idle, idle - floor_mb, ""))
    with httpx.Client(base_url=server.base_url, timeout=300) as client:
        for spec in all_specs():
            client.get(f"/models/{spec.name}/summary").raise_for_status()
        after_summaries = settled_rss(server)
        rows.append(
            (
                f"after summaries of every model ({len(all_specs())})",
                after_summaries,
                after_summaries - floor_mb,
                "",
            )
        )
        jpeg = test_jpegs()["224×224 JPEG"]
        firsts = {}
        for name in inference_models:
            start = time.perf_counter()
            r = client.post(
                f"/models/{name}/predict", files={"file": ("p.jpg", jpeg, "image/jpeg")}
            )
            r.raise_for_status()
            firsts[name] = (time.perf_counter() - start) * 1e3
            load_ms = r.json()["timings_ms"]["load"]
            rss = settled_rss(server, 0.5)
            rows.append(
                (
                    f"after loading {name} for inference",
                    rss,
                    rss - floor_mb,
                    f"first request {firsts[name]:.0f} ms (load {load_ms:.0f})",
                )
            )
    text = table(["state", "RSS MB", "above the floor MB", "note"], rows)
    data = {"floor_mb": floor_mb, "floor_import_s": floor_s, "idle_mb": idle, "first_ms": firsts}
    return text, data
