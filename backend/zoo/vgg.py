"""VGG from the seed: the architecture is the `cfg` list, `make_layers` turns it into modules.

The seed stops after `self.features = make_layers(...)`; the rest (7×7 adaptive pool and the
three-layer classifier) is completed the standard way, with torchvision's module layout so that
a torchvision `vgg16()` state dict loads with `strict=True`.
"""

from collections.abc import Sequence
from functools import partial

import torch
from torch import Tensor, nn

from backend.zoo.activations import activation_module

# Numbers are conv output channels (3×3, padding 1); 'M' is a 2×2 max-pool with stride 2.
# VGG16 is the seed's; VGG11/13/19 are the paper's configurations A, B and E.
# One configuration per line, as in torchvision (the formatter would put one number per line).
# fmt: off
cfg: dict[str, list[int | str]] = {
    "VGG11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "VGG13": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "VGG16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],  # noqa: E501
    "VGG19": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],  # noqa: E501
}
# fmt: on


def make_layers(
    cfg_list: Sequence[int | str],
    batch_norm: bool = False,
    in_channels: int = 3,
    activation: str = "relu",
) -> nn.Sequential:
    layers: list[nn.Module] = []
    for v in cfg_list:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            assert isinstance(v, int)
            conv = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:  # the VGG-BN variant (torchvision's vgg16_bn): conv, BN, activation
                layers += [conv, nn.BatchNorm2d(v), activation_module(activation)]
            else:
                layers += [conv, activation_module(activation)]
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(
        self,
        vgg_name: str = "VGG16",
        num_classes: int = 1000,
        *,
        cfg_list: Sequence[int | str] | None = None,  # instead of a named cfg (the editor's)
        batch_norm: bool = False,
        in_channels: int = 3,
        hidden: Sequence[int] = (4096, 4096),  # the classifier's hidden widths
        activation: str = "relu",
    ) -> None:
        super().__init__()
        layout = list(cfg[vgg_name] if cfg_list is None else cfg_list)
        self.features = make_layers(layout, batch_norm, in_channels, activation)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        last_width = [v for v in layout if v != "M"][-1]
        assert isinstance(last_width, int)
        classifier: list[nn.Module] = []
        width = last_width * 7 * 7  # VGG16: 512 * 7 * 7 = 25088
        for h in hidden:  # VGG16's first: 102,764,544 parameters, 74 % of the network
            classifier += [nn.Linear(width, h), activation_module(activation), nn.Dropout()]
            width = h
        classifier.append(nn.Linear(width, num_classes))
        self.classifier = nn.Sequential(*classifier)

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)  # (B, 512, H/32, W/32)
        x = self.avgpool(x)  # (B, 512, 7, 7)
        x = torch.flatten(x, 1)  # (B, 25088)
        x = self.classifier(x)
        return x


def vgg(vgg_name: str, num_classes: int = 1000) -> VGG:
    return VGG(vgg_name=vgg_name, num_classes=num_classes)


vgg11 = partial(vgg, "VGG11")
vgg13 = partial(vgg, "VGG13")
vgg16 = partial(vgg, "VGG16")
vgg19 = partial(vgg, "VGG19")
