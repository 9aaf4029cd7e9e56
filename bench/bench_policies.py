"""Issue 18's thread policies and micro-batching, side by side in one run.

    python -m bench.bench_policies                    # resnet18
    python -m bench.bench_policies --models resnet18,vgg16 --quick

One server per policy, all up at once, every one on ONNX Runtime with its session ready; round
by round they take turns (the order rotating), each measured for a lone client (p50 of
sequential requests) and 16 clients at once (requests/s). `model(x)` in eager PyTorch at
PyTorch's default thread count, in this process, takes its turn too: the lone-request target.

Every policy runs on the same engine, so "÷ a." is what the policy alone gives. Issue 18's
throughput target compares the new defaults with the configuration before it (eager PyTorch,
a.'s threads), engine and policy together: bench/bench_engines.py measures that.
"""

import argparse
import asyncio
import os
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import torch

from backend.config import Settings
from bench.bench_engines import wait_for_sessions
from bench.bench_load import merge
from bench.bench_predict import _http_calls, reference, time_forward
from bench.images import test_jpegs
from bench.load import LoadResult, predict_request, run_load
from bench.server import running_server
from bench.stats import machine, median, percentile, table

COMMON = {"INFERENCE_ENGINE": "onnxruntime", "MAX_LOADED_MODELS": "2"}
# name -> settings; the first is the configuration the others are compared with.
POLICIES: dict[str, dict[str, str]] = {
    "a. the old thread policy: 1 thread per forward, 2 at once": {
        "TORCH_THREADS": "1",
        "INFERENCE_CONCURRENCY": "2",
        "INFERENCE_FORWARDS": "0",
        "INFERENCE_BATCH_MAX": "1",
    },
    "b. one forward at a time, all cores": {
        "TORCH_THREADS": "0",
        "INFERENCE_CONCURRENCY": "16",
        "INFERENCE_FORWARDS": "1",
        "INFERENCE_BATCH_MAX": "1",
    },
    "c. micro-batches of ≤ 8, one at a time, all cores": {
        "TORCH_THREADS": "0",
        "INFERENCE_CONCURRENCY": "16",
        "INFERENCE_FORWARDS": "1",
        "INFERENCE_BATCH_MAX": "8",
    },
    "d. as c, 2 ms window": {
        "TORCH_THREADS": "0",
        "INFERENCE_CONCURRENCY": "16",
        "INFERENCE_FORWARDS": "1",
        "INFERENCE_BATCH_MAX": "8",
        "INFERENCE_BATCH_WINDOW_MS": "2",
    },
    "e. as c, batches of ≤ 4": {
        "TORCH_THREADS": "0",
        "INFERENCE_CONCURRENCY": "16",
        "INFERENCE_FORWARDS": "1",
        "INFERENCE_BATCH_MAX": "4",
    },
    "f. as c, batches of ≤ 2": {
        "TORCH_THREADS": "0",
        "INFERENCE_CONCURRENCY": "16",
        "INFERENCE_FORWARDS": "1",
        "INFERENCE_BATCH_MAX": "2",
    },
}


@dataclass
class Cell:
    lone_ms: list[float] = field(default_factory=list)
    loads: list[LoadResult] = field(default_factory=list)

    @property
    def load(self) -> LoadResult:
        return merge(self.loads)

    def batch_p50(self) -> float:
        sizes = self.load.batch_sizes
        return median([float(n) for n in sizes]) if sizes else 1.0


def measure(
    model: str, urls: dict[str, str], jpeg: bytes, quick: bool
) -> tuple[dict[str, Cell], list[float]]:
    settings = Settings()
    rounds, lone_n = (2, 4) if quick else (3, 8)
    max_requests, max_seconds = (80, 3.0) if quick else (200, 6.0)
    if model == "vgg16":
        lone_n, max_requests = max(2, lone_n // 2), max_requests // 4
    raws = {label: predict_request(url, model, jpeg) for label, url in urls.items()}
    net, x = reference(model, jpeg, settings)
    cells = {label: Cell() for label in urls}
    eager_default: list[float] = []
    labels = list(urls)
    for r in range(rounds):
        order = labels[r % len(labels) :] + labels[: r % len(labels)]
        eager_default += time_forward(net, x, torch.get_num_threads(), lone_n)
        for label in order:
            ms, _ = asyncio.run(_http_calls(urls[label], raws[label], lone_n))
            cells[label].lone_ms += ms
            cells[label].loads.append(
                asyncio.run(run_load(urls[label], raws[label], 16, max_requests, max_seconds))
            )
        print(f"  {model} round {r + 1}/{rounds} done", flush=True)
    return cells, eager_default


def run(
    models: tuple[str, ...] = ("resnet18",), quick: bool = False, only: str = "abcdef"
) -> tuple[str, list]:
    """The report (markdown) and the target rows (target, goal, measured, met), for the
    policies whose letters are in `only` ("a" is always in: the others' reference)."""
    policies = {k: v for k, v in POLICIES.items() if k[0] in "a" + only}
    jpeg = test_jpegs()["224×224 JPEG"]
    began, load_before = time.perf_counter(), os.getloadavg()
    results: dict[str, tuple[dict[str, Cell], list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-policies-") as tmp, ExitStack() as stack:
        env = {**COMMON, "CACHE_DIR": str(Path(tmp) / "cache")}
        servers = {
            label: stack.enter_context(running_server({**env, **policy}))
            for label, policy in policies.items()
        }
        urls = {label: s.base_url for label, s in servers.items()}
        for model in models:
            for label, url in urls.items():  # one at a time: each export takes GBs
                print(f"waiting for {label}'s {model} session...", flush=True)
                wait_for_sessions(url, jpeg, (model,))
            results[model] = measure(model, urls, jpeg, quick)
    load_after = os.getloadavg()
    return report(results, began, load_before, load_after), targets(results)


def _ratio_old(cells: dict[str, Cell], label: str) -> float:
    """16-client throughput of `label` ÷ that of the first policy (a., the old threads)."""
    old = next(iter(cells.values())).load.ok_per_s
    return cells[label].load.ok_per_s / old if old else 0.0


def report(
    results: dict[str, tuple[dict[str, Cell], list[float]]],
    began: float,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
) -> str:
    threads = torch.get_num_threads()
    parts = [
        f"{machine()} · {time.perf_counter() - began:.0f} s · load average (1, 5, 15 min) "
        f"before: {', '.join(f'{v:.1f}' for v in load_before)}; after: "
        f"{', '.join(f'{v:.1f}' for v in load_after)}",
    ]
    for model, (cells, eager) in results.items():
        rows = []
        for label, cell in cells.items():
            load = cell.load
            rows.append((
                label,
                median(cell.lone_ms),
                median(cell.lone_ms) / median(eager),
                load.ok_per_s,
                _ratio_old(cells, label),
                median(load.ok_ms) if load.ok_ms else 0.0,
                percentile(load.ok_ms, 99) if load.ok_ms else 0.0,
                cell.batch_p50(),
                sum(n for s, n in load.statuses.items() if s != 200),
            ))  # fmt: skip
        parts += [
            f"### {model} (224×224 JPEG; eager model(x) at {threads} threads: "
            f"p50 {median(eager):.1f} ms)",
            table(
                [
                    "policy",
                    "lone p50 ms",
                    f"lone ÷ eager {threads} threads (≤ 1.00)",
                    "16 clients req/s",
                    "÷ a. (same engine)",
                    "16 clients p50 ms",
                    "p99 ms",
                    "batch size p50",
                    "non-200",
                ],
                rows,
            ),
        ]
    return "\n\n".join(parts)


def targets(results: dict[str, tuple[dict[str, Cell], list[float]]]) -> list:
    settings = Settings()
    default = next(
        (
            label
            for label, p in POLICIES.items()
            if int(p["TORCH_THREADS"]) == settings.torch_threads
            and int(p["INFERENCE_BATCH_MAX"]) == settings.inference_batch_max
            and int(p["INFERENCE_FORWARDS"]) == settings.inference_forwards
            and float(p.get("INFERENCE_BATCH_WINDOW_MS", 0)) == settings.inference_batch_window_ms
        ),
        None,
    )
    if default is None:
        return []
    rows = []
    for model, (cells, eager) in results.items():
        if default not in cells:
            continue
        gain = _ratio_old(cells, default)
        lone = median(cells[default].lone_ms) / median(eager)
        # Why the default is the default: no less throughput than the old threads on the same
        # engine, and a faster lone request (the 1.3× is bench_engines.py's target).
        rows.append((
            f"16-client throughput ({model}), default policy ({default[:2]}) ÷ the old thread "
            "policy (a.), same engine",
            "≥ 1.00×", f"{gain:.2f}×", "yes" if gain >= 1.0 else "**no**",
        ))  # fmt: skip
        rows.append((
            f"lone {model} request, default policy ÷ eager at PyTorch's default threads",
            "≤ 1.00", f"{lone:.2f}", "yes" if lone <= 1.0 else "**no**",
        ))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="resnet18")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--policies", default="abcdef", help="letters of the policies to run")
    args = parser.parse_args()
    text, rows = run(tuple(m for m in args.models.split(",") if m), args.quick, args.policies)
    print(text)
    if rows:
        print(table(["target", "goal", "measured", "met"], rows))


if __name__ == "__main__":
    main()
