"""Issue 18's measurements, side by side in one run: ONNX Runtime against eager PyTorch.

    python -m bench.bench_engines            # ~10 minutes on 2 busy cores
    python -m bench.bench_engines --quick    # fewer repetitions

1. Latency, one client: two servers up at once, today's configuration (INFERENCE_ENGINE=eager,
   no weight cache) and the new defaults (onnxruntime), against `model(x)` in this process at
   the server's thread count and at PyTorch's default; the four take turns, round by round.
2. Throughput: 1 and 16 clients on the load model, the two servers taking turns.
3. First request after start per model: today's configuration, the new one with an empty
   cache (the random weights are made and saved), the new one again (they are memory-mapped),
   and a warm request of the new one (its ONNX Runtime session ready).
"""

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import torch

from backend.config import Settings
from bench.bench_first_request import first_requests as measure_first_requests
from bench.bench_load import merge
from bench.bench_predict import _http_calls, reference, time_forward
from bench.images import test_jpegs
from bench.load import Connection, LoadResult, predict_request, run_load
from bench.server import running_server, wait_until
from bench.stats import machine, median, percentile, table

MODELS = ("alexnet", "vgg16", "resnet18")
LOAD_MODEL = "resnet18"
# Before issue 18, by its settings: eager, one torch thread per forward, one forward per core.
TODAY = {
    "INFERENCE_ENGINE": "eager",
    "CACHE_DIR": "",
    "MAX_LOADED_MODELS": "3",
    "TORCH_THREADS": "1",
    "INFERENCE_CONCURRENCY": str(len(os.sched_getaffinity(0))),
    "INFERENCE_FORWARDS": "0",
    "INFERENCE_BATCH_MAX": "1",
}
NEW = {"INFERENCE_ENGINE": "onnxruntime", "MAX_LOADED_MODELS": "3"}


def wait_for_sessions(base_url: str, jpeg: bytes, models: tuple[str, ...]) -> None:
    """Sends each model without a ready session a request (which starts its session's build
    when no other build runs: one at a time, none queued) until /health lists them all."""

    def ready() -> bool:
        engines = httpx.get(f"{base_url}/health", timeout=10).json()["engines"]
        missing = [name for name in models if name not in engines]
        for name in missing:
            asyncio.run(_http_calls(base_url, predict_request(base_url, name, jpeg), 1))
        return not missing

    wait_until(ready, "the ONNX Runtime sessions", seconds=900, interval=1.0)


@dataclass
class Latency:
    model: str
    raw_1: list[float] = field(default_factory=list)
    raw_default: list[float] = field(default_factory=list)
    today: list[float] = field(default_factory=list)
    new: list[float] = field(default_factory=list)
    engines: set[str] = field(default_factory=set)


def latency(urls: tuple[str, str], jpeg: bytes, settings: Settings, quick: bool) -> list[Latency]:
    default_threads = torch.get_num_threads()
    out = []
    for name in MODELS:
        model, x = reference(name, jpeg, settings)
        rounds, per_round = (2, 2) if quick else (4, 4 if name == "vgg16" else 8)
        case = Latency(name)
        raws = [predict_request(u, name, jpeg) for u in urls]
        for url, raw in zip(urls, raws, strict=True):
            asyncio.run(_http_calls(url, raw, 1))
        for _ in range(rounds):
            case.raw_1 += time_forward(model, x, settings.torch_threads or 1, per_round)
            case.raw_default += time_forward(model, x, default_threads, per_round)
            ms, _ = asyncio.run(_http_calls(urls[0], raws[0], per_round))
            case.today += ms
            ms, _ = asyncio.run(_http_calls(urls[1], raws[1], per_round))
            case.new += ms
        case.engines = _engine_of(urls[1], raws[1])
        out.append(case)
        print(f"  {name}: today {median(case.today):.1f} ms, new {median(case.new):.1f} ms, "
              f"raw {median(case.raw_1):.1f} ms", flush=True)  # fmt: skip
        del model
    return out


def _engine_of(url: str, raw: bytes) -> set[str]:
    async def one() -> str:
        connection = Connection(url)
        try:
            return (await connection.send(raw)).json()["engine"]
        finally:
            await connection.close()

    return {asyncio.run(one())}


def throughput(urls: tuple[str, str], jpeg: bytes, quick: bool) -> dict[str, dict[int, LoadResult]]:
    rounds, max_requests, max_seconds = (2, 60, 2.0) if quick else (3, 200, 4.0)
    out: dict[str, dict[int, list[LoadResult]]] = {"today": {1: [], 16: []}, "new": {1: [], 16: []}}
    raws = [predict_request(u, LOAD_MODEL, jpeg) for u in urls]
    for i in range(rounds):
        order = [("today", 0), ("new", 1)] if i % 2 == 0 else [("new", 1), ("today", 0)]
        for label, k in order:
            for clients in (1, 16):
                result = asyncio.run(run_load(urls[k], raws[k], clients, max_requests, max_seconds))
                out[label][clients].append(result)
    return {label: {c: merge(rs) for c, rs in by.items()} for label, by in out.items()}


def first_requests(jpeg: bytes, cache_root: Path) -> dict[str, dict[str, float]]:
    """bench/bench_first_request.py's cells, as this report's columns."""
    out: dict[str, dict[str, float]] = {}
    for name, cells in measure_first_requests(jpeg, cache_root, MODELS, today=TODAY).items():
        out[name] = {
            "today": float(cells["today"]["first"]),  # type: ignore[arg-type]
            "warm (today)": float(cells["today"]["warm"]),  # type: ignore[arg-type]
            "new, empty cache": float(cells["empty cache"]["first"]),  # type: ignore[arg-type]
            "new, cached": float(cells["cached"]["first"]),  # type: ignore[arg-type]
            "warm (onnxruntime)": float(cells["cached"]["warm"]),  # type: ignore[arg-type]
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-first", action="store_true", help="no first-request part")
    args = parser.parse_args()
    text, rows = run(args.quick, args.skip_first)
    print(text)
    print(table(["target", "goal", "measured", "met"], rows))


Target = tuple[str, str, str, str]  # target, goal, measured, "yes" / "**no**"


def run(quick: bool = False, skip_first: bool = False) -> tuple[str, list[Target]]:
    settings = Settings()
    jpeg = test_jpegs()["224×224 JPEG"]
    began, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
        new_env = {**NEW, "CACHE_DIR": str(Path(tmp) / "shared")}
        with running_server(TODAY) as today, running_server(new_env) as new:
            urls = (today.base_url, new.base_url)
            print("waiting for the ONNX Runtime sessions...", flush=True)
            wait_for_sessions(new.base_url, jpeg, MODELS)
            print("latency...", flush=True)
            cases = latency(urls, jpeg, settings, quick)
            print("throughput...", flush=True)
            loads = throughput(urls, jpeg, quick)
        print(report(cases, loads, {}, began, load_before), flush=True)  # kept if later fails
        firsts = {} if skip_first else first_requests(jpeg, Path(tmp))
    return report(cases, loads, firsts, began, load_before), targets(cases, loads, firsts)


def targets(
    cases: list[Latency],
    loads: dict[str, dict[int, LoadResult]],
    firsts: dict[str, dict[str, float]],
) -> list[Target]:
    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    threads = torch.get_num_threads()
    rows: list[Target] = []
    for c in cases:
        same, default = median(c.new) / median(c.raw_1), median(c.new) / median(c.raw_default)
        rows.append((
            f"predict {c.model} (HTTP p50, engine {','.join(sorted(c.engines))}) ÷ eager "
            "model(x) p50 at 1 thread", "≤ 0.90", f"{same:.2f}", met(same <= 0.90)
        ))  # fmt: skip
        rows.append((
            f"predict {c.model}, lone request ÷ eager at PyTorch's {threads} threads",
            "≤ 1.00", f"{default:.2f}", met(default <= 1.00),
        ))  # fmt: skip
    new, today = loads["new"][16].ok_per_s, loads["today"][16].ok_per_s
    rows.append((
        f"16-client throughput ({LOAD_MODEL}), new defaults ÷ today's configuration",
        "≥ 1.3×", f"{new / today:.2f}× ({new:.1f} vs {today:.1f} req/s)", met(new >= 1.3 * today),
    ))  # fmt: skip
    if "vgg16" in firsts:
        row = firsts["vgg16"]
        for label in ("new, cached", "new, empty cache"):
            ratio = row[label] / row["warm (onnxruntime)"]
            rows.append((
                f"first vgg16 request after start ({label}) ÷ a warm one",
                "≤ 3×", f"{ratio:.1f}× ({row[label]:.0f} vs {row['warm (onnxruntime)']:.0f} ms)",
                met(ratio <= 3),
            ))  # fmt: skip
    return rows


def report(
    cases: list[Latency],
    loads: dict[str, dict[int, LoadResult]],
    firsts: dict[str, dict[str, float]],
    began: float,
    load_before: float,
) -> str:
    threads = torch.get_num_threads()
    rows = [
        (
            c.model,
            len(c.new),
            median(c.today),
            median(c.new),
            ",".join(sorted(c.engines)),
            median(c.raw_1),
            median(c.raw_default),
            median(c.new) / median(c.raw_1),
            median(c.new) / median(c.raw_default),
            median(c.today) / median(c.raw_1),
        )
        for c in cases
    ]
    parts = [
        f"{machine()} · {time.perf_counter() - began:.0f} s · load average before: "
        f"{load_before:.1f}",
        "### Latency, one client (224×224 JPEG)",
        table(
            [
                "model",
                "n",
                "today (eager) HTTP p50 ms",
                "new HTTP p50 ms",
                "engine",
                "eager model(x) p50, 1 thread",
                f"eager p50, {threads} threads",
                "new ÷ eager 1 thread (≤ 0.90)",
                f"new ÷ eager {threads} threads (≤ 1.00)",
                "today ÷ eager 1 thread",
            ],
            rows,
        ),
        f"### Throughput ({LOAD_MODEL}, 224×224 JPEG, the two servers taking turns)",
        table(
            [
                "configuration",
                "1 client req/s",
                "1 client p50 ms",
                "16 clients req/s",
                "16 clients p50 ms",
                "p99 ms",
                "non-200",
            ],
            [
                (
                    label,
                    by[1].ok_per_s,
                    median(by[1].ok_ms),
                    by[16].ok_per_s,
                    median(by[16].ok_ms),
                    percentile(by[16].ok_ms, 99),
                    sum(n for s, n in by[16].statuses.items() if s != 200),
                )
                for label, by in loads.items()
            ],
        ),
        f"16 clients, new ÷ today: {loads['new'][16].ok_per_s / loads['today'][16].ok_per_s:.2f}×",
    ]
    if firsts:
        labels = list(next(iter(firsts.values())))
        parts += [
            "### First request after start (ms)",
            table(["model", *labels, "first (cached) ÷ warm"], [
                (name, *(row[k] for k in labels), row["new, cached"] / row["warm (onnxruntime)"])
                for name, row in firsts.items()
            ]),
        ]  # fmt: skip
    return "\n\n".join(parts)


if __name__ == "__main__":
    main()
