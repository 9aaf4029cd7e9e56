"""Start the app in a child process on a loopback port, and read its resident memory."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident set size of a process from /proc (Linux)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


class Server:
    def __init__(self, proc: subprocess.Popen, base_url: str, startup_s: float) -> None:
        self.proc = proc
        self.base_url = base_url
        self.startup_s = startup_s

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)


@contextmanager
def running_server(
    env: dict[str, str] | None = None, args: Sequence[str] = (), timeout_s: float = 120
) -> Iterator[Server]:
    """Launch uvicorn (extra command-line `args`, extra environment `env`: settings), wait for
    the first healthy /health, and stop it afterwards."""
    port = free_port()
    child_env = {**os.environ, "LOG_LEVEL": "warning", **(env or {})}
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "backend.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        *args,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - start > timeout_s:
                raise RuntimeError("server did not become healthy")
            time.sleep(0.05)
        yield Server(proc, base, time.perf_counter() - start)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
