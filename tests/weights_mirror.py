"""A loopback HTTP server standing in for torchvision's download server (or a mirror).

It serves files the test makes, honours `Range: bytes=N-` with 206 and `Content-Range` like
download.pytorch.org, and can misbehave on purpose: cut a transfer short (the first `cut`
requests of a file send half of what they announce and close), ignore Range, or trickle
(`chunk_delay_s` between 64 KiB chunks) so that progress can be watched. It records every
request's path and Range header.
"""

import hashlib
import http.server
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch

CHUNK = 64 * 1024


def published_name(stem: str, data: bytes) -> str:
    """torchvision's naming: `<stem>-<first 8 hex digits of the SHA-256>.pth`."""
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}.pth"


def state_dict_bytes(state: dict[str, torch.Tensor]) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def write_manifest(path: Path, entries: dict[str, tuple[str, int]]) -> Path:
    """A WEIGHTS_MANIFEST file: model -> (file name, bytes)."""
    path.write_text(json.dumps({m: {"file": f, "bytes": n} for m, (f, n) in entries.items()}))
    return path


@dataclass
class Mirror:
    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)  # file -> requests still to cut short
    ranges: bool = True
    chunk_delay_s: float = 0.0
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return name


def _handler(mirror: Mirror) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1]  # served under any prefix, e.g. /models/
            range_header = self.headers.get("Range")
            with mirror.lock:
                mirror.requests.append((name, range_header))
                data = mirror.files.get(name)
                cut = mirror.cut.get(name, 0) > 0
                if cut:
                    mirror.cut[name] -= 1
            if data is None:
                self.send_error(404, "Not Found")
                return
            start = 0
            if range_header and mirror.ranges:
                start = int(range_header.removeprefix("bytes=").split("-")[0])
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if cut:
                body = body[: len(body) // 2]  # announce it all, send half, hang up
            for i in range(0, len(body), CHUNK):
                self.wfile.write(body[i : i + CHUNK])
                if mirror.chunk_delay_s:
                    self.wfile.flush()
                    time.sleep(mirror.chunk_delay_s)
            self.wfile.flush()
            if cut:
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


@contextmanager
def running_mirror() -> Iterator[Mirror]:
    mirror = Mirror()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(mirror))
    server.daemon_threads = True
    mirror.url = f"http://127.0.0.1:{server.server_address[1]}/models/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        server.shutdown()
        server.server_close()


def refused_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/models/"
