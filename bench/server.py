"""The app under uvicorn in a child process on a loopback port, for the benchmarks, the browser
tests and the soak (`running_server`), and the one polling helper (`wait_until`) they and the
tests use.

The socket is bound here and handed to the child (`--serve-fd`), so no other process can take
the port between choosing it and listening on it. It lives in `bench/`, beside what measures the
server, rather than in `backend/`: the shipped package carries no test tooling.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium, as the browser tests and the page benchmark start it: headless, and
# without the background traffic a machine with no network answers with refused connections.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_until(
    condition: Callable[[], bool], what: str, seconds: float = 10, interval: float = 0.01
) -> None:
    """Waits for a state, not for a guessed time (threads and servers start late on a busy
    machine); AssertionError naming `what` once `seconds` have passed. From a coroutine, run it
    in a thread (`asyncio.to_thread`) so that the event loop keeps going."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


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


def _healthy(proc: subprocess.Popen, base_url: str, log: Path | None) -> bool:
    if proc.poll() is not None:
        where = f"; see {log}" if log else ""
        raise RuntimeError(f"the server exited with {proc.returncode}{where}")
    try:
        return httpx.get(f"{base_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def running_server(
    env: dict[str, str] | None = None,
    args: Sequence[str] = (),
    timeout_s: float = 120,
    log_path: Path | None = None,
    root: Path = ROOT,
) -> Iterator[Server]:
    """Launch the app (`args`: `--loop`/`--http` for uvicorn; `env`: settings such as
    LOG_LEVEL, default warning), wait for the first healthy /health, and stop it afterwards.
    The server's output goes to `log_path` when given, else to this process's. `root`: the
    checkout to run (another commit's files, for a before/after comparison)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    log = log_path.open("wb") if log_path else None
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--serve-fd", str(sock.fileno()), *args],
        cwd=root,
        env={**os.environ, "LOG_LEVEL": "warning", **(env or {})},
        pass_fds=(sock.fileno(),),
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )
    try:
        wait_until(
            lambda: _healthy(proc, base_url, log_path), "the server's /health", timeout_s, 0.05
        )
        yield Server(proc, base_url, time.perf_counter() - start)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        sock.close()
        if log:
            log.close()


def _serve(argv: Sequence[str] | None = None) -> None:
    """The child: uvicorn on the inherited socket."""
    import uvicorn  # only in the server process

    parser = argparse.ArgumentParser()
    parser.add_argument("--serve-fd", type=int, required=True)
    parser.add_argument("--loop", default="auto")
    parser.add_argument("--http", default="guarded")
    options = parser.parse_args(argv)
    log_level = os.environ.get("LOG_LEVEL", "warning").lower()
    if options.http == "guarded":  # what `make run` serves: backend.server's limits
        from backend.config import get_settings
        from backend.server import uvicorn_config

        config = uvicorn_config(
            get_settings(), log_level=log_level, access_log=False, loop=options.loop
        )
    else:  # a plain uvicorn protocol, for the benchmarks' comparisons
        config = uvicorn.Config(
            "backend.main:app",
            log_level=log_level,
            access_log=False,
            loop=options.loop,
            http=options.http,
        )
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=options.serve_fd)])


if __name__ == "__main__":
    _serve()
