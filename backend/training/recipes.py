"""What `python -m backend.train <model>` does for each trainable model: data, augmentation,
hyper-parameters, and the held-out evaluation through the server's own preprocessing."""

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from PIL import Image
from torch import Tensor
from torchvision.transforms.v2 import functional as TF

from backend.serving.preprocess import preprocess_for
from backend.training.augment import augment_digit
from backend.training.data import Split, load_cifar10, load_mnist
from backend.training.loop import accuracy, fit, seed_everything
from backend.zoo import get_spec
from backend.zoo.datasets import CIFAR10, MNIST


@dataclass(frozen=True)
class Recipe:
    epochs: int
    batch_size: int
    lr: float  # peak of the one-cycle schedule
    weight_decay: float
    label_smoothing: float


RECIPES: dict[str, Recipe] = {
    "simplecnn": Recipe(epochs=12, batch_size=64, lr=3e-3, weight_decay=1e-4, label_smoothing=0.05),
    "resnet18": Recipe(epochs=30, batch_size=128, lr=2e-3, weight_decay=5e-4, label_smoothing=0.0),
}


@dataclass(frozen=True)
class TrainingRun:
    model: str
    data_source: str
    seed: int
    epochs: int
    train_images: int
    heldout_images: int
    heldout_accuracy: float
    seconds: float
    checkpoint: str
    torch: str = torch.__version__


def server_view(images: Tensor, dataset_name: str) -> Tensor:
    """Held-out images as the server would see them (uint8 -> PIL -> preprocess_for)."""
    preprocess = preprocess_for(MNIST if dataset_name == "mnist" else CIFAR10)
    return torch.stack([preprocess(Image.fromarray(img.numpy())) for img in images])


def mnist_batches(split: Split, batch_size: int, generator: torch.Generator):
    images, labels = split.train_images, split.train_labels

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            digits = torch.stack([augment_digit(images[i], generator) for i in idx])  # (B,28,28)
            yield TF.normalize(digits[:, None], MNIST.mean, MNIST.std), labels[idx]

    return batches


def cifar_batches(split: Split, batch_size: int, generator: torch.Generator):
    images = split.train_images.permute(0, 3, 1, 2)  # (N, 3, 32, 32) uint8
    labels = split.train_labels

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            x = TF.to_dtype(images[idx], torch.float32, scale=True)
            # The standard CIFAR augmentation: 4-px padded random crops and horizontal flips.
            x = torch.nn.functional.pad(x, (4, 4, 4, 4), mode="reflect")
            shifts = torch.randint(0, 9, (len(idx), 2), generator=generator).tolist()
            crops = zip(x, shifts, strict=True)
            x = torch.stack([img[:, dy : dy + 32, dx : dx + 32] for img, (dy, dx) in crops])
            flip = torch.rand(len(idx), generator=generator) < 0.5
            x[flip] = x[flip].flip(-1)
            yield TF.normalize(x, CIFAR10.mean, CIFAR10.std), labels[idx]

    return batches


def train(
    model_name: str,
    *,
    out: Path,
    data_dir: Path,
    device: torch.device,
    seed: int = 0,
    offline: bool = False,
    epochs: int | None = None,
    limit: int | None = None,
    progress: bool = True,
) -> TrainingRun:
    """Trains `model_name` from scratch, saves its state dict to `out` (plus `out`.json with
    this run's record) and returns the record. `limit` trims both parts (for quick checks)."""
    if model_name not in RECIPES:
        raise KeyError(f"no training recipe for {model_name!r}; trainable: {', '.join(RECIPES)}")
    recipe = RECIPES[model_name]
    epochs = epochs or recipe.epochs
    generator = seed_everything(seed)
    started = time.perf_counter()
    split = load_mnist(data_dir, offline) if model_name == "simplecnn" else load_cifar10(data_dir)
    if limit:
        split = Split(
            split.source,
            split.train_images[:limit],
            split.train_labels[:limit],
            split.heldout_images[:limit],
            split.heldout_labels[:limit],
        )
    make = mnist_batches if model_name == "simplecnn" else cifar_batches
    batches = make(split, recipe.batch_size, generator)
    steps = -(-len(split.train_images) // recipe.batch_size)

    model = get_spec(model_name).build()
    fit(
        model,
        batches,
        epochs=epochs,
        steps_per_epoch=steps,
        lr=recipe.lr,
        weight_decay=recipe.weight_decay,
        device=device,
        label_smoothing=recipe.label_smoothing,
        progress=progress,
    )
    dataset_name = get_spec(model_name).dataset.name  # type: ignore[union-attr]
    heldout = server_view(split.heldout_images, dataset_name)
    score = accuracy(model, heldout, split.heldout_labels, device)

    out.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    torch.save(state, out)
    run = TrainingRun(
        model=model_name,
        data_source=split.source,
        seed=seed,
        epochs=epochs,
        train_images=len(split.train_images),
        heldout_images=len(heldout),
        heldout_accuracy=round(score, 4),
        seconds=round(time.perf_counter() - started, 1),
        checkpoint=out.name,
    )
    out.with_suffix(".json").write_text(json.dumps(asdict(run), indent=2) + "\n")
    return run
