"""VGG from the seed: the architecture is the `cfg` list, `make_layers` turns it into modules.

The seed stops after `self.features = make_layers(...)`; the rest (7×7 adaptive pool and the
three-layer classifier) is completed the standard way, with torchvision's module layout so that
a torchvision `vgg16()` state dict loads with `strict=True`.
"""

from functools import partial

import torch
from torch import Tensor, nn

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


def make_layers(cfg_list: list[int | str]) -> nn.Sequential:
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg_list:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            assert isinstance(v, int)
            layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, vgg_name: str = "VGG16", num_classes: int = 1000) -> None:
        super().__init__()
        self.features = make_layers(cfg[vgg_name])
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),  # 102,764,544 parameters: 74 % of VGG16
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, num_classes),
        )

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
