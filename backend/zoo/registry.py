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
    # "source": the network is the paper's; "tradition": it only follows the paper's line
    # (SimpleCNN is the lecture notes' own small CNN in LeNet's tradition, not LeNet-5).
    relation: str = "source"


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
    # The title in each language where it has words to translate (backend/i18n "title.*");
    # `title` is the English one, used in the API's sentences.
    titles: dict[str, str] | None = None

    def title_in(self, lang: str) -> str:
        return (self.titles or {}).get(lang, self.title)

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
# Consulted, in order, for a name that is not registered: each returns the spec the name
# describes or None. `backend.architectures` installs one for the editor's custom networks,
# whose names carry their whole specification, so no server state is needed to resolve them;
# the training lab installs one for its finished runs (`run-<id>`).
Resolver = Callable[[str], ModelSpec | None]
_RESOLVERS: list[Resolver] = []


def register_resolver(resolver: Resolver) -> Callable[[], None]:
    """Adds a resolver (once); returns the function that removes it again (an app shutting
    down, like the training lab's)."""
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)

    def unregister() -> None:
        if resolver in _RESOLVERS:
            _RESOLVERS.remove(resolver)

    return unregister


def register(spec: ModelSpec) -> ModelSpec:
    if spec.name in _REGISTRY:
        raise ValueError(f"model {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def get_spec(name: str) -> ModelSpec:
    """The registered model, else the one a resolver reads from the name (a resolver may raise
    a domain error saying why a name it recognises is not a valid network)."""
    spec = _REGISTRY.get(name)
    if spec is not None:
        return spec
    for resolver in list(_RESOLVERS):  # a copy: a lab may unregister meanwhile
        spec = resolver(name)
        if spec is not None:
            return spec
    raise UnknownModelError(name, model_names())


def model_names() -> list[str]:
    """The registered (zoo) models only; resolved names are not listed."""
    return list(_REGISTRY)


def all_specs() -> list[ModelSpec]:
    return list(_REGISTRY.values())
