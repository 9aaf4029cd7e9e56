"""Experiments the lessons link to: a group of runs on identical data and seeds whose curves
the page overlays. A preset is available when every model it names resolves and its data set
is on this machine; otherwise the listing says which is missing."""

from dataclasses import dataclass, field
from pathlib import Path

from backend.errors import ExplorerError
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
# schedule: the activation is the only difference. Plain SGD, because adaptive optimisers
# (Adam) rescale each weight's step and so hide much of the vanishing gradient.
_ACTIVATION = dict(
    dataset="mnist-5k",
    epochs=3,
    batch_size=64,
    lr=0.05,
    optimizer="sgd",
    schedule="constant",
    weight_decay=0.0,
    seed=0,
    augmentation=False,
)
_DEGRADATION = dict(
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

PRESETS: dict[str, Preset] = {
    "sigmoid-vs-relu": Preset(
        "sigmoid-vs-relu",
        {
            "en": "Sigmoid vs ReLU: the same 8-layer stack trained on MNIST",
            "ko": "시그모이드 vs ReLU: 같은 8층 합성곱을 MNIST로 학습",
        },
        (
            ("sigmoid", RunSettings(model="stack8-sigmoid", **_ACTIVATION)),
            ("ReLU", RunSettings(model="stack8-relu", **_ACTIVATION)),
        ),
        {
            "en": "MEASURED_EN",
            "ko": "MEASURED_KO",
        },
    ),
    "degradation": Preset(
        "degradation",
        {
            "en": "Degradation: plain-20 vs plain-56, ResNet-20 vs ResNet-56 on CIFAR-10",
            "ko": "성능 저하(degradation): plain-20 vs plain-56, ResNet-20 vs ResNet-56 (CIFAR-10)",
        },
        tuple(
            (name, RunSettings(model=name, **_DEGRADATION))
            for name in ("plain20", "plain56", "resnet20", "resnet56")
        ),
        {
            "en": "He et al. (2015, Fig. 6) report that on CIFAR-10 plain-56 ends with a higher "
            "training error than plain-20, while ResNet-56 ends lower than ResNet-20. Not "
            "measured here: this machine has neither CIFAR-10 nor these four CIFAR-style "
            "networks yet (widths 16/32/64, written as architecture-editor specs).",
            "ko": "He 외(2015, 그림 6)는 CIFAR-10에서 plain-56의 학습 오차가 plain-20보다 높고, "
            "ResNet-56은 ResNet-20보다 낮다고 보고합니다. 여기서는 측정하지 못했습니다: 이 "
            "서버에는 CIFAR-10도, 이 네 가지 CIFAR형 네트워크(폭 16/32/64, 구조 편집기 스펙)도 "
            "아직 없습니다.",
        },
    ),
}


def missing(preset: Preset, data_dir: Path) -> list[str]:
    """Sentences saying what this machine lacks for the preset (empty: it can run)."""
    problems: list[str] = []
    for _, settings in preset.runs:
        try:
            get_spec(settings.model)
        except ExplorerError:
            problems.append(f"the model {settings.model!r} is not defined")
    datasets = {s.dataset for _, s in preset.runs}
    for dataset in sorted(datasets):
        try:
            check_available(dataset, data_dir)
        except ExplorerError as exc:
            problems.append(exc.detail)
    return problems
