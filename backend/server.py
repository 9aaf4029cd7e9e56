"""The server process: uvicorn with the connection limits the app cannot set for itself.

    python -m backend.server --host 127.0.0.1 --port 8000     (what `make run` and Docker run)

uvicorn's own options cover connections at once (`limit_concurrency`: past it, uvicorn answers
503 itself) and idle keep-alive connections (`timeout_keep_alive`), but not a client that opens
a connection and sends its request head slowly or never finishes it (slowloris): its keep-alive
timer is off while bytes trickle in, and httptools, uvicorn's fast parser, has no limit on the
head's size. `GuardedHttpTools` adds both (and aborts, rather than closes, a connection whose
response was given up half-way, see `_AbortIfIncomplete`): a request head must be complete within
HEADER_TIMEOUT_S of its first byte (or of the connection opening), and at most
MAX_REQUEST_HEAD_BYTES long; otherwise the connection is closed (a 400 for an oversized head).
"""

import argparse
import asyncio
import contextlib
import logging
import socket
import struct
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from backend.config import Settings, get_settings

log = logging.getLogger("backend.server")


class HeadTooLargeError(ValueError):
    """Raised inside the parser's callback: httptools turns it into a parse error (400)."""


class _AbortIfIncomplete:
    """The connection's transport as uvicorn sees it, except that closing it in the middle of
    a response aborts the connection. uvicorn closes a connection whose app gave up on a
    response (a client that read nothing for SEND_TIMEOUT_S); a plain close would wait for
    that client to read the bytes already queued, which it never does."""

    def __init__(self, transport: asyncio.Transport, protocol: "GuardedHttpTools") -> None:
        self._transport = transport
        self._protocol = protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def close(self) -> None:
        cycle = getattr(self._protocol, "cycle", None)
        if cycle is not None and cycle.response_started and not cycle.response_complete:
            # An unfinished response cannot be saved: reset the connection, so that neither
            # the transport nor the kernel keeps the bytes queued for a client that never reads.
            sock = self._transport.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self._transport.abort()
        else:
            self._transport.close()


class GuardedHttpTools(HttpToolsProtocol):
    header_timeout_s: float = 10.0
    max_head_bytes: int = 64 * 1024

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        super().connection_made(transport)
        self.transport = _AbortIfIncomplete(transport, self)  # type: ignore[assignment]
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self.header_timeout_s, self._head_expired)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_expired(self) -> None:
        self._head_deadline = None
        log.info(
            "closed a connection whose request head was not complete after %g s client=%s",
            self.header_timeout_s,
            self.client,
        )
        self.transport.close()

    def _count_head(self, n: int) -> None:
        self._head_bytes += n
        if self._head_bytes > self.max_head_bytes:
            raise HeadTooLargeError(f"request head over {self.max_head_bytes} bytes")

    def on_message_begin(self) -> None:
        self._head_bytes = 0
        self._arm_head_deadline()  # a keep-alive connection's next request starts its own
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm_head_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)


def protocol_for(settings: Settings) -> type[GuardedHttpTools]:
    return type(
        "ConfiguredGuardedHttpTools",
        (GuardedHttpTools,),
        {
            "header_timeout_s": settings.header_timeout_s,
            "max_head_bytes": settings.max_request_head_bytes,
        },
    )


def uvicorn_config(settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration with the limits from the settings; `options` add to it."""
    return uvicorn.Config(
        "backend.main:app",
        http=protocol_for(settings),
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=10,
        **options,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve CNN Explorer.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    config = uvicorn_config(get_settings(), host=args.host, port=args.port)
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
