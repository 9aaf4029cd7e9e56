"""What a custom network may be: list lengths, widths, classes, input size, then whether its
maps survive every pool at its input size, then its parameters and mult-adds.

Checked in that order, cheapest first, so a request can never make the server build or
summarise something over a limit. Shapes, mult-adds and parameters are computed here by the
layers' own formulas, without building anything (tests hold them to models built in plain
torch).
"""

from dataclasses import dataclass

from backend.architectures.specs import (
    MAIN_LIST,
    AlexNetSpec,
    ArchitectureSpec,
    ResNetSpec,
    SimpleCNNSpec,
    VGGSpec,
)
from backend.errors import InvalidArchitectureError
from backend.i18n import bilingual
from backend.zoo.alexnet import alexnet_feature_side


@dataclass(frozen=True)
class ArchitectureLimits:
    """Defaults fit every zoo network (VGG19: 143.7 M parameters, 19.6 G mult-adds)."""

    max_layers: int = 64  # entries of cfg, blocks/widths (stages), channels, classifier
    max_blocks: int = 16  # BasicBlocks in one stage
    max_width: int = 4096  # channels of a conv, features of a hidden layer
    max_classes: int = 10_000
    max_input_size: int = 512  # px
    max_params: int = 150_000_000
    max_mult_adds: int = 25_000_000_000


def _fail(at: str, key: str, /, **values: object) -> InvalidArchitectureError:
    """The refusal naming the field `at`, its sentence the i18n text `key` filled with
    `values` (which may hold a `field` placeholder of their own)."""
    return InvalidArchitectureError(bilingual(key, **values), field=at)


def _check_list(field: str, values: list, limit: int) -> None:
    if not values:
        raise _fail(field, "arch.list_empty", field=field, what=bilingual("arch.what.entry"))
    if len(values) > limit:
        raise _fail(field, "arch.list_long", field=field, count=f"{len(values):,}", limit=limit)


def _check_widths(field: str, values: list, limits: ArchitectureLimits) -> None:
    for i, v in enumerate(values):
        if isinstance(v, int) and v > limits.max_width:
            at = f"{field}[{i}]"
            raise _fail(at, "arch.width", field=at, value=f"{v:,}", limit=f"{limits.max_width:,}")


def check_limits(spec: ArchitectureSpec, limits: ArchitectureLimits) -> None:
    """Lengths, widths, classes and size; InvalidArchitectureError naming the field."""
    main = MAIN_LIST[spec.family]
    _check_list(main, getattr(spec, main), limits.max_layers)
    if isinstance(spec, VGGSpec):
        _check_widths("cfg", spec.cfg, limits)
        if not any(v != "M" for v in spec.cfg):
            raise _fail("cfg", "arch.no_conv")
        if len(spec.classifier) > limits.max_layers:
            raise _fail(
                "classifier",
                "arch.list_long",
                field="classifier",
                count=f"{len(spec.classifier):,}",
                limit=limits.max_layers,
            )
        _check_widths("classifier", spec.classifier, limits)
    elif isinstance(spec, ResNetSpec):
        if len(spec.widths) != len(spec.blocks):
            raise _fail(
                "widths", "arch.stage_mismatch", widths=len(spec.widths), blocks=len(spec.blocks)
            )
        for i, n in enumerate(spec.blocks):
            if n > limits.max_blocks:
                at = f"blocks[{i}]"
                raise _fail(at, "arch.blocks", field=at, value=n, limit=limits.max_blocks)
        _check_widths("widths", spec.widths, limits)
    elif isinstance(spec, SimpleCNNSpec):
        _check_widths("channels", spec.channels, limits)
        _check_widths("hidden", [spec.hidden], limits)
    else:
        _check_alexnet(spec, limits)
    if spec.num_classes > limits.max_classes:
        raise _fail(
            "num_classes",
            "arch.classes",
            value=f"{spec.num_classes:,}",
            limit=f"{limits.max_classes:,}",
        )
    if spec.input_size > limits.max_input_size:
        raise _fail(
            "input_size", "arch.input_size", value=spec.input_size, limit=limits.max_input_size
        )


def _check_alexnet(spec: AlexNetSpec, limits: ArchitectureLimits) -> None:
    if len(spec.widths) != 5:
        raise _fail("widths", "arch.alexnet_widths", count=len(spec.widths))
    if len(spec.groups) != 3:
        raise _fail("groups", "arch.alexnet_groups", count=len(spec.groups))
    _check_widths("widths", spec.widths, limits)
    c1, c2, c3, c4, c5 = spec.widths
    grouped = (("conv2", c1, c2), ("conv4", c3, c4), ("conv5", c4, c5))
    for i, (conv, cin, cout) in enumerate(grouped):
        g = spec.groups[i]
        if cin % g or cout % g:
            at = f"groups[{i}]"
            raise _fail(at, "arch.groups_divide", field=at, conv=conv, cin=cin, cout=cout, groups=g)


def shapes_and_mult_adds(spec: ArchitectureSpec) -> tuple[tuple[int, int, int], int]:
    """(C, H, W) of the last feature map and the mult-adds of every conv and linear layer;
    InvalidArchitectureError naming the layer where the map is too small to go on."""
    if isinstance(spec, VGGSpec):
        return _vgg(spec)
    if isinstance(spec, ResNetSpec):
        return _resnet(spec)
    if isinstance(spec, SimpleCNNSpec):
        return _simplecnn(spec)
    return _alexnet(spec)


def _vgg(spec: VGGSpec) -> tuple[tuple[int, int, int], int]:
    side, c, macs = spec.input_size, spec.in_channels, 0
    for i, v in enumerate(spec.cfg):
        if v == "M":
            if side < 2:
                at = f"cfg[{i}]"
                raise _fail(at, "arch.pool_too_small", field=at, side=side, size=spec.input_size)
            side //= 2
        else:
            assert isinstance(v, int)
            macs += 9 * c * v * side * side
            c = v
    width = c * 7 * 7  # after the 7×7 adaptive pool
    for h in [*spec.classifier, spec.num_classes]:
        macs += width * h
        width = h
    return (c, side, side), macs


def _resnet(spec: ResNetSpec) -> tuple[tuple[int, int, int], int]:
    side, c = spec.input_size, spec.in_channels
    w0 = spec.widths[0]
    if spec.stem == "cifar":
        macs = 9 * c * w0 * side * side
    else:
        side = (side - 1) // 2 + 1  # 7×7, stride 2, padding 3
        macs = 49 * c * w0 * side * side
        side = (side - 1) // 2 + 1  # 3×3 max-pool, stride 2, padding 1
    c = w0
    for i, (blocks, w) in enumerate(zip(spec.blocks, spec.widths, strict=True)):
        stride = 1 if i == 0 else 2
        side = (side - 1) // stride + 1  # 3×3, padding 1: never below 1×1
        area = side * side
        macs += 9 * c * w * area + 9 * w * w * area
        if spec.skip and (stride != 1 or c != w):
            macs += c * w * area  # the 1×1 downsample on the shortcut
        macs += (blocks - 1) * 2 * 9 * w * w * area
        c = w
    macs += c * spec.num_classes
    return (c, side, side), macs


def _simplecnn(spec: SimpleCNNSpec) -> tuple[tuple[int, int, int], int]:
    side, c, macs = spec.input_size, spec.in_channels, 0
    for i, w in enumerate(spec.channels):
        macs += 9 * c * w * side * side
        if side < 2:
            at = f"channels[{i}]"
            raise _fail(at, "arch.stage_too_small", field=at, side=side, size=spec.input_size)
        side //= 2
        c = w
    macs += c * side * side * spec.hidden + spec.hidden * spec.num_classes
    return (c, side, side), macs


def alexnet_min_size() -> int:
    """Smallest input side whose maps survive AlexNet's conv1 and three 3×3 max-pools (63)."""
    size = 1
    while not _alexnet_fits(size):
        size += 1
    return size


def _alexnet_fits(size: int) -> bool:
    side = (size + 4 - 11) // 4 + 1 if size + 4 >= 11 else 0
    for _ in range(3):
        if side < 3:
            return False
        side = (side - 3) // 2 + 1
    return True


def _alexnet(spec: AlexNetSpec) -> tuple[tuple[int, int, int], int]:
    size = spec.input_size
    if not _alexnet_fits(size):
        raise _fail("input_size", "arch.alexnet_too_small", size=size, min=alexnet_min_size())
    c1, c2, c3, c4, c5 = spec.widths
    g2, g4, g5 = spec.groups
    s1 = (size + 4 - 11) // 4 + 1
    s2 = (s1 - 3) // 2 + 1
    s3 = (s2 - 3) // 2 + 1
    side = alexnet_feature_side(size)
    macs = 121 * spec.in_channels * c1 * s1 * s1
    macs += 25 * c1 * c2 * s2 * s2 // g2
    macs += 9 * (c2 * c3 + c3 * c4 // g4 + c4 * c5 // g5) * s3 * s3
    macs += c5 * side * side * 4096 + 4096 * 4096 + 4096 * spec.num_classes
    return (c5, side, side), macs


def check_mult_adds(spec: ArchitectureSpec, mult_adds: int, limits: ArchitectureLimits) -> None:
    if mult_adds > limits.max_mult_adds:
        raise _fail(
            MAIN_LIST[spec.family],
            "arch.mult_adds",
            macs=f"{mult_adds / 1e9:,.1f}",
            size=spec.input_size,
            limit=f"{limits.max_mult_adds / 1e9:,.1f}",
        )


def param_count(spec: ArchitectureSpec) -> int:
    """Parameters (weights and biases; BatchNorm's running statistics are buffers), by the
    layers' formulas: equal to the built model's count (tests check it against plain torch)
    and ~0.01 ms where building VGG16 on `meta` takes 15-25 ms, which would double a custom
    network's cold summary (bench/bench_custom.py)."""
    if isinstance(spec, VGGSpec):
        return _vgg_params(spec)
    if isinstance(spec, ResNetSpec):
        return _resnet_params(spec)
    if isinstance(spec, SimpleCNNSpec):
        return _simplecnn_params(spec)
    return _alexnet_params(spec)


def _linear(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def _vgg_params(spec: VGGSpec) -> int:
    c, total = spec.in_channels, 0
    for v in spec.cfg:
        if isinstance(v, int):
            total += 9 * c * v + v + (2 * v if spec.batch_norm else 0)
            c = v
    width = c * 7 * 7
    for h in [*spec.classifier, spec.num_classes]:
        total += _linear(width, h)
        width = h
    return total


def _resnet_params(spec: ResNetSpec) -> int:
    w0 = spec.widths[0]
    kernel = 9 if spec.stem == "cifar" else 49
    total, c = kernel * spec.in_channels * w0 + 2 * w0, w0  # conv1 (no bias) + bn1
    for i, (blocks, w) in enumerate(zip(spec.blocks, spec.widths, strict=True)):
        total += 9 * c * w + 9 * w * w + 4 * w  # first block: two convs, two BatchNorms
        if spec.skip and (i > 0 or c != w):
            total += c * w + 2 * w  # the 1×1 downsample and its BatchNorm
        total += (blocks - 1) * (18 * w * w + 4 * w)
        c = w
    return total + _linear(c, spec.num_classes)


def _simplecnn_params(spec: SimpleCNNSpec) -> int:
    (c, side, _), _ = _simplecnn(spec)
    total, cin = 0, spec.in_channels
    for w in spec.channels:
        total += 9 * cin * w + w
        cin = w
    return total + _linear(c * side * side, spec.hidden) + _linear(spec.hidden, spec.num_classes)


def _alexnet_params(spec: AlexNetSpec) -> int:
    c1, c2, c3, c4, c5 = spec.widths
    g2, g4, g5 = spec.groups
    side = alexnet_feature_side(spec.input_size)
    convs = 121 * spec.in_channels * c1 + 25 * c1 // g2 * c2 + 9 * c2 * c3
    convs += 9 * c3 // g4 * c4 + 9 * c4 // g5 * c5 + c1 + c2 + c3 + c4 + c5
    head = _linear(c5 * side * side, 4096) + _linear(4096, 4096) + _linear(4096, spec.num_classes)
    return convs + head


def check_params(spec: ArchitectureSpec, limits: ArchitectureLimits) -> int:
    """Parameters within the limit; returns the count."""
    params = param_count(spec)
    if params > limits.max_params:
        raise _fail(
            MAIN_LIST[spec.family],
            "arch.params",
            params=f"{params:,}",
            limit=f"{limits.max_params:,}",
        )
    return params
