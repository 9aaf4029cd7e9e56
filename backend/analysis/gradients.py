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

import math
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
from backend.i18n import bilingual
from backend.zoo.registry import get_spec

WEIGHT_SEED = 0
BATCH_SEED = 1
BATCH, CHANNELS, SIZE, CLASSES = 8, 3, 32, 10
SKIP_DEPTHS = {18: ("resnet18", "plain18"), 34: ("resnet34", "plain34")}
STACK_DEPTHS = (2, 30)  # deeper sigmoid stacks underflow float32 to exactly 0
STACK_WIDTH = 16
BatchNormMode = Literal["running", "batch"]
# "default": PyTorch's reset_parameters (uniform Kaiming, a=√5); "he": He et al. 2015's normal
# N(0, 2/fan_in) for the convolutions, the initialisation the ResNet paper used (§3.4).
Init = Literal["default", "he"]
CONV_INIT = {"default": "pytorch", "he": "kaiming_normal"}


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


def _fmt(x: float) -> str | dict[str, str]:
    return f"{x:.1e}" if x else bilingual("gradients.underflow")


@lru_cache(maxsize=16)
def _skip_lesson(depth: int, batchnorm: BatchNormMode, init: Init = "default") -> GradientLesson:
    series = []
    for name in SKIP_DEPTHS[depth]:
        spec = get_spec(name)
        model = initialise(
            materialise(build_on_meta(spec, CLASSES)), WEIGHT_SEED, conv_init=CONV_INIT[init]
        )
        # "running": BatchNorm normalises with its initial running statistics (mean 0, var 1),
        # passing values through unchanged; "batch": with the batch's statistics, as in training.
        model.train(batchnorm == "batch")
        series.append(_series(name, spec.title, layer_gradient_norms(model)))
    ratio = _ratio(series)
    return GradientLesson(
        lesson="skip_connections",
        depth=depth,
        setup=_setup(batchnorm, bilingual(f"gradients.init.{init}")["en"]),
        series=series,
        first_layer_ratio=ratio,
        explanation=_skip_text(depth, ratio, series, batchnorm, init),
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


def skip_connection_lesson(
    depth: int, batchnorm: BatchNormMode = "running", init: Init = "default"
) -> GradientLesson:
    if depth not in SKIP_DEPTHS:
        choices = ", ".join(map(str, SKIP_DEPTHS))
        raise InvalidParameterError(
            bilingual("error.depth_choice", choices=choices, depth=depth), field="depth"
        )
    with _COMPUTE_LOCK:
        return _skip_lesson(depth, batchnorm, init)


def activation_lesson(depth: int) -> GradientLesson:
    lo, hi = STACK_DEPTHS
    if not lo <= depth <= hi:
        raise InvalidParameterError(
            bilingual("error.depth_range", lo=lo, hi=hi, depth=depth), field="depth"
        )
    with _COMPUTE_LOCK:
        return _activation_lesson(depth)


def _skip_text(
    depth: int, ratio: float, series: list[GradientSeries], batchnorm: BatchNormMode, init: Init
) -> dict[str, str]:
    res, plain = series
    return bilingual(
        f"gradients.skip.{batchnorm}",
        init=bilingual(f"gradients.init.{init}"),
        depth=depth,
        ratio=_fmt(ratio),
        plain_first=_fmt(plain.first),
        resnet_first=_fmt(res.first),
        measured=bilingual(
            "gradients.measured",
            depth=depth,
            weight_seed=WEIGHT_SEED,
            batch_seed=BATCH_SEED,
            batch=BATCH,
            size=SIZE,
        ),
    )


def per_layer_shrink(series: GradientSeries, depth: int) -> list[float]:
    """How many times smaller each convolution's gradient is than the next one's, on the way
    back. The first convolution (3 input channels, fewer weights) is left out where the stack
    is deep enough, so every ratio compares layers of the same size."""
    norms = [g.norm for g in series.layers[:depth]]
    start = 1 if depth > 2 else 0
    return [norms[i + 1] / norms[i] for i in range(start, depth - 1) if norms[i] > 0]


def _activation_text(depth: int, ratio: float, series: list[GradientSeries]) -> dict[str, str]:
    relu, sigmoid = series
    shrink = per_layer_shrink(sigmoid, depth)
    return bilingual(
        "gradients.activations",
        depth=depth,
        shrink_min=f"{min(shrink):.1f}",
        shrink_max=f"{max(shrink):.1f}",
        shrink_mean=f"{math.prod(shrink) ** (1 / len(shrink)):.1f}",
        ratio=_fmt(ratio),
        sigmoid_first=_fmt(sigmoid.first),
        relu_first=_fmt(relu.first),
    )
