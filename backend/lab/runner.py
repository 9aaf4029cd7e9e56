"""Who trains the runs: a small interface, so a shared deployment can hand runs to its own
queue later, and the in-process runner every server has by default.

`LocalRunner` keeps `concurrency` trainer threads and at most `queue_limit` runs waiting
(beyond that `submit` refuses with a 503 and when to retry). Each run trains in a child
process of its own by default (`isolation="process"`): its torch threads, its Python (the
augmentation is Python code holding the GIL) and its memory stay out of the server's way, a
crash takes only the run, and cancelling can always end it. `isolation="thread"` trains in
the trainer thread itself (one process, no start-up cost); bench/bench_training.py measures
what each costs the server's predictions.
"""

import contextlib
import dataclasses
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Literal, Protocol

from backend.errors import TrainingBusyError
from backend.i18n import bilingual
from backend.lab.settings import TERMINAL
from backend.lab.store import RunStore
from backend.lab.worker import Job, run_to_end

log = logging.getLogger(__name__)
Isolation = Literal["process", "thread"]
STOP_GRACE_S = 10.0  # a child asked to stop that has not stopped by then is terminated
POLL_S = 0.2
CODE_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding `backend`


class Runner(Protocol):
    def submit(self, run_id: str, job: Job) -> None:
        """Queues the run (raises TrainingBusyError when the queue is full)."""

    def has_room(self, runs: int = 1) -> bool: ...

    def refusal(self) -> TrainingBusyError:
        """The 503 to answer when there is no room: the sentence and Retry-After."""

    def cancel(self, run_id: str) -> None:
        """Stops a queued or running run; it ends as `cancelled`."""

    def close(self) -> None:
        """Stops everything; runs still training end as `interrupted`."""


class LocalRunner:
    def __init__(
        self,
        store: RunStore,
        concurrency: int = 1,
        queue_limit: int = 4,
        isolation: Isolation = "process",
    ) -> None:
        self.store = store
        self.concurrency = concurrency
        self.queue_limit = queue_limit
        self.isolation = isolation
        self._queue: queue.Queue[tuple[str, Job] | None] = queue.Queue()
        self._waiting: list[str] = []
        self._running: set[str] = set()
        self._stop: dict[str, str] = {}  # run id -> the status it should end with
        self._lock = threading.Lock()
        self._closing = False
        self._threads = [
            threading.Thread(target=self._serve, name=f"trainer-{i}", daemon=True)
            for i in range(concurrency)
        ]
        for thread in self._threads:
            thread.start()

    # -- the interface ---------------------------------------------------------------------
    def has_room(self, runs: int = 1) -> bool:
        with self._lock:
            free_slots = self.concurrency - len(self._running)
            return len(self._waiting) + runs <= self.queue_limit + max(free_slots, 0)

    def retry_after_s(self) -> int:
        """A guess for Retry-After: the shortest ETA among the running runs (at least 5 s)."""
        etas = []
        for run_id in list(self._running):
            record = self.store.peek(run_id)
            if record is not None and record.eta_s is not None:
                etas.append(record.eta_s)
        return max(5, round(min(etas))) if etas else 30

    def refusal(self) -> TrainingBusyError:
        return TrainingBusyError(
            bilingual(
                "lab.queue_full",
                running=len(self._running),
                waiting=len(self._waiting),
                limit=self.queue_limit,
            ),
            retry_after_s=self.retry_after_s(),
        )

    def submit(self, run_id: str, job: Job) -> None:
        with self._lock:
            free_slots = self.concurrency - len(self._running)
            if len(self._waiting) + 1 > self.queue_limit + max(free_slots, 0):
                raise self.refusal()
            self._waiting.append(run_id)
        self._queue.put((run_id, job))

    def cancel(self, run_id: str) -> None:
        with self._lock:
            waiting = run_id in self._waiting
            if waiting:  # never started: it ends now and its place in the queue is free
                self._waiting.remove(run_id)
            else:
                self._stop[run_id] = "cancelled"
        if waiting:
            self.store.set_status(run_id, "cancelled", "Cancelled before it started.")

    def close(self) -> None:
        with self._lock:
            self._closing = True
            for run_id in self._running | set(self._waiting):
                self._stop[run_id] = "interrupted"
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=STOP_GRACE_S + 2)

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    # -- trainer threads ---------------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            run_id, job = item
            with self._lock:
                if run_id not in self._waiting:
                    continue  # cancelled while it waited
                self._waiting.remove(run_id)
                ending = self._stop.get(run_id)
                if ending is None:
                    self._running.add(run_id)
            if ending is not None:  # cancelled while waiting, or the server is stopping
                self.store.set_status(run_id, ending, _why(ending))
                continue
            try:
                self.store.set_status(run_id, "running")
                if self.isolation == "process":
                    self._run_in_child(run_id, job)
                else:
                    # torch's thread count is a process-wide default for new threads: a run
                    # in a thread must leave it to the server's setting (TORCH_THREADS).
                    in_thread = dataclasses.replace(job, threads=0)
                    run_to_end(in_thread, self._sink(run_id), partial(self._stopping, run_id))
            except Exception:
                log.exception("trainer: run %s failed outside its trainer", run_id)
                self.store.set_status(run_id, "failed", "The trainer failed; see the server log.")
            finally:
                with self._lock:
                    self._running.discard(run_id)
                    ending = self._stop.pop(run_id, None)
                self._end(run_id, ending)

    def _stopping(self, run_id: str) -> bool:
        return run_id in self._stop

    def _sink(self, run_id: str) -> Callable[[dict], None]:
        def emit(message: dict) -> None:
            if message.get("type") == "status" and message.get("status") == "cancelled":
                ending = self._stop.get(run_id, "cancelled")
                message = {"type": "status", "status": ending, "detail": _why(ending)}
            self.store.apply(run_id, message)

        return emit

    def _end(self, run_id: str, ending: str | None) -> None:
        record = self.store.peek(run_id)
        if record is not None and record.status not in TERMINAL:
            status = ending or "failed"
            detail = _why(status) if ending else "The training process ended without a result."
            self.store.set_status(run_id, status, detail)

    def _run_in_child(self, run_id: str, job: Job) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.lab.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=CODE_ROOT,
            env={**os.environ, "PYTHONPATH": str(CODE_ROOT)},  # this checkout's backend
            text=True,
            encoding="utf-8",
        )
        assert process.stdin is not None and process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(
            target=_pump, args=(process.stdout, lines), name=f"read-{run_id}", daemon=True
        )
        reader.start()
        emit = self._sink(run_id)
        asked_to_stop_at: float | None = None
        try:
            process.stdin.write(json.dumps(dataclasses.asdict(job)) + "\n")
            process.stdin.flush()
            while True:
                if run_id in self._stop and asked_to_stop_at is None:
                    asked_to_stop_at = time.monotonic()
                    with contextlib.suppress(OSError):
                        process.stdin.write("stop\n")
                        process.stdin.flush()
                if asked_to_stop_at and time.monotonic() - asked_to_stop_at > STOP_GRACE_S:
                    log.warning("trainer: run %s did not stop in time; terminated", run_id)
                    break
                try:
                    line = lines.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if line is None:  # the process closed stdout: it ended
                    break
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    log.warning("trainer: run %s sent a line that is not JSON", run_id)
                    continue
                emit(message)
                if message.get("type") == "status":
                    break
        except OSError:
            log.warning("trainer: lost the pipe to run %s", run_id)
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:
                process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, None) and run_id not in self._stop:
                log.error("trainer: run %s exited with code %s", run_id, process.returncode)


def _pump(stream: IO[str], lines: "queue.Queue[str | None]") -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _why(status: str) -> str:
    if status == "interrupted":
        return "The server stopped while this run was training or waiting; start it again."
    if status == "cancelled":
        return "Cancelled."
    return ""
