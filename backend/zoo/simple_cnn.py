"""SimpleCNN: the seed's small MNIST network (two conv + pool stages, two linear layers)."""

import torch.nn.functional as F
from torch import Tensor, nn


class SimpleCNN(nn.Module):
    """Copied from the seed; only its OCR typos (`kernel size=3`) are fixed."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)  # called twice: torchinfo marks the second row recursive
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, num_classes)  # 10개의 숫자 클래스

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))  # (B, 32, 14, 14) for 28×28
        x = self.pool(F.relu(self.conv2(x)))  # (B, 64, 7, 7)
        # The seed's view(-1, ...) folds any extra spatial size into the batch dimension:
        # a 56×56 input becomes a batch of 4. The summary reports it as a warning.
        x = x.view(-1, 64 * 7 * 7)  # (B, 3136)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x


def simple_cnn(num_classes: int = 10) -> SimpleCNN:
    return SimpleCNN(num_classes=num_classes)
