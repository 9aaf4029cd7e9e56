"""Spec -> nn.Module with the zoo's own classes (VGG/make_layers, ResNet/BasicBlock/PlainBlock,
SimpleCNN, AlexNet), and spec -> the registry's ModelSpec, so every /models/{name} route can
serve a custom network exactly as it serves a zoo one."""

from dataclasses import replace
from functools import partial

from torch import nn

from backend.architectures.specs import (
    AlexNetSpec,
    ArchitectureSpec,
    ResNetSpec,
    SimpleCNNSpec,
    VGGSpec,
)
from backend.i18n import bilingual
from backend.zoo.alexnet import AlexNet
from backend.zoo.catalog import ALEXNET, LENET, RESNET, VGG
from backend.zoo.datasets import CIFAR10, IMAGENET, MNIST, Dataset
from backend.zoo.registry import ModelSpec
from backend.zoo.resnet import BasicBlock, PlainBlock, ResNet
from backend.zoo.simple_cnn import SimpleCNN
from backend.zoo.vgg import VGG as VGGNet

TITLES = {"vgg": "VGG", "resnet": "ResNet", "simplecnn": "SimpleCNN", "alexnet": "AlexNet"}
PAPERS = {"vgg": VGG, "resnet": RESNET, "simplecnn": LENET, "alexnet": ALEXNET}


def build_module(spec: ArchitectureSpec, num_classes: int | None = None) -> nn.Module:
    """A fresh instance on the current default device (`torch.device("meta")`: no weights)."""
    classes = num_classes or spec.num_classes
    if isinstance(spec, VGGSpec):
        return VGGNet(
            num_classes=classes,
            cfg_list=spec.cfg,
            batch_norm=spec.batch_norm,
            in_channels=spec.in_channels,
            hidden=spec.classifier,
            activation=spec.activation,
        )
    if isinstance(spec, ResNetSpec):
        return ResNet(
            BasicBlock if spec.skip else PlainBlock,
            spec.blocks,
            classes,
            widths=spec.widths,
            stem=spec.stem,
            in_channels=spec.in_channels,
            activation=spec.activation,
        )
    if isinstance(spec, SimpleCNNSpec):
        return SimpleCNN(
            classes,
            channels=spec.channels,
            hidden=spec.hidden,
            in_channels=spec.in_channels,
            input_size=spec.input_size,
            activation=spec.activation,
        )
    assert isinstance(spec, AlexNetSpec)
    return AlexNet(
        classes,
        widths=spec.widths,
        groups=spec.groups,
        in_channels=spec.in_channels,
        input_size=spec.input_size,
        activation=spec.activation,
    )


def dataset_for(spec: ArchitectureSpec) -> Dataset:
    """The data a custom network takes: its preprocessing (grey digits for one channel, RGB
    resized for small inputs, ImageNet's resize-and-crop for large ones) at its own size, and
    that data set's labels when the class count matches (`class 7` otherwise)."""
    if spec.in_channels == 1:
        base = MNIST
    elif spec.input_size <= 64:
        base = CIFAR10
    else:
        base = IMAGENET
    shape = (spec.in_channels, spec.input_size, spec.input_size)
    return replace(base, input_shape=shape, num_classes=spec.num_classes)


def _title_and_text(spec: ArchitectureSpec) -> tuple[str, str, dict[str, object]]:
    """The title's few words, the description's key in backend/i18n and its values."""
    values: dict[str, object] = {
        "activation": spec.activation,
        "shape": f"{spec.in_channels}×{spec.input_size}×{spec.input_size}",
        "classes": spec.num_classes,
    }
    if isinstance(spec, VGGSpec):
        convs = sum(1 for v in spec.cfg if v != "M")
        pools = len(spec.cfg) - convs
        bn = ", BatchNorm" if spec.batch_norm else ""
        values.update(convs=convs, pools=pools, bn=bn)
        return f"{convs} conv, {pools} pool{bn}", "custom.vgg", values
    if isinstance(spec, ResNetSpec):
        blocks = "-".join(map(str, spec.blocks))
        values.update(blocks=blocks)
        if spec.skip:
            return f"{blocks} blocks", "custom.resnet", values
        return f"{blocks} blocks, no skip", "custom.resnet_plain", values
    if isinstance(spec, SimpleCNNSpec):
        values.update(stages=len(spec.channels))
        return f"{len(spec.channels)} conv stages", "custom.simplecnn", values
    widths = "-".join(map(str, spec.widths))
    values.update(widths=widths)
    return widths, "custom.alexnet", values


def model_spec(name: str, spec: ArchitectureSpec) -> ModelSpec:
    """The registry entry of a custom network (never registered: resolved from its name)."""
    what, key, values = _title_and_text(spec)
    return ModelSpec(
        name=name,
        title=f"Custom {TITLES[spec.family]} ({what})",
        family=spec.family,
        builder=partial(build_module, spec),
        dataset=dataset_for(spec),
        paper=PAPERS[spec.family],
        description=bilingual(key, **values),
        input_shape=(spec.in_channels, spec.input_size, spec.input_size),
    )
