"""Issue 18's first request after start, per model, on a fresh server each time.

    python -m bench.bench_first_request            # alexnet, vgg16, resnet18 (~5–10 minutes)
    python -m bench.bench_first_request --steps    # also the build's steps, in fresh processes

Server cells (the new defaults, INFERENCE_ENGINE=onnxruntime): an empty CACHE_DIR (the random
weights are made and saved), then the same CACHE_DIR again (they are memory-mapped), each with
the first request's `timings_ms` (load: building the model; forward) and the median of the
requests right after it, sent while the ONNX Runtime session is built in the background (its
export worker takes cores from them); then a warm request once the session is ready. With
`--today`, today's configuration (eager, no cache) too.

`--steps`: the first request's work step by step in a fresh Python process per model (imports
done, the cached file on disk), the way `_build_random` and the first forward do it.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.images import test_jpegs
from bench.load import Connection, predict_request
from bench.server import ROOT, running_server, wait_until
from bench.stats import machine, median, table

MODELS = ("alexnet", "vgg16", "resnet18")
NEW = {"INFERENCE_ENGINE": "onnxruntime", "MAX_LOADED_MODELS": "3"}
AFTER = 4  # requests right after the first, while the session is being built
SESSION_WAIT_S = 600


async def _requests(base_url: str, raw: bytes, n: int) -> list[tuple[float, dict]]:
    """(ms, reply JSON) of `n` requests in a row on one connection."""
    connection = Connection(base_url)
    out = []
    try:
        for _ in range(n):
            start = time.perf_counter()
            reply = await connection.send(raw)
            ms = (time.perf_counter() - start) * 1e3
            if reply.status != 200:
                raise RuntimeError(f"predict answered {reply.status}: {reply.body[:200]!r}")
            out.append((ms, reply.json()))
        return out
    finally:
        await connection.close()


def _session_ready(base_url: str, name: str, raw: bytes) -> bool:
    """Whether /health lists the model's session; if not, a request (which starts the build
    when none runs)."""
    if name in httpx.get(f"{base_url}/health", timeout=10).json()["engines"]:
        return True
    asyncio.run(_requests(base_url, raw, 1))
    return False


def server_cell(env: dict[str, str], name: str, jpeg: bytes, warm: str = "") -> dict[str, object]:
    """`warm`: "" none; "eager": 5 more requests at once; "session": once the model's ONNX
    Runtime session is ready."""
    with running_server(env) as server:
        raw = predict_request(server.base_url, name, jpeg)
        (first_ms, first), *after = asyncio.run(_requests(server.base_url, raw, 1 + AFTER))
        cell: dict[str, object] = {
            "first": first_ms,
            "load": first["timings_ms"]["load"],
            "forward": first["timings_ms"]["forward"],
            "server total": first["timings_ms"].get("total", float("nan")),
            "after": median([ms for ms, _ in after]),
            "after engines": sorted({r["engine"] for _, r in after}),
        }
        if warm == "session":
            try:
                wait_until(
                    lambda: _session_ready(server.base_url, name, raw),
                    "the ONNX Runtime session", SESSION_WAIT_S, 1.0,
                )  # fmt: skip
            except AssertionError:
                cell["warm note"] = f"no session within {SESSION_WAIT_S} s"
        if warm:
            replies = asyncio.run(_requests(server.base_url, raw, 5))
            cell["warm"] = median([ms for ms, _ in replies])
            cell["warm engine"] = replies[-1][1]["engine"]
    return cell


def first_requests(
    jpeg: bytes,
    cache_root: Path,
    models: tuple[str, ...] = MODELS,
    today: dict[str, str] | None = None,
) -> dict[str, dict[str, dict[str, object]]]:
    """Per model, per cell ("today" with the `today` settings when given, "empty cache",
    "cached"): its measurements."""
    out: dict[str, dict[str, dict[str, object]]] = {}
    for name in models:
        env = {**NEW, "CACHE_DIR": str(cache_root / name)}
        cells = {"today": server_cell(today, name, jpeg, warm="eager")} if today else {}
        cells["empty cache"] = server_cell(env, name, jpeg)
        cells["cached"] = server_cell(env, name, jpeg, warm="session")
        out[name] = cells
        print(f"  first {name}: {json.dumps(cells)}", flush=True)
    return out


STEPS = r"""
import json, sys, time
import torch
from pathlib import Path
from backend.serving.images import ImageLimits, decode_image
from backend.serving.preprocess import draft_size_for, preprocess_for
from backend.serving.random_weights import RandomWeightFiles, in_channels_last
from backend.zoo import get_spec
from bench.images import test_jpegs

name, directory, nhwc = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
torch.set_num_threads(1)  # TORCH_THREADS' default
spec, jpeg, ms = get_spec(name), test_jpegs()["224×224 JPEG"], {}
files = RandomWeightFiles(directory, [name] if nhwc else [])
def step(label, fn):
    start = time.perf_counter(); value = fn(); ms[label] = (time.perf_counter() - start) * 1e3
    return value
step("file name (digest)", lambda: files.path(spec))
module = step("map the file, meta build, assign", lambda: files.load(spec)).eval()
assert module is not None and in_channels_last(module) == nhwc
image = step("first JPEG decode", lambda: decode_image(
    jpeg, ImageLimits(10**8, 10**8), draft_size=draft_size_for(spec.dataset)))
x = step("first preprocess", lambda: preprocess_for(spec.dataset)(image)[None])
if nhwc:
    x = x.contiguous(memory_format=torch.channels_last)
weights = [t for t in module.state_dict().values() if t.is_floating_point()]
with torch.inference_mode():
    # The mapped pages are read from the page cache as they are first touched: a read of every
    # weight, twice, tells the faults' cost from the reading's.
    step("read every weight (page faults)", lambda: sum(float(t.sum()) for t in weights))
    step("read every weight again", lambda: sum(float(t.sum()) for t in weights))
    step("first forward (oneDNN set-up)", lambda: module(x))
    step("second forward", lambda: module(x))
    step("third forward", lambda: module(x))
print(json.dumps(ms))
"""


def build_steps(models: tuple[str, ...], cache_root: Path) -> dict[str, dict[str, float]]:
    """The steps in a fresh process per model, with the file the servers left in the cache."""
    out = {}
    for name in models:
        directory = cache_root / name / "random-weights"
        nhwc = any(p.name.endswith("-nhwc.pt") for p in directory.glob(f"{name}-*.pt"))
        done = subprocess.run(
            [sys.executable, "-c", STEPS, name, str(directory), "1" if nhwc else "0"],
            cwd=ROOT, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  steps {name}: {out[name]}", flush=True)
    return out


def report(
    firsts: dict[str, dict[str, dict[str, object]]],
    steps: dict[str, dict[str, float]],
    began: float,
    load_before: float,
) -> str:
    parts = [
        f"{machine()} · {time.perf_counter() - began:.0f} s · load average before: "
        f"{load_before:.1f}, after: {os.getloadavg()[0]:.1f}",
        "### First request after start (ms; a fresh server per cell)",
    ]
    rows: list[tuple[object, ...]] = []
    for name, cells in firsts.items():
        for label, cell in cells.items():
            rows.append((
                name, label, cell["first"], cell["load"], cell["forward"], cell["after"],
                ",".join(cell["after engines"]),  # type: ignore[arg-type]
            ))  # fmt: skip
            if "warm" in cell:
                rows.append((name, f"{label}: warm ({cell['warm engine']})", cell["warm"], "",
                             "", "", cell.get("warm note", "")))  # fmt: skip
        ratio = float(cells["cached"]["first"]) / float(cells["cached"]["warm"])  # type: ignore[arg-type]
        rows.append((name, "first (cached) ÷ warm", ratio, "", "", "", ""))
    parts.append(table(
        ["model", "cell", "first request ms", "of which load", "forward",
         f"next {AFTER} requests p50", "their engine"], rows,
    ))  # fmt: skip
    if steps:
        labels = list(next(iter(steps.values())))
        parts += [
            "### The first request's steps in a fresh process, random weights cached (ms)",
            table(["model", *labels], [(n, *(s[k] for k in labels)) for n, s in steps.items()]),
        ]
    return "\n\n".join(parts)


def today_settings() -> dict[str, str]:
    from bench.bench_engines import TODAY  # the configuration before issue 18, in one place

    return TODAY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--today", action="store_true", help="also eager without a cache")
    parser.add_argument("--steps", action="store_true", help="also the steps in-process")
    args = parser.parse_args()
    models = tuple(m for m in args.models.split(",") if m)
    jpeg = test_jpegs()["224×224 JPEG"]
    began, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-first-") as tmp:
        firsts = first_requests(jpeg, Path(tmp), models, today_settings() if args.today else None)
        steps = build_steps(models, Path(tmp)) if args.steps else {}
    print(report(firsts, steps, began, load_before))


if __name__ == "__main__":
    main()
