"""Micro-batching: predictions of the same model, input size and weights that meet while a
forward runs go through the next forward together, as one batch.

A batched forward reads the weights once for all its images (AlexNet's fully connected layers,
VGG16's 0.55 GB) and gives each intra-op thread larger pieces of work; bench/RESULTS.md has
what it measured. The rule is a group commit, with no thread of its own:

- a request whose tensor is ready joins its key's queue; when fewer than `max_forwards`
  forwards are running, it runs one at once with the head of the queue (up to `max_batch`
  tensors), so a lone request never waits for company;
- requests that arrive while the forwards run wait; when one ends, a waiting request takes the
  queue's head and runs it, its own tensor usually among them;
- with a `window_s`, the request that starts a forward waits up to that long for requests of
  the same model that are still being decoded (`preparing`), and only for those: a lone
  request never waits.

Every request keeps its own decode, preprocessing and `timings_ms`; the forward's time is the
batch's, and each is told its batch's size and how long it waited for its forward. The jobs
run in the inference lane's threads: the lane's bounds (503 when full) and the memory guard
(an out-of-memory forward is a 503 for every request in its batch) stay as they were.
Blocking code; knows nothing of HTTP.
"""

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import Tensor

# The forward of a batch (N, C, H, W): its logits (N, classes) and the engine that ran it.
Forward = Callable[[Tensor], tuple[Tensor, str]]


@dataclass(frozen=True)
class BatchedResult:
    logits: Tensor  # this request's row of the batch's logits: (classes,)
    engine: str
    batch_size: int
    waited_ms: float  # from joining the queue to its batch's forward starting
    forward_ms: float  # the batch's forward


class _Slot:
    __slots__ = ("arrived", "error", "result", "tensor")

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor
        self.arrived = time.perf_counter()
        self.result: BatchedResult | None = None
        self.error: BaseException | None = None


class Arrival:
    """A request of `model` between its arrival and its joining a queue (being decoded)."""

    __slots__ = ("counted", "model")

    def __init__(self, model: str) -> None:
        self.model = model
        self.counted = True


class MicroBatcher:
    def __init__(self, max_batch: int = 8, max_forwards: int = 1, window_s: float = 0.0) -> None:
        if max_batch < 1 or max_forwards < 0 or window_s < 0:
            raise ValueError(
                "micro-batching needs max_batch >= 1, max_forwards >= 0 (0: no bound) and "
                f"window_s >= 0; got {max_batch}, {max_forwards}, {window_s}"
            )
        self.max_batch = max_batch
        self.max_forwards = max_forwards
        self.window_s = window_s
        self._cond = threading.Condition()
        self._queues: dict[Hashable, deque[_Slot]] = {}
        self._preparing: Counter[str] = Counter()
        self._running = 0
        self._batches = 0
        self._batched = 0  # requests that went through a forward of more than one

    @contextmanager
    def preparing(self, model: str) -> Iterator[Arrival]:
        """Marks a request of `model` being decoded until it joins a queue (`run` with the
        arrival) or leaves: a forward with a window waits for it meanwhile."""
        arrival = Arrival(model)
        with self._cond:
            self._preparing[model] += 1
        try:
            yield arrival
        finally:
            with self._cond:
                self._arrived(arrival)

    def _arrived(self, arrival: Arrival) -> None:
        if arrival.counted:  # called holding the lock
            arrival.counted = False
            self._preparing[arrival.model] -= 1
            if not self._preparing[arrival.model]:
                del self._preparing[arrival.model]  # custom networks' names are unbounded
            self._cond.notify_all()

    def run(
        self,
        key: Hashable,
        model: str,
        tensor: Tensor,
        forward: Forward,
        arrival: Arrival | None = None,
    ) -> BatchedResult:
        """This request's logits, from a forward of its batch. `key` names what may share a
        forward (model, input shape, weights); `forward` is the caller's, used when this
        request is the one that runs its batch; `arrival`, from `preparing`, ends there as the
        request joins the queue (in one step: a window never sees it in neither)."""
        slot = _Slot(tensor)
        with self._cond:
            self._queues.setdefault(key, deque()).append(slot)
            if arrival is not None:
                self._arrived(arrival)
            self._cond.notify_all()  # a forward waiting out its window
            while slot.result is None and slot.error is None:
                queue = self._queues.get(key)
                if not queue or (self.max_forwards and self._running >= self.max_forwards):
                    self._cond.wait()
                    continue
                self._running += 1
                batch = self._gather(queue, model)
                if not queue and self._queues.get(key) is queue:
                    del self._queues[key]
                self._cond.release()
                try:
                    self._forward(batch, forward)  # its own slot, or the requests ahead of it
                finally:
                    self._cond.acquire()
                    self._running -= 1
                    self._cond.notify_all()
        if slot.error is not None:
            raise slot.error
        assert slot.result is not None
        return slot.result

    def _gather(self, queue: deque[_Slot], model: str) -> list[_Slot]:
        """The head of the queue, after the window when other requests of `model` are still
        being decoded (called holding the lock, which waiting releases)."""
        if self.window_s > 0:
            deadline = time.perf_counter() + self.window_s
            while len(queue) < self.max_batch and self._preparing[model] > 0:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self._cond.wait(left)
        return [queue.popleft() for _ in range(min(self.max_batch, len(queue)))]

    def _forward(self, batch: list[_Slot], forward: Forward) -> None:
        """Runs outside the lock; every slot of the batch gets its row or the error (raised
        in each of their threads, not in this one unless its own slot is in the batch)."""
        if not batch:
            return
        started = time.perf_counter()
        try:
            tensors = [s.tensor for s in batch]
            stacked = tensors[0][None] if len(tensors) == 1 else torch.stack(tensors)
            logits, engine = forward(stacked)
        except BaseException as exc:  # out of memory: a 503 for each (the memory guard)
            for s in batch:
                s.error = exc
            return
        forward_ms = (time.perf_counter() - started) * 1e3
        with self._cond:
            self._batches += 1
            self._batched += len(batch) if len(batch) > 1 else 0
        for i, s in enumerate(batch):
            s.result = BatchedResult(
                logits=logits[i],
                engine=engine,
                batch_size=len(batch),
                waited_ms=(started - s.arrived) * 1e3,
                forward_ms=forward_ms,
            )

    def stats(self) -> dict[str, int]:
        with self._cond:
            return {
                "max_batch": self.max_batch,
                "max_forwards": self.max_forwards,
                "forwards": self._batches,
                "batched_requests": self._batched,
                "running": self._running,
                "queued": sum(len(q) for q in self._queues.values()),
            }
