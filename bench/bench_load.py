"""Many clients at once on loopback: throughput and latency at 1, 4 and 16 clients, what a crowd
larger than the queue gets (503 + Retry-After), and whether /health and summaries stay fast
while inference is saturated."""

import asyncio
import statistics
from dataclasses import dataclass

from bench.load import Connection, LoadResult, burst, encode_request, predict_request, run_load
from bench.stats import median, percentile, table

LEVELS = (1, 4, 16)


@dataclass
class Level:
    clients: int
    result: LoadResult

    @property
    def row(self) -> tuple:
        r = self.result
        server = r.server_ms
        forward = statistics.median(t.get("forward", 0.0) for t in server) if server else 0.0
        queue = statistics.median(t.get("queue", 0.0) for t in server) if server else 0.0
        others = sum(n for s, n in r.statuses.items() if s != 200)
        return (
            self.clients,
            len(r.ok_ms),
            r.ok_per_s,
            median(r.ok_ms),
            percentile(r.ok_ms, 99),
            queue,
            forward,
            others,
        )


LEVEL_HEADERS = [
    "clients",
    "answered",
    "req/s",
    "p50 ms",
    "p99 ms",
    "server queue p50 ms",
    "server forward p50 ms",
    "non-200",
]


def merge(results: list[LoadResult]) -> LoadResult:
    out = LoadResult(clients=results[0].clients, wall_s=sum(r.wall_s for r in results))
    for r in results:
        out.ok_ms += r.ok_ms
        out.refused_ms += r.refused_ms
        out.statuses.update(r.statuses)
        out.retry_after.update(r.retry_after)
        out.server_ms += r.server_ms
        out.batch_sizes += r.batch_sizes
    return out


def levels(
    base_url: str,
    model: str,
    jpeg: bytes,
    clients: tuple[int, ...] = LEVELS,
    rounds: int = 3,
    max_requests: int = 150,
    max_seconds: float = 3.0,
) -> list[Level]:
    """Each level in `rounds` short runs, the levels taking turns (1, 4, 16, 16, 4, 1, ...), so
    that the shared machine's drifting load hits them alike; throughput is answers over the
    summed wall time of a level's runs."""
    raw = predict_request(base_url, model, jpeg)
    asyncio.run(run_load(base_url, raw, 2, 4, 30))  # loaded, both workers warm
    runs: dict[int, list[LoadResult]] = {n: [] for n in clients}
    for i in range(rounds):
        for n in clients if i % 2 == 0 else tuple(reversed(clients)):
            runs[n].append(asyncio.run(run_load(base_url, raw, n, max_requests, max_seconds)))
    return [Level(n, merge(runs[n])) for n in clients]


async def _probe(base_url: str, path: str, stop: asyncio.Event, every_s: float) -> list[float]:
    connection = Connection(base_url)
    raw = encode_request("GET", base_url, path)
    out = []
    try:
        while not stop.is_set():
            reply = await connection.send(raw)
            if reply.status != 200:
                raise RuntimeError(f"{path} answered {reply.status}")
            out.append(reply.ms)
            await asyncio.sleep(every_s)
    finally:
        await connection.close()
    return out


PROBES = {"/health": "/health", "warm summary (vgg16)": "/models/vgg16/summary"}


async def _probes_during(base_url: str, load: asyncio.Future | None, seconds: float) -> dict:
    stop = asyncio.Event()
    tasks = {
        name: asyncio.ensure_future(_probe(base_url, path, stop, 0.02))
        for name, path in PROBES.items()
    }
    if load is None:
        await asyncio.sleep(seconds)
    else:
        await load
    stop.set()
    return {name: await task for name, task in tasks.items()}


def saturation(
    base_url: str, model: str, jpeg: bytes, clients: int = 16, seconds: float = 8.0
) -> tuple[str, dict]:
    """/health and a warm summary, probed every 20 ms, idle and then while `clients` keep
    inference saturated."""
    raw = predict_request(base_url, model, jpeg)

    async def loaded() -> tuple[dict, LoadResult]:
        load = asyncio.ensure_future(run_load(base_url, raw, clients, 10_000, seconds, False))
        probes = await _probes_during(base_url, load, seconds)
        return probes, load.result()

    idle = asyncio.run(_probes_during(base_url, None, min(seconds, 4.0)))
    busy, load = asyncio.run(loaded())
    rows = []
    data = {}
    for name in PROBES:
        a, b = idle[name], busy[name]
        rows.append(
            (
                name,
                median(a),
                percentile(a, 99),
                median(b),
                percentile(b, 99),
                median(b) / median(a),
            )
        )
        data[name] = {"idle": a, "saturated": b}
    text = table(
        [
            "probe",
            "idle p50 ms",
            "idle p99 ms",
            "saturated p50 ms",
            "saturated p99 ms",
            "p50 ratio",
        ],
        rows,
    )
    text += (
        f"\n\nSaturating load: {clients} clients on {model}, {len(load.ok_ms)} predictions in "
        f"{load.wall_s:.1f} s ({load.ok_per_s:.1f} req/s), statuses {dict(load.statuses)}."
    )
    return text, data


def crowd(base_url: str, model: str, jpeg: bytes, clients: int) -> tuple[str, LoadResult]:
    """`clients` requests arriving at once: at most concurrency + queue limit are served."""
    raw = predict_request(base_url, model, jpeg)
    result = asyncio.run(burst(base_url, raw, clients))
    refused = result.statuses.get(503, 0)
    text = (
        f"{clients} simultaneous `{model}` requests: {len(result.ok_ms)} answered 200 "
        f"(p50 {median(result.ok_ms):.0f} ms, p99 {percentile(result.ok_ms, 99):.0f} ms, "
        f"slowest {max(result.ok_ms, default=0):.0f} ms), {refused} answered 503 "
        f"(p50 {median(result.refused_ms):.0f} ms); "
        f"Retry-After headers on the 503s: {dict(result.retry_after) or 'none'}; "
        f"all statuses {dict(result.statuses)}."
    )
    return text, result
