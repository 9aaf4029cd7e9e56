"""Server configurations side by side: torch threads per forward × predictions at once, and the
HTTP stack. Settings are read at start, so each configuration is a fresh server, measured with
one client and with 16 on the same model and image. Two passes, the second in reverse order, so
that the shared machine's drifting load does not favour whichever configuration ran first; each
configuration starts once with WARM_MODELS and once without, to show its first request's cost.
"""

import asyncio
import importlib.util
import time
from dataclasses import dataclass, field

from bench.bench_load import merge
from bench.load import Connection, LoadResult, encode_request, predict_request, run_load
from bench.server import running_server
from bench.stats import median, percentile, table


@dataclass(frozen=True)
class Config:
    label: str
    env: dict[str, str]
    args: tuple[str, ...] = ()


def fast_http_available() -> bool:
    return all(importlib.util.find_spec(m) for m in ("uvloop", "httptools"))


def configs(cores: int) -> list[Config]:
    # Before issue 18's thread policy every forward ran on its own (no micro-batching, no bound
    # on forwards at once): those configurations say so, the default is the settings' own.
    alone = {"INFERENCE_FORWARDS": "0", "INFERENCE_BATCH_MAX": "1"}
    out = [
        Config(
            "PyTorch's default threads, no gate (16 at once)",
            {"TORCH_THREADS": "0", "INFERENCE_CONCURRENCY": "16", **alone},
        ),
        Config(
            "1 thread, 1 at once", {"TORCH_THREADS": "1", "INFERENCE_CONCURRENCY": "1", **alone}
        ),
        Config(
            f"1 thread, {cores} at once",
            {"TORCH_THREADS": "1", "INFERENCE_CONCURRENCY": str(cores), **alone},
        ),
        Config(
            f"1 thread, {2 * cores} at once",
            {"TORCH_THREADS": "1", "INFERENCE_CONCURRENCY": str(2 * cores), **alone},
        ),
        Config("all cores, one forward at a time, micro-batches ≤ 8 (default)", {}),
    ]
    return out


PLAIN_HTTP = ("--loop", "asyncio", "--http", "h11")


async def _alternating(
    urls: tuple[str, str], raws: tuple[bytes, bytes], rounds: int, per_round: int
) -> tuple[list[float], list[float]]:
    connections = [Connection(u) for u in urls]
    out: tuple[list[float], list[float]] = ([], [])
    try:
        for i in range(rounds):
            for k in (0, 1) if i % 2 == 0 else (1, 0):
                for _ in range(per_round):
                    reply = await connections[k].send(raws[k])
                    if reply.status != 200:
                        raise RuntimeError(f"answered {reply.status}")
                    out[k].append(reply.ms)
    finally:
        for c in connections:
            await c.close()
    return out


def http_stacks(jpeg: bytes, rounds: int, per_round: int) -> tuple[str, dict]:
    """uvloop + httptools against asyncio + h11: both servers up at once, one client
    alternating between them every `per_round` requests, so both see the same machine."""
    rows, data = [], {}
    with running_server() as fast, running_server(args=PLAIN_HTTP) as plain:
        urls = (fast.base_url, plain.base_url)
        probes = {
            "GET /health": tuple(encode_request("GET", u, "/health") for u in urls),
            "predict simplecnn, 224×224 JPEG": tuple(
                predict_request(u, "simplecnn", jpeg) for u in urls
            ),
            "warm summary vgg16": tuple(
                encode_request("GET", u, "/models/vgg16/summary") for u in urls
            ),
        }
        for name, raws in probes.items():
            asyncio.run(_alternating(urls, raws, 2, 3))  # both warm
            a, b = asyncio.run(_alternating(urls, raws, rounds, per_round))
            rows.append((name, len(a), median(a), median(b), median(a) / median(b)))
            data[name] = {"fast_ms": a, "plain_ms": b}
    text = table(
        ["request", "n each", "uvloop + httptools p50 ms", "asyncio + h11 p50 ms", "ratio"],
        rows,
    )
    return text, data


@dataclass
class ConfigResult:
    config: Config
    startup_s: list[float] = field(default_factory=list)
    first_warm_ms: list[float] = field(default_factory=list)
    first_cold_ms: list[float] = field(default_factory=list)
    singles: list[LoadResult] = field(default_factory=list)
    crowds: list[LoadResult] = field(default_factory=list)

    @property
    def single(self) -> LoadResult:
        return merge(self.singles)

    @property
    def crowd(self) -> LoadResult:
        return merge(self.crowds)


async def _first(base_url: str, raw: bytes) -> float:
    connection = Connection(base_url)
    try:
        start = time.perf_counter()
        reply = await connection.send(raw)
        if reply.status != 200:
            raise RuntimeError(f"first request answered {reply.status}")
        return (time.perf_counter() - start) * 1e3
    finally:
        await connection.close()


def measure_once(
    result: ConfigResult,
    model: str,
    jpeg: bytes,
    warm: bool,
    max_requests: int,
    max_seconds: float,
) -> None:
    env = dict(result.config.env)
    if warm:
        env["WARM_MODELS"] = model
    with running_server(env, result.config.args) as server:
        raw = predict_request(server.base_url, model, jpeg)
        first = asyncio.run(_first(server.base_url, raw))
        (result.first_warm_ms if warm else result.first_cold_ms).append(first)
        asyncio.run(run_load(server.base_url, raw, 2, 4, 30))  # both workers warm
        result.singles.append(
            asyncio.run(run_load(server.base_url, raw, 1, max_requests, max_seconds / 2))
        )
        result.crowds.append(
            asyncio.run(run_load(server.base_url, raw, 16, max_requests, max_seconds))
        )
    result.startup_s.append(server.startup_s)


def run(cores: int, model: str, jpeg: bytes, quick: bool = False) -> tuple[str, list[ConfigResult]]:
    max_requests, max_seconds = (60, 2.0) if quick else (200, 5.0)
    results = [ConfigResult(c) for c in configs(cores)]
    order = list(enumerate(results))
    for pass_ in range(1 if quick else 2):
        for i, result in order if pass_ == 0 else reversed(order):
            measure_once(result, model, jpeg, (i + pass_) % 2 == 1, max_requests, max_seconds)
            print(f"  config {result.config.label}: pass {pass_ + 1} done", flush=True)
    best = max(r.crowd.ok_per_s for r in results)
    rows = []
    for r in results:
        s, c = r.single, r.crowd
        rows.append(
            (
                r.config.label,
                s.ok_per_s,
                median(s.ok_ms),
                c.ok_per_s,
                c.ok_per_s / best,
                median(c.ok_ms),
                percentile(c.ok_ms, 99),
                sum(n for st, n in c.statuses.items() if st != 200),
                median(r.first_cold_ms),
                median(r.first_warm_ms),
                median(r.startup_s),
            )
        )
    text = table(
        [
            "configuration",
            "1 client req/s",
            "1 client p50 ms",
            "16 clients req/s",
            "÷ best",
            "16 clients p50 ms",
            "p99 ms",
            "non-200",
            "first request ms",
            f"same, WARM_MODELS={model}",
            "start-up s",
        ],
        rows,
    )
    return text, results
