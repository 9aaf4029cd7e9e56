"""Transfer learning's choice: which top-level modules to freeze (no gradient, no update).

The seed calls VGG the classic transfer-learning backbone: keep the pretrained feature
extractor fixed, put a new head for the new classes on top and train only that. Here the
*feature extractor* is every top-level module that holds no fully connected layer — VGG's and
AlexNet's `features` and `avgpool`, ResNet's stem, `layer1`…`layer4` and `avgpool`, SimpleCNN's
convolutions and pool — and the head is the rest (`classifier`, `fc`, SimpleCNN's fc1 + fc2).
"""

from functools import cache

from torch import nn

from backend.analysis.shapes import build_on_meta
from backend.errors import InvalidParameterError, NotAClassifierError
from backend.i18n import bilingual
from backend.zoo.registry import ModelSpec, get_spec

FEATURE_EXTRACTOR = "feature_extractor"  # stands for every top-level module before the head


@cache
def _top_level(name: str) -> tuple[tuple[str, bool], ...]:
    """(module name, holds a Linear layer) for each top-level module, in definition order."""
    model = build_on_meta(get_spec(name))
    return tuple(
        (child, any(isinstance(m, nn.Linear) for m in module.modules()))
        for child, module in model.named_children()
    )


def top_level_modules(spec: ModelSpec) -> list[str]:
    return [name for name, _ in _top_level(spec.name)]


def feature_extractor(spec: ModelSpec) -> tuple[str, ...]:
    return tuple(name for name, has_linear in _top_level(spec.name) if not has_linear)


def resolve_freeze(spec: ModelSpec, names: list[str]) -> tuple[str, ...]:
    """Validated top-level module names to freeze, in model order; `feature_extractor` expands."""
    valid = top_level_modules(spec)
    wanted: set[str] = set()
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name == FEATURE_EXTRACTOR:
            if not spec.is_classifier:
                raise NotAClassifierError(
                    bilingual("freeze.no_head", model=spec.name, names=", ".join(valid)),
                    field="freeze",
                )
            wanted.update(feature_extractor(spec))
        elif name in valid:
            wanted.add(name)
        else:
            raise InvalidParameterError(
                bilingual(
                    "freeze.unknown",
                    model=spec.name,
                    name=repr(name),
                    names=", ".join(valid),
                    feature_extractor=FEATURE_EXTRACTOR,
                ),
                field="freeze",
                valid=[*valid, FEATURE_EXTRACTOR],
            )
    return tuple(n for n in valid if n in wanted)


def is_frozen(row_name: str, frozen: tuple[str, ...]) -> bool:
    return any(row_name == f or row_name.startswith(f + ".") for f in frozen)
