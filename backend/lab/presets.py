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
# decay 1e-4), constant rate, no augmentation: depth and the skip connections are the only
# differences. Two epochs of the 4,000 digits: what a shared CPU finishes in minutes.
_DEGRADATION_MNIST = dict(
    dataset="mnist-5k",
    epochs=2,
    batch_size=64,
    lr=0.1,
    optimizer="sgd",
    schedule="constant",
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
            "batch 64, SGD momentum 0.9, lr 0.1 constant, weight decay 1e-4), final training "
            "loss / training accuracy / validation accuracy: plain-20 0.401 / 87.5 % / 91.5 %; "
            "plain-56 2.284 / 11.8 % / 12.5 %, still near chance (ln 10 = 2.303); ResNet-20 "
            "0.204 / 93.7 % / 95.2 %; ResNet-56 2.026 / 21.1 % / 10.0 %. The first half of the "
            "effect shows: the deeper plain network trains worse, on its training data, not "
            "only on new images. The second half does not show at this budget: ResNet-56 also "
            "trained far worse than ResNet-20 (its loss began at about 4 and its first-epoch "
            "validation loss was 58), though better than plain-56. Our guess: 126 steps at lr 0.1 "
            "with no warm-up are too few for a 56-layer net to settle (He et al. started "
            "ResNet-110 at lr 0.01 for that reason); not measured here. "
            "He et al. (2015, Fig. 6) show both halves on CIFAR-10 "
            "after 64k iterations of batch 128 (about 164 epochs): "
            "plain-56 ends with a higher training error than plain-20, ResNet-56 lower than "
            "ResNet-20.",
            "ko": "여기서 측정(CPU 1스레드, 시드 0, mnist-5k 4,000장으로 2에폭, 배치 64, SGD "
            "모멘텀 0.9, lr 0.1 고정, weight decay 1e-4). 마지막 학습 손실 / 학습 정확도 / 검증 "
            "정확도: plain-20 0.401 / 87.5 % / 91.5 %, plain-56 2.284 / 11.8 % / 12.5 %(여전히 "
            "우연 수준 근처, ln 10 = 2.303), ResNet-20 0.204 / 93.7 % / 95.2 %, ResNet-56 "
            "2.026 / 21.1 % / 10.0 %. 효과의 앞부분은 나타났습니다: 더 깊은 plain 네트워크가 "
            "새 이미지뿐 아니라 학습 데이터에서도 더 나쁘게 학습됩니다. 뒷부분은 이 예산에서 "
            "나타나지 않았습니다: ResNet-56도 ResNet-20보다 훨씬 나쁘게 학습됐습니다(손실이 약 "
            "4에서 시작했고 첫 에폭의 검증 손실은 58). plain-56보다는 나았습니다. 추측하건대 "
            "warm-up 없이 lr 0.1로 126스텝은 56층 네트워크가 자리 잡기에 너무 짧습니다(He 외도 "
            "같은 이유로 ResNet-110을 lr 0.01로 시작했습니다). 여기서 확인하지는 "
            "않았습니다. He 외(2015, 그림 6)는 CIFAR-10에서 배치 128로 "
            "64k 반복(약 164에폭) 학습해 두 가지를 모두 "
            "보였습니다: plain-56의 학습 오차는 plain-20보다 높고, ResNet-56은 ResNet-20보다 "
            "낮습니다.",
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
            "no CIFAR-10 in its data folder, and at the 42 images/s plain-20 averaged on MNIST "
            "here (1 CPU thread, shared machine), 30 epochs of 50,000 images would take about "
            "10 hours for plain-20 alone.",
            "ko": "He 외(2015, 그림 6)는 CIFAR-10에서 배치 128로 64k 반복(약 164에폭) 학습한 뒤 "
            "plain-56의 학습 오차가 plain-20보다 높고, ResNet-56은 ResNet-20보다 낮다고 "
            "보고합니다. 여기서는 측정하지 못했습니다: 이 서버의 데이터 폴더에는 CIFAR-10이 "
            "없고, 여기서 MNIST로 측정한 plain-20의 평균 속도(CPU 1스레드, 공유 머신, "
            "초당 42장)라면 50,000장으로 30에폭을 학습하는 데 plain-20 "
            "하나만 약 10시간이 걸립니다.",
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
