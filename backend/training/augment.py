"""Training-time variety for MNIST digits, ending in the server's own preprocessing.

A user's digit reaches the network through `ink_on_dark` + `center_digit`, so every training
image goes through them too, after a random slant, rotation and stroke width. Recentring
undoes plain shifts and scale changes (the server always fits the digit to 20 px), so those are
left out; a one-pixel jitter afterwards stands in for the rounding in the recentring.
"""

import torch
import torch.nn.functional as F
from torch import Tensor
from torchvision.transforms import InterpolationMode
from torchvision.transforms.v2 import functional as TF

from backend.serving.preprocess import center_digit, ink_on_dark

MAX_ROTATION_DEG = 15.0
MAX_SHEAR_DEG = 12.0
STROKE_CHANGE_P = 0.25  # chance of a thicker stroke, and again of a thinner one
PAD = 6  # room around the 28×28 digit so rotations do not clip it


def _uniform(generator: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand((), generator=generator))


def augment_digit(digit: Tensor, generator: torch.Generator) -> Tensor:
    """(28, 28) uint8 MNIST digit -> (28, 28) float in [0, 1], as the server would prepare a
    randomly slanted, rotated, thicker or thinner version of it."""
    x = F.pad(digit.float()[None] / 255.0, (PAD, PAD, PAD, PAD))  # (1, 40, 40)
    x = TF.affine(
        x,
        angle=_uniform(generator, -MAX_ROTATION_DEG, MAX_ROTATION_DEG),
        translate=[0, 0],
        scale=1.0,
        shear=[
            _uniform(generator, -MAX_SHEAR_DEG, MAX_SHEAR_DEG),
            _uniform(generator, -MAX_SHEAR_DEG / 2, MAX_SHEAR_DEG / 2),
        ],
        interpolation=InterpolationMode.BILINEAR,
    )
    if float(torch.rand((), generator=generator)) < STROKE_CHANGE_P:
        x = F.max_pool2d(x[None], 3, stride=1, padding=1)[0] * 0.5 + x * 0.5  # thicker
    elif float(torch.rand((), generator=generator)) < STROKE_CHANGE_P:
        x = -F.max_pool2d(-x[None], 2, stride=1, padding=1)[0, :, 1:, 1:] * 0.5 + x * 0.5
    digit_28 = center_digit(ink_on_dark(x[0]))
    dy, dx = (int(v) - 1 for v in torch.randint(0, 3, (2,), generator=generator))
    return torch.roll(digit_28, shifts=(dy, dx), dims=(0, 1))
