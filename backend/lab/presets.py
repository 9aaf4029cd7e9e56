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
            "en": "Measured here (CPU, 1 thread, seed 0, 3 epochs of the 4,000 mnist-5k digits, "
            "Adam 1e-3): with ReLU the training loss fell 2.305 → 2.014 → 1.237 and held-out "
            "accuracy rose 10.1 % → 45.2 % → 75.1 %; with sigmoid the loss stayed at 2.313 → "
            "2.305 → 2.304 (ln 10 = 2.303 is guessing) and accuracy at 10.0 %, chance, in all "
            "three epochs. Eight sigmoids shrink the gradient reaching the first layers so much "
            "that they barely move. With plain SGD (momentum 0.9, lr 0.05) neither network "
            "left chance in 3 epochs at this scale.",
            "ko": "여기서 측정(CPU 1스레드, 시드 0, mnist-5k 4,000장으로 3에폭, Adam 1e-3): "
            "ReLU는 학습 손실이 2.305 → 2.014 → 1.237로 줄고 검증 정확도가 10.1 % → 45.2 % → "
            "75.1 %로 올랐습니다. 시그모이드는 손실이 2.313 → 2.305 → 2.304(ln 10 = 2.303은 "
            "찍기 수준)에 머물고 정확도는 세 에폭 모두 10.0 %(우연 수준)였습니다. 시그모이드 "
            "8개를 지나며 첫 층에 닿는 기울기가 너무 작아져 거의 학습되지 않습니다. 일반 "
            "SGD(모멘텀 0.9, lr 0.05)로는 이 규모에서 3에폭 안에 두 네트워크 모두 우연 수준을 "
            "벗어나지 못했습니다.",
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
