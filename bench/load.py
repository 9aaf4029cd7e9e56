"""A small HTTP/1.1 load generator: pre-encoded requests on keep-alive connections, one
connection per simulated client, over asyncio streams.

It is deliberately thinner than an HTTP library: the clients run on the same two cores as the
server, and every millisecond of client CPU is a millisecond the server does not get. Bounded
both ways: each run stops after `max_requests` or `max_seconds`, whichever comes first.
"""

import asyncio
import contextlib
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    ms: float

    def json(self) -> dict:
        return json.loads(self.body)


def multipart(field_name: str, filename: str, content_type: str, data: bytes) -> tuple[str, bytes]:
    """(Content-Type header, body) of a multipart/form-data request with one file, as a browser's
    FormData sends it."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def encode_request(
    method: str, base_url: str, path: str, body: bytes = b"", content_type: str | None = None
) -> bytes:
    host = urlsplit(base_url).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Accept: application/json"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def predict_request(base_url: str, model: str, jpeg: bytes, top_k: int = 5) -> bytes:
    content_type, body = multipart("file", "photo.jpg", "image/jpeg", jpeg)
    return encode_request(
        "POST", base_url, f"/models/{model}/predict?top_k={top_k}", body, content_type
    )


class Connection:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def send(self, raw: bytes) -> Reply:
        reader, writer = await self._open()
        start = time.perf_counter()
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        ms = (time.perf_counter() - start) * 1e3
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Reply(int(status_line.split()[1]), headers, body, ms)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


@dataclass
class LoadResult:
    clients: int
    wall_s: float
    ok_ms: list[float] = field(default_factory=list)  # latencies of 200 answers
    refused_ms: list[float] = field(default_factory=list)  # latencies of 503 answers
    statuses: Counter = field(default_factory=Counter)
    retry_after: Counter = field(default_factory=Counter)  # Retry-After values on 503s
    server_ms: list[dict[str, float]] = field(default_factory=list)  # timings_ms of 200s
    batch_sizes: list[int] = field(default_factory=list)  # batch_size of 200s (micro-batching)

    @property
    def ok_per_s(self) -> float:
        return len(self.ok_ms) / self.wall_s if self.wall_s else 0.0


async def run_load(
    base_url: str,
    raw: bytes,
    clients: int,
    max_requests: int,
    max_seconds: float,
    keep_server_timings: bool = True,
) -> LoadResult:
    """`clients` connections send `raw` back to back until `max_requests` have been sent or
    `max_seconds` have passed; requests in flight at the deadline are waited for."""
    result = LoadResult(clients=clients, wall_s=0.0)
    sent = 0
    start = time.perf_counter()
    deadline = start + max_seconds

    async def client() -> None:
        nonlocal sent
        connection = Connection(base_url)
        try:
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                reply = await connection.send(raw)
                result.statuses[reply.status] += 1
                if reply.status == 200:
                    result.ok_ms.append(reply.ms)
                    if keep_server_timings:
                        body = reply.json()
                        result.server_ms.append(body.get("timings_ms", {}))
                        result.batch_sizes.append(body.get("batch_size", 1))
                elif reply.status == 503:
                    result.refused_ms.append(reply.ms)
                    result.retry_after[reply.headers.get("retry-after", "missing")] += 1
        finally:
            await connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    result.wall_s = time.perf_counter() - start
    return result


async def burst(base_url: str, raw: bytes, clients: int) -> LoadResult:
    """Every client sends one request at the same moment: what a queue of bounded length
    does with a crowd."""
    connections = [Connection(base_url) for _ in range(clients)]
    for c in connections:
        await c._open()  # connected beforehand, so the requests really arrive together
    result = LoadResult(clients=clients, wall_s=0.0)
    start = time.perf_counter()
    replies = await asyncio.gather(*(c.send(raw) for c in connections))
    result.wall_s = time.perf_counter() - start
    for c in connections:
        await c.close()
    for reply in replies:
        result.statuses[reply.status] += 1
        if reply.status == 200:
            result.ok_ms.append(reply.ms)
        elif reply.status == 503:
            result.refused_ms.append(reply.ms)
            result.retry_after[reply.headers.get("retry-after", "missing")] += 1
    return result
