"""Experiments the lessons link to: a group of runs on identical data and seeds whose curves
the page overlays. A preset is available when every model it names resolves and its data set
is on this machine; otherwise the listing says which is missing."""

from dataclasses import dataclass, field
from pathlib import Path

from backend.architectures.naming import readable_name
from backend.architectures.specs import SPEC_ADAPTER
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
            "en": "Degradation: plain-20 vs plain-56, ResNet-20 vs ResNet-56 on MNIST (2 epochs)",
            "ko": "성능 저하(degradation): plain-20 vs plain-56, ResNet-20 vs ResNet-56 "
            "(MNIST, 2에폭)",
        },
        tuple(
            (label, RunSettings(model=name, **_DEGRADATION_MNIST))
            for label, name in degradation_models(in_channels=1, input_size=28)
        ),
        {
            "en": "Measured here (CPU, 1 thread, seed 0, 2 epochs of the 4,000 mnist-5k digits, "
            "batch 64, SGD momentum 0.9, peak lr 0.1 one-cycle, weight decay 1e-4), final "
            "training loss / training accuracy / validation accuracy: plain-20 0.246 / 92.7 % / "
            "96.4 %; plain-56 2.284 / 11.7 % / 11.9 %, still near chance (ln 10 = 2.303); "
            "ResNet-20 0.209 / 93.6 % / 96.3 %; ResNet-56 0.299 / 91.4 % / 94.9 %. The deeper "
            "plain network trains worse on its own training data; with skip connections the "
            "56-layer network trains almost as well as the 20-layer one (a little behind it at "
            "this budget; He et al. (2015, Fig. 6) see ResNet-56 end below ResNet-20 on "
            "CIFAR-10 after 64k iterations of batch 128, about 164 epochs). At a constant lr "
            "0.1 (no warm-up) ResNet-56 did not train either: 2.026 / 21.1 % / 10.0 %, against "
            "ResNet-20's 0.204 / 93.7 % / 95.2 % (plain-20 0.401 / 87.5 % / 91.5 %, plain-56 "
            "2.284 / 11.8 % / 12.5 %).",
            "ko": "여기서 측정(CPU 1스레드, 시드 0, mnist-5k 4,000장으로 2에폭, 배치 64, SGD "
            "모멘텀 0.9, 최대 lr 0.1 one-cycle, weight decay 1e-4). 마지막 학습 손실 / 학습 "
            "정확도 / 검증 정확도: plain-20 0.246 / 92.7 % / 96.4 %, plain-56 2.284 / 11.7 % / "
            "11.9 %(여전히 우연 수준 근처, ln 10 = 2.303), ResNet-20 0.209 / 93.6 % / 96.3 %, "
            "ResNet-56 0.299 / 91.4 % / 94.9 %. 더 깊은 plain 네트워크는 자기 학습 데이터에서도 "
            "더 나쁘게 학습됩니다. skip connection이 있으면 56층 네트워크도 20층과 거의 비슷하게 "
            "학습됩니다(이 예산에서는 조금 뒤처집니다. He 외(2015, 그림 6)는 CIFAR-10에서 배치 "
            "128로 64k 반복, 약 164에폭 뒤 ResNet-56이 ResNet-20보다 낮은 오차로 끝남을 "
            "보였습니다). lr 0.1 고정(warm-up 없음)으로는 ResNet-56도 학습되지 않았습니다: "
            "2.026 / 21.1 % / 10.0 %, ResNet-20은 0.204 / 93.7 % / 95.2 %(plain-20 0.401 / "
            "87.5 % / 91.5 %, plain-56 2.284 / 11.8 % / 12.5 %).",
        },
    ),
    "degradation-cifar10": Preset(
        "degradation-cifar10",
        {
            "en": "Degradation on CIFAR-10: plain-20 vs plain-56, ResNet-20 vs ResNet-56",
            "ko": "CIFAR-10 성능 저하(degradation): plain-20 vs plain-56, ResNet-20 vs ResNet-56",
        },
        tuple(
            (label, RunSettings(model=name, **_DEGRADATION_CIFAR))
            for label, name in degradation_models(in_channels=3, input_size=32)
        ),
        {
            "en": "He et al. (2015, Fig. 6) report that on CIFAR-10 plain-56 ends with a higher "
            "training error than plain-20, while ResNet-56 ends lower than ResNet-20, after "
            "64k iterations of batch 128 (about 164 epochs). Not measured here: this server has "
            "no CIFAR-10 in its data folder, and plain-20 averaged 42 to 397 images/s on MNIST "
            "here (1 CPU thread, a shared machine's varying load): 30 epochs of 50,000 images "
            "would take 1 to 10 hours for plain-20 alone.",
            "ko": "He 외(2015, 그림 6)는 CIFAR-10에서 배치 128로 64k 반복(약 164에폭) 학습한 뒤 "
            "plain-56의 학습 오차가 plain-20보다 높고, ResNet-56은 ResNet-20보다 낮다고 "
            "보고합니다. 여기서는 측정하지 못했습니다: 이 서버의 데이터 폴더에는 CIFAR-10이 "
            "없고, 여기서 MNIST로 측정한 plain-20의 평균 속도(CPU 1스레드, 공유 머신의 "
            "부하에 따라 초당 42~397장)라면 50,000장으로 30에폭을 학습하는 데 plain-20 하나만 "
            "1~10시간이 걸립니다.",
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
