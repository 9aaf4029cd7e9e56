"""Looking inside a running model: its own instance of the model, one layer's output.

Shared by feature maps (activations.py) and Grad-CAM (gradcam.py):
- `private_instance` gives a request its own module tree whose parameters *share storage* with
  the runtime's loaded model — no copy of the weights, but hooks and `requires_grad` stay
  private (the runtime's models are shared between requests and must not be touched);
- `find_layer` checks a layer name (and which call, for a module run more than once such as
  SimpleCNN's `pool`) against the model's summary rows, and says which names exist.
"""

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from backend.analysis.receptive_field import LayerField, model_fields
from backend.errors import InvalidParameterError
from backend.i18n import bilingual
from backend.serving.runtime import LoadedModel
from backend.zoo import ModelSpec


def private_instance(loaded: LoadedModel) -> nn.Module:
    """A new module tree over the loaded model's tensors (shared storage, nothing copied)."""
    with torch.device("meta"):
        model = loaded.spec.build()
    model.load_state_dict(loaded.module.state_dict(), strict=True, assign=True)
    return model.eval().requires_grad_(False)


@dataclass(frozen=True)
class LayerChoice:
    name: str
    call: int  # 1 for the first time the module runs in forward
    calls: int  # how many times it runs
    entry: LayerField  # type and output shape at the model's default input size


def find_layer(spec: ModelSpec, layer: str, call: int) -> LayerChoice:
    entries = model_fields(spec.name, *spec.default_size).layers
    matches = [e for e in entries if e.name == layer]
    if not matches:
        names = list(dict.fromkeys(e.name for e in entries))
        raise InvalidParameterError(
            bilingual(
                "inspect.no_layer", model=spec.name, layer=repr(layer), names=", ".join(names)
            ),
            field="layer",
            valid=names,
        )
    if not 1 <= call <= len(matches):
        raise InvalidParameterError(
            bilingual(
                "inspect.call_range", layer=layer, runs=len(matches), model=spec.name, call=call
            ),
            field="call",
        )
    return LayerChoice(layer, call, len(matches), matches[call - 1])


def spatial_layers(spec: ModelSpec) -> list[str]:
    """Layers whose output is a feature map larger than 1×1 at the default input size."""
    entries = model_fields(spec.name, *spec.default_size).layers
    names = [
        e.name
        for e in entries
        if len(e.output_shape) == 4 and e.output_shape[2] * e.output_shape[3] > 1
    ]
    return list(dict.fromkeys(names))


def last_spatial_layer(spec: ModelSpec) -> tuple[str, int]:
    """(name, call) of the last top-level module whose output is a feature map larger than
    1×1: Grad-CAM's usual choice, the output of the last convolutional stage (ResNet's
    `layer4`, AlexNet's `features`, SimpleCNN's second `pool`)."""
    entries = model_fields(spec.name, *spec.default_size).layers
    top = [e for e in entries if "." not in e.name]  # a container's row precedes its children
    spatial = [
        i
        for i, e in enumerate(top)
        if len(e.output_shape) == 4 and e.output_shape[2] * e.output_shape[3] > 1
    ]
    entry = top[spatial[-1]]
    call = sum(1 for e in top[: spatial[-1] + 1] if e.name == entry.name)
    return entry.name, call


class Capture:
    """Hook on one module call: keeps its output (as a gradient leaf when `for_gradient`)."""

    def __init__(self, model: nn.Module, choice: LayerChoice, for_gradient: bool = False) -> None:
        self.module = model.get_submodule(choice.name)
        self.call = choice.call
        self.for_gradient = for_gradient
        self.output: Tensor | None = None
        self._seen = 0

    def __enter__(self) -> "Capture":
        self._handle = self.module.register_forward_hook(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.remove()

    def _hook(self, module: nn.Module, args: Any, output: Any) -> Any:
        self._seen += 1
        if self._seen != self.call or not isinstance(output, Tensor):
            return None
        if not self.for_gradient:
            self.output = output.detach().clone()  # later in-place ops (ReLU) must not alter it
            return None
        # Grad-CAM needs d(score)/d(this output). The weights do not require gradients, so the
        # output becomes the graph's leaf; the network continues on a clone, because in-place
        # ops downstream (VGG's ReLU(inplace=True)) may not modify a leaf that requires grad.
        leaf = output.detach().requires_grad_(True)
        self.output = leaf
        return leaf.clone()
