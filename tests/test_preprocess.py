"""backend/serving/preprocess.py: each dataset's preprocessing, checked against MNIST itself and
against torchvision's own ImageNet transform."""

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.models import VGG16_Weights

from backend.serving.preprocess import mnist_digit, preprocess_for, to_preview
from backend.zoo.datasets import CIFAR10, IMAGENET, MNIST
from tests import helpers_images as h


def centre_of_mass(image: torch.Tensor) -> tuple[float, float]:
    rows, cols = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    mass = image.sum()
    return float((image * rows).sum() / mass), float((image * cols).sum() / mass)


def ink_box(image: torch.Tensor, threshold: float = 0.1) -> tuple[int, int]:
    rows = (image > threshold).any(dim=1).nonzero()[:, 0]
    cols = (image > threshold).any(dim=0).nonzero()[:, 0]
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


@pytest.mark.parametrize(
    ("dataset", "shape"),
    [(MNIST, (1, 28, 28)), (CIFAR10, (3, 32, 32)), (IMAGENET, (3, 224, 224))],
)
@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_every_dataset_gives_its_models_input_shape(dataset, shape, mode):
    image = Image.fromarray(h.canvas_style(h.digit(2), side=300)).resize((300, 170)).convert(mode)
    tensor = preprocess_for(dataset)(image)
    assert tuple(tensor.shape) == shape
    assert tensor.dtype == torch.float32


def test_mnist_digits_come_back_as_mnist_made_them():
    """MNIST's own held-out digits are already what the preprocessing makes: it must leave
    them (nearly) unchanged."""
    images, _ = h.heldout_digits()
    differences = [
        float((mnist_digit(Image.fromarray(img)) - torch.from_numpy(img) / 255.0).abs().mean())
        for img in images[::10]
    ]
    assert np.median(differences) < 1e-3
    assert np.mean(differences) < 0.01


def test_a_canvas_drawing_is_inverted_boxed_in_20px_and_centred_by_mass():
    original = h.digit(7)
    drawing = Image.fromarray(h.canvas_style(original, side=280))  # dark ink on white
    prepared = mnist_digit(drawing)
    assert prepared[0, 0] == 0 and prepared.max() > 0.9  # white on black
    assert max(ink_box(prepared)) in (19, 20, 21)
    cy, cx = centre_of_mass(prepared)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_light_and_dark_backgrounds_give_the_same_tensor():
    preprocess = preprocess_for(MNIST)
    for label in range(10):
        white_on_black = h.digit(label)
        a = preprocess(Image.fromarray(white_on_black))
        b = preprocess(Image.fromarray(255 - white_on_black))
        assert torch.allclose(a, b, atol=1e-5)


def test_position_and_paper_colour_do_not_matter():
    small = np.asarray(Image.fromarray(255 - h.digit(4)).resize((56, 56)))  # dark on white
    centred = np.full((250, 180), 255, np.uint8)
    centred[97:153, 62:118] = small
    in_a_corner = np.full((250, 180), 255, np.uint8)
    in_a_corner[10:66, 120:176] = small
    reference = mnist_digit(Image.fromarray(centred))
    assert torch.allclose(mnist_digit(Image.fromarray(in_a_corner)), reference, atol=1e-5)

    grey_paper = np.minimum(in_a_corner, 235)  # off-white paper: background, not ink
    on_paper = mnist_digit(Image.fromarray(grey_paper))
    assert on_paper[0, 0] == 0
    assert float((on_paper - reference).abs().mean()) < 0.05
    cy, cx = centre_of_mass(on_paper)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_a_blank_image_is_all_background():
    tensor = preprocess_for(MNIST)(Image.new("L", (50, 50), 255))
    background = (0.0 - MNIST.mean[0]) / MNIST.std[0]
    assert torch.allclose(tensor, torch.full((1, 28, 28), background))


def test_imagenet_matches_torchvision_own_transform():
    """Reference implementation: torchvision's VGG16 weights carry their preprocessing."""
    photo = Image.fromarray(np.asarray(h.canvas_style(h.digit(8), 400)))
    photo = Image.merge("RGB", [photo, photo.rotate(90), photo.rotate(45)]).resize((413, 307))
    ours = preprocess_for(IMAGENET)(photo)
    reference = VGG16_Weights.IMAGENET1K_V1.transforms()(photo)
    assert ours.shape == reference.shape == (3, 224, 224)
    assert torch.allclose(ours, reference, atol=1e-5)


def test_cifar_normalises_each_channel_with_cifar_statistics():
    tensor = preprocess_for(CIFAR10)(Image.new("RGB", (64, 48), (255, 128, 0)))
    expected = [
        (v / 255 - m) / s for v, m, s in zip((255, 128, 0), CIFAR10.mean, CIFAR10.std, strict=True)
    ]
    assert torch.allclose(tensor.mean(dim=(1, 2)), torch.tensor(expected), atol=1e-5)


@pytest.mark.parametrize(
    ("dataset", "size", "mode"), [(MNIST, (28, 28), "L"), (IMAGENET, (224, 224), "RGB")]
)
def test_previews_show_what_the_network_sees(dataset, size, mode):
    digit = h.digit(6)
    tensor = preprocess_for(dataset)(Image.fromarray(digit))
    preview = to_preview(tensor, dataset)
    assert preview.size == size and preview.mode == mode
    if dataset is MNIST:  # exactly the prepared digit, back in grey levels
        expected = (mnist_digit(Image.fromarray(digit)) * 255).round().numpy()
        assert np.abs(np.asarray(preview, np.float32) - expected).max() <= 1
