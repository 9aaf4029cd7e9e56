"""Issue 19's attacks, each run against a real server (python -m backend.server's protocol, in a
child process on loopback) while probes measure what everyone else gets.

For every attack: `/health` and a cached summary are timed throughout (p50/p99/max), SimpleCNN
predictions of held-out digits are compared with the answers the same images got alone before
any attack (every class and probability), the server's RSS is sampled every 0.2 s, and every
status the attack itself got is checked against the ones right for it (5xx only 503/504).
Bounded: each attack sends a fixed number of requests and has a time limit; loopback only.

    python -m scripts.attacks                       # all of them (what `make attacks` runs)
    python -m scripts.attacks --only nested_json,decode_bombs

tests/test_attacks.py runs them with smaller counts and looser latency bounds.
"""

import argparse
import asyncio
import base64
import contextlib
import functools
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PIL import Image

from bench.server import Server, running_server
from tests import helpers_images as h

# The server as the README starts it, except for shorter time limits so that a run is short.
SERVER_ENV = {
    "LOG_LEVEL": "warning",
    "SEND_TIMEOUT_S": "3",
    "HEADER_TIMEOUT_S": "3",
    "REQUEST_TIMEOUT_S": "60",
}
MiB = 1 << 20
MIN_WINDOW_S = 2.0


@dataclass
class Outcome:
    name: str
    statuses: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    health_ms: list[float] = field(default_factory=list)
    summary_ms: list[float] = field(default_factory=list)
    probe_statuses: Counter = field(default_factory=Counter)
    predictions: int = 0
    rss_mib: list[float] = field(default_factory=list)
    seconds: float = 0.0
    rounds: int = 0  # times the attack was run in its window

    @staticmethod
    def percentile(values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    def line(self) -> str:
        p = self.percentile
        return (
            f"{self.name}: {self.seconds:.1f} s ({self.rounds}×), attack statuses "
            f"{dict(sorted(self.statuses.items(), key=str))}; "
            f"/health p50 {p(self.health_ms, 50):.1f} p99 {p(self.health_ms, 99):.1f} "
            f"max {max(self.health_ms, default=0):.1f} ms ({len(self.health_ms)}); cached summary "
            f"p99 {p(self.summary_ms, 99):.1f} max {max(self.summary_ms, default=0):.1f} ms "
            f"({len(self.summary_ms)}); predictions checked {self.predictions}; probes "
            f"{dict(self.probe_statuses)}; RSS {min(self.rss_mib, default=0):.0f}-"
            f"{max(self.rss_mib, default=0):.0f} MiB; wrong {len(self.wrong)}"
        )


Attack = Callable[[str, Outcome, int], Awaitable[None]]


async def _many(
    base: str,
    outcome: Outcome,
    requests: list[tuple[str, str, dict]],
    allowed: set[int],
    timeout: float = 120,
) -> list[httpx.Response]:
    """Sends every request at once, each on its own connection; records and checks statuses."""
    limits = httpx.Limits(max_connections=len(requests) + 1, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

        async def one(method: str, path: str, kwargs: dict) -> httpx.Response | None:
            try:
                response = await client.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                outcome.wrong.append(f"{method} {path[:80]}: {type(exc).__name__}")
                return None
            outcome.statuses[response.status_code] += 1
            if response.status_code not in allowed:
                outcome.wrong.append(
                    f"{method} {path[:80]}: {response.status_code} {response.text[:160]}"
                )
            elif response.status_code >= 400 and not response.json().get("detail"):
                outcome.wrong.append(
                    f"{method} {path[:80]}: {response.status_code} without a detail"
                )
            elif response.status_code == 503 and "retry-after" not in response.headers:
                outcome.wrong.append(f"{method} {path[:80]}: 503 without Retry-After")
            return response

        done = await asyncio.gather(*(one(m, p, k) for m, p, k in requests))
    return [r for r in done if r is not None]


# ---- the attacks ------------------------------------------------------------------------------


async def summaries_crowd(base: str, outcome: Outcome, n: int) -> None:
    """Uncached plain34 summaries at fresh sizes, all at once."""
    requests = [
        ("GET", f"/models/plain34/summary?height={40 + i}&width={40 + i}", {}) for i in range(n)
    ]
    await _many(base, outcome, requests, {200, 503})


async def exports_crowd(base: str, outcome: Outcome, n: int) -> None:
    """ResNet-18 exports at distinct sizes, all at once."""
    requests = [
        ("GET", f"/models/resnet18/export.onnx?height={32 + i}&width=32", {}) for i in range(n)
    ]
    await _many(base, outcome, requests, {200, 503}, timeout=300)


async def export_beside_analysis(base: str, outcome: Outcome, n: int) -> None:
    """One client exports ResNet-18 while four others ask for uncached summaries and receptive
    fields at valid sizes: no 500, no false 422 (torch.fx state used to leak between them)."""
    limits = httpx.Limits(max_connections=8)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        export = asyncio.create_task(client.get("/models/resnet18/export.onnx?height=36&width=36"))
        sizes = iter(range(64, 64 + 4 * n))

        async def analyse() -> None:
            while not export.done():
                size = next(sizes, None)
                if size is None:
                    return
                query = f"height={size}&width={size}"
                paths = (
                    f"/models/resnet18/summary?{query}",
                    f"/models/vgg11/receptive_field?{query}",
                )
                for path in paths:
                    r = await client.get(path)
                    outcome.statuses[r.status_code] += 1
                    if r.status_code not in (200, 503):
                        outcome.wrong.append(f"{path}: {r.status_code} {r.text[:160]}")

        await asyncio.gather(*(analyse() for _ in range(4)))
        r = await export  # 504 when this machine is too busy to export in REQUEST_TIMEOUT_S
        outcome.statuses[r.status_code] += 1
        if r.status_code not in (200, 504) or (r.status_code == 200 and len(r.content) < 40 * MiB):
            outcome.wrong.append(f"export: {r.status_code}, {len(r.content)} bytes")


async def stalled_readers(base: str, outcome: Outcome, n: int) -> None:
    """Clients that ask for an export and never read it, for twice the send timeout."""
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:  # the file, cached first
        r = await client.get("/models/resnet18/export.onnx?height=33&width=33")
        outcome.statuses[r.status_code] += 1
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(
            b"GET /models/resnet18/export.onnx?height=33&width=33 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        sockets.append(s)
    await asyncio.sleep(2 * float(SERVER_ENV["SEND_TIMEOUT_S"]) + 2)
    for s in sockets:
        s.setblocking(False)
        received = 0
        try:
            while chunk := s.recv(1 << 20):
                received += len(chunk)
        except ConnectionResetError:
            pass  # aborted by the server: dropped
        except BlockingIOError:
            outcome.wrong.append("a stalled reader was not dropped")
        outcome.statuses["dropped" if received < 40 * MiB else "served"] += 1
        s.close()


async def huge_num_classes(base: str, outcome: Outcome, n: int) -> None:
    requests = [("GET", f"/models/{m}/export.onnx?num_classes=100000", {})
                for m in ("vgg19", "alexnet") for _ in range(n)]  # fmt: skip
    await _many(base, outcome, requests, {422, 503})  # 503: the analysis lane full


async def nested_json(base: str, outcome: Outcome, n: int) -> None:
    body = {"content": b"[" * 1000, "headers": {"content-type": "application/json"}}
    routes = ("predict", "feature_maps?layer=conv1", "gradcam")
    requests = [("POST", f"/models/simplecnn/{r}", body) for r in routes for _ in range(n)]
    await _many(base, outcome, requests, {422, 503})  # 503: the bodies lane full


@functools.cache
def _bombs() -> dict[str, bytes]:
    side = 7000
    exif = Image.Exif()
    exif[0x0112] = 6
    return {
        "webp": h.encode(
            Image.new("RGBA", (side, side), (200, 10, 10, 128)), "WEBP", lossless=True
        ),
        "gif": h.encode(Image.new("P", (side, side), 0), "GIF", transparency=0),
        "png": h.encode(
            Image.new("RGBA", (side, side), (9, 9, 9, 128)), "PNG", exif=exif.tobytes()
        ),
        "grey16": h.encode(Image.new("I;16", (side, side), 1000), "PNG"),
    }


async def decode_bombs(base: str, outcome: Outcome, n: int) -> None:
    """7000×7000 one-colour images under the 50 MP cap: RGBA WebP (refused from its header),
    transparent GIF, RGBA PNG with EXIF rotation, 16-bit grey (decoded reduced, in budget)."""
    bombs = _bombs()
    requests = [("POST", "/models/resnet18/predict", {"content": bombs["webp"]}) for _ in range(n)]
    for kind in ("gif", "png", "grey16"):
        requests += [("POST", "/models/resnet18/predict", {"content": bombs[kind]})] * max(
            1, n // 4
        )
    await _many(base, outcome, requests, {200, 413, 503})


async def whitespace_data_urls(base: str, outcome: Outcome, n: int) -> None:
    """JSON bodies whose data URL is padded with 12 MB of whitespace."""
    payload = base64.b64encode(h.png(h.digit(3))).decode()
    body = json.dumps({"image": "data:image/png;base64," + " " * 12_000_000 + payload}).encode()
    kwargs = {"content": body, "headers": {"content-type": "application/json"}}
    await _many(base, outcome, [("POST", "/models/simplecnn/predict", kwargs)] * n, {200, 503})


async def half_sent_heads(base: str, outcome: Outcome, n: int) -> None:
    """Connections that send half a request head and wait."""
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Half: ")
        sockets.append(s)
    await asyncio.sleep(float(SERVER_ENV["HEADER_TIMEOUT_S"]) + 2)
    for s in sockets:
        s.setblocking(False)
        try:
            closed = s.recv(1) == b""
        except BlockingIOError:
            closed = False
        outcome.statuses["closed" if closed else "still open"] += 1
        if not closed:
            outcome.wrong.append("a half-sent head is still open after the header timeout")
        s.close()


async def model_thrash(base: str, outcome: Outcome, n: int) -> None:
    """Predictions cycling through five larger models, four at a time."""
    names = ["resnet18", "alexnet", "resnet34", "plain18", "vgg11"]
    image = h.encode(Image.new("RGB", (64, 64), (120, 30, 200)), "PNG")
    requests = [("POST", f"/models/{names[i % 5]}/predict", {"content": image}) for i in range(n)]
    for i in range(0, len(requests), 4):
        await _many(base, outcome, requests[i : i + 4], {200, 503})


async def gradcam_flood(base: str, outcome: Outcome, n: int) -> None:
    image = h.encode(Image.new("RGB", (32, 32), (120, 30, 200)), "PNG")
    requests = [("POST", "/models/resnet18/gradcam", {"content": image})] * n
    await _many(base, outcome, requests, {200, 503})


async def cross_site_posts(base: str, outcome: Outcome, n: int) -> None:
    kwargs = {"content": h.png(h.digit(1)), "headers": {"origin": "https://evil.example"}}
    await _many(base, outcome, [("POST", "/models/simplecnn/predict", kwargs)] * n, {403})


ATTACKS: dict[str, tuple[Attack, int]] = {  # the attack and how many requests it sends
    "summaries_crowd": (summaries_crowd, 400),
    "exports_crowd": (exports_crowd, 60),
    "export_beside_analysis": (export_beside_analysis, 40),
    "stalled_readers": (stalled_readers, 6),
    "huge_num_classes": (huge_num_classes, 10),
    "nested_json": (nested_json, 20),
    "decode_bombs": (decode_bombs, 20),
    "whitespace_data_urls": (whitespace_data_urls, 10),
    "half_sent_heads": (half_sent_heads, 500),
    "model_thrash": (model_thrash, 20),
    "gradcam_flood": (gradcam_flood, 30),
    "cross_site_posts": (cross_site_posts, 20),
}


# ---- the probes -------------------------------------------------------------------------------

DIGITS = [(label, h.png(h.digit(label, 2))) for label in range(10)]


async def _probe(base: str, stop: asyncio.Event, samples: list, solo: dict[str, list]) -> None:
    """Appends (time, kind, ms, status, problem) samples until `stop`."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        i = 0
        while not stop.is_set():
            for path, kind in (("/health", "health"), ("/models/vgg16/summary", "summary")):
                started = time.perf_counter()
                try:
                    r = await client.get(path)
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                ms = (time.perf_counter() - started) * 1e3
                samples.append((time.time(), kind, ms, f"{path} {status}", None))
            label, png = DIGITS[i % len(DIGITS)]
            i += 1
            problem = None
            try:
                r = await client.post("/models/simplecnn/predict", content=png)
                status = str(r.status_code)
                if r.status_code == 200:
                    got = r.json()["predictions"]
                    if got != solo[str(label)]:
                        problem = f"digit {label}: {got[:2]} != {solo[str(label)][:2]}"
                elif r.status_code != 503:
                    problem = f"probe prediction: {r.status_code} {r.text[:120]}"
            except httpx.HTTPError as exc:
                status, problem = type(exc).__name__, f"probe prediction: {type(exc).__name__}"
            samples.append((time.time(), "predict", 0.0, f"predict {status}", problem))
            if len(samples) == 3:
                print("ready", flush=True)
            await asyncio.sleep(0.05)


def probe_process(base: str) -> None:
    """The probes, in a process of their own so that the attackers' work (encoding bombs,
    hundreds of sockets) never delays them: reads the solo answers as JSON from stdin, prints
    "ready" after its first samples, probes until stdin closes, prints its samples as JSON."""
    solo = json.loads(sys.stdin.readline())
    samples: list = []

    async def run() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_reader(sys.stdin.fileno(), stop.set)  # EOF: stop
        await _probe(base, stop, samples, solo)

    asyncio.run(run())
    print(json.dumps(samples), flush=True)


class Probes:
    """The probe process, started once for a run; each attack takes the samples of its own
    time window."""

    def __init__(self, base: str, solo: dict[int, list]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scripts.attacks", "--probe", base],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parent.parent,
            text=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({str(k): v for k, v in solo.items()}) + "\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "ready"

    def stop(self, outcomes: list[tuple[Outcome, float, float]]) -> None:
        out, _ = self.proc.communicate(timeout=120)  # closes stdin: the probe stops
        for at, kind, ms, status, problem in json.loads(out.splitlines()[-1]):
            for outcome, start, end in outcomes:
                if start <= at <= end:
                    if kind == "health":
                        outcome.health_ms.append(ms)
                    elif kind == "summary":
                        outcome.summary_ms.append(ms)
                    elif status == "predict 200" and problem is None:
                        outcome.predictions += 1
                    outcome.probe_statuses[status] += 1
                    if problem:
                        outcome.wrong.append(problem)


async def _rss(server: Server, stop: asyncio.Event, outcome: Outcome) -> None:
    while not stop.is_set():
        outcome.rss_mib.append(server.rss_mb)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.2)


async def run_attacks(
    names: list[str],
    scale: float = 1.0,
    log_dir: Path | None = None,
    env: dict[str, str] | None = None,
    limit_s: float = 600,
    scales: dict[str, float] | None = None,
) -> tuple[list[Outcome], str]:
    """Runs each attack in turn against one server; returns the outcomes and the server's log."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="attacks-"))
    outcomes: list[Outcome] = []
    launch = running_server(SERVER_ENV | (env or {}), log_path=log_dir / "server.log")
    server = await asyncio.to_thread(launch.__enter__)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
            await client.get("/models/vgg16/summary")  # the cached summary the probes read
            solo = {}
            for label, png in DIGITS:
                solo[label] = (await client.post("/models/simplecnn/predict", content=png)).json()[
                    "predictions"
                ]
        probes = await asyncio.to_thread(Probes, server.base_url, solo)
        windows = []
        for name in names:
            attack, count = ATTACKS[name]
            outcome = Outcome(name)
            if name == "decode_bombs":
                await asyncio.to_thread(_bombs)  # made before the clock starts
            stop = asyncio.Event()
            rss = asyncio.create_task(_rss(server, stop, outcome))
            started, wall = time.monotonic(), time.time()
            try:
                n = max(1, round(count * (scales or {}).get(name, scale)))
                # A quick attack is repeated until MIN_WINDOW_S has passed, so that the probes
                # take several samples while it runs.
                while outcome.rounds == 0 or time.monotonic() - started < MIN_WINDOW_S:
                    await asyncio.wait_for(attack(server.base_url, outcome, n), limit_s)
                    outcome.rounds += 1
            except TimeoutError:
                outcome.wrong.append(f"the attack did not finish in {limit_s:g} s")
            outcome.seconds = time.monotonic() - started
            windows.append((outcome, wall, time.time()))
            stop.set()
            await rss
            outcomes.append(outcome)
        await asyncio.to_thread(probes.stop, windows)
        for outcome in outcomes:
            print(outcome.line(), flush=True)
    finally:
        await asyncio.to_thread(launch.__exit__, None, None, None)
    return outcomes, (log_dir / "server.log").read_text(errors="replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(ATTACKS), help="comma-separated attack names")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every request count")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe_process(args.probe)
        return
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    outcomes, log_text = asyncio.run(run_attacks(names, args.scale))
    failed = False
    for outcome in outcomes:
        five = {
            s: c
            for s, c in outcome.statuses.items()
            if isinstance(s, int) and s >= 500 and s not in (503, 504)
        }
        slow = (
            Outcome.percentile(outcome.health_ms, 99) > 1000
            or Outcome.percentile(outcome.summary_ms, 99) > 1000
        )
        for problem in outcome.wrong[:10]:
            print(f"PROBLEM {outcome.name}: {problem}")
        if five or slow or outcome.wrong:
            failed = True
            print(f"FAIL {outcome.name}: 5xx {five}, p99 over 1 s: {slow}")
    tracebacks = log_text.count("Traceback")
    print(f"server log: {tracebacks} tracebacks, {log_text.count(' ERROR ')} ERROR lines")
    sys.exit(1 if failed or tracebacks else 0)


if __name__ == "__main__":
    main()
