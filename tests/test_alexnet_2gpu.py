"""alexnet_2gpu: the paper's grouped convolutions, counted by hand, beside the seed's AlexNet."""

from torch import nn

from backend.analysis.shapes import build_on_meta, param_count
from backend.analysis.summary import SummaryCaps, SummaryParams, summarize
from backend.zoo import get_spec

CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)


def conv(in_ch: int, out_ch: int, k: int, groups: int = 1) -> int:
    """Weights of a k×k convolution (each output channel sees in_ch / groups inputs) + biases."""
    return out_ch * (in_ch // groups) * k * k + out_ch


def linear(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


# Krizhevsky et al. 2012, fig. 2: conv2, conv4 and conv5 see only their own GPU's half.
HAND = {
    "features.0": conv(3, 96, 11),  # conv1: each GPU's 48 kernels see all of RGB
    "features.3": conv(96, 256, 5, groups=2),
    "features.6": conv(256, 384, 3),  # conv3: connected to both GPUs
    "features.8": conv(384, 384, 3, groups=2),
    "features.10": conv(384, 256, 3, groups=2),
    "classifier.1": linear(256 * 6 * 6, 4096),
    "classifier.4": linear(4096, 4096),
    "classifier.6": linear(4096, 1000),
}


def test_parameter_count_equals_the_hand_sum() -> None:
    assert HAND["features.3"] == 307_456 and HAND["features.8"] == 663_936
    model = build_on_meta(get_spec("alexnet_2gpu"))
    assert sum(p.numel() for p in model.parameters()) == sum(HAND.values()) == 60_965_224
    assert param_count("alexnet_2gpu") == 60_965_224


def test_summary_rows_carry_groups_for_two_columns() -> None:
    rows = summarize(
        get_spec("alexnet_2gpu"),
        SummaryParams(batch_size=1, height=224, width=224, num_classes=None),
        CAPS,
    ).layers
    convs = [r for r in rows if r.type == "Conv2d"]
    assert [r.hparams["groups"] for r in convs] == [1, 2, 1, 2, 2]
    by_name = {r.name: r for r in rows}
    assert {n: by_name[n].params for n in HAND} == HAND
    # Same shapes as the seed's single-column AlexNet: 224 → 55 → 27 → 13 → 6.
    sizes = [r.output_shape[-1] for r in rows if r.parent == "features" and r.type != "ReLU"]
    assert sizes == [55, 27, 27, 13, 13, 13, 13, 6]


def test_difference_from_the_seed_is_half_of_the_grouped_weights() -> None:
    seed = build_on_meta(get_spec("alexnet"))
    grouped = build_on_meta(get_spec("alexnet_2gpu"))
    saved = 0
    for index in (3, 8, 10):
        layer, twin = seed.features[index], grouped.features[index]
        assert isinstance(layer, nn.Conv2d) and (layer.groups, twin.groups) == (1, 2)
        assert layer.weight.numel() == 2 * twin.weight.numel()
        saved += layer.weight.numel() // 2
    assert param_count("alexnet") - param_count("alexnet_2gpu") == saved == 1_413_120


def test_registered_with_metadata() -> None:
    spec = get_spec("alexnet_2gpu")
    assert (spec.family, spec.dataset.name, spec.num_classes) == ("alexnet", "imagenet", 1000)
    assert spec.paper.year == 2012 and "groups=2" in spec.description["en"]
    assert "60,965,224" in spec.description["en"] and "그룹" in spec.description["ko"]
    model = build_on_meta(get_spec("alexnet_2gpu"), num_classes=7)
    assert model.classifier[6].out_features == 7
