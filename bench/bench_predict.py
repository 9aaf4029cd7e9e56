"""Prediction latency over HTTP against the raw in-process forward on the same tensor.

For each model and test image, rounds alternate three measurements so that drifting load on a
shared machine hits them alike: `model(x)` in this process with the server's torch thread
count, `model(x)` with PyTorch's default thread count, and the whole HTTP request (multipart
upload, as the frontend sends it) against the running server with one client. `x` is made from
the same JPEG by the server's own decoding and preprocessing code. The server's per-request
`timings_ms` give the decode / preprocess / forward breakdown.
"""

import asyncio
import statistics
import time
from dataclasses import dataclass

import torch

from backend.config import Settings, parse_engines
from backend.serving.images import ImageLimits, decode_image
from backend.serving.preprocess import draft_size_for, preprocess_for
from backend.serving.runtime import ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs, get_spec
from bench.images import test_jpegs
from bench.load import Connection, predict_request
from bench.stats import median, percentile, table

MODELS = ("simplecnn", "alexnet", "vgg16", "resnet18")
# Rounds × calls per round, per measurement; fewer for the slow model and the big photo.
REPEATS = {"simplecnn": (6, 20), "alexnet": (5, 8), "vgg16": (3, 4), "resnet18": (6, 10)}


@dataclass
class PredictCase:
    model: str
    image: str
    http_ms: list[float]
    raw_server_threads_ms: list[float]
    raw_default_threads_ms: list[float]
    server: dict[str, float]  # medians of the server's timings_ms
    first_request_ms: float | None = None  # the model's first request (includes the load)


def reference(name: str, jpeg: bytes, settings: Settings) -> tuple[torch.nn.Module, torch.Tensor]:
    """The model with the server's weights, plain (contiguous, as built), and the input tensor
    the server makes from `jpeg`."""
    x = input_tensor(name, jpeg, settings)
    weights = WeightStore(settings.weights_dir)
    weights.scan([s for s in all_specs() if s.name == name])
    runtime = ModelRuntime(weights, torch.device("cpu"), 1)
    return runtime.get(name).module, x


def input_tensor(name: str, jpeg: bytes, settings: Settings) -> torch.Tensor:
    """The (1, C, H, W) tensor the server makes from `jpeg` for model `name`: its own decoding
    and preprocessing code."""
    spec = get_spec(name)
    assert spec.dataset is not None
    limits = ImageLimits(settings.max_upload_bytes, settings.max_image_pixels)
    image = decode_image(jpeg, limits, draft_size=draft_size_for(spec.dataset))
    return preprocess_for(spec.dataset)(image)[None]


def time_forward(model: torch.nn.Module, x: torch.Tensor, threads: int, n: int) -> list[float]:
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    out = []
    try:
        with torch.inference_mode():
            model(x)  # first call per shape and thread count sets up kernels: not counted
            for _ in range(n):
                start = time.perf_counter()
                model(x)
                out.append((time.perf_counter() - start) * 1e3)
    finally:
        torch.set_num_threads(before)
    return out


async def _http_calls(base_url: str, raw: bytes, n: int) -> tuple[list[float], list[dict]]:
    connection = Connection(base_url)
    ms, timings = [], []
    try:
        for _ in range(n):
            reply = await connection.send(raw)
            if reply.status != 200:
                raise RuntimeError(f"predict answered {reply.status}: {reply.body[:200]!r}")
            ms.append(reply.ms)
            timings.append(reply.json()["timings_ms"])
    finally:
        await connection.close()
    return ms, timings


def measure(
    base_url: str,
    name: str,
    image_name: str,
    jpeg: bytes,
    settings: Settings,
    default_threads: int,
    quick: bool,
) -> PredictCase:
    model, x = reference(name, jpeg, settings)
    raw = predict_request(base_url, name, jpeg)
    rounds, per_round = REPEATS[name]
    if image_name != "224×224 JPEG":
        per_round = max(2, per_round // 2)
    if quick:
        rounds, per_round = 2, max(2, per_round // 4)
    server_threads = settings.torch_threads or default_threads
    case = PredictCase(name, image_name, [], [], [], {})
    asyncio.run(_http_calls(base_url, raw, 2))  # loaded and warm before timing
    default_engine, per_model = parse_engines(settings.inference_engine)
    if per_model.get(name, default_engine) == "onnxruntime":  # its session ready before timing
        from bench.bench_engines import wait_for_sessions  # (it imports this module)

        wait_for_sessions(base_url, jpeg, (name,))
    all_timings: list[dict] = []
    for _ in range(rounds):
        case.raw_server_threads_ms += time_forward(model, x, server_threads, per_round)
        case.raw_default_threads_ms += time_forward(model, x, default_threads, per_round)
        ms, timings = asyncio.run(_http_calls(base_url, raw, per_round))
        case.http_ms += ms
        all_timings += timings
    steps = ("read", "queue", "decode", "preprocess", "load", "forward", "total")
    case.server = {s: statistics.median(t.get(s, 0.0) for t in all_timings) for s in steps}
    return case


def report(cases: list[PredictCase], server_threads: int, default_threads: int) -> str:
    rows = []
    for c in cases:
        http50 = median(c.http_ms)
        raw50, default50 = median(c.raw_server_threads_ms), median(c.raw_default_threads_ms)
        rows.append(
            (
                c.model,
                c.image,
                len(c.http_ms),
                http50,
                percentile(c.http_ms, 99),
                raw50,
                http50 / raw50,
                http50 - raw50,
                default50,
                http50 / default50,
                c.server["decode"],
                c.server["preprocess"],
                c.server["forward"],
                c.server["read"] + c.server["queue"],
            )
        )
    return table(
        [
            "model",
            "image",
            "n",
            "HTTP p50 ms",
            "HTTP p99 ms",
            f"raw model(x) p50, {server_threads} thread(s) like the server",
            "overhead ratio",
            "overhead ms",
            f"raw p50, PyTorch's {default_threads} threads",
            "HTTP ÷ that",
            "server: decode",
            "preprocess",
            "forward",
            "read + queue",
        ],
        rows,
    )


def run(
    base_url: str, settings: Settings, default_threads: int, quick: bool = False
) -> tuple[str, list[PredictCase]]:
    cases = []
    for name in MODELS:
        for image_name, jpeg in test_jpegs().items():
            case = measure(base_url, name, image_name, jpeg, settings, default_threads, quick)
            cases.append(case)
            print(
                f"  predict {name} {image_name}: HTTP p50 {median(case.http_ms):.1f} ms, "
                f"raw {median(case.raw_server_threads_ms):.1f} ms",
                flush=True,
            )
    server_threads = settings.torch_threads or default_threads
    return report(cases, server_threads, default_threads), cases
