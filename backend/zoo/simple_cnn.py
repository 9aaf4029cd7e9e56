"""SimpleCNN: the seed's small MNIST network (two conv + pool stages, two linear layers).

The editor's variants change the number and widths of the conv stages (`conv1`, `conv2`, ...,
each 3×3 with padding 1 and followed by the one shared 2×2 max-pool), the hidden width, the
input and the activation; the defaults are the seed's network.
"""

from collections.abc import Sequence

from torch import Tensor, nn

from backend.zoo.activations import activation_function


class SimpleCNN(nn.Module):
    """Copied from the seed; only its OCR typos (`kernel size=3`) are fixed."""

    def __init__(
        self,
        num_classes: int = 10,
        *,
        channels: Sequence[int] = (32, 64),
        hidden: int = 128,
        in_channels: int = 1,
        input_size: int = 28,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        self.act = activation_function(activation)  # F.relu in the seed
        self.stages = len(channels)
        for i, width in enumerate(channels):  # conv1: 1 -> 32, conv2: 32 -> 64
            setattr(self, f"conv{i + 1}", nn.Conv2d(in_channels, width, kernel_size=3, padding=1))
            in_channels = width
        self.pool = nn.MaxPool2d(2, 2)  # called once per stage: torchinfo marks repeats recursive
        side = input_size
        for _ in channels:
            side //= 2  # 28 -> 14 -> 7
        self.flat_features = in_channels * side * side  # the seed's 64*7*7
        self.fc1 = nn.Linear(self.flat_features, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)  # 10개의 숫자 클래스

    def forward(self, x: Tensor) -> Tensor:
        for i in range(1, self.stages + 1):  # (B, 32, 14, 14), then (B, 64, 7, 7) for 28×28
            x = self.pool(self.act(getattr(self, f"conv{i}")(x)))
        # The seed's view(-1, ...) folds any extra spatial size into the batch dimension:
        # a 56×56 input becomes a batch of 4. The summary reports it as a warning.
        x = x.view(-1, self.flat_features)  # (B, 3136)
        x = self.act(self.fc1(x))
        x = self.fc2(x)
        return x


def simple_cnn(num_classes: int = 10) -> SimpleCNN:
    return SimpleCNN(num_classes=num_classes)
