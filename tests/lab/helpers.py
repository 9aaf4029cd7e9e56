"""Shared by the lab's tests: waiting for a run, reading an SSE stream."""

import json
import time
from typing import Any

from fastapi.testclient import TestClient

ENDED = {"done", "failed", "cancelled", "interrupted"}
# Small runs: the machine is shared, and these tests check behaviour, not accuracy.
TINY: dict[str, Any] = {
    "epochs": 1,
    "batch_size": 32,
    "train_images": 96,
    "validation_images": 40,
    "augmentation": False,
}
# Long enough to be caught while training (cancelled or interrupted before its end).
LONG: dict[str, Any] = {"epochs": 20, "train_images": 4000, "augmentation": True}


def wait_for(
    client: TestClient, run_id: str, statuses: set[str] = ENDED, timeout: float = 240.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/training/runs/{run_id}").json()
        if run["status"] in statuses:
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        time.sleep(0.2)


def wait_for_steps(client: TestClient, run_id: str, timeout: float = 240.0) -> dict[str, Any]:
    """Until the run has taken at least one step (it is really training)."""
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/training/runs/{run_id}").json()
        if run["step"] >= 1 or run["status"] in ENDED:
            return run
        assert time.monotonic() < deadline, f"run {run_id} took no step"
        time.sleep(0.2)


def parse_sse(text: str) -> list[dict[str, Any]]:
    """Events of a text/event-stream body: id (int), event, data (parsed JSON)."""
    events = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(": ")
            fields[key] = value
        if "data" in fields:
            events.append(
                {
                    "id": int(fields["id"]),
                    "event": fields["event"],
                    "data": json.loads(fields["data"]),
                }
            )
    return events
