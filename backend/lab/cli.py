"""The lab from the command line (`python -m backend.train run|promote|fetch ...`): the same
settings, checks, trainer and run folder as POST /training/runs, with a tqdm bar."""

import argparse
import shutil
import sys
from pathlib import Path

from backend.config import Settings, get_settings
from backend.errors import ExplorerError
from backend.lab.service import check_settings
from backend.lab.settings import RunSettings
from backend.lab.store import RunStore
from backend.lab.worker import Job, run_to_end
from backend.serving.weights import SHIPPED_WEIGHTS_DIR

COMMANDS = ("run", "promote", "fetch")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend.train", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train a run into RUNS_DIR (the server lists it)")
    defaults = RunSettings()
    run.add_argument("--model", default=defaults.model)
    run.add_argument("--dataset", default=defaults.dataset)
    run.add_argument("--epochs", type=int, default=defaults.epochs)
    run.add_argument("--batch-size", type=int, default=defaults.batch_size)
    run.add_argument("--lr", type=float, default=defaults.lr)
    run.add_argument("--optimizer", default=defaults.optimizer)
    run.add_argument("--schedule", default=defaults.schedule)
    run.add_argument("--weight-decay", type=float, default=defaults.weight_decay)
    run.add_argument("--seed", type=int, default=defaults.seed)
    run.add_argument("--no-augmentation", action="store_true")
    run.add_argument("--train-images", type=int)
    run.add_argument("--validation-images", type=int)
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    promote = sub.add_parser("promote", help="copy a run's weights to <WEIGHTS_DIR>/<name>.pt")
    promote.add_argument("run_id")
    promote.add_argument("--name", help="model name (default: the run's architecture)")
    fetch = sub.add_parser("fetch", help="download a data set into DATA_DIR (needs internet)")
    fetch.add_argument("dataset", choices=["mnist"])
    for p in (run, promote, fetch):
        p.add_argument("--runs-dir", type=Path, help="default: RUNS_DIR")
        p.add_argument("--data-dir", type=Path, help="default: DATA_DIR")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    base = get_settings()
    update = {}
    if args.runs_dir:
        update["runs_dir"] = args.runs_dir
    if args.data_dir:
        update["data_dir"] = args.data_dir
    return base.model_copy(update=update)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    run = RunSettings(
        model=args.model,
        dataset=args.dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        optimizer=args.optimizer,
        schedule=args.schedule,
        weight_decay=args.weight_decay,
        seed=args.seed,
        augmentation=not args.no_augmentation,
        train_images=args.train_images,
        validation_images=args.validation_images,
    )
    run = check_settings(run, settings)
    store = RunStore(settings.runs_dir)
    record = store.create(run)
    store.set_status(record.id, "running")
    job = Job(
        run_id=record.id,
        settings=run.model_dump(),
        run_dir=str(store.run_dir(record.id)),
        data_dir=str(settings.data_dir),
        cache_dir=str(store.cache_dir),
        device=settings.device,
        threads=settings.training_threads,
        max_seconds=settings.training_max_seconds,
        progress=not args.quiet,
    )
    stop = {"now": False}
    try:
        run_to_end(job, lambda message: store.apply(record.id, message), lambda: stop["now"])
    except KeyboardInterrupt:
        store.set_status(record.id, "cancelled", "Cancelled from the command line.")
    done = store.get(record.id)
    if done.status != "done":
        print(f"run {done.id}: {done.status}. {done.detail or ''}", file=sys.stderr)
        return 1
    last = done.curves.epochs[-1]
    print(
        f"run {done.id}: validation accuracy {last.val_accuracy:.2%} on "
        f"{done.validation_images} held-out images (train {last.train_accuracy:.2%}, "
        f"{done.images_per_s:.0f} images/s on {done.device}); the server serves it as "
        f"{done.model_name} (restart it, or it appears in GET /training/runs)."
    )
    return 0


def _promote(args: argparse.Namespace, settings: Settings) -> int:
    store = RunStore(settings.runs_dir)
    record = store.get(args.run_id)
    source = store.checkpoint_path(record.id)
    if record.status != "done" or not source.is_file():
        print(f"error: run {record.id} is {record.status}; only a finished run has weights.",
              file=sys.stderr)  # fmt: skip
        return 2
    name = args.name or record.settings.model
    target = settings.weights_dir / f"{name}.pt"
    shipped = SHIPPED_WEIGHTS_DIR / f"{name}.pt"
    if target.exists():
        print(f"error: {target} exists; checkpoints are never overwritten. Move it away "
              "first, or choose another --name.", file=sys.stderr)  # fmt: skip
        return 2
    settings.weights_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    note = f" (used instead of the shipped {shipped.name})" if shipped.exists() else ""
    print(f"copied run {record.id} to {target}{note}; restart the server to serve it as {name}.")
    return 0


def _fetch(args: argparse.Namespace, settings: Settings) -> int:
    from backend.training.data import DataUnavailableError, torchvision_mnist

    try:
        torchvision_mnist(settings.data_dir)
    except DataUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"MNIST is in {settings.data_dir / 'MNIST'}; the lab can train on dataset=mnist.")
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    settings = _settings(args)
    try:
        return {"run": _run, "promote": _promote, "fetch": _fetch}[args.command](args, settings)
    except ExplorerError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    except ValueError as exc:  # pydantic's refusal of a setting
        print(f"error: {exc}", file=sys.stderr)
        return 2
