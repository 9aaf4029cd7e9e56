"""torchinfo rows turned into the summary JSON, checked against facts.md and the model itself."""

import pytest

from backend.analysis.summary import (
    SummaryCaps,
    SummaryParams,
    limit_depth,
    summarize,
)
from backend.analysis.summary_service import SummaryService
from backend.errors import InputSizeError, InvalidParameterError
from backend.zoo import get_spec

CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)
MULT_ADDS = {  # facts.md, torchinfo 1.8.0
    "simplecnn": 4_278_922,
    "alexnet": 1_135_915_368,
    "vgg16": 15_483_821_032,
    "resnet18": 555_432_330,
}


def default_summary(name: str, **overrides: int):
    spec = get_spec(name)
    _, h, w = spec.default_input_shape
    values = {"batch_size": 1, "height": h, "width": w, "num_classes": None} | overrides
    return summarize(spec, SummaryParams(**values), CAPS)


@pytest.mark.parametrize(("name", "mult_adds"), MULT_ADDS.items())
def test_totals_match_facts(name: str, mult_adds: int) -> None:
    summary = default_summary(name)
    assert summary.totals.mult_adds == mult_adds
    leaves = [r for r in summary.layers if r.is_leaf]
    assert sum(r.params for r in leaves) == summary.totals.params
    assert sum(r.mult_adds for r in leaves) == mult_adds


def test_simplecnn_rows_and_recursive_pool() -> None:
    rows = [r for r in default_summary("simplecnn").layers if not r.functional]
    assert [(r.name, r.output_shape, r.params) for r in rows] == [
        ("conv1", [1, 32, 28, 28], 320),
        ("pool", [1, 32, 14, 14], 0),
        ("conv2", [1, 64, 14, 14], 18_496),
        ("pool", [1, 64, 7, 7], 0),
        ("fc1", [1, 128], 401_536),
        ("fc2", [1, 10], 1_290),
    ]
    assert [r.recursive for r in rows] == [False, False, False, True, False, False]


def test_alexnet_stage_shapes() -> None:
    rows = default_summary("alexnet").layers
    sizes = [r.output_shape[-1] for r in rows if r.parent == "features" and r.type != "ReLU"]
    assert sizes == [55, 27, 27, 13, 13, 13, 13, 6]
    conv1 = rows[1]
    assert (conv1.name, conv1.parent, conv1.depth) == ("features.0", "features", 2)
    assert conv1.params == 34_944 and conv1.mult_adds == 105_705_600
    assert conv1.hparams["stride"] == [4, 4] and conv1.kernel_size == [11, 11]


def test_vgg16_classifier0_holds_74_percent() -> None:
    summary = default_summary("vgg16")
    row = next(r for r in summary.layers if r.name == "classifier.0")
    assert row.params == 102_764_544
    assert round(100 * row.params / summary.totals.params) == 74
    stages = [r.output_shape[-1] for r in summary.layers if r.type == "MaxPool2d"]
    assert stages == [112, 56, 28, 14, 7]


def test_resnet18_containers_nest_and_sum() -> None:
    summary = default_summary("resnet18")
    by_name = {r.name: r for r in summary.layers}
    block = by_name["layer2.0"]
    assert (block.type, block.parent, block.depth, block.is_leaf) == (
        "BasicBlock",
        "layer2",
        2,
        False,
    )
    children = [r for r in summary.layers if r.parent == "layer2.0" and not r.functional]
    assert [r.name for r in children if r.depth == 3] == [
        "layer2.0.conv1",
        "layer2.0.bn1",
        "layer2.0.conv2",
        "layer2.0.bn2",
        "layer2.0.downsample",
    ]
    assert block.params == sum(r.params for r in children if r.depth == 3)
    descendants = [r for r in summary.layers if r.name.startswith("layer2.0.")]
    assert block.mult_adds == sum(r.mult_adds for r in descendants if r.is_leaf)
    assert by_name["layer2.0.downsample.0"].hparams["kernel_size"] == [1, 1]
    assert [by_name[f"layer{i}"].output_shape for i in range(1, 5)] == [
        [1, 64, 32, 32],
        [1, 128, 16, 16],
        [1, 256, 8, 8],
        [1, 512, 4, 4],
    ]
    assert summary.depth == 4  # layer2.0.downsample.0


def test_limit_depth_keeps_totals() -> None:
    full = default_summary("resnet18")
    top = limit_depth(full, 1)
    assert {r.depth for r in top.layers} == {1}
    assert [r.name for r in top.layers if not r.functional] == [
        "conv1",
        "bn1",
        "relu",
        "layer1",
        "layer2",
        "layer3",
        "layer4",
        "avgpool",
        "fc",
    ]
    assert top.totals == full.totals


def test_batch_and_classes_follow_parameters() -> None:
    summary = default_summary("vgg16", batch_size=8, num_classes=5, height=64, width=96)
    assert summary.input_shape == [8, 3, 64, 96]
    assert summary.output_shape == [8, 5]
    assert summary.totals.params == 138_357_544 - 4096 * 995 - 995


def test_simplecnn_56_warns_about_batch_fold() -> None:
    summary = default_summary("simplecnn", height=56, width=56)
    assert summary.output_shape == [4, 10]
    assert len(summary.warnings) == 1
    assert "batch size 4" in summary.warnings[0] and "28–31 px" in summary.warnings[0]


def test_input_size_error_names_layer_and_range() -> None:
    with pytest.raises(InputSizeError) as info:
        default_summary("alexnet", height=200, width=200)
    assert info.value.extra["layer"] == "classifier.1"
    assert info.value.extra["valid_range"] == {"min": 223, "max": 254}
    assert "expects 9216 features but got 6400" in info.value.detail
    assert "223–254 px" in info.value.detail


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"height": 5000}, "height"),
        ({"batch_size": 2000}, "batch_size"),
        ({"num_classes": 10**6}, "num_classes"),
    ],
)
def test_caps(overrides: dict, field: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        default_summary("resnet18", **overrides)
    assert info.value.extra["field"] == field
    assert field in info.value.detail


def test_service_caches_per_parameter_set() -> None:
    service = SummaryService(CAPS, cache_size=2)
    spec = get_spec("alexnet")
    params = service.default_params(spec)
    first = service.get(spec, params)
    assert service.get(spec, params) is first
    for h in (230, 240):
        service.get(spec, params.model_copy(update={"height": h}))
    assert service.get(spec, params) is not first  # evicted: the cache holds 2 entries
