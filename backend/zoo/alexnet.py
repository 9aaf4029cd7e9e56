"""AlexNet as the seed writes it: the paper's 96-256-384-384-256 widths, no adaptive pooling.

Because the classifier takes exactly 256×6×6 features, only inputs whose last max-pool
yields 6×6 work (223–254 px); the summary API computes and reports that range.
"""

import torch
from torch import Tensor, nn


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=2),  # (224 -> 55)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (55 -> 27)
            nn.Conv2d(96, 256, kernel_size=5, padding=2),  # (27 -> 27)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (27 -> 13)
            nn.Conv2d(256, 384, kernel_size=3, padding=1),  # (13 -> 13)
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1),  # (13 -> 13)
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),  # (13 -> 13)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (13 -> 6)
        )
        self.classifier = nn.Sequential(
            nn.Dropout(),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.features(x)  # (B, 256, 6, 6)
        x = torch.flatten(x, 1)  # batch size 제외하고 평탄화: (B, 9216)
        x = self.classifier(x)
        return x


def alexnet(num_classes: int = 1000) -> AlexNet:
    return AlexNet(num_classes=num_classes)
