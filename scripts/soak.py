"""Load and soak on loopback: a real uvicorn server in a child process, a mix of requests from
many concurrent clients, and a report of what came back.

The mix: cached summaries, SimpleCNN predictions (multipart, JSON data URL, raw JPEG) whose
answers are checked against the same image sent alone, a few ResNet-18 and AlexNet predictions,
model listings, and hostile requests (files outside the allow-list, pixel bombs, bodies over the
cap, broken JSON and multipart, bad parameters, unknown models, wrong methods, traversal).
Every request has the statuses that are right for it; 503 is right only where a request reaches
the inference gate, which the server is started with deliberately small so that it does refuse.

Bounded both ways and self-stopping: a run ends after `requests` or `seconds`, whichever comes
first, and the server is stopped with it. `/health` is timed throughout on its own connection;
the server's RSS is read from /proc at the end of the warm-up, during the run and at its end.

    python -m scripts.soak --seconds 180 --concurrency 32      # what `make soak` runs

The short form runs inside `make test` (tests/test_load.py).
"""

import argparse
import asyncio
import base64
import contextlib
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image

from bench.server import Server, running_server
from tests import helpers_images as h

ROOT = Path(__file__).resolve().parent.parent
# The server's settings for a run: a small inference gate so that 32 clients overflow it (the
# deliberate 503s), room for the three models the mix uses, a body cap small enough to reach.
SERVER_ENV = {
    "INFERENCE_CONCURRENCY": "2",
    "INFERENCE_QUEUE_LIMIT": "6",
    "MAX_LOADED_MODELS": "3",
    "MAX_UPLOAD_BYTES": str(1 << 20),
    "MAX_IMAGE_PIXELS": "25000000",
    "LOG_LEVEL": "warning",
    "REQUEST_TIMEOUT_S": "30",
}
GATED = 503  # the one 5xx a request may get, and only one that waits for the inference gate


@dataclass(frozen=True)
class Case:
    """One kind of request and the statuses that are right for it."""

    name: str
    kind: str  # summary | predict | big-predict | listing | hostile
    method: str
    path: str
    expect: frozenset[int]
    gated: bool = False  # reaches the inference gate, so 503 is right too under load
    request: dict[str, Any] = field(default_factory=dict)  # httpx keyword arguments
    label: str | None = None  # the top label a prediction must give (checked once known)

    def allowed(self) -> frozenset[int]:
        return self.expect | {GATED} if self.gated else self.expect


def _multipart(data: bytes, name: str = "d.png", ctype: str = "image/png") -> dict[str, Any]:
    return {"files": {"file": (name, data, ctype)}}


def _data_url(data: bytes) -> dict[str, Any]:
    return {"json": {"image": "data:image/png;base64," + base64.b64encode(data).decode()}}


def build_cases() -> dict[str, list[Case]]:
    """The catalogue, by kind. Digits are held-out MNIST images the weights never saw."""
    predict = "/models/simplecnn/predict"
    ok = frozenset({200})
    digits = []
    for label in range(10):
        for nth in range(2):
            png = h.png(h.digit(label, nth))
            digits.append(Case(f"digit {label}.{nth} multipart", "predict", "POST", predict, ok,
                               True, _multipart(png)))  # fmt: skip
    for label in (1, 4, 8):
        png = h.png(h.canvas_style(h.digit(label)))
        digits.append(Case(f"canvas {label} JSON", "predict", "POST", predict, ok, True,
                           _data_url(png)))  # fmt: skip
        jpeg = h.encode(Image.fromarray(h.digit(label, 1)), "JPEG", quality=90)
        raw = {"content": jpeg, "headers": {"content-type": "image/jpeg"}}
        digits.append(Case(f"digit {label} raw JPEG", "predict", "POST", predict, ok, True, raw))
    photo = Image.fromarray(
        np.random.default_rng(1).integers(0, 256, (96, 128, 3), dtype=np.uint8), "RGB"
    )
    big = [
        Case("resnet18 JPEG", "big-predict", "POST", "/models/resnet18/predict", ok, True,
             _multipart(h.encode(photo, "JPEG"), "p.jpg", "image/jpeg")),
        Case("alexnet PNG", "big-predict", "POST", "/models/alexnet/predict", ok, True,
             _multipart(h.encode(photo))),
    ]  # fmt: skip
    summaries = [
        Case(f"summary {m}", "summary", "GET", f"/models/{m}/summary", ok)
        for m in ("simplecnn", "alexnet", "vgg16", "resnet18")
    ]
    listings = [
        Case("list models", "listing", "GET", "/models", ok),
        Case("one model", "listing", "GET", "/models/vgg16", ok),
        Case("front page", "listing", "GET", "/", ok),
    ]
    return {"predict": digits, "big-predict": big, "summary": summaries, "listing": listings,
            "hostile": hostile_cases()}  # fmt: skip


def hostile_cases() -> list[Case]:
    """Everything a careless or hostile client sends, with the status it must get."""
    url = "/models/simplecnn/predict"
    over_cap = bytes(int(SERVER_ENV["MAX_UPLOAD_BYTES"]) + 1)

    def upload(name: str, data: bytes, status: int, gated: bool = True) -> Case:
        return Case(name, "hostile", "POST", url, frozenset({status}), gated, _multipart(data))

    def call(name: str, method: str, path: str, status: int, **request: Any) -> Case:
        return Case(name, "hostile", method, path, frozenset({status}), False, request)

    return [
        upload("empty file", b"", 422),
        upload("truncated PNG", h.png(h.digit(3))[:120], 422),
        upload("random bytes", h.random_bytes(), 422),
        upload("text file", b"just some text\n", 422),
        upload("SVG", h.SVG, 415),
        upload("PDF", h.pdf(), 415),
        upload("TIFF", h.tiff(), 415),
        upload("PNG declaring 20000x20000 px", h.png_declaring(20_000, 20_000), 413),
        upload("PNG declaring 0x0 px", h.png_declaring(0, 0), 422),
        upload("body over the 1 MiB cap", over_cap, 413, gated=False),
        call("text/plain body", "POST", url, 415, content=b"hello",
             headers={"content-type": "text/plain"}),
        call("JSON that is not JSON", "POST", url, 422, content=b"{nope",
             headers={"content-type": "application/json"}),
        call("JSON without a data URL", "POST", url, 422, json={"image": "iVBORw0KGgo="}),
        call("multipart without 'file'", "POST", url, 422, files={"other": ("a.png", b"x")}),
        call("multipart with two files", "POST", url, 422,
             files=[("file", ("a.png", b"x")), ("file", ("b.png", b"y"))]),
        call("multipart with a broken boundary", "POST", url, 422, content=b"garbage",
             headers={"content-type": "multipart/form-data; boundary=zz"}),
        call("top_k=0", "POST", url + "?top_k=0", 422, **_multipart(b"x")),
        call("top_k=10^12", "POST", url + "?top_k=1000000000000", 422, **_multipart(b"x")),
        call("unknown model", "POST", "/models/lenet5/predict", 404, **_multipart(b"x")),
        call("building block asked to classify", "POST", "/models/basicblock/predict", 422,
             **_multipart(b"x")),
        call("GET on predict", "GET", url, 405),
        call("DELETE /models", "DELETE", "/models", 405),
        call("summary height=0", "GET", "/models/alexnet/summary?height=0", 422),
        call("summary height=100000", "GET", "/models/vgg16/summary?height=100000", 422),
        call("summary AlexNet at 100 px", "GET", "/models/alexnet/summary?height=100&width=100",
             422),
        call("encoded traversal", "GET", "/%2e%2e/backend/config.py", 404),
        call("double-encoded traversal", "GET", "/%252e%252e/pyproject.toml", 404),
    ]  # fmt: skip


# ---- the server -------------------------------------------------------------------------------


# ---- the run ----------------------------------------------------------------------------------


@dataclass
class Report:
    concurrency: int
    warmup_requests: int = 0
    requests: int = 0  # sent in the measured phase (the /health samples not included)
    statuses: Counter = field(default_factory=Counter)
    by_case: dict[str, Counter] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)  # a status or answer that is not right
    unanswered: list[str] = field(default_factory=list)  # transport errors, time-outs
    retry_after_header: Counter = field(default_factory=Counter)  # on 503s: present / absent
    health_ms: list[float] = field(default_factory=list)
    health_statuses: Counter = field(default_factory=Counter)
    rss_mib: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MiB)
    seconds: float = 0.0
    server_errors_logged: int = 0

    def percentile(self, q: float) -> float:
        values = sorted(self.health_ms)
        return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]

    def lines(self) -> Iterator[str]:
        yield (f"requests: {self.requests} in {self.seconds:.1f} s at concurrency "
               f"{self.concurrency} ({self.requests / self.seconds:.0f}/s), after "
               f"{self.warmup_requests} warm-up requests")  # fmt: skip
        yield "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        five = {s: n for s, n in self.statuses.items() if s >= 500}
        yield f"5xx: {five or 'none'} (503 allowed only where a request waits for the gate)"
        yield f"503 with a Retry-After header: {dict(self.retry_after_header) or 'no 503s'}"
        yield f"wrong answers: {len(self.wrong)}, unanswered: {len(self.unanswered)}"
        yield f"server errors in its log: {self.server_errors_logged}"
        start, end = self.rss_mib[0][1], self.rss_mib[-1][1]
        yield f"server RSS: {start:.0f} MiB after warm-up -> {end:.0f} MiB at the end"
        yield (f"/health during load: {len(self.health_ms)} samples, p50 "
               f"{self.percentile(50):.1f} ms, p99 {self.percentile(99):.1f} ms, max "
               f"{max(self.health_ms):.1f} ms, statuses {dict(self.health_statuses)}")  # fmt: skip


def _top_label(response: httpx.Response) -> str | None:
    try:
        return response.json()["predictions"][0]["label"]
    except (ValueError, KeyError, IndexError):
        return None


async def _send(client: httpx.AsyncClient, case: Case) -> httpx.Response:
    return await client.request(case.method, case.path, **case.request)


def _judge(case: Case, response: httpx.Response, labels: dict[str, str], report: Report) -> None:
    status = response.status_code
    report.statuses[status] += 1
    report.by_case.setdefault(case.name, Counter())[status] += 1
    if status not in case.allowed():
        report.wrong.append(f"{case.name}: {status} {response.text[:200]}")
        return
    if status >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = None
        if not isinstance(detail, str) or not detail:
            report.wrong.append(f"{case.name}: {status} without a detail")
        if status == GATED:
            report.retry_after_header["present" if "retry-after" in response.headers
                                      else "absent"] += 1  # fmt: skip
            if "retry_after_s" not in response.json():
                report.wrong.append(f"{case.name}: 503 without retry_after_s")
    elif case.kind == "predict" and labels.get(case.name) != _top_label(response):
        report.wrong.append(
            f"{case.name}: top label {_top_label(response)!r}, alone it was "
            f"{labels.get(case.name)!r} (a crossed or corrupted answer)"
        )


async def _health_sampler(base_url: str, stop: asyncio.Event, report: Report) -> None:
    limits = httpx.Limits(keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = await client.get("/health")
                report.health_statuses[response.status_code] += 1
            except httpx.TransportError as exc:
                report.health_statuses[type(exc).__name__] += 1
            report.health_ms.append((time.perf_counter() - started) * 1e3)
            await asyncio.sleep(0.02)


async def _rss_sampler(server: Server, started: float, stop: asyncio.Event, report: Report,
                       every_s: float) -> None:  # fmt: skip
    while True:
        try:
            await asyncio.wait_for(stop.wait(), every_s)
            return
        except TimeoutError:
            report.rss_mib.append((time.monotonic() - started, server.rss_mb))
            if every_s >= 5:
                print(f"  {report.rss_mib[-1][0]:6.0f} s  {report.requests:6d} requests  "
                      f"RSS {report.rss_mib[-1][1]:.0f} MiB  {dict(report.statuses)}",
                      flush=True)  # fmt: skip


def _schedule(cases: dict[str, list[Case]], rng: random.Random, big_every: int) -> Iterator[Case]:
    """An endless, seeded stream of cases: predictions, summaries, listings and hostile
    requests in proportion, and one bigger-model prediction every `big_every` requests."""
    weights = {"predict": 45, "summary": 20, "listing": 8, "hostile": 27}
    kinds, counts = list(weights), list(weights.values())
    n = 0
    while True:
        n += 1
        if big_every and n % big_every == 0:
            yield rng.choice(cases["big-predict"])
        else:
            yield rng.choice(cases[rng.choices(kinds, counts)[0]])


async def _warm_up(client: httpx.AsyncClient, cases: dict[str, list[Case]], concurrency: int,
                   rng: random.Random, report: Report) -> dict[str, str]:  # fmt: skip
    """Every case once, alone (predictions' labels recorded), then a concurrent round, so that
    models, caches, worker threads and allocator arenas exist before RSS is first read."""
    labels: dict[str, str] = {}
    for group in cases.values():
        for case in group:
            response = await _send(client, case)
            report.warmup_requests += 1
            if case.kind == "predict" and response.status_code == 200:
                labels[case.name] = _top_label(response) or ""
    stream = _schedule(cases, rng, big_every=50)
    await asyncio.gather(*(_send_all(client, stream, 8, None) for _ in range(concurrency)))
    report.warmup_requests += 8 * concurrency
    return labels


async def _send_all(client: httpx.AsyncClient, stream: Iterator[Case], count: int,
                    deadline: float | None) -> None:  # fmt: skip
    for _ in range(count):
        if deadline is not None and time.monotonic() > deadline:
            return
        with contextlib.suppress(httpx.TransportError):  # warm-up; the measured phase counts
            await _send(client, next(stream))


async def run_load(requests: int, concurrency: int, seconds: float, *, seed: int = 0,
                   big_every: int = 100, rss_every_s: float = 1.0,
                   log_dir: Path | None = None) -> Report:  # fmt: skip
    """Start a server, warm it up, send `requests` (or as many as `seconds` allows) from
    `concurrency` clients, stop the server; the report says what came back."""
    cases = build_cases()
    rng = random.Random(seed)
    report = Report(concurrency=concurrency)
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="soak-"))
    env = SERVER_ENV | {"WEIGHTS_DIR": str(log_dir / "none")}
    # An idle connection is dropped by the client before uvicorn's 5 s keep-alive timeout can
    # close it (httpx's default is also 5 s): otherwise a request may go out on a connection
    # the server is closing at that moment, an HTTP/1.1 race that is no fault of the app.
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )
    with running_server(env, log_path=log_dir / "server.log") as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as c:
            labels = await _warm_up(c, cases, concurrency, rng, report)
            stream = _schedule(cases, rng, big_every)
            stop = asyncio.Event()
            started = time.monotonic()
            report.rss_mib.append((0.0, server.rss_mb))
            samplers = [
                asyncio.create_task(_health_sampler(server.base_url, stop, report)),
                asyncio.create_task(_rss_sampler(server, started, stop, report, rss_every_s)),
            ]
            deadline = started + seconds
            budget = iter(range(requests))

            async def client_loop() -> None:
                while time.monotonic() < deadline and next(budget, None) is not None:
                    case = next(stream)
                    report.requests += 1
                    try:
                        response = await _send(c, case)
                    except httpx.HTTPError as exc:
                        at = time.monotonic() - started
                        report.unanswered.append(
                            f"{case.name}: {type(exc).__name__} {exc!r} at {at:.1f} s"
                        )
                        continue
                    _judge(case, response, labels, report)

            await asyncio.gather(*(client_loop() for _ in range(concurrency)))
            report.seconds = time.monotonic() - started
            stop.set()
            await asyncio.gather(*samplers)
            report.rss_mib.append((report.seconds, server.rss_mb))
    text = (log_dir / "server.log").read_text(errors="replace")
    report.server_errors_logged = text.count(" ERROR ") + text.count("Traceback")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="stop after this long")
    parser.add_argument("--requests", type=int, default=200_000, help="stop after this many")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--big-every", type=int, default=100,
                        help="one ResNet-18/AlexNet prediction every N requests")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"soak: up to {args.requests} requests or {args.seconds:.0f} s at concurrency "
          f"{args.concurrency}; server settings {SERVER_ENV}", flush=True)  # fmt: skip
    report = asyncio.run(
        run_load(args.requests, args.concurrency, args.seconds, seed=args.seed,
                 big_every=args.big_every, rss_every_s=10.0)
    )  # fmt: skip
    for line in report.lines():
        print(line)
    print("answers by case:")
    for name, counts in sorted(report.by_case.items()):
        print(f"  {name:<36} {dict(sorted(counts.items()))}")
    for problem in (report.wrong + report.unanswered)[:20]:
        print("PROBLEM:", problem)
    five = sum(n for s, n in report.statuses.items() if s >= 500 and s != GATED)
    failed = report.wrong or report.unanswered or five or report.server_errors_logged
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
