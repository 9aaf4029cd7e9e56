"""Runs on disk: `RUNS_DIR/<id>/run.json` (settings, status, curves), `events.jsonl` (the
event log the live stream replays) and `model.pt` (the state dict, written by the trainer).

Every run.json is written whole to a temporary file and moved into place (`os.replace`), so a
crash leaves the previous version, never half of one. The event log is append-only; a torn
last line (a crash mid-write) is skipped when read back. When a store opens, a run the last
server left `queued` or `running` becomes `interrupted`: it lost its process, not its data.
"""

import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from backend.errors import RunNotFoundError
from backend.i18n import bilingual
from backend.lab.settings import TERMINAL, RunSettings, RunStatus
from backend.lab.worker import CHECKPOINT

log = logging.getLogger(__name__)
RUN_PREFIX = "run-"  # a finished run's model name: run-<id>
PERSIST_STEPS_EVERY_S = 2.0  # run.json rewritten at most this often for step progress alone


class EpochPoint(BaseModel):
    epoch: int = Field(description="1-based.")
    train_loss: float = Field(description="Mean over the epoch's training images, while training.")
    train_accuracy: float
    val_loss: float = Field(description="On the held-out images, after the epoch.")
    val_accuracy: float


class Curves(BaseModel):
    step_loss: list[float] = Field(default_factory=list, description="Training loss per step.")
    epochs: list[EpochPoint] = Field(default_factory=list)


class RunRecord(BaseModel):
    id: str
    status: RunStatus
    settings: RunSettings
    group: str | None = Field(None, description="Runs started together by a preset share it.")
    preset: str | None = None
    label: str | None = Field(None, description="The preset's name for this run.")
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    detail: str | None = Field(None, description="Why it failed, was cancelled or interrupted.")
    cancel_requested: bool = False
    device: str | None = None
    data_source: str | None = None
    train_images: int | None = None
    validation_images: int | None = None
    steps_per_epoch: int | None = None
    total_steps: int | None = None
    step: int = 0
    epoch: int = Field(0, description="Epochs finished.")
    images_per_s: float | None = None
    eta_s: float | None = None
    val_accuracy: float | None = Field(None, description="After the last finished epoch.")
    curves: Curves = Field(default_factory=Curves)

    @property
    def model_name(self) -> str:
        return RUN_PREFIX + self.id


class Event(BaseModel):
    id: int
    event: str  # status, info, step, epoch
    data: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class RunStore:
    """Thread-safe: the trainers' message pumps write, request handlers read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.cache_dir = root / ".cache"
        self._lock = threading.RLock()
        self._runs: dict[str, RunRecord] = {}
        self._events: dict[str, list[Event]] = {}
        self._persisted_at: dict[str, float] = {}
        self._load()

    # -- opening -------------------------------------------------------------------------
    def _load(self) -> None:
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            self._load_one(folder)

    def _load_one(self, folder: Path) -> RunRecord | None:
        path = folder / "run.json"
        if not path.is_file():
            return None
        try:
            record = RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError) as exc:
            log.warning("runs: skipping %s: %s", path, str(exc).splitlines()[0])
            return None
        if record.id != folder.name:
            log.warning("runs: skipping %s: its id is %r", path, record.id)
            return None
        self._runs[record.id] = record
        self._events[record.id] = self._read_events(folder)
        if record.status not in TERMINAL:
            was = record.status
            # run.json is rewritten at most every PERSIST_STEPS_EVERY_S for steps alone; the
            # event log has every step the trainer reported
            steps = [e.data for e in self._events[record.id] if e.event == "step"]
            if steps:
                record.curves.step_loss = [x for s in steps for x in s["losses"]]
                record.step = steps[-1]["step"]
            self._set_status(
                record,
                "interrupted",
                f"The server stopped while this run was {was}; its curves so far are kept. "
                "Start it again to train it to the end.",
            )
        return record

    def _read_events(self, folder: Path) -> list[Event]:
        path = folder / "events.jsonl"
        events: list[Event] = []
        if not path.is_file():
            return events
        torn = False
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                event = Event.model_validate_json(line)
            except ValidationError:
                torn = True  # a line torn by a crash
                continue
            if event.id == len(events) + 1:
                events.append(event)
        if torn:  # rewritten without it, so the next event starts on a line of its own
            text = "".join(e.model_dump_json() + "\n" for e in events)
            write_json_atomically(path, text)
        return events

    def refresh(self) -> None:
        """Picks up runs another process (the command line) wrote since this store opened."""
        with self._lock:
            for folder in self.root.iterdir():
                if folder.is_dir() and folder.name not in self._runs:
                    self._load_one(folder)

    # -- writing -------------------------------------------------------------------------
    def _dir(self, run_id: str) -> Path:
        return self.root / run_id

    def _persist(self, record: RunRecord) -> None:
        write_json_atomically(self._dir(record.id) / "run.json", record.model_dump_json(indent=1))
        self._persisted_at[record.id] = time.monotonic()

    def _append_event(self, record: RunRecord, kind: str, data: dict[str, Any]) -> Event:
        events = self._events.setdefault(record.id, [])
        event = Event(id=len(events) + 1, event=kind, data=data)
        events.append(event)
        with (self._dir(record.id) / "events.jsonl").open("a", encoding="utf-8") as f:
            f.write(event.model_dump_json() + "\n")
        return event

    def _set_status(self, record: RunRecord, status: str, detail: str | None = None) -> None:
        record.status = status  # type: ignore[assignment]
        if status == "running":
            record.started_at = _now()
        if status in TERMINAL:
            record.finished_at = _now()
            record.eta_s = None if status != "done" else 0.0
        if detail is not None:
            record.detail = detail
        data: dict[str, Any] = {"status": status}
        if record.detail and status != "running":
            data["detail"] = record.detail
        if status == "done":
            data["val_accuracy"] = record.val_accuracy
            data["model"] = record.model_name
        self._append_event(record, "status", data)
        self._persist(record)

    def create(
        self,
        settings: RunSettings,
        group: str | None = None,
        preset: str | None = None,
        label: str | None = None,
    ) -> RunRecord:
        with self._lock:
            run_id = secrets.token_hex(4)
            while run_id in self._runs or self._dir(run_id).exists():
                run_id = secrets.token_hex(4)
            self._dir(run_id).mkdir()
            record = RunRecord(
                id=run_id,
                status="queued",
                settings=settings,
                group=group,
                preset=preset,
                label=label,
                created_at=_now(),
            )
            self._runs[run_id] = record
            self._events[run_id] = []
            self._set_status(record, "queued")
            return record.model_copy(deep=True)

    def set_status(self, run_id: str, status: str, detail: str | None = None) -> None:
        with self._lock:
            record = self._get(run_id)
            if record.status in TERMINAL:
                return  # the first ending wins (a cancel racing a finish)
            self._set_status(record, status, detail)

    def request_cancel(self, run_id: str) -> None:
        with self._lock:
            record = self._get(run_id)
            record.cancel_requested = True
            self._persist(record)

    def apply(self, run_id: str, message: dict[str, Any]) -> None:
        """A trainer's message (worker.py) folded into the record and the event log."""
        with self._lock:
            record = self._get(run_id)
            if record.status in TERMINAL:
                return
            kind = message.get("type")
            data = {k: v for k, v in message.items() if k != "type"}
            if kind == "status":
                status = data.pop("status")
                if status == "done" and data.get("images_per_s") is not None:
                    record.images_per_s = data["images_per_s"]
                self._set_status(record, status, data.get("detail"))
                return
            if kind == "info":
                for key in ("train_images", "validation_images", "steps_per_epoch"):
                    setattr(record, key, data[key])
                record.total_steps = data["total_steps"]
                record.device = data["device"]
                record.data_source = data["data_source"]
                self._append_event(record, "info", data)
                self._persist(record)
            elif kind == "step":
                record.step = data["step"]
                record.curves.step_loss.extend(data["losses"])
                record.images_per_s = data["images_per_s"]
                record.eta_s = data["eta_s"]
                self._append_event(record, "step", data)
                since = time.monotonic() - self._persisted_at.get(run_id, 0.0)
                if since >= PERSIST_STEPS_EVERY_S:
                    self._persist(record)
            elif kind == "epoch":
                point = EpochPoint(
                    epoch=data["epoch"] + 1,
                    train_loss=data["train_loss"],
                    train_accuracy=data["train_accuracy"],
                    val_loss=data["val_loss"],
                    val_accuracy=data["val_accuracy"],
                )
                record.curves.epochs.append(point)
                record.epoch = point.epoch
                record.val_accuracy = point.val_accuracy
                record.eta_s = data.get("eta_s")
                self._append_event(record, "epoch", {**point.model_dump(), "eta_s": record.eta_s})
                self._persist(record)

    def delete(self, run_id: str) -> None:
        with self._lock:
            self._get(run_id)
            self._runs.pop(run_id)
            self._events.pop(run_id, None)
            shutil.rmtree(self._dir(run_id), ignore_errors=True)

    # -- reading -------------------------------------------------------------------------
    def _get(self, run_id: str) -> RunRecord:
        record = self._runs.get(run_id)
        if record is None:
            raise RunNotFoundError(
                bilingual("lab.run_not_found", run=repr(run_id)),
                run=run_id,
            )
        return record

    def get(self, run_id: str) -> RunRecord:
        with self._lock:
            return self._get(run_id).model_copy(deep=True)

    def peek(self, run_id: str) -> RunRecord | None:
        """The live record (no copy) or None; for cheap status checks."""
        with self._lock:
            return self._runs.get(run_id)

    def all(self) -> list[RunRecord]:
        with self._lock:
            return [r.model_copy(deep=True) for r in self._runs.values()]

    def count(self) -> int:
        with self._lock:
            return len(self._runs)

    def events_after(self, run_id: str, last_id: int) -> tuple[list[Event], bool]:
        """Events with id > last_id, and whether the run has ended."""
        with self._lock:
            record = self._get(run_id)
            events = self._events.get(run_id, [])
            return events[last_id:] if last_id >= 0 else list(events), record.status in TERMINAL

    def checkpoint_path(self, run_id: str) -> Path:
        return self._dir(run_id) / CHECKPOINT

    def run_dir(self, run_id: str) -> Path:
        return self._dir(run_id)


def curves_csv(record: RunRecord) -> str:
    """One row per step: its loss, and on an epoch's last step that epoch's four numbers."""
    per_epoch = {p.epoch: p for p in record.curves.epochs}
    spe = record.steps_per_epoch or 1
    lines = ["step,epoch,loss,train_loss,train_accuracy,val_loss,val_accuracy"]
    for i, loss in enumerate(record.curves.step_loss, start=1):
        epoch = (i - 1) // spe + 1
        point = per_epoch.get(epoch) if i % spe == 0 else None
        tail = (
            f"{point.train_loss:.6g},{point.train_accuracy:.6g},"
            f"{point.val_loss:.6g},{point.val_accuracy:.6g}"
            if point
            else ",,,"
        )
        lines.append(f"{i},{epoch},{loss:.6g},{tail}")
    return "\n".join(lines) + "\n"
