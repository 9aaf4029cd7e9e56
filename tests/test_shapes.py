"""Failing-layer detection and the computed range of accepted input sizes."""

import pytest

from backend.analysis.shapes import build_on_meta, explain_failure, probe, valid_square_sizes
from backend.zoo import get_spec


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("simplecnn", 28, 31),  # 32 px pools to 8×8: 4096 values do not view as (-1, 3136)
        ("alexnet", 223, 254),
        ("vgg16", 32, None),
        ("resnet18", 1, None),
    ],
)
def test_valid_square_sizes(name: str, low: int, high: int | None) -> None:
    sizes = valid_square_sizes(name, None, 4096)
    assert (sizes.min, sizes.max) == (low, high)


def test_valid_range_brackets_are_tight() -> None:
    model = build_on_meta(get_spec("alexnet"))
    for size, works in ((222, False), (223, True), (254, True), (255, False)):
        assert (probe(model, (1, 3, size, size)).output_shape is not None) is works, size


def test_alexnet_200_fails_at_classifier_1() -> None:
    model = build_on_meta(get_spec("alexnet"))
    result = probe(model, (1, 3, 200, 200))
    assert result.output_shape is None
    assert (result.failing_layer, result.failing_type) == ("classifier.1", "Linear")
    assert result.failing_input_shape == (1, 6400)  # 256 × 5 × 5
    assert explain_failure(model, result) == (
        "classifier.1 (Linear) expects 9216 features but got 6400"
    )


def test_tiny_input_fails_at_a_pooling_layer() -> None:
    model = build_on_meta(get_spec("vgg16"))
    result = probe(model, (1, 3, 16, 16))
    assert result.failing_type == "MaxPool2d"
    assert "cannot pool a 1×1 map" in explain_failure(model, result)


def test_simplecnn_view_failure_is_in_forward() -> None:
    model = build_on_meta(get_spec("simplecnn"))
    result = probe(model, (1, 1, 40, 40))
    assert result.failing_layer == ""
    assert result.last_completed_layer == "pool"
    assert "invalid for input of size 6400" in explain_failure(model, result)


def test_probe_reports_output_shape() -> None:
    model = build_on_meta(get_spec("simplecnn"))
    assert probe(model, (1, 1, 56, 56)).output_shape == (4, 10)  # the batch fold
