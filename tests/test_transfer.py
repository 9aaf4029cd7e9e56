"""Transfer learning view: freeze the feature extractor, new head; totals add up."""

import pytest
from fastapi.testclient import TestClient

from backend.analysis.shapes import build_on_meta
from backend.analysis.summary import SummaryCaps, SummaryParams, summarize
from backend.analysis.transfer import feature_extractor, resolve_freeze
from backend.errors import InvalidParameterError, NotAClassifierError
from backend.zoo import get_spec

CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)


def frozen_summary(name: str, freeze: list[str], num_classes: int | None = None):
    spec = get_spec(name)
    _, h, w = spec.default_input_shape
    params = SummaryParams(
        batch_size=1,
        height=h,
        width=w,
        num_classes=num_classes,
        freeze=resolve_freeze(spec, freeze),
    )
    return summarize(spec, params, CAPS)


def test_feature_extractors_per_family() -> None:
    assert feature_extractor(get_spec("vgg16")) == ("features", "avgpool")
    assert feature_extractor(get_spec("alexnet")) == ("features",)
    assert feature_extractor(get_spec("resnet18")) == (
        "conv1",
        "bn1",
        "relu",
        "layer1",
        "layer2",
        "layer3",
        "layer4",
        "avgpool",
    )
    assert feature_extractor(get_spec("simplecnn")) == ("conv1", "conv2", "pool")


@pytest.mark.parametrize(
    ("name", "num_classes"),
    [("vgg16", 10), ("alexnet", 2), ("resnet18", 100), ("simplecnn", None), ("alexnet_2gpu", 5)],
)
def test_frozen_and_trainable_add_up_to_the_model(name: str, num_classes: int | None) -> None:
    summary = frozen_summary(name, ["feature_extractor"], num_classes)
    model = build_on_meta(get_spec(name), num_classes)
    totals = summary.totals
    assert totals.params == sum(p.numel() for p in model.parameters())
    assert totals.trainable_params + totals.frozen_params == totals.params
    leaves = [r for r in summary.layers if r.is_leaf]
    assert sum(r.params for r in leaves if not r.trainable) == totals.frozen_params
    assert sum(r.params for r in leaves if r.trainable) == totals.trainable_params
    # Frozen rows have no trainable parameters; trainable rows have all theirs.
    assert all(r.trainable_params == 0 for r in leaves if not r.trainable)
    assert all(r.trainable_params == r.params for r in leaves if r.trainable)


def test_vgg16_new_head_for_ten_classes() -> None:
    summary = frozen_summary("vgg16", ["feature_extractor"], 10)
    assert summary.frozen == ["features", "avgpool"]
    # features hold 14,714,688 parameters; the new classifier 102,764,544 + 16,781,312 + 40,970.
    assert summary.totals.frozen_params == 14_714_688
    assert summary.totals.trainable_params == 102_764_544 + 16_781_312 + 4096 * 10 + 10
    top = {r.name: r.trainable for r in summary.layers if r.depth == 1 and not r.functional}
    assert top == {"features": False, "avgpool": False, "classifier": True}
    assert summary.output_shape == [1, 10]


def test_without_freeze_everything_trains() -> None:
    summary = frozen_summary("resnet18", [])
    assert summary.totals.frozen_params == 0 and summary.frozen == []
    assert all(r.trainable for r in summary.layers)


def test_freeze_names_are_checked() -> None:
    with pytest.raises(InvalidParameterError, match=r"'bogus' is not one\. Choose from features"):
        resolve_freeze(get_spec("vgg16"), ["bogus"])
    with pytest.raises(NotAClassifierError, match="name its modules to freeze instead: conv1"):
        resolve_freeze(get_spec("basicblock"), ["feature_extractor"])
    assert resolve_freeze(get_spec("vgg16"), ["classifier", " features", ""]) == (
        "features",
        "classifier",
    )
    assert resolve_freeze(get_spec("basicblock"), ["conv1"]) == ("conv1",)


def test_summary_endpoint_takes_freeze(client: TestClient) -> None:
    body = client.get("/models/vgg16/summary?num_classes=10&freeze=feature_extractor").json()
    assert body["frozen"] == ["features", "avgpool"]
    assert body["totals"]["frozen_params"] == 14_714_688
    assert body["totals"]["trainable_params"] + 14_714_688 == body["totals"]["params"]
    top = [r for r in body["layers"] if r["depth"] == 1 and not r["functional"]]
    assert {r["name"]: r["trainable"] for r in top} == {
        "features": False,
        "avgpool": False,
        "classifier": True,
    }
    bad = client.get("/models/resnet18/summary?freeze=features")
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("freeze names top-level modules of resnet18")
    assert "layer4" in bad.json()["valid"]
