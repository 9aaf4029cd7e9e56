"""Receptive fields per layer, computed analytically by following every tensor of a forward pass.

A meta-device forward pass runs under a `TorchFunctionMode` that gives each tensor a receptive
field: for each spatial axis its size (input pixels one output unit sees), jump (input pixels
between neighbouring units: the effective stride) and start (input coordinate of the centre of
unit 0; pixel i has its centre at i, so a start below 0 means the field hangs over the padding).
Sliding windows (conv, pooling) grow it, pointwise ops (ReLU, BatchNorm, dropout) keep it, an
addition of two tensors takes the union of both (ResNet's main path and shortcut: the larger of
the two paths), and anything that mixes all positions (Linear after flatten, global pooling)
makes it global. Hooks on every module read the field of each module's output, so there is one
entry per module call in the order torchinfo lists the summary rows.

The rule for a window of k (dilated: d·(k−1)+1), stride s and padding p on one axis:
    size' = size + (k−1)·jump,  jump' = jump·s,  start' = start + ((k−1)/2 − p)·jump
(Araujo et al., "Computing receptive fields of convolutional neural networks", Distill 2019).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode, resolve_name

from backend.analysis.shapes import build_on_meta
from backend.zoo.registry import get_spec


@dataclass(frozen=True)
class AxisField:
    size: float
    jump: float
    start: float

    @property
    def first(self) -> float:
        """Input coordinate of unit 0's first pixel (may be negative: padding)."""
        return self.start - (self.size - 1) / 2

    @property
    def last(self) -> float:
        return self.start + (self.size - 1) / 2

    def window(self, k: int, s: int, p: float) -> AxisField:
        return AxisField(
            size=self.size + (k - 1) * self.jump,
            jump=self.jump * s,
            start=self.start + ((k - 1) / 2 - p) * self.jump,
        )


@dataclass(frozen=True)
class Field:
    """A receptive field on (height, width); `spatial=None` means global (the whole input)."""

    spatial: tuple[AxisField, AxisField] | None
    exact: bool = True  # False after an adaptive pool whose windows differ in size

    @property
    def is_global(self) -> bool:
        return self.spatial is None


GLOBAL = Field(None)
PIXEL = Field((AxisField(1, 1, 0), AxisField(1, 1, 0)))


def union(fields: list[Field]) -> Field:
    """Receptive field of a tensor computed elementwise from tensors with these fields."""
    if any(f.is_global for f in fields):
        return GLOBAL
    axes = []
    for axis in range(2):
        parts = [f.spatial[axis] for f in fields]  # type: ignore[index]
        first = min(p.first for p in parts)
        last = max(p.last for p in parts)
        # Tensors added elementwise share one output grid, so their jumps agree.
        axes.append(AxisField(last - first + 1, max(p.jump for p in parts), (first + last) / 2))
    return Field((axes[0], axes[1]), exact=all(f.exact for f in fields))


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    values = tuple(value)
    return (int(values[0]), int(values[-1])) if values else (1, 1)


def _arg(args: tuple, kwargs: dict, index: int, name: str, default: Any) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def _window_field(src: Field, kernel: Any, stride: Any, padding: Any, dilation: Any) -> Field:
    if src.is_global:
        return GLOBAL
    k, s, d = _pair(kernel), _pair(stride or kernel), _pair(dilation)
    k_eff = (d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1)
    if isinstance(padding, str):  # "valid" → 0, "same" → half the window
        p: tuple[float, float] = (0, 0) if padding == "valid" else tuple((x - 1) / 2 for x in k_eff)
    else:
        p = _pair(padding)
    h, w = src.spatial  # type: ignore[misc]
    return Field((h.window(k_eff[0], s[0], p[0]), w.window(k_eff[1], s[1], p[1])), src.exact)


def _adaptive_field(src: Field, in_hw: tuple[int, int], out_size: Any) -> Field:
    """PyTorch's adaptive pool: window i spans [floor(i·n/m), ceil((i+1)·n/m)) on each axis."""
    if src.is_global:
        return GLOBAL
    out = _pair(out_size) if out_size is not None else in_hw
    out = tuple(o if o is not None else n for o, n in zip(out, in_hw, strict=True))
    if out == (1, 1):
        return GLOBAL
    axes, exact = [], src.exact
    for axis, (n, m) in enumerate(zip(in_hw, out, strict=True)):
        starts = [(i * n) // m for i in range(m)]
        sizes = [math.ceil((i + 1) * n / m) - starts[i] for i in range(m)]
        steps = {b - a for a, b in itertools.pairwise(starts)}
        if len(set(sizes)) == 1 and len(steps) <= 1:
            # Equal windows at a fixed step are an ordinary window: exact. VGG16 at 256 px
            # pools 8×8 to 7×7 with 2-wide windows every 1 (not every 8/7).
            k, s = sizes[0], steps.pop() if steps else sizes[0]
            axes.append(src.spatial[axis].window(k, s, 0))  # type: ignore[index]
        else:  # uneven windows: the widest, centred like window 0, the mean step; approximate
            exact = False
            k = max(sizes)
            a = src.spatial[axis]  # type: ignore[index]
            start = a.start + (sizes[0] - 1) / 2 * a.jump
            axes.append(AxisField(a.size + (k - 1) * a.jump, a.jump * n / m, start))
    return Field((axes[0], axes[1]), exact)


POINTWISE = {
    "torch.nn.functional.relu",
    "torch.relu",
    "torch.relu_",
    "torch.Tensor.relu",
    "torch.Tensor.relu_",
    "torch.sigmoid",
    "torch.Tensor.sigmoid",
    "torch.nn.functional.sigmoid",
    "torch.tanh",
    "torch.Tensor.tanh",
    "torch.nn.functional.tanh",
    "torch.nn.functional.leaky_relu",
    "torch.nn.functional.gelu",
    "torch.nn.functional.hardtanh",
    "torch.nn.functional.dropout",
    "torch.nn.functional.dropout2d",
    "torch.nn.functional.batch_norm",
    "torch.nn.functional.local_response_norm",  # mixes channels, not positions
    "torch.Tensor.contiguous",
    "torch.Tensor.clone",
}
ELEMENTWISE = {  # several tensors combined position by position: the union of their fields
    "torch.add",
    "torch.Tensor.add",
    "torch.Tensor.add_",
    "torch.Tensor.__add__",
    "torch.Tensor.__iadd__",
    "torch.Tensor.__radd__",
    "torch.mul",
    "torch.Tensor.mul",
    "torch.Tensor.mul_",
    "torch.Tensor.__mul__",
    "torch.Tensor.__rmul__",
    "torch.sub",
    "torch.Tensor.sub",
    "torch.Tensor.__sub__",
    "torch.cat",
}
RESHAPE = {"torch.flatten", "torch.Tensor.view", "torch.Tensor.reshape", "torch.reshape"}
ADAPTIVE = {"torch.nn.functional.adaptive_avg_pool2d", "torch.nn.functional.adaptive_max_pool2d"}
MAX_POOL = {"torch.nn.functional.max_pool2d", "torch.nn.functional._max_pool2d"}
AVG_POOL = {"torch._C._nn.avg_pool2d", "torch.nn.functional.avg_pool2d"}


def _tensors(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _tensors(v)]
    return []


class FieldTracer(TorchFunctionMode):
    """Attaches a receptive field to every tensor produced while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[int, Field] = {}
        self._alive: list[Tensor] = []  # keeps ids unique for the duration of the trace
        self.on_merge: Callable[[list[Tensor]], None] | None = None  # told of each addition
        self.notes: list[str] = []

    def set(self, tensor: Tensor, value: Field) -> None:
        self.fields[id(tensor)] = value
        self._alive.append(tensor)

    def get(self, tensor: Tensor) -> Field | None:
        return self.fields.get(id(tensor))

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        outputs = _tensors(result)
        if not outputs:
            return result
        inputs = [t for t in _tensors(args) + _tensors(list(kwargs.values())) if self.get(t)]
        if not inputs:
            return result  # weights, constants: no spatial meaning
        name = resolve_name(func) or getattr(func, "__name__", repr(func))
        out = self._propagate(name, args, kwargs, inputs, outputs[0])
        for tensor in outputs:
            self.set(tensor, out)
        return result

    def _propagate(
        self, name: str, args: tuple, kwargs: dict, inputs: list[Tensor], out: Tensor
    ) -> Field:
        src = self.get(inputs[0])
        assert src is not None
        if name == "torch.nn.functional.conv2d":
            weight = _arg(args, kwargs, 1, "weight", None)
            return _window_field(
                src,
                tuple(weight.shape[-2:]),
                _arg(args, kwargs, 3, "stride", 1),
                _arg(args, kwargs, 4, "padding", 0),
                _arg(args, kwargs, 5, "dilation", 1),
            )
        if name in MAX_POOL or name in AVG_POOL:
            dilation = _arg(args, kwargs, 4, "dilation", 1) if name in MAX_POOL else 1
            return _window_field(
                src,
                _arg(args, kwargs, 1, "kernel_size", 1),
                _arg(args, kwargs, 2, "stride", None),
                _arg(args, kwargs, 3, "padding", 0),
                dilation,
            )
        if name in ADAPTIVE:
            return _adaptive_field(
                src, tuple(inputs[0].shape[-2:]), _arg(args, kwargs, 1, "output_size", None)
            )
        if name in POINTWISE:
            return src
        if name in ELEMENTWISE:
            fields = [self.get(t) for t in inputs]
            if len({id(t) for t in inputs}) > 1 and self.on_merge:
                self.on_merge(inputs)
            return union([f for f in fields if f is not None])
        if name in RESHAPE and out.dim() == 4 and out.shape[-2:] == inputs[0].shape[-2:]:
            return src
        if name in RESHAPE:
            return src  # flattened: each value still sees one unit's field; Linear mixes them
        if name == "torch.nn.functional.linear":
            return GLOBAL
        if out.dim() == 4 and out.shape[-2:] == inputs[0].shape[-2:]:
            self.notes.append(f"{name} kept the spatial size; treated as pointwise")
            return union([f for f in (self.get(t) for t in inputs) if f is not None])
        self.notes.append(f"{name} is not a known operation; its output is treated as global")
        return GLOBAL


@dataclass
class LayerField:
    index: int
    name: str
    type: str
    output_shape: tuple[int, ...]
    field: Field | None  # None: the module's output is not a tensor with a field
    paths: list[tuple[str, Field]] = field(default_factory=list)  # operands of an addition


@dataclass
class FieldTrace:
    input_shape: tuple[int, ...]
    layers: list[LayerField]
    output: LayerField  # the model's own output (name ""); paths of an addition in its forward
    notes: list[str]


def trace_fields(model: nn.Module, input_shape: tuple[int, ...]) -> FieldTrace:
    """One meta forward pass; the field of every module call's output, in call order."""
    names = {m: n for n, m in model.named_modules()}
    tracer = FieldTracer()
    layers: list[LayerField] = []
    root = LayerField(-1, "", type(model).__name__, (), None)
    running: list[LayerField] = [root]
    producer: dict[int, str] = {}  # tensor id -> outermost module call that returned it

    def enter(module: nn.Module, args: tuple) -> None:
        if module is model:
            return  # the root is not a summary row; `root` stands for it
        entry = LayerField(len(layers), names[module], type(module).__name__, (), None)
        layers.append(entry)
        running.append(entry)

    def leave(module: nn.Module, args: tuple, output: Any) -> None:
        entry = root if module is model else running.pop()
        outputs = _tensors(output)
        if outputs:
            entry.output_shape = tuple(outputs[0].shape)
            entry.field = tracer.get(outputs[0])
            producer[id(outputs[0])] = entry.name  # containers finish last: outermost wins

    def merged(operands: list[Tensor]) -> None:
        # An addition in a module's own forward (ResNet's `out += identity`): the module that
        # is running is the block; record each operand's path, in the order they were added.
        running[-1].paths = [
            (producer.get(id(t), "input"), tracer.get(t) or GLOBAL) for t in operands
        ]

    tracer.on_merge = merged
    handles = [m.register_forward_pre_hook(enter) for m in names]
    handles += [m.register_forward_hook(leave) for m in names]
    x = torch.empty(input_shape, device="meta")
    tracer.set(x, PIXEL)
    producer[id(x)] = "input"
    try:
        with torch.no_grad(), tracer:
            model(x)
    finally:
        for h in handles:
            h.remove()
    return FieldTrace(tuple(input_shape), layers, root, sorted(set(tracer.notes)))


@lru_cache(maxsize=128)
def model_fields(name: str, height: int, width: int, num_classes: int | None = None) -> FieldTrace:
    """Fields for a registered model at one input size (shape validity checked by the caller)."""
    spec = get_spec(name)
    model = build_on_meta(spec, num_classes)
    return trace_fields(model, (1, spec.default_input_shape[0], height, width))


def unit_region(
    f: Field, unit: tuple[int, int], height: int, width: int
) -> tuple[int, int, int, int] | None:
    """Input pixels (top, left, bottom, right; inclusive, clipped) that one output unit sees."""
    if f.spatial is None:
        return (0, 0, height - 1, width - 1)
    bounds = []
    for axis, limit in zip(f.spatial, (height, width), strict=True):
        i = unit[len(bounds)]
        centre = axis.start + i * axis.jump
        lo = max(0, math.ceil(centre - (axis.size - 1) / 2))
        hi = min(limit - 1, math.floor(centre + (axis.size - 1) / 2))
        bounds.append((lo, hi))
    (top, bottom), (left, right) = bounds
    return top, left, bottom, right
