"""One run, start to finish: data, model, the shared training loop (backend/training/loop.py),
held-out evaluation through the server's own preprocessing, and the checkpoint.

`train_run` only talks through two callables, `emit(message)` and `should_stop()`, so the same
code runs in a process of its own (`child_main`, the server's default), in a thread, or in the
command line's own process with a tqdm bar. Messages are plain dicts:

- `{"type": "info", ...}` once the data is ready (sizes, steps, device);
- `{"type": "step", ...}` at most every STEP_EVERY_S, carrying every step loss since the last;
- `{"type": "epoch", ...}` after each epoch's evaluation;
- the caller turns the end into `{"type": "status", "status": "done" | "failed" | ...}`.
"""

import contextlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

import backend.architectures
import backend.lab.architectures  # noqa: F401  (and the lab's own specs)
from backend.lab.datasets import LAB_DATASETS, load_split, subset
from backend.lab.settings import RunSettings
from backend.serving.device import resolve_device
from backend.training.loop import EpochReport, StepReport, Stopped, evaluate, fit, seed_everything
from backend.training.recipes import cifar_batches, mnist_batches, server_view
from backend.zoo import get_spec

log = logging.getLogger(__name__)
STEP_EVERY_S = 0.25  # step messages at most this often (the page's chart needs no more)
ESTIMATE_AFTER_STEPS = 3  # the time cap is checked once this many batches have been timed
EVAL_COST = 1 / 3  # a forward alone costs about a third of a training step, per image
CHECKPOINT = "model.pt"
Emit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Job:
    run_id: str
    settings: dict[str, Any]  # RunSettings as JSON
    run_dir: str
    data_dir: str
    cache_dir: str
    device: str  # the server's DEVICE setting: auto, cpu, cuda, cuda:N
    threads: int  # torch threads of a training process; 0: leave the count as it is
    max_seconds: float
    progress: bool = False  # tqdm bar (the command line)


class OverBudget(Exception):
    """The measured first batches say the run would take longer than the cap allows."""


def _plain_batches(inputs: Tensor, labels: Tensor, batch_size: int, generator: torch.Generator):
    """Already preprocessed images in a new random order every epoch (no augmentation)."""

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            yield inputs[idx], labels[idx]

    return batches


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def save_atomically(state: dict[str, Tensor], path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".pt.tmp")
    os.close(fd)
    try:
        torch.save(state, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def train_run(job: Job, emit: Emit, should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Trains the run; returns the final numbers. Raises Stopped (cancelled), OverBudget."""
    settings = RunSettings.model_validate(job.settings)
    dataset = LAB_DATASETS[settings.dataset]
    device = resolve_device(job.device).device
    if device.type == "cpu" and job.threads:
        torch.set_num_threads(job.threads)
    generator = seed_everything(settings.seed)
    split = subset(
        load_split(settings.dataset, Path(job.data_dir), Path(job.cache_dir)),
        settings.train_images,
        settings.validation_images,
    )
    # Held-out images exactly as /models/{name}/predict prepares an uploaded file.
    val_x, val_y = server_view(split.heldout_images, dataset.zoo.name), split.heldout_labels
    is_mnist = dataset.zoo.name == "mnist"
    if settings.augmentation:
        make = mnist_batches if is_mnist else cifar_batches
        batches = make(split, settings.batch_size, generator)
    else:
        train_x = server_view(split.train_images, dataset.zoo.name)
        batches = _plain_batches(train_x, split.train_labels, settings.batch_size, generator)
    n_train, n_val = len(split.train_labels), len(val_y)
    steps_per_epoch = -(-n_train // settings.batch_size)
    total_steps = steps_per_epoch * settings.epochs
    model = get_spec(settings.model).build(dataset.zoo.num_classes)
    emit(
        {
            "type": "info",
            "train_images": n_train,
            "validation_images": n_val,
            "steps_per_epoch": steps_per_epoch,
            "total_steps": total_steps,
            "device": str(device),
            "threads": torch.get_num_threads(),
            "data_source": split.source,
        }
    )

    clock = {"train_s": 0.0, "eval_s": 0.0, "last_emit": 0.0, "step_start": time.perf_counter()}
    pending: list[float] = []
    images_done = 0

    def eta(step: int) -> float:
        per_step = clock["train_s"] / max(step, 1)
        left_steps = total_steps - step
        evals_left = settings.epochs - (step // steps_per_epoch)
        per_eval = clock["eval_s"] / max(step // steps_per_epoch, 1) or (
            per_step / settings.batch_size * n_val * EVAL_COST
        )
        return left_steps * per_step + evals_left * per_eval

    def on_step(report: StepReport) -> None:
        nonlocal images_done
        now = time.perf_counter()
        clock["train_s"] += now - clock["step_start"]
        images_done += report.images
        pending.append(report.loss)
        if report.step == min(ESTIMATE_AFTER_STEPS, total_steps):
            estimate = clock["train_s"] + eta(report.step)
            if estimate > job.max_seconds:
                raise OverBudget(
                    f"Estimated {_duration(estimate)} for {settings.epochs} epoch(s) of "
                    f"{n_train} images ({images_done / clock['train_s']:.0f} images/s measured "
                    f"over the first {report.step} batches on {device}), over the limit of "
                    f"{_duration(job.max_seconds)} (TRAINING_MAX_SECONDS); choose fewer "
                    "epochs or images, or a smaller model."
                )
        end_of_epoch = report.step % steps_per_epoch == 0
        if end_of_epoch or now - clock["last_emit"] >= STEP_EVERY_S:
            emit(
                {
                    "type": "step",
                    "step": report.step,
                    "epoch": report.epoch,
                    "losses": list(pending),
                    "images_per_s": round(images_done / max(clock["train_s"], 1e-9), 1),
                    "eta_s": round(eta(report.step), 1),
                }
            )
            pending.clear()
            clock["last_emit"] = now
        clock["step_start"] = time.perf_counter()

    def on_epoch(report: EpochReport) -> None:
        started = time.perf_counter()
        val_loss, val_acc = evaluate(model, val_x, val_y, device)
        model.train()
        clock["eval_s"] += time.perf_counter() - started
        emit(
            {
                "type": "epoch",
                "epoch": report.epoch,
                "train_loss": report.train_loss,
                "train_accuracy": report.train_accuracy,
                "val_loss": val_loss,
                "val_accuracy": val_acc,
                "eta_s": round(eta((report.epoch + 1) * steps_per_epoch), 1),
            }
        )
        clock["step_start"] = time.perf_counter()

    fit(
        model,
        batches,
        epochs=settings.epochs,
        steps_per_epoch=steps_per_epoch,
        lr=settings.lr,
        weight_decay=settings.weight_decay,
        device=device,
        progress=job.progress,
        optimizer=settings.optimizer,
        schedule=settings.schedule,
        on_step=on_step,
        on_epoch=on_epoch,
        should_stop=should_stop,
    )
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_atomically(state, Path(job.run_dir) / CHECKPOINT)
    return {"images_per_s": round(images_done / max(clock["train_s"], 1e-9), 1)}


def run_to_end(job: Job, emit: Emit, should_stop: Callable[[], bool]) -> None:
    """`train_run`, with its end (done, cancelled, failed with a sentence) as a status message."""
    try:
        final = train_run(job, emit, should_stop)
    except Stopped:
        emit({"type": "status", "status": "cancelled"})
    except OverBudget as exc:
        emit({"type": "status", "status": "failed", "detail": str(exc)})
    except (BrokenPipeError, EOFError):
        raise  # the server is gone: nobody to tell
    except Exception as exc:
        log.error("training run %s failed", job.run_id, exc_info=True)
        emit(
            {
                "type": "status",
                "status": "failed",
                "detail": f"Training stopped with {type(exc).__name__}: {str(exc)[:300]}; "
                "the server log has details.",
            }
        )
    else:
        emit({"type": "status", "status": "done", **final})


def child_main() -> None:
    """`python -m backend.lab.worker`: a training process. Its first stdin line is the Job as
    JSON, later lines are commands ("stop"); every message goes up stdout as one JSON line.
    Anything else the process prints goes to stderr, so stdout carries messages only."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr  # stray prints cannot corrupt the message channel
    job = Job(**json.loads(sys.stdin.readline()))
    stop = threading.Event()

    def listen() -> None:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        stop.set()  # "stop", or stdin closed: the server is gone, nobody is watching

    threading.Thread(target=listen, daemon=True).start()

    def emit(message: dict[str, Any]) -> None:
        channel.write(json.dumps(message) + "\n")

    with contextlib.suppress(OSError):  # a broken pipe: the server went away
        run_to_end(job, emit, stop.is_set)


if __name__ == "__main__":
    child_main()
