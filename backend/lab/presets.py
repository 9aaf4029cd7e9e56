"""Experiments the lessons link to: a group of runs on identical data and seeds whose curves
the page overlays. A preset is available when every model it names resolves and its data set
is on this machine; otherwise the listing says which is missing."""

from dataclasses import dataclass, field
from pathlib import Path

from backend.architectures.naming import readable_name
from backend.architectures.specs import SPEC_ADAPTER
from backend.errors import ExplorerError
from backend.i18n import bilingual
from backend.lab.datasets import check_available
from backend.lab.settings import RunSettings
from backend.zoo import get_spec


@dataclass(frozen=True)
class Preset:
    name: str
    title: dict[str, str]
    runs: tuple[tuple[str, RunSettings], ...]  # (label, settings)
    lesson: dict[str, str]  # what was measured here, with the numbers
    needs: dict[str, str] = field(default_factory=dict)  # what makes it available, if not


# Same data (all 4,000 training digits, the 1,000 held out), same seed, same optimiser and
# schedule: the activation is the only difference. Adam at a constant 1e-3: with SGD
# (momentum 0.9, lr 0.05, constant) neither network left chance level in 3 epochs here.
_ACTIVATION = dict(
    dataset="mnist-5k",
    epochs=3,
    batch_size=64,
    lr=1e-3,
    optimizer="adam",
    schedule="constant",
    weight_decay=0.0,
    seed=0,
    augmentation=False,
)
# Same data, seed and optimiser for all four (He et al.'s SGD: momentum 0.9, lr 0.1, weight
# decay 1e-4), no augmentation: depth and the skip connections are the only differences. Two
# epochs of the 4,000 digits: what a shared CPU finishes in minutes. One-cycle (a warm-up):
# at a constant lr 0.1 ResNet-56 did not train in these 126 steps either (measured, below).
_DEGRADATION_MNIST = dict(
    dataset="mnist-5k",
    epochs=2,
    batch_size=64,
    lr=0.1,
    optimizer="sgd",
    schedule="onecycle",
    weight_decay=1e-4,
    seed=0,
    augmentation=False,
)
# The paper's setting, shortened: CIFAR-10, only where DATA_DIR holds it (never downloaded).
_DEGRADATION_CIFAR = dict(
    dataset="cifar10",
    epochs=30,
    batch_size=128,
    lr=0.1,
    optimizer="sgd",
    schedule="onecycle",
    weight_decay=1e-4,
    seed=0,
    augmentation=True,
)


def degradation_models(in_channels: int, input_size: int) -> tuple[tuple[str, str], ...]:
    """(label, canonical architecture name) of plain-20, plain-56, ResNet-20, ResNet-56: the
    CIFAR-style networks of He et al. (three stages of widths 16/32/64, 3 or 9 BasicBlocks
    each, 6n + 2 weighted layers), written as architecture-editor specs."""
    out = []
    for skip in (False, True):
        for blocks in (3, 9):
            spec = SPEC_ADAPTER.validate_python(
                {
                    "family": "resnet",
                    "blocks": [blocks] * 3,
                    "widths": [16, 32, 64],
                    "stem": "cifar",
                    "skip": skip,
                    "num_classes": 10,
                    "in_channels": in_channels,
                    "input_size": input_size,
                }
            )
            label = f"{'ResNet' if skip else 'plain'}-{6 * blocks + 2}"
            out.append((label, readable_name(spec)))
    return tuple(out)


PRESETS: dict[str, Preset] = {
    "sigmoid-vs-relu": Preset(
        "sigmoid-vs-relu",
        bilingual("lab.preset.sigmoid-vs-relu.title"),
        (
            ("sigmoid", RunSettings(model="stack8-sigmoid", **_ACTIVATION)),
            ("ReLU", RunSettings(model="stack8-relu", **_ACTIVATION)),
        ),
        bilingual("lab.preset.sigmoid-vs-relu.lesson"),
    ),
    "degradation": Preset(
        "degradation",
        bilingual("lab.preset.degradation.title"),
        tuple(
            (label, RunSettings(model=name, **_DEGRADATION_MNIST))
            for label, name in degradation_models(in_channels=1, input_size=28)
        ),
        bilingual("lab.preset.degradation.lesson"),
    ),
    "degradation-cifar10": Preset(
        "degradation-cifar10",
        bilingual("lab.preset.degradation-cifar10.title"),
        tuple(
            (label, RunSettings(model=name, **_DEGRADATION_CIFAR))
            for label, name in degradation_models(in_channels=3, input_size=32)
        ),
        bilingual("lab.preset.degradation-cifar10.lesson"),
    ),
}


def missing_texts(preset: Preset, data_dir: Path) -> list[dict[str, str]]:
    """Sentences, in each language, saying what this machine lacks for the preset (empty: it
    can run)."""
    problems: list[dict[str, str]] = []
    for _, settings in preset.runs:
        try:
            get_spec(settings.model)
        except ExplorerError:
            problems.append(bilingual("lab.model_undefined", model=repr(settings.model)))
    datasets = {s.dataset for _, s in preset.runs}
    for dataset in sorted(datasets):
        try:
            check_available(dataset, data_dir)
        except ExplorerError as exc:
            problems.append(exc.texts)
    return problems


def missing(preset: Preset, data_dir: Path, lang: str = "en") -> list[str]:
    """missing_texts in `lang` (the API's `missing` list, sentences the page shows)."""
    return [p[lang] for p in missing_texts(preset, data_dir)]
