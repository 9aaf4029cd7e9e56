"""Measure a receptive field by backpropagation: the input pixels that one output unit depends on.

The check behind the analytic numbers (receptive_field.py): run the network on the CPU up to
one layer, backpropagate from one unit of that layer's output, and find the input pixels whose
gradient is not zero. Two changes make "not zero" mean "inside the field":
- every weight is a positive constant (1 / fan-in), biases 0 and BatchNorm the identity, and
  the input is all ones, so every activation is positive and no ReLU cuts a path;
- max-pooling becomes average pooling with the same window: a max passes gradient only to the
  winner of each window, so the gradient would be sparse, although the unit's value depends on
  the whole window (the field is the window either way).
Only the modules that run before the chosen layer get real weights: the rest of the network
stays on the meta device, so VGG16's 0.5 GB classifier is never allocated.
"""

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode, resolve_name


class _Stop(Exception):
    """Raised from the chosen layer's hook: nothing after it needs to run."""


class _AveragePooling(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        kwargs = kwargs or {}
        if resolve_name(func) in (
            "torch.nn.functional.max_pool2d",
            "torch.nn.functional._max_pool2d",
        ):
            x, kernel = args[0], kwargs.get("kernel_size", args[1] if len(args) > 1 else None)
            stride = kwargs.get("stride", args[2] if len(args) > 2 else None)
            padding = kwargs.get("padding", args[3] if len(args) > 3 else 0)
            ceil_mode = kwargs.get("ceil_mode", args[5] if len(args) > 5 else False)
            # count_include_pad=False: padded positions add nothing, like -inf padding in a max.
            return F.avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad=False)
        return func(*args, **kwargs)


def _materialise(module: nn.Module) -> None:
    """Give one module's own weights positive constant values on the CPU."""
    if not any(t.is_meta for t in [*module.parameters(False), *module.buffers(False)]):
        return
    module.to_empty(device="cpu", recurse=False)
    with torch.no_grad():
        if isinstance(module, nn.Conv2d | nn.Linear):
            weight = module.weight
            weight.fill_(1.0 / (weight[0].numel()))  # fan-in: the mean of the inputs
            if module.bias is not None:
                module.bias.zero_()
        elif isinstance(module, nn.BatchNorm2d):
            module.reset_parameters()  # weight 1, bias 0, running mean 0, running var 1
        else:
            for tensor in [*module.parameters(False), *module.buffers(False)]:
                tensor.fill_(1.0)
    for p in module.parameters(False):
        p.requires_grad_(False)  # only the input's gradient is wanted


@dataclass(frozen=True)
class MeasuredField:
    unit: tuple[int, int]  # (row, column) of the output unit
    region: tuple[int, int, int, int]  # top, left, bottom, right (inclusive) of nonzero gradient
    dense: bool  # every pixel of the region has a nonzero gradient (no holes)
    output_shape: tuple[int, ...]


def measure_field(
    model: nn.Module, input_shape: tuple[int, ...], layer: str, unit: tuple[int, int] | None = None
) -> MeasuredField:
    """Nonzero-gradient region of `layer`'s unit (default: the centre unit), channel 0.

    `model` may live on the meta device (it is changed in place: build a fresh one).
    """
    target = model.get_submodule(layer)
    captured: dict[str, Tensor] = {}

    def stop(module: nn.Module, args: Any, output: Tensor) -> None:
        captured["out"] = output
        raise _Stop

    handles = [m.register_forward_pre_hook(lambda m, a: _materialise(m)) for m in model.modules()]
    handles.append(target.register_forward_hook(stop))
    model.eval()
    x = torch.ones(input_shape, requires_grad=True)
    try:
        with _AveragePooling():
            model(x)
    except _Stop:
        pass
    finally:
        for h in handles:
            h.remove()
    out = captured["out"]  # (1, C, H', W')
    h, w = out.shape[-2:]
    row, col = unit if unit is not None else (h // 2, w // 2)
    out[0, 0, row, col].backward()
    assert x.grad is not None
    mask = x.grad[0].abs().sum(0) > 0  # (H, W)
    rows = mask.any(1).nonzero().flatten()
    cols = mask.any(0).nonzero().flatten()
    top, bottom = int(rows.min()), int(rows.max())
    left, right = int(cols.min()), int(cols.max())
    dense = bool(mask[top : bottom + 1, left : right + 1].all())
    return MeasuredField((row, col), (top, left, bottom, right), dense, tuple(out.shape))
