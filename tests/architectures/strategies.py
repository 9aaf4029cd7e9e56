"""Hypothesis strategies: random valid specs of every family, small enough to build for real."""

from typing import Any

from hypothesis import strategies as st

WIDTHS = st.sampled_from([1, 3, 4, 8, 12, 16])
ACTIVATIONS = st.sampled_from(["relu", "sigmoid", "tanh"])
CLASSES = st.integers(min_value=1, max_value=12)
CHANNELS = st.sampled_from([1, 3])


@st.composite
def vgg_specs(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(min_value=4, max_value=40))
    cfg: list[int | str] = [draw(WIDTHS)]
    side = size
    for _ in range(draw(st.integers(min_value=0, max_value=7))):
        if side >= 2 and draw(st.booleans()):
            cfg.append("M")
            side //= 2
        else:
            cfg.append(draw(WIDTHS))
    if draw(st.booleans()) and side >= 2:
        cfg.insert(0, "M")  # a pool straight on the input is allowed
    return {
        "family": "vgg",
        "cfg": cfg,
        "batch_norm": draw(st.booleans()),
        "classifier": draw(st.lists(st.sampled_from([5, 8, 16]), max_size=3)),
        "num_classes": draw(CLASSES),
        "in_channels": draw(CHANNELS),
        "input_size": size,
        "activation": draw(ACTIVATIONS),
    }


@st.composite
def resnet_specs(draw: st.DrawFn) -> dict[str, Any]:
    stages = draw(st.integers(min_value=1, max_value=5))
    return {
        "family": "resnet",
        "blocks": draw(st.lists(st.integers(1, 3), min_size=stages, max_size=stages)),
        "widths": draw(st.lists(WIDTHS, min_size=stages, max_size=stages)),
        "stem": draw(st.sampled_from(["cifar", "imagenet"])),
        "skip": draw(st.booleans()),
        "num_classes": draw(CLASSES),
        "in_channels": draw(CHANNELS),
        "input_size": draw(st.integers(min_value=1, max_value=40)),
        "activation": draw(ACTIVATIONS),
    }


@st.composite
def simplecnn_specs(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(min_value=2, max_value=40))
    most = max(1, min(4, size.bit_length() - 1))  # every stage pools a map of at least 2×2
    return {
        "family": "simplecnn",
        "channels": draw(st.lists(WIDTHS, min_size=1, max_size=most)),
        "hidden": draw(st.sampled_from([4, 16, 32])),
        "num_classes": draw(CLASSES),
        "in_channels": draw(CHANNELS),
        "input_size": size,
        "activation": draw(ACTIVATIONS),
    }


@st.composite
def alexnet_specs(draw: st.DrawFn) -> dict[str, Any]:
    groups = draw(st.lists(st.sampled_from([1, 2, 4]), min_size=3, max_size=3))
    unit = 4  # widths multiples of 4 divide by every group count drawn
    return {
        "family": "alexnet",
        "widths": draw(st.lists(st.sampled_from([4, 8, 12]), min_size=5, max_size=5)),
        "groups": groups if unit % max(groups) == 0 else [1, 1, 1],
        "num_classes": draw(CLASSES),
        "in_channels": draw(CHANNELS),
        "input_size": draw(st.integers(min_value=63, max_value=120)),
        "activation": draw(ACTIVATIONS),
    }


ANY_SPEC = st.one_of(vgg_specs(), resnet_specs(), simplecnn_specs(), alexnet_specs())
