"""ResNet for CIFAR-10 from the seed: residual `BasicBlock`s with an optional 1×1 downsample.

Also the seed's first, identity-only block (`IdentityBlock` here, `BasicBlock(in_channels)` in
the seed), which it uses to explain the skip connection before the full ResNet, and the
"plain" twins (`PlainBlock`, `plain18`, `plain34`): the same layers without the skip connection,
for the vanishing-gradient comparison; and the ImageNet ResNet-18 of the paper (`ImageNetResNet`,
`resnet18_imagenet`), whose published torchvision weights load into it as they are.
"""

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from backend.zoo.activations import activation_function, activation_module


class IdentityBlock(nn.Module):
    """The seed's standalone demo: same channels in and out, shortcut always the identity."""

    def __init__(self, in_channels: int = 64) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, in_channels, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv2 = nn.Conv2d(in_channels, in_channels, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(in_channels)

    def forward(self, x: Tensor) -> Tensor:
        identity = x  # Skip Connection 저장
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity  # Skip Connection 더하기
        return F.relu(out)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        self.act = activation_function(activation)  # F.relu in the seed; a function, no weights
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(
            out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False
        )
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)  # 1×1 conv, stride 2: match the main path's shape
        out += identity
        return self.act(out)


class PlainBlock(BasicBlock):
    """BasicBlock's twin without the skip connection: the same two convolutions, nothing added.

    He et al. (2015) compare such "plain" networks with ResNets of the same depth. There is no
    shortcut, so no 1×1 downsample either: `_make_layer` may offer one, and it is dropped.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        activation: str = "relu",
    ) -> None:
        super().__init__(in_channels, out_channels, stride, downsample=None, activation=activation)

    def forward(self, x: Tensor) -> Tensor:
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.act(out)  # no "out += identity": nothing carries the input past the block


class ResNet(nn.Module):
    def __init__(
        self,
        block: type[BasicBlock],
        layers: Sequence[int],
        num_classes: int = 10,
        *,
        widths: Sequence[int] = (64, 128, 256, 512),  # one per stage; the stem has widths[0]
        stem: str = "cifar",  # or "imagenet": 7×7 conv, stride 2, then a 3×3 max-pool
        in_channels: int = 3,
        activation: str = "relu",
    ) -> None:
        super().__init__()  # CIFAR10 기준
        self.activation = activation
        self.in_channels = widths[0]
        if stem == "cifar":  # 3×3 conv, stride 1, no max-pool (32x32 -> 32x32)
            self.conv1 = nn.Conv2d(
                in_channels, widths[0], kernel_size=3, stride=1, padding=1, bias=False
            )
        else:  # He et al.'s ImageNet stem (224 -> 112 -> 56), torchvision's names
            self.conv1 = nn.Conv2d(
                in_channels, widths[0], kernel_size=7, stride=2, padding=3, bias=False
            )
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = activation_module(activation)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1) if stem == "imagenet" else None
        self.stages = len(layers)
        for i, (width, blocks) in enumerate(zip(widths, layers, strict=True)):
            # layer1 keeps the resolution; every later stage halves it in its first block
            stage = self._make_layer(block, width, blocks, stride=1 if i == 0 else 2)
            setattr(self, f"layer{i + 1}", stage)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))  # 1x1로 축소
        self.fc = nn.Linear(widths[-1] * block.expansion, num_classes)

    def _make_layer(
        self, block: type[BasicBlock], out_channels: int, blocks: int, stride: int
    ) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.in_channels != out_channels * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(
                    self.in_channels,
                    out_channels * block.expansion,
                    kernel_size=1,
                    stride=stride,
                    bias=False,
                ),
                nn.BatchNorm2d(out_channels * block.expansion),
            )
        layers = [block(self.in_channels, out_channels, stride, downsample, self.activation)]
        self.in_channels = out_channels * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.in_channels, out_channels, activation=self.activation))
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.bn1(self.conv1(x)))  # (B, 64, 32, 32)
        if self.maxpool is not None:
            x = self.maxpool(x)
        for i in range(1, self.stages + 1):  # ResNet-18: (B, 64, 32, 32) ... (B, 512, 4, 4)
            x = getattr(self, f"layer{i}")(x)
        x = self.avgpool(x)  # (B, 512, 1, 1)
        x = torch.flatten(x, 1)
        x = self.fc(x)
        return x


def resnet18(num_classes: int = 10) -> ResNet:
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)


def resnet34(num_classes: int = 10) -> ResNet:
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes)


def plain18(num_classes: int = 10) -> ResNet:
    """ResNet-18's layers with every skip connection removed."""
    return ResNet(PlainBlock, [2, 2, 2, 2], num_classes=num_classes)


def plain34(num_classes: int = 10) -> ResNet:
    """ResNet-34's layers with every skip connection removed."""
    return ResNet(PlainBlock, [3, 4, 6, 3], num_classes=num_classes)


class ImageNetResNet(ResNet):
    """The paper's ImageNet ResNet: the same residual stages after a 7×7, stride-2 convolution
    and a 3×3, stride-2 max-pool (224 -> 112 -> 56), as in He et al. (2015), table 1.

    Module names equal torchvision's `resnet18`, so its published ImageNet state dict
    (resnet18-f37072fd.pth) loads as it is. The CIFAR stem keeps 32×32 images at full
    resolution; this one divides the side by 4 before layer1, so layer4 sees 7×7 at 224 px.
    """

    def __init__(self, block: type[BasicBlock], layers: list[int], num_classes: int = 1000) -> None:
        # ImageNet stem: 7×7 conv, stride 2, then a max-pool (224 -> 112 -> 56)
        super().__init__(block, layers, num_classes=num_classes, stem="imagenet")


def resnet18_imagenet(num_classes: int = 1000) -> ImageNetResNet:
    return ImageNetResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)
