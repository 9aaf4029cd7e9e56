"""A convolution (or max-pool) at work: one output unit computed in the open.

For a conv layer, an image and one output unit (channel, row, col): the input window under
the kernel for each input channel the filter reads (zeros where it hangs over the padding),
the filter's weights, their element-wise products, each channel's sum, the total, the bias,
and total + bias, next to the value the model itself produced at that unit. For a max-pool:
the window of that channel, where its maximum is, and the model's value. CNN Explainer's
sliding 3×3 window, with the numbers of the real network.

Sizes are bounded: windows are sent for at most MAX_INPUTS input channels (the channel sums
cover all of them), so VGG's 512-channel 3×3 convolutions answer a few kilobytes.
"""

from dataclasses import dataclass
from typing import Any

import torch
from pydantic import BaseModel, Field
from torch import Tensor, nn

from backend.analysis.receptive_field import model_fields
from backend.errors import InvalidParameterError
from backend.i18n import bilingual
from backend.inspection.activations import _grey_png
from backend.inspection.layer_capture import LayerChoice, find_layer, private_instance
from backend.serving.images import ImageLimits, to_data_url
from backend.serving.inference import model_input
from backend.serving.preprocess import to_preview
from backend.serving.runtime import ModelRuntime, require_classifier
from backend.zoo import ModelSpec

STEP_TYPES = ("Conv2d", "MaxPool2d")
MAX_INPUTS = 64  # input channels whose windows are sent in full
DEFAULT_INPUTS = 8


class InputWindow(BaseModel):
    channel: int = Field(description="Input channel of the layer.")
    values: list[list[float]] = Field(description="The input under the kernel (0: padding).")
    weights: list[list[float]] | None = Field(description="Conv: this channel's kernel slice.")
    products: list[list[float]] | None = Field(description="Conv: values × weights.")
    sum: float = Field(description="Conv: sum of the products; max-pool: the window's maximum.")
    image: str | None = Field(
        default=None, description="This input channel as a grey PNG (the first window only)."
    )


class ConvStep(BaseModel):
    model: str
    trained: bool = Field(description="false: the weights are random (seed 0), not learned.")
    layer: str
    type: str
    call: int
    kernel_size: list[int]
    stride: list[int]
    padding: list[int]
    dilation: list[int]
    groups: int
    input_shape: list[int]
    output_shape: list[int]
    unit: list[int] = Field(description="[channel, row, col] of the output unit.")
    window: list[int] = Field(
        description="[top, left, bottom, right] of the kernel on the layer's input, before "
        "clipping (negative or past the edge: over the padding)."
    )
    padded: list[list[bool]] = Field(description="Kernel positions that fall on the padding.")
    in_channels: int = Field(description="Input channels the unit reads (its group's).")
    windows: list[InputWindow] = Field(description="The first `max_inputs` of them.")
    channel_sums: list[float] = Field(description="Conv: per input channel read, in order.")
    total: float = Field(description="Conv: sum over all channels; max-pool: the maximum.")
    bias: float | None
    value: float = Field(description="Conv: total + bias; max-pool: the maximum.")
    argmax: list[int] | None = Field(description="Max-pool: [row, col] in the window.")
    model_value: float = Field(description="The model's own output at the unit.")
    difference: float = Field(description="|value − model_value|.")
    output_image: str = Field(description="The output channel as a grey PNG.")
    preview: str = Field(description="The input image as the network sees it.")


@dataclass(frozen=True)
class StepRequest:
    """A checked request, made before any upload is read and run later on a worker thread."""

    spec: ModelSpec
    choice: LayerChoice
    channel: int
    row: int
    col: int
    max_inputs: int


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    return int(value[0]), int(value[-1])


def check_step(
    spec: ModelSpec,
    layer: str,
    call: int,
    channel: int | None,
    row: int | None,
    col: int | None,
    max_inputs: int = DEFAULT_INPUTS,
) -> StepRequest:
    """Validate everything that does not need the image (422 before the body is read)."""
    require_classifier(spec)  # only classifiers have a preprocessing for an image
    choice = find_layer(spec, layer, call)
    if choice.entry.type not in STEP_TYPES:
        names = step_layers(spec)
        raise InvalidParameterError(
            bilingual(
                "inspect.step_layer", layer=layer, type=choice.entry.type, names=", ".join(names)
            ),
            field="layer",
            valid=names,
        )
    _, channels, height, width = choice.entry.output_shape
    channel = 0 if channel is None else channel
    row = height // 2 if row is None else row
    col = width // 2 if col is None else col
    shape = f"{channels}×{height}×{width}"
    for field, value, size in (
        ("channel", channel, channels),
        ("row", row, height),
        ("col", col, width),
    ):
        if not 0 <= value < size:
            raise InvalidParameterError(
                bilingual(
                    "inspect.step_position",
                    field=field,
                    last=size - 1,
                    layer=layer,
                    shape=shape,
                    value=value,
                ),
                field=field,
            )
    if not 1 <= max_inputs <= MAX_INPUTS:
        raise InvalidParameterError(
            bilingual("inspect.max_inputs", max=MAX_INPUTS, value=max_inputs),
            field="max_inputs",
        )
    return StepRequest(spec, choice, channel, row, col, max_inputs)


def step_layers(spec: ModelSpec) -> list[str]:
    """The layers this view can show: every Conv2d and MaxPool2d, in execution order."""
    _, h, w = spec.default_input_shape
    entries = model_fields(spec.name, h, w).layers
    return list(dict.fromkeys(e.name for e in entries if e.type in STEP_TYPES))


class _InputOutput:
    """Hook on one module call: keeps its input and its output."""

    def __init__(self, module: nn.Module, call: int) -> None:
        self.module, self.call, self.seen = module, call, 0
        self.input: Tensor | None = None
        self.output: Tensor | None = None

    def __enter__(self) -> "_InputOutput":
        self._handle = self.module.register_forward_hook(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.remove()

    def _hook(self, module: nn.Module, args: Any, output: Any) -> None:
        self.seen += 1
        if self.seen == self.call:
            # Clones: VGG's ReLU(inplace=True) overwrites the conv's output right after.
            self.input = args[0].detach().float().cpu().clone()
            self.output = output.detach().float().cpu().clone()


def _window(
    plane: Tensor, top: int, left: int, kernel: tuple[int, int], dilation: tuple[int, int]
) -> tuple[Tensor, Tensor]:
    """(kh, kw) values of `plane` at the kernel's taps (0 off the edge) and the padding mask."""
    kh, kw = kernel
    rows = torch.arange(kh) * dilation[0] + top
    cols = torch.arange(kw) * dilation[1] + left
    inside_r = (rows >= 0) & (rows < plane.shape[-2])
    inside_c = (cols >= 0) & (cols < plane.shape[-1])
    inside = inside_r[:, None] & inside_c[None, :]
    r = rows.clamp(0, plane.shape[-2] - 1)
    c = cols.clamp(0, plane.shape[-1] - 1)
    values = plane[..., r[:, None], c[None, :]]
    return torch.where(inside, values, torch.zeros_like(values)), ~inside


def _grid(t: Tensor) -> list[list[float]]:
    return [[round(float(v), 6) for v in r] for r in t]


def conv_step(
    runtime: ModelRuntime,
    spec: ModelSpec,
    data: bytes,
    limits: ImageLimits,
    step: StepRequest,
) -> ConvStep:
    x = model_input(spec, data, limits)  # (C, H, W)
    loaded = runtime.get(spec.name)
    model = private_instance(loaded)
    module = model.get_submodule(step.choice.name)
    with _InputOutput(module, step.choice.call) as seen, torch.inference_mode():
        model(x[None].to(loaded.device))
    assert seen.input is not None and seen.output is not None
    inp, out = seen.input[0].double(), seen.output[0]  # (C_in, H, W), (C_out, H', W')
    c, r, q = step.channel, step.row, step.col
    model_value = float(out[c, r, q])
    if isinstance(module, nn.Conv2d):
        kernel, stride = _pair(module.kernel_size), _pair(module.stride)
        padding, dilation = _pair(module.padding), _pair(module.dilation)
        groups = module.groups
        per_group_in = module.in_channels // groups
        group = c // (module.out_channels // groups)
        first_in = group * per_group_in
        weight = module.weight.detach().double().cpu()[c]  # (C_in / groups, kh, kw)
        bias = float(module.bias.detach()[c]) if module.bias is not None else None
    else:
        assert isinstance(module, nn.MaxPool2d)
        kernel, stride = _pair(module.kernel_size), _pair(module.stride or module.kernel_size)
        padding, dilation = _pair(module.padding), _pair(module.dilation)
        groups, per_group_in, first_in, weight, bias = 1, 1, c, None, None
    top, left = r * stride[0] - padding[0], q * stride[1] - padding[1]
    values, padded = _window(inp[first_in : first_in + per_group_in], top, left, kernel, dilation)
    windows: list[InputWindow] = []
    if weight is not None:
        products = values * weight  # (C_in/groups, kh, kw)
        sums = products.sum(dim=(1, 2))
        total = float(sums.sum())
        value = total + (bias or 0.0)
        argmax = None
        for i in range(min(step.max_inputs, per_group_in)):
            windows.append(
                InputWindow(
                    channel=first_in + i,
                    values=_grid(values[i]),
                    weights=_grid(weight[i]),
                    products=_grid(products[i]),
                    sum=round(float(sums[i]), 6),
                )
            )
        channel_sums = [round(float(s), 6) for s in sums]
    else:
        pooled = torch.where(padded, torch.full_like(values[0], float("-inf")), values[0])
        flat = int(torch.argmax(pooled))
        argmax = [flat // kernel[1], flat % kernel[1]]
        total = value = float(pooled.max())
        windows.append(
            InputWindow(channel=c, values=_grid(values[0]), weights=None, products=None, sum=value)
        )
        channel_sums = []
    plane = inp[windows[0].channel].float().numpy()
    windows[0].image = _grey_png(plane, float(plane.min()), float(plane.max()))
    out_plane = out[c].numpy()
    return ConvStep(
        model=spec.name,
        trained=loaded.trained,
        layer=step.choice.name,
        type=type(module).__name__,
        call=step.choice.call,
        kernel_size=list(kernel),
        stride=list(stride),
        padding=list(padding),
        dilation=list(dilation),
        groups=groups,
        input_shape=list(seen.input.shape),
        output_shape=list(seen.output.shape),
        unit=[c, r, q],
        window=[
            top,
            left,
            top + (kernel[0] - 1) * dilation[0],
            left + (kernel[1] - 1) * dilation[1],
        ],
        padded=[[bool(v) for v in row] for row in padded],
        in_channels=per_group_in,
        windows=windows,
        channel_sums=channel_sums,
        total=round(total, 6),
        bias=None if bias is None else round(bias, 6),
        value=value,
        argmax=argmax,
        model_value=model_value,
        difference=abs(value - model_value),
        output_image=_grey_png(out_plane, float(out_plane.min()), float(out_plane.max())),
        preview=to_data_url(to_preview(x, spec.dataset)),  # type: ignore[arg-type]
    )
