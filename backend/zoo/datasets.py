"""The data sets the zoo's models are made for: input shape, class labels, normalisation."""

from dataclasses import dataclass
from functools import cache, lru_cache

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


@dataclass(frozen=True)
class Dataset:
    name: str  # "mnist" | "cifar10" | "imagenet"
    title: str
    input_shape: tuple[int, int, int]  # (C, H, W) the models expect by default
    num_classes: int
    mean: tuple[float, ...]
    std: tuple[float, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The data set's class names; a custom network with another class count (the
        editor's) gets numbered classes instead."""
        names = dataset_labels(self.name)
        return names if len(names) == self.num_classes else numbered_labels(self.num_classes)


@cache
def dataset_labels(name: str) -> tuple[str, ...]:
    if name == "mnist":
        return tuple(str(d) for d in range(10))
    if name == "cifar10":
        return CIFAR10_CLASSES
    if name == "imagenet":
        # torchvision ships the ImageNet-1k class names with its weight metadata (no download).
        from torchvision.models import VGG16_Weights

        return tuple(VGG16_Weights.IMAGENET1K_V1.meta["categories"])
    raise KeyError(name)


@lru_cache(maxsize=16)
def numbered_labels(count: int) -> tuple[str, ...]:
    return tuple(f"class {i}" for i in range(count))


MNIST = Dataset("mnist", "MNIST", (1, 28, 28), 10, (0.1307,), (0.3081,))
CIFAR10 = Dataset(
    "cifar10", "CIFAR-10", (3, 32, 32), 10, (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
)
IMAGENET = Dataset(
    "imagenet", "ImageNet", (3, 224, 224), 1000, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
)
DATASETS = {d.name: d for d in (MNIST, CIFAR10, IMAGENET)}
