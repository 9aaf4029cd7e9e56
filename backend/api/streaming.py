"""A file on disk sent in chunks, with a time limit on every chunk the client must take.

Exports used to be answered from memory: six sockets that asked for VGG16's 553 MB file and
never read held +2.9 GB until they closed. Here the file stays on disk (already open, so the
export cache may drop its name meanwhile), at most one chunk of it is in memory per client,
and a client that accepts nothing for `send_timeout_s` is dropped: uvicorn closes the
connection (and logs "ASGI callable returned without completing response").
"""

import asyncio
import logging
from collections.abc import Mapping
from typing import BinaryIO

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024


class FileStream(Response):
    def __init__(
        self,
        file: BinaryIO,
        size: int,
        send_timeout_s: float,
        headers: Mapping[str, str] | None = None,
        media_type: str = "application/octet-stream",
    ) -> None:
        self.file = file
        self.size = size
        self.send_timeout_s = send_timeout_s
        super().__init__(
            content=None,
            media_type=media_type,
            headers={**(headers or {}), "content-length": str(size)},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent = 0
        try:
            await self._send(
                send,
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                },
            )
            if scope.get("method") == "HEAD":
                await self._send(send, {"type": "http.response.body", "body": b""})
                return
            while sent < self.size:
                chunk = self.file.read(min(CHUNK_BYTES, self.size - sent))
                if not chunk:
                    raise OSError("the file ended before its size")  # removed under us
                sent += len(chunk)
                more = sent < self.size
                await self._send(
                    send, {"type": "http.response.body", "body": chunk, "more_body": more}
                )
        except TimeoutError:
            log.warning(
                "dropped a client that read nothing for %g s path=%s sent=%d of %d bytes",
                self.send_timeout_s, scope.get("path"), sent, self.size,
                extra={"path": scope.get("path"), "sent_bytes": sent},
            )  # fmt: skip
        finally:
            self.file.close()

    async def _send(self, send: Send, message: dict) -> None:
        await asyncio.wait_for(send(message), self.send_timeout_s)
