"""The vanishing-gradient lesson as numbers: per-layer gradient norms of one backward pass.

The seed (기울기 소실 / SkipConnection): in backpropagation every layer multiplies the gradient
by its own derivative; through many layers with factors below 1 the gradient reaching the first
layers is ≈ 0 and they stop learning — worst with sigmoid/tanh, before ReLU. ResNet's skip
connection adds a block's input to its output, so the gradient also flows back unchanged.

Two comparisons, each one backward pass at initialisation on the CPU:
- `skip_connections`: ResNet-18/34 against its plain twin (the same layers, no additions);
- `activations`: a plain stack of 3×3 convolutions with sigmoid against the same stack (the
  same weights) with ReLU.
Everything is fixed: weights from `WEIGHT_SEED` with a private generator (seeded_init.py), a
batch of 8 random 32×32 images with random labels from `BATCH_SEED`, cross-entropy loss. The
numbers are therefore deterministic for a given torch build, and cached.
"""

import threading
from functools import lru_cache
from typing import Literal

import torch
import torch.nn.functional as F
from pydantic import BaseModel, Field
from torch import nn

from backend.analysis.seeded_init import initialise, materialise
from backend.analysis.shapes import build_on_meta
from backend.errors import InvalidParameterError
from backend.zoo.registry import get_spec

WEIGHT_SEED = 0
BATCH_SEED = 1
BATCH, CHANNELS, SIZE, CLASSES = 8, 3, 32, 10
SKIP_DEPTHS = {18: ("resnet18", "plain18"), 34: ("resnet34", "plain34")}
STACK_DEPTHS = (2, 30)  # deeper sigmoid stacks underflow float32 to exactly 0
STACK_WIDTH = 16
BatchNormMode = Literal["running", "batch"]


class LayerGradient(BaseModel):
    index: int = Field(description="Position among the weight layers, input side first.")
    name: str
    type: str
    norm: float = Field(description="L2 norm of the layer's weight gradient.")
    shortcut: bool = Field(
        description="On a shortcut (ResNet's 1×1 downsample), not the main path."
    )


class GradientSeries(BaseModel):
    key: str
    title: str
    layers: list[LayerGradient]
    first: float = Field(description="Norm at the first (input-side) weight layer.")
    last: float = Field(description="Norm at the last weight layer.")
    underflow: bool = Field(description="Some norms are exactly 0 (below float32's range).")


class GradientLesson(BaseModel):
    lesson: str
    depth: int
    setup: dict[str, str | int | list[int]]
    series: list[GradientSeries]
    first_layer_ratio: float = Field(
        description="series[1].first / series[0].first: how much smaller the gradient reaching "
        "the first layer is without the skip connections (or with sigmoid)."
    )
    explanation: dict[str, str]


def fixed_batch() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(BATCH_SEED)
    images = torch.randn(BATCH, CHANNELS, SIZE, SIZE, generator=generator)  # (8, 3, 32, 32)
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    return images, labels


def layer_gradient_norms(model: nn.Module) -> list[LayerGradient]:
    """Cross-entropy on the fixed batch, one backward pass, weight-gradient norm per layer."""
    images, labels = fixed_batch()
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(images), labels).backward()
    rows = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d | nn.Linear) and module.weight.grad is not None:
            rows.append(
                LayerGradient(
                    index=len(rows),
                    name=name,
                    type=type(module).__name__,
                    norm=float(module.weight.grad.norm()),
                    shortcut="downsample" in name.split("."),
                )
            )
    return rows


def _series(key: str, title: str, layers: list[LayerGradient]) -> GradientSeries:
    main = [g for g in layers if not g.shortcut]
    return GradientSeries(
        key=key,
        title=title,
        layers=layers,
        first=main[0].norm,
        last=main[-1].norm,
        underflow=any(g.norm == 0.0 for g in layers),
    )


def plain_stack(depth: int, activation: str) -> nn.Sequential:
    """`depth` 3×3 convolutions (3→16→…→16 channels, 32×32 kept) with one activation, then a
    global average pool and a linear layer for 10 classes."""
    act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}[activation]
    layers: list[nn.Module] = []
    channels = CHANNELS
    for _ in range(depth):
        layers += [nn.Conv2d(channels, STACK_WIDTH, kernel_size=3, padding=1), act()]
        channels = STACK_WIDTH
    return nn.Sequential(
        nn.Sequential(*layers),  # (B, 16, 32, 32)
        nn.AdaptiveAvgPool2d(1),  # (B, 16, 1, 1)
        nn.Flatten(),  # (B, 16)
        nn.Linear(STACK_WIDTH, CLASSES),
    )


_COMPUTE_LOCK = threading.Lock()  # one lesson at a time: each uses every CPU core


def _ratio(series: list[GradientSeries]) -> float:
    base = series[0].first
    return series[1].first / base if base else float("nan")


def _fmt(x: float) -> str:
    return f"{x:.1e}" if x else "0 (below float32's range)"


@lru_cache(maxsize=16)
def _skip_lesson(depth: int, batchnorm: BatchNormMode) -> GradientLesson:
    series = []
    for name in SKIP_DEPTHS[depth]:
        spec = get_spec(name)
        model = initialise(materialise(build_on_meta(spec, CLASSES)), WEIGHT_SEED)
        # "running": BatchNorm normalises with its initial running statistics (mean 0, var 1),
        # passing values through unchanged; "batch": with the batch's statistics, as in training.
        model.train(batchnorm == "batch")
        series.append(_series(name, spec.title, layer_gradient_norms(model)))
    ratio = _ratio(series)
    return GradientLesson(
        lesson="skip_connections",
        depth=depth,
        setup=_setup(batchnorm, "PyTorch default (uniform Kaiming, a=√5)"),
        series=series,
        first_layer_ratio=ratio,
        explanation=_skip_text(depth, ratio, series, batchnorm),
    )


@lru_cache(maxsize=64)
def _activation_lesson(depth: int) -> GradientLesson:
    series = []
    for activation, title in (("relu", "ReLU"), ("sigmoid", "Sigmoid")):
        model = initialise(plain_stack(depth, activation), WEIGHT_SEED, conv_init="kaiming_normal")
        key = f"{activation}{depth}"
        series.append(_series(key, f"{depth} × (3×3 conv + {title})", layer_gradient_norms(model)))
    ratio = _ratio(series)
    return GradientLesson(
        lesson="activations",
        depth=depth,
        setup=_setup("none", "Kaiming normal for the convolutions, the same weights for both"),
        series=series,
        first_layer_ratio=ratio,
        explanation=_activation_text(depth, ratio, series),
    )


def _setup(batchnorm: str, init: str) -> dict[str, str | int | list[int]]:
    return {
        "batch_shape": [BATCH, CHANNELS, SIZE, SIZE],
        "weight_seed": WEIGHT_SEED,
        "batch_seed": BATCH_SEED,
        "loss": "cross-entropy, random labels",
        "init": init,
        "batchnorm": batchnorm,
        "device": "cpu",
    }


def skip_connection_lesson(depth: int, batchnorm: BatchNormMode = "running") -> GradientLesson:
    if depth not in SKIP_DEPTHS:
        raise InvalidParameterError(
            f"depth must be one of {', '.join(map(str, SKIP_DEPTHS))} (ResNet-18/34 and their "
            f"plain twins); got {depth}.",
            field="depth",
        )
    with _COMPUTE_LOCK:
        return _skip_lesson(depth, batchnorm)


def activation_lesson(depth: int) -> GradientLesson:
    lo, hi = STACK_DEPTHS
    if not lo <= depth <= hi:
        raise InvalidParameterError(
            f"depth must be between {lo} and {hi} layers; got {depth}.", field="depth"
        )
    with _COMPUTE_LOCK:
        return _activation_lesson(depth)


def _skip_text(
    depth: int, ratio: float, series: list[GradientSeries], batchnorm: BatchNormMode
) -> dict[str, str]:
    res, plain = series
    if batchnorm == "running":
        en = (
            f"One backward pass at initialisation, the same random batch for both. Without skip "
            f"connections the gradient reaching the first layer is {_fmt(ratio)} times ResNet-"
            f"{depth}'s ({_fmt(plain.first)} against {_fmt(res.first)}): on the way back every "
            "layer multiplies it by a factor below 1, so it shrinks towards 0 and the first "
            "layers barely learn (vanishing gradient). ResNet adds each block's input to its "
            "output, so the gradient also flows back unchanged through the shortcut. BatchNorm "
            "uses its initial statistics here (it passes values through); with batch statistics, "
            "as in training (batchnorm=batch), it rescales every layer and the plain network's "
            "gradient no longer vanishes at initialisation — He et al. (2015) saw the same and "
            "blame the plain network's worse training on optimisation difficulty (degradation)."
        )
        ko = (
            f"초기화 직후 같은 무작위 배치로 역전파를 한 번 한 결과. skip connection이 없으면 첫 "
            f"층에 도달하는 기울기가 ResNet-{depth}의 {_fmt(ratio)}배({_fmt(plain.first)} 대 "
            f"{_fmt(res.first)}): 역전파 시 층마다 1보다 작은 값이 곱해져 기울기가 점점 작아지고, "
            "앞쪽(입력에 가까운) 층은 거의 학습되지 않음(기울기 소실). Skip Connection은 입력을 "
            "그대로 더해주므로 기울기도 지름길을 따라 그대로 전달됨. 여기서 BatchNorm은 초기 "
            "통계(평균 0, 분산 1)를 써서 값을 그대로 통과시킴. 학습처럼 배치 통계를 쓰면"
            "(batchnorm=batch) 층마다 크기를 다시 맞춰 plain 네트워크의 기울기도 초기에는 "
            "소실되지 않음 — He et al.(2015)도 같은 것을 보고 plain 네트워크의 문제를 최적화의 "
            "어려움(degradation)으로 설명함."
        )
    else:
        en = (
            f"With BatchNorm on batch statistics, as in training, the plain network's first-layer "
            f"gradient is {_fmt(ratio)} times ResNet-{depth}'s ({_fmt(plain.first)} against "
            f"{_fmt(res.first)}): BatchNorm rescales every layer, so at initialisation the "
            "gradient does not vanish. He et al. (2015) report the same for their plain networks "
            "and trace their worse training to optimisation difficulty (degradation), which the "
            "skip connections remove. With batchnorm=running the normalisation is out of the way "
            "and the vanishing gradient shows."
        )
        ko = (
            f"학습 때처럼 BatchNorm이 배치 통계를 쓰면 plain 네트워크의 첫 층 기울기는 "
            f"ResNet-{depth}의 {_fmt(ratio)}배({_fmt(plain.first)} 대 {_fmt(res.first)}): "
            "BatchNorm이 층마다 크기를 다시 맞추므로 초기에는 기울기가 소실되지 않음. He et al."
            "(2015)도 같은 결과를 보고, plain 네트워크가 잘 학습되지 않는 이유를 최적화의 "
            "어려움(degradation)으로 설명했고 skip connection이 이를 해결함. batchnorm=running"
            "으로 정규화를 빼면 기울기 소실이 보임."
        )
    return {"en": en, "ko": ko}


def _activation_text(depth: int, ratio: float, series: list[GradientSeries]) -> dict[str, str]:
    relu, sigmoid = series
    en = (
        f"{depth} convolutions with the same weights, only the activation differs. With sigmoid "
        f"the gradient reaching the first layer is {_fmt(ratio)} times ReLU's "
        f"({_fmt(sigmoid.first)} against {_fmt(relu.first)}): sigmoid's derivative is at most "
        "0.25, so every layer shrinks the gradient at least fourfold on the way back. ReLU's "
        "derivative is 1 wherever it is active, so with weights scaled for it (Kaiming) the "
        "gradient keeps its size — one reason ReLU replaced sigmoid and tanh."
    )
    ko = (
        f"같은 가중치의 합성곱 {depth}개에서 활성화 함수만 다름. sigmoid에서는 첫 층에 도달하는 "
        f"기울기가 ReLU의 {_fmt(ratio)}배({_fmt(sigmoid.first)} 대 {_fmt(relu.first)}): sigmoid의 "
        "미분값은 최대 0.25라서 층을 지날 때마다 기울기가 4배 이상 줄어듦(기울기 소실 — 특히 "
        "ReLU 이전의 sigmoid/tanh에서 심각했음). ReLU는 활성 구간에서 미분값이 1이라 그에 맞춘 "
        "가중치(Kaiming 초기화)와 함께 기울기 크기가 유지됨."
    )
    return {"en": en, "ko": ko}
