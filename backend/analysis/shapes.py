"""Where a network fails for an input size, why, and which square sizes it accepts.

Everything runs on the `meta` device: shapes propagate, nothing is allocated.
"""

from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import nn

from backend.i18n import bilingual
from backend.zoo.registry import ModelSpec, get_spec


@dataclass(frozen=True)
class ProbeResult:
    output_shape: tuple[int, ...] | None  # None when the forward pass failed
    failing_layer: str | None = None  # dotted module name; "" for the model's own forward
    failing_type: str | None = None
    failing_input_shape: tuple[int, ...] | None = None
    last_completed_layer: str | None = None
    error: str | None = None


def build_on_meta(spec: ModelSpec, num_classes: int | None = None) -> nn.Module:
    with torch.device("meta"):
        model = spec.build(num_classes)
    return model.eval()


def probe(model: nn.Module, input_shape: tuple[int, ...]) -> ProbeResult:
    """Run a meta forward pass, tracking which module was executing when it raised."""
    names = {m: n for n, m in model.named_modules()}
    stack: list[tuple[nn.Module, tuple[int, ...]]] = []
    completed: list[str] = []

    def enter(module: nn.Module, args: tuple) -> None:
        shape = tuple(args[0].shape) if args and isinstance(args[0], torch.Tensor) else ()
        stack.append((module, shape))

    def leave(module: nn.Module, args: tuple, output: object) -> None:
        stack.pop()
        if not any(module.children()):
            completed.append(names[module])

    handles = []
    for module in names:
        handles.append(module.register_forward_pre_hook(enter))
        handles.append(module.register_forward_hook(leave))
    try:
        with torch.no_grad():
            out = model(torch.empty(input_shape, device="meta"))
        return ProbeResult(output_shape=tuple(out.shape))
    except RuntimeError as exc:
        module, shape = stack[-1] if stack else (model, input_shape)
        return ProbeResult(
            output_shape=None,
            failing_layer=names.get(module, ""),
            failing_type=type(module).__name__,
            failing_input_shape=shape,
            last_completed_layer=completed[-1] if completed else None,
            error=str(exc).splitlines()[0],
        )
    finally:
        for h in handles:
            h.remove()


def explain_failure(model: nn.Module, result: ProbeResult) -> str:
    """One clause saying what the failing layer expected and what it got."""
    return explain_failure_texts(model, result)["en"]


def explain_failure_texts(model: nn.Module, result: ProbeResult) -> dict[str, str]:
    """explain_failure's clause in English and Korean."""
    layer = model.get_submodule(result.failing_layer) if result.failing_layer else model
    got = result.failing_input_shape or ()
    where = f"{result.failing_layer} ({result.failing_type})"
    if isinstance(layer, nn.Linear) and got:
        need, have = layer.in_features, got[-1]
        return bilingual("shape.features", where=where, need=need, have=have)
    if isinstance(layer, nn.Conv2d) and len(got) == 4:
        kh, kw = _dilated_kernel(layer)
        ph, pw = _pair(layer.padding) if not isinstance(layer.padding, str) else (0, 0)
        size = f"{got[2] + 2 * ph}×{got[3] + 2 * pw}"
        return bilingual("shape.kernel", where=where, kernel=f"{kh}×{kw}", size=size)
    if isinstance(layer, nn.MaxPool2d | nn.AvgPool2d) and len(got) == 4:
        k = _pair(layer.kernel_size)
        window, size = f"{k[0]}×{k[1]}", f"{got[2]}×{got[3]}"
        return bilingual("shape.pool", where=where, window=window, size=size)
    if not result.failing_layer:  # an operation in the model's own forward (view, flatten...)
        last = result.last_completed_layer
        model_name = type(model).__name__
        if last:
            return bilingual("shape.forward_after", model=model_name, last=last, error=result.error)
        return bilingual("shape.forward", model=model_name, error=result.error)
    return bilingual("shape.fails", where=where, error=result.error)


def _pair(v: int | tuple[int, ...]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[-1]))


def _dilated_kernel(conv: nn.Conv2d) -> tuple[int, int]:
    k, d = _pair(conv.kernel_size), _pair(conv.dilation)
    return d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1


@dataclass(frozen=True)
class SizeRange:
    """Square input sizes (px) the network accepts without error and without changing the batch."""

    min: int | None
    max: int | None  # None: no upper limit below the configured cap
    cap: int

    def accepts(self, side: int) -> bool:
        """Whether one side of this many px works (height and width are independent: every
        network here treats them alike and each fails only through its own side)."""
        if self.min is None or side < self.min:
            return False
        return self.max is None or side <= self.max

    def sentence(self, model: str) -> dict[str, str]:
        """What `model` needs, as a sentence in each language (the sides need not be equal)."""
        if self.min is None:
            return bilingual("error.sizes.none", model=model, cap=self.cap)
        if self.max is None:
            return bilingual("error.sizes.at_least", model=model, min=self.min)
        if self.min == self.max:
            return bilingual("error.sizes.exactly", model=model, min=self.min)
        return bilingual("error.sizes.range", model=model, min=self.min, max=self.max)

    def describe(self) -> str:
        if self.min is None:
            return "no square input size works"
        if self.max is None:
            return f"square inputs of at least {self.min} px"
        if self.min == self.max:
            return f"exactly {self.min} px"
        return f"{self.min}–{self.max} px"


@lru_cache(maxsize=64)
def valid_square_sizes(name: str, num_classes: int | None, cap: int) -> SizeRange:
    """Binary-search the accepted square sizes around the default input size.

    Shapes through conv/pool stacks grow monotonically with the input, and each layer either
    needs an exact size (Linear) or a minimum (conv, pool), so the accepted sizes form one
    interval containing the default; a batch change (SimpleCNN's view) counts as not accepted.
    """
    spec = get_spec(name)
    model = build_on_meta(spec, num_classes)
    channels, default, _ = spec.default_input_shape

    def ok(size: int) -> bool:
        out = probe(model, (1, channels, size, size)).output_shape
        return out is not None and out[0] == 1

    if not ok(default):
        return SizeRange(None, None, cap)
    lo, hi = 1, default  # smallest accepted in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid + 1, hi)
    smallest = lo
    if ok(cap):
        return SizeRange(smallest, None, cap)
    lo, hi = default, cap - 1  # largest accepted in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid - 1)
    return SizeRange(smallest, lo, cap)


@lru_cache(maxsize=256)  # bounded: custom networks (the editor's) bring unbounded names
def param_count(name: str) -> int:
    """Parameters of the model with its default number of classes (counted on `meta`)."""
    return sum(p.numel() for p in build_on_meta(get_spec(name)).parameters())
