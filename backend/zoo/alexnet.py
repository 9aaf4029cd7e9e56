"""AlexNet as the seed writes it: the paper's 96-256-384-384-256 widths, no adaptive pooling;
its two-GPU form; and torchvision's 64-channel variant, whose ImageNet weights are published.

Because the classifier takes exactly 256×6×6 features, only inputs whose last max-pool
yields 6×6 work (223–254 px); the summary API computes and reports that range.
"""

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from backend.zoo.activations import activation_module


def alexnet_feature_side(input_size: int) -> int:
    """Side of the last max-pool's output: 224 -> 55 -> 27 -> 13 -> 6."""
    side = (input_size + 2 * 2 - 11) // 4 + 1  # conv1, 11×11 stride 4 padding 2
    for _ in range(3):  # three 3×3 max-pools with stride 2 (the convs between keep the size)
        side = (side - 3) // 2 + 1
    return side


class AlexNet(nn.Module):
    def __init__(
        self,
        num_classes: int = 1000,
        *,
        widths: Sequence[int] = (96, 256, 384, 384, 256),  # conv1 ... conv5
        groups: Sequence[int] = (1, 1, 1),  # of conv2, conv4, conv5 (2: the two-GPU split)
        in_channels: int = 3,
        input_size: int = 224,  # the classifier takes exactly what this size leaves (6×6)
        activation: str = "relu",
    ) -> None:
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        g2, g4, g5 = groups
        act = activation_module
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, kernel_size=11, stride=4, padding=2),  # (224 -> 55)
            act(activation),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (55 -> 27)
            nn.Conv2d(c1, c2, kernel_size=5, padding=2, groups=g2),  # (27 -> 27)
            act(activation),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (27 -> 13)
            nn.Conv2d(c2, c3, kernel_size=3, padding=1),  # (13 -> 13)
            act(activation),
            nn.Conv2d(c3, c4, kernel_size=3, padding=1, groups=g4),  # (13 -> 13)
            act(activation),
            nn.Conv2d(c4, c5, kernel_size=3, padding=1, groups=g5),  # (13 -> 13)
            act(activation),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (13 -> 6)
        )
        side = alexnet_feature_side(input_size)
        self.classifier = nn.Sequential(
            nn.Dropout(),
            nn.Linear(c5 * side * side, 4096),  # 256 * 6 * 6 = 9216 features at 224 px
            act(activation),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            act(activation),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)  # (B, 256, 6, 6)
        x = torch.flatten(x, 1)  # batch size 제외하고 평탄화: (B, 9216)
        x = self.classifier(x)
        return x


def alexnet(num_classes: int = 1000) -> AlexNet:
    return AlexNet(num_classes=num_classes)


class AlexNet2GPU(AlexNet):
    """The paper's two-GPU AlexNet as one tower: grouped convolutions where the GPUs split.

    Krizhevsky et al. (2012), section 3.2 and figure 2: each GPU holds half of every layer's
    kernels; "the kernels of the second, fourth, and fifth convolutional layers are connected
    only to those kernel maps in the previous layer which reside on the same GPU", while the
    third convolutional layer and the fully connected layers take input from both GPUs.
    In one tower that is `groups=2` on conv2, conv4 and conv5 (each output channel sees half of
    the input channels). conv1 keeps `groups=1`: each GPU's 48 kernels read the whole RGB image,
    which is what a single 96-kernel convolution computes. The fully connected layers are split
    across GPUs too, but every neuron reads all inputs of the previous layer, so they equal the
    seed's dense layers. Like the seed, no local response normalisation.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        # Same positions and hyper-parameters as the seed's features; only `groups` differs.
        super().__init__(num_classes=num_classes, groups=(2, 2, 2))  # conv2, conv4, conv5


def alexnet_2gpu(num_classes: int = 1000) -> AlexNet2GPU:
    return AlexNet2GPU(num_classes=num_classes)


class AlexNetTorchvision(nn.Module):
    """The AlexNet torchvision publishes ImageNet weights for (alexnet-owt-7be5be79.pth).

    It follows Krizhevsky's "One weird trick" paper (2014), not the 2012 one: 64-192-384-256-256
    channels instead of 96-256-384-384-256, and an adaptive average pool to 6×6 before the
    classifier, so any input of at least 63 px works (the seed's takes 223–254 px). Module
    names and positions equal torchvision's, so its state dict loads as it is.
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),  # (224 -> 55)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (55 -> 27)
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (27 -> 13)
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (13 -> 6)
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))  # other sizes still give 256×6×6
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.5),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)
        x = self.avgpool(x)  # (B, 256, 6, 6)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def alexnet_torchvision(num_classes: int = 1000) -> AlexNetTorchvision:
    return AlexNetTorchvision(num_classes=num_classes)
