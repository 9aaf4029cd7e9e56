"""Heavy work, one lane per kind, so that no kind can stall the others or the cheap paths.

Starlette runs every sync route and sync dependency in one shared pool of 40 threads; when
exports or uncached summaries fill it, `/health`, the page and cached answers queue behind
them. Here each heavy kind gets a `Lane`: threads of its own (never Starlette's pool, never
the event loop's default executor), at most `concurrency` jobs running and `queue_limit`
waiting; past that it refuses at once with `ServerBusyError` (503 and `Retry-After`) instead
of queueing without bound. Cheap routes stay `async` and never enter a lane.

    request ─┬─ /health, /models, static files, cached summaries ── event loop only
             ├─ uncached summaries and analysis ─── Lane "analysis"
             ├─ vanishing-gradient experiments ───── Lane "gradients"
             ├─ predictions ──────────────────────── Lane "inference" (InferenceGate)
             ├─ predictions of large images ──────── Lane "large_images"
             ├─ feature maps, Grad-CAM ──────────── Lane "inspection"
             ├─ JSON bodies, data URLs ───────────── Lane "bodies"
             ├─ ONNX exports ─────────────────────── Lane "exports" → worker process
             └─ training runs, downloads, ... ───── Workloads.lane("<kind>") from settings

A job whose client has gone keeps its slot until its thread finishes (a thread cannot be
killed), so a lane never runs more than `concurrency` jobs at once. This module is domain
code: it knows nothing of HTTP.
"""

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from backend.errors import ServerBusyError
from backend.i18n import bilingual

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class LaneLimits:
    concurrency: int  # jobs running at once (threads of the lane)
    queue_limit: int  # jobs allowed to wait for a thread; beyond: 503
    retry_after_s: int = 1  # what the 503 tells clients

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.queue_limit < 0 or self.retry_after_s < 0:
            raise ValueError(
                "a lane needs concurrency >= 1, queue_limit >= 0 and retry_after_s >= 0; "
                f"got {self}"
            )


class Lane:
    """Blocking work of one kind in threads of its own, bounded in running and waiting jobs."""

    busy_error: ClassVar[type[ServerBusyError]] = ServerBusyError

    def __init__(
        self,
        name: str,
        concurrency: int,
        queue_limit: int,
        retry_after_s: int = 1,
        noun: str | Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.concurrency = concurrency
        self.queue_limit = queue_limit
        self.retry_after_s = retry_after_s
        # what the 503's sentence calls the jobs, in each language ("exports", "analyses")
        self.noun = bilingual("busy.noun.other", kind=name) if noun is None else noun
        self._executor = ThreadPoolExecutor(concurrency, thread_name_prefix=f"lane-{name}")
        self._slots = asyncio.Semaphore(concurrency)
        self._waiting = 0
        self._running = 0
        self._refused = 0

    async def run(self, fn: Callable[..., T], /, *args: object) -> T:
        """`fn(*args)` in one of the lane's threads once a slot is free; refuses at once
        (`busy_error`, 503) when every slot is taken and `queue_limit` jobs already wait."""
        if self._slots.locked() and self._waiting >= self.queue_limit:
            self._refused += 1
            raise self.busy_error(
                self.busy_detail(),
                retry_after_s=self.retry_after_s,
                workload=self.name,
            )
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self._running += 1
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, self.call, fn, *args)
        # The slot is freed when the thread finishes, not when the request stops waiting (a
        # client gone, a time limit): a cancelled request cannot oversubscribe the lane.
        future.add_done_callback(self._release)
        return await asyncio.shield(future)

    def busy_detail(self) -> dict[str, str]:
        """The 503's sentence in each language (subclasses may say it their own way)."""
        return bilingual(
            "busy.lane", running=self.concurrency, noun=self.noun, waiting=self._waiting
        )

    def call(self, fn: Callable[..., T], /, *args: object) -> T:
        """Runs one job in a lane thread; subclasses wrap it (memory guards)."""
        return fn(*args)

    def _release(self, future: asyncio.Future) -> None:
        self._running -= 1
        self._slots.release()
        if not future.cancelled():
            future.exception()  # retrieved here so an abandoned failure is not logged as lost

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def running(self) -> int:
        """Threads holding a slot (including those whose request has gone)."""
        return self._running

    @property
    def refused(self) -> int:
        return self._refused

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def stats(self) -> dict[str, int | str]:
        return {
            "lane": self.name,
            "concurrency": self.concurrency,
            "queue_limit": self.queue_limit,
            "running": self._running,
            "waiting": self._waiting,
            "refused": self._refused,
        }


# Kinds known here, with their limits unless settings say otherwise (WORKLOAD_LIMITS).
DEFAULT_LIMITS: dict[str, LaneLimits] = {
    # torchinfo's hooks need a global lock, so more than one summary at once only queues.
    "analysis": LaneLimits(concurrency=1, queue_limit=16),
    # real forward and backward passes (seconds each, then cached): never ahead of the
    # milliseconds-long meta-device analyses in one queue
    "gradients": LaneLimits(concurrency=1, queue_limit=8),
    "bodies": LaneLimits(concurrency=2, queue_limit=32),
    "inspection": LaneLimits(concurrency=1, queue_limit=8),
    # predictions whose image needs more than LARGE_IMAGE_BYTES to decode (header estimate)
    "large_images": LaneLimits(concurrency=1, queue_limit=4),
    "exports": LaneLimits(concurrency=1, queue_limit=2, retry_after_s=10),
}
FALLBACK_LIMITS = LaneLimits(concurrency=1, queue_limit=4, retry_after_s=5)
# What each lane's 503 calls its jobs (i18n keys busy.noun.<kind>, in both languages).
NOUNS = {
    kind: bilingual(f"busy.noun.{kind}")
    for kind in ("analysis", "gradients", "bodies", "exports", "inspection", "large_images")
}


class Workloads:
    """Every lane of the server, made on first use from the configured limits. Another kind
    of heavy work (training runs, downloads) asks for `lane("training")`: its limits come
    from `limits["training"]` (the WORKLOAD_LIMITS setting), else FALLBACK_LIMITS."""

    def __init__(self, limits: Mapping[str, LaneLimits] | None = None) -> None:
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self._lanes: dict[str, Lane] = {}
        self._lock = threading.Lock()

    def lane(
        self, kind: str, noun: str | Mapping[str, str] | None = None, cls: type[Lane] = Lane
    ) -> Lane:
        """The lane of `kind`, made on first use (of class `cls`, e.g. one that guards
        against running out of memory) from its configured limits."""
        with self._lock:
            lane = self._lanes.get(kind)
            if lane is None:
                lim = self.limits.get(kind, FALLBACK_LIMITS)
                lane = cls(
                    kind,
                    lim.concurrency,
                    lim.queue_limit,
                    lim.retry_after_s,
                    noun or NOUNS.get(kind),
                )
                self._lanes[kind] = lane
                log.info(
                    "workloads: lane %s, %d at once, %d waiting", kind, lim.concurrency,
                    lim.queue_limit,
                )  # fmt: skip
            return lane

    def add(self, lane: Lane) -> Lane:
        """Registers a lane made elsewhere (the inference gate) so `stats` lists it."""
        with self._lock:
            self._lanes[lane.name] = lane
        return lane

    def stats(self) -> list[dict[str, int | str]]:
        with self._lock:
            return [lane.stats() for lane in self._lanes.values()]

    def close(self) -> None:
        with self._lock:
            for lane in self._lanes.values():
                lane.close()
