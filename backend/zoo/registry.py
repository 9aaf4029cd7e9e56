"""Registry of architectures by name: each entry is a builder plus the facts the explorer shows."""

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from backend.errors import UnknownModelError
from backend.zoo.datasets import Dataset


@dataclass(frozen=True)
class Paper:
    title: str
    authors: str
    year: int
    url: str


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    family: str
    builder: Callable[[int], nn.Module]  # num_classes -> module
    dataset: Dataset | None  # None: a building block, not a classifier
    paper: Paper
    description: dict[str, str]  # language code ("en", "ko") -> text
    input_shape: tuple[int, int, int] | None = None  # (C, H, W); defaults to the dataset's

    @property
    def default_input_shape(self) -> tuple[int, int, int]:
        if self.input_shape is not None:
            return self.input_shape
        assert self.dataset is not None
        return self.dataset.input_shape

    @property
    def default_size(self) -> tuple[int, int]:
        """(height, width) the model was designed for."""
        _, h, w = self.default_input_shape
        return h, w

    def resolve_size(self, height: int | None, width: int | None) -> tuple[int, int]:
        """(height, width) asked for, the model's own for a side left out: the one place the
        default size is decided."""
        default_h, default_w = self.default_size
        return height or default_h, width or default_w

    @property
    def num_classes(self) -> int | None:
        return self.dataset.num_classes if self.dataset else None

    @property
    def is_classifier(self) -> bool:
        return self.dataset is not None

    def build(self, num_classes: int | None = None) -> nn.Module:
        """A fresh instance on the current default device (use `torch.device("meta")` for none)."""
        return self.builder(num_classes or self.num_classes or 0)


_REGISTRY: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    if spec.name in _REGISTRY:
        raise ValueError(f"model {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def get_spec(name: str) -> ModelSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownModelError(name, model_names()) from None


def model_names() -> list[str]:
    return list(_REGISTRY)


def all_specs() -> list[ModelSpec]:
    return list(_REGISTRY.values())
