"""Summary latency over HTTP (cold and warm) against torchinfo with a real forward on the CPU.

Cold: the first request for a parameter set (a batch size not asked for before). Rounds
alternate a few cold requests with one anchor call, so that drifting load on a shared machine
hits both alike; the speed-up is the ratio of their medians.

`python -m bench.bench_summary --ab` runs, without a server, the A/B of issue 16: the cold
summary with and without the functional rows' tracing, interleaved in one process, and the
warm (cached) answer; `make bench` runs it too (`functional_ab`).
"""

import argparse
import datetime
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import httpx
import torch
import torchinfo

from backend.analysis.summary import ModelSummary, SummaryCaps, SummaryParams, summarize
from backend.analysis.summary_service import SummaryService
from backend.zoo import get_spec
from backend.zoo.registry import ModelSpec
from bench.stats import machine, median, table, time_calls

CASES = [  # (model, square size)
    ("simplecnn", 28),
    ("alexnet", 224),
    ("vgg16", 224),
    ("resnet18", 32),
    ("vgg16", 1024),
]
T = TypeVar("T")
_fresh_batch = itertools.count(2)  # a batch size not requested before: a cache miss


def anchor_call(model: torch.nn.Module, channels: int, size: int) -> None:
    """torchinfo as normally used: a real model on the CPU, a real forward pass."""
    torchinfo.summary(model, input_size=(1, channels, size, size), device="cpu", verbose=0)
    torchinfo.torchinfo.clear_cached_forward_pass()


def run(base_url: str, quick: bool = False) -> tuple[str, dict]:
    rounds, cold_per_round, warm_n = (2, 2, 5) if quick else (3, 3, 30)
    rows, data = [], {}
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for name, size in CASES:
            url = f"/models/{name}/summary"

            def get(batch: int, url: str = url, size: int = size) -> None:
                r = client.get(url, params={"height": size, "width": size, "batch_size": batch})
                r.raise_for_status()

            spec = get_spec(name)
            torch.manual_seed(0)
            model = spec.build()
            channels = spec.default_input_shape[0]
            big = size >= 512  # VGG16 at 1024 px: seconds per anchor call, so one call
            if not big:
                anchor_call(model, channels, size)  # the first real forward sets up kernels
            cold, anchor = [], []
            for _ in range(1 if big else rounds):
                per_round = cold_per_round * (rounds if big else 1)
                cold += time_calls(lambda: get(next(_fresh_batch)), per_round)
                anchor += time_calls(lambda m=model, c=channels, s=size: anchor_call(m, c, s), 1)
            del model
            get(1)
            warm = median(time_calls(lambda: get(1), warm_n))
            data[f"{name}@{size}"] = {
                "cold_ms": median(cold),
                "warm_ms": warm,
                "anchor_ms": median(anchor),
                "cold_all_ms": cold,
                "anchor_all_ms": anchor,
            }
            rows.append(
                (
                    f"{name} {size}×{size}",
                    len(cold),
                    median(cold),
                    warm,
                    median(anchor),
                    median(anchor) / median(cold),
                )
            )
    text = table(
        [
            "model",
            "cold n",
            "cold ms (HTTP)",
            "warm ms (HTTP)",
            "torchinfo on CPU ms",
            "speed-up (cold)",
        ],
        rows,
    )
    return text, data


# ---- issue 16: what the functional rows cost, in-process A/B ----

AB_MODELS = ("simplecnn", "alexnet", "vgg16", "resnet18", "basicblock")
AB_CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)


@dataclass
class Timed:
    """One variant's calls: wall and CPU milliseconds (this thread's CPU time: other
    engineers' processes on a shared machine take wall time, not this thread's CPU)."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, fn: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.thread_time()
        result = fn()
        self.cpu_ms.append((time.thread_time() - cpu) * 1000)
        self.wall_ms.append((time.perf_counter() - wall) * 1000)
        return result


def default_params(spec: ModelSpec) -> SummaryParams:
    _, h, w = spec.default_input_shape
    return SummaryParams(batch_size=1, height=h, width=w, num_classes=None)


def both_variants(name: str) -> tuple[ModelSummary, ModelSummary]:
    """The cold summary with and without functional rows, as the A/B times them."""
    spec = get_spec(name)
    params = default_params(spec)
    return (
        summarize(spec, params, AB_CAPS, functional_rows=True),
        summarize(spec, params, AB_CAPS, functional_rows=False),
    )


def _ratio(a: list[float], b: list[float], of: Callable[[list[float]], float]) -> float:
    return of(a) / of(b)


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median of a[i] / b[i]: each pair ran back to back, under the same load."""
    return median([x / y for x, y in zip(a, b, strict=True)])


def functional_ab(
    models: tuple[str, ...] = AB_MODELS, rounds: int = 30, warm_calls: int = 200
) -> tuple[str, dict]:
    """Cold summaries with the functional rows' tracing (B) and without (A), interleaved in
    this one process: every round runs A then B, the next B then A, so drifting load and
    the order hit both alike; "+ JSON" adds serialising the answer (more rows, more bytes).
    Warm: SummaryService's cached answer (the JSON bytes the API sends), from a service filled
    by either variant. Ratios are B ÷ A (issue 16's goal: ≤ 1.10)."""
    rows, data = [], {}
    for name in models:
        spec = get_spec(name)
        params = default_params(spec)
        variants = {"with": True, "without": False}
        timed = {v: Timed() for v in variants}
        as_json = {v: Timed() for v in variants}  # the API's answer: the summary serialised
        for flag in variants.values():  # meta instance built, torch's first-call setup done
            summarize(spec, params, AB_CAPS, functional_rows=flag)
        for r in range(rounds):
            for v in variants if r % 2 == 0 else reversed(variants):
                flag = variants[v]
                summary = timed[v].add(
                    partial(summarize, spec, params, AB_CAPS, functional_rows=flag)
                )
                as_json[v].add(summary.model_dump_json)
        warm = {v: Timed() for v in variants}
        services = {v: SummaryService(AB_CAPS, 4, functional_rows=f) for v, f in variants.items()}
        for service in services.values():
            service.get_json(spec, params)
        for r in range(warm_calls):
            for v in variants if r % 2 == 0 else reversed(variants):
                warm[v].add(partial(services[v].get_json, spec, params))
        with_json = {
            v: [a + b for a, b in zip(timed[v].cpu_ms, as_json[v].cpu_ms, strict=True)]
            for v in variants
        }
        ratios = {
            "cold_cpu_min": _ratio(timed["with"].cpu_ms, timed["without"].cpu_ms, min),
            "cold_cpu_median": _ratio(timed["with"].cpu_ms, timed["without"].cpu_ms, median),
            "cold_cpu_paired": paired_ratio(timed["with"].cpu_ms, timed["without"].cpu_ms),
            "cold_json_cpu_paired": paired_ratio(with_json["with"], with_json["without"]),
            "cold_wall_min": _ratio(timed["with"].wall_ms, timed["without"].wall_ms, min),
            "cold_wall_median": _ratio(timed["with"].wall_ms, timed["without"].wall_ms, median),
            "warm_wall_median": _ratio(warm["with"].wall_ms, warm["without"].wall_ms, median),
        }
        data[name] = {"cold": timed, "json": as_json, "warm": warm, "ratios": ratios}
        rows.append(
            (
                name,
                rounds,
                min(timed["without"].cpu_ms),
                min(timed["with"].cpu_ms),
                ratios["cold_cpu_min"],
                ratios["cold_cpu_median"],
                ratios["cold_cpu_paired"],
                ratios["cold_json_cpu_paired"],
                ratios["cold_wall_min"],
                ratios["cold_wall_median"],
                median(warm["without"].wall_ms) * 1000,
                median(warm["with"].wall_ms) * 1000,
                ratios["warm_wall_median"],
            )
        )
    text = table(
        [
            "model",
            "rounds",
            "cold CPU ms, without (min)",
            "cold CPU ms, with (min)",
            "cold CPU ratio (min)",
            "cold CPU ratio (median)",
            "cold CPU ratio (median of pairs)",
            "cold + JSON CPU ratio (median of pairs)",
            "cold wall ratio (min)",
            "cold wall ratio (median)",
            "warm µs, without (median)",
            "warm µs, with (median)",
            "warm ratio (median)",
        ],
        rows,
    )
    return text, data


def main() -> None:
    parser = argparse.ArgumentParser(description="Summary benchmarks run on their own.")
    parser.add_argument("--ab", action="store_true", help="functional rows: in-process A/B")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--models", default=",".join(AB_MODELS))
    args = parser.parse_args()
    if not args.ab:
        parser.error("only --ab runs without a server (make bench runs the HTTP benchmark)")
    torch.set_num_threads(1)
    load = os.getloadavg()
    text, _ = functional_ab(tuple(args.models.split(",")), args.rounds)
    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · {machine()} · load "
        f"average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n\n{text}"
    )


if __name__ == "__main__":
    main()
