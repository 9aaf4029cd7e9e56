"""Receptive fields: analytic values against torchscan's and a backpropagation measurement."""

import pytest

from backend.analysis.receptive_field import LayerField, model_fields, unit_region
from backend.analysis.shapes import build_on_meta
from backend.analysis.summary import SummaryCaps, SummaryParams, summarize
from backend.zoo import get_spec, model_names
from tests.empirical_field import measure_field

CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)


def layer(name: str, size: int, entry: str) -> LayerField:
    matches = [e for e in model_fields(name, size, size).layers if e.name == entry]
    assert len(matches) == 1, entry
    return matches[0]


def side(entry: LayerField) -> tuple[float, float, float]:
    assert entry.field is not None and entry.field.spatial is not None
    h, w = entry.field.spatial
    assert h == w  # square kernels everywhere in the zoo
    return h.size, h.jump, h.start


def test_alexnet_and_vgg16_match_torchscan_at_the_end_of_features() -> None:
    # facts.md: torchscan reports 195 (AlexNet) and 212 (VGG16) after the last max-pool.
    assert side(layer("alexnet", 224, "features")) == (195, 32, 31)
    assert side(layer("alexnet_2gpu", 224, "features"))[0] == 195  # groups change no window
    assert side(layer("vgg16", 224, "features")) == (212, 32, 15.5)
    assert side(layer("vgg16", 224, "features.30"))[0] == 212  # the last max-pool itself
    assert side(layer("vgg16", 224, "features.28"))[0] == 196  # VGG16's last conv alone


def test_alexnet_grows_layer_by_layer() -> None:
    features = [
        e for e in model_fields("alexnet", 224, 224).layers if e.name.startswith("features.")
    ]
    assert [side(e)[:2] for e in features if e.type != "ReLU"] == [
        (11, 4),  # conv1 11×11 stride 4
        (19, 8),  # max-pool 3×3 stride 2: + 2·4
        (51, 8),  # conv2 5×5: + 4·8
        (67, 16),
        (99, 16),  # conv3–5, 3×3: + 2·16 each
        (131, 16),
        (163, 16),
        (195, 32),
    ]


def test_simplecnn_and_the_pool_called_twice() -> None:
    entries = model_fields("simplecnn", 28, 28).layers
    assert [(e.name, e.field.spatial[0].size if e.field.spatial else None) for e in entries] == [
        ("conv1", 3),
        ("pool", 4),
        ("conv2", 8),
        ("pool", 10),
        ("fc1", None),  # Linear after the flatten: every output sees the whole input
        ("fc2", None),
    ]


def test_resnet_block_is_the_larger_of_its_paths() -> None:
    block = layer("resnet18", 32, "layer2.0")
    assert side(block) == (17, 2, 0)
    (main_src, main), (short_src, short) = block.paths
    assert (main_src, short_src) == ("layer2.0.bn2", "layer2.0.downsample")
    assert (main.spatial[0].size, short.spatial[0].size) == (17, 11)  # type: ignore[index]
    identity = layer("resnet18", 32, "layer2.1")
    assert [(src, f.spatial[0].size) for src, f in identity.paths] == [  # type: ignore[index]
        ("layer2.1.bn2", 25),
        ("layer2.0", 17),
    ]
    assert side(layer("resnet18", 32, "layer4"))[0] == 109
    assert layer("resnet18", 32, "avgpool").field.is_global  # type: ignore[union-attr]
    # The plain twin has the same fields but no paths: nothing is added.
    assert side(layer("plain18", 32, "layer4"))[0] == 109
    assert layer("plain18", 32, "layer2.0").paths == []


def test_the_seed_basicblock_adds_its_input_at_the_root() -> None:
    trace = model_fields("basicblock", 32, 32)
    assert [src for src, _ in trace.output.paths] == ["bn2", "input"]
    assert trace.output.field.spatial[0].size == 5  # type: ignore[union-attr]


@pytest.mark.parametrize("name", model_names())
def test_one_entry_per_summary_row(name: str) -> None:
    spec = get_spec(name)
    _, h, w = spec.default_input_shape
    summary = summarize(
        spec, SummaryParams(batch_size=1, height=h, width=w, num_classes=None), CAPS
    )
    rows = [r for r in summary.layers if not r.functional]  # module rows: one entry each
    trace = model_fields(name, h, w)
    assert [(e.name, e.type) for e in trace.layers] == [(r.name, r.type) for r in rows]
    assert [list(e.output_shape) for e in trace.layers] == [r.output_shape for r in rows]
    assert trace.notes == []  # every operation in the zoo is one the tracer knows


def measured_against_analytic(name: str, size: int, entry: str) -> tuple[int, int]:
    spec = get_spec(name)
    measured = measure_field(
        build_on_meta(spec), (1, spec.default_input_shape[0], size, size), entry
    )
    assert measured.dense  # no holes: the whole window influences the unit
    analytic = layer(name, size, entry)
    assert measured.output_shape == analytic.output_shape
    assert measured.region == unit_region(analytic.field, measured.unit, size, size)  # type: ignore[arg-type]
    top, left, bottom, right = measured.region
    return bottom - top + 1, right - left + 1


def test_vgg16_measured_by_backpropagation() -> None:
    # Centre unit of the 7×7 output at 224 px: its 212 px field fits inside the image.
    assert measured_against_analytic("vgg16", 224, "features") == (212, 212)


def test_resnet18_measured_by_backpropagation() -> None:
    # layer4 at 112 px: the centre unit's 109 px field fits; layer2.0 checks the shortcut union.
    assert measured_against_analytic("resnet18", 112, "layer4") == (109, 109)
    assert measured_against_analytic("resnet18", 32, "layer2.0") == (17, 17)


def test_alexnet_measured_by_backpropagation() -> None:
    # At 254 px (its largest input) the centre unit's 195 px field fits: rows 30–224.
    assert measured_against_analytic("alexnet", 254, "features") == (195, 195)


def test_vgg16_avgpool_at_256_px_is_where_backpropagation_finds_it() -> None:
    # At 256 px VGG16's features end at 8×8 and the adaptive pool makes 7×7 from 2-wide
    # windows one step apart. Served before: [4, 4, 246, 246] (the window's first unit's
    # centre); measured: [6, 6, 249, 249], which is what the analytic field now says.
    assert measured_against_analytic("vgg16", 256, "avgpool") == (244, 244)
    entry = layer("vgg16", 256, "avgpool")
    assert entry.field is not None and entry.field.exact
    assert unit_region(entry.field, (3, 3), 256, 256) == (6, 6, 249, 249)
