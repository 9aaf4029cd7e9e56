"""Models side by side by stage: stage boundaries, sums, common input size and the reasons."""

from pathlib import Path

import pytest

from backend.analysis.compare import compare
from backend.analysis.summary import SummaryCaps
from backend.analysis.summary_service import SummaryService
from backend.errors import InvalidParameterError, UnknownModelError

CAPS = SummaryCaps(max_input_size=4096, max_batch_size=1024, max_num_classes=100_000)


@pytest.fixture(scope="module")
def summaries() -> SummaryService:
    return SummaryService(CAPS, cache_size=64)


def test_imagenet_models_and_resnet_share_224(summaries: SummaryService) -> None:
    result = compare(["alexnet", "vgg16", "resnet18"], None, summaries)
    assert result.common_size == 224 and result.note is None
    alexnet, vgg, resnet = result.models
    assert all(m.at_common_size and m.input_size == 224 for m in result.models)
    assert [(s.name, s.spatial, s.channels, s.depth) for s in alexnet.stages] == [
        ("stage1", [27, 27], 96, 1),
        ("stage2", [13, 13], 256, 1),
        ("stage3", [6, 6], 256, 3),
        ("head", None, 1000, 3),
    ]
    assert [(s.name, s.spatial, s.channels) for s in vgg.stages] == [
        ("stage1", [112, 112], 64),
        ("stage2", [56, 56], 128),
        ("stage3", [28, 28], 256),
        ("stage4", [14, 14], 512),
        ("stage5", [7, 7], 512),
        ("head", None, 1000),
    ]
    assert [s.name for s in resnet.stages] == [
        "stem",
        "layer1",
        "layer2",
        "layer3",
        "layer4",
        "head",
    ]
    assert [s.spatial for s in resnet.stages[1:5]] == [[224, 224], [112, 112], [56, 56], [28, 28]]
    # Depth in the papers' sense: AlexNet 8, VGG16 16, ResNet-18 18 (17 conv + 1 fc; the 1×1
    # downsample convolutions on the shortcuts are not counted).
    assert [m.depth for m in result.models] == [8, 16, 18]
    assert vgg.params == 138_357_544 and vgg.mult_adds == 15_483_821_032


@pytest.mark.parametrize(
    "names", [["simplecnn", "resnet18"], ["alexnet", "alexnet_2gpu"], ["resnet34", "plain34"]]
)
def test_stages_add_up_to_the_model(summaries: SummaryService, names: list[str]) -> None:
    for model in compare(names, None, summaries).models:
        assert sum(s.params for s in model.stages) == model.params
        assert sum(s.mult_adds for s in model.stages) == model.mult_adds
        first = model.stages[0].input_shape
        assert first == model.input_shape


def test_two_gpu_alexnet_beside_the_seed(summaries: SummaryService) -> None:
    seed, grouped = compare(["alexnet", "alexnet_2gpu"], None, summaries).models
    assert (seed.params, grouped.params) == (62_378_344, 60_965_224)
    # Grouping halves conv2's weights (stage2) and conv4/conv5's (stage3); the head is shared.
    assert seed.stages[1].params - grouped.stages[1].params == 256 * 48 * 25
    assert seed.stages[3].params == grouped.stages[3].params


def test_requested_size_with_reasons(summaries: SummaryService) -> None:
    result = compare(["alexnet", "resnet18"], 100, summaries)
    alexnet, resnet = result.models
    assert result.common_size == 100
    assert not alexnet.at_common_size and alexnet.input_size == 224
    assert alexnet.reason.startswith("classifier.1 (Linear) expects 9216 features but got 1024")
    assert "223–254 px" in alexnet.reason and alexnet.valid_range == {"min": 223, "max": 254}
    assert resnet.at_common_size and resnet.input_size == 100 and resnet.reason is None
    assert resnet.stages[-2].spatial == [13, 13]


def test_batch_folding_counts_as_not_accepted(summaries: SummaryService) -> None:
    simple, vgg = compare(["simplecnn", "vgg16"], 56, summaries).models
    assert not simple.at_common_size and simple.input_size == 28
    assert "batch size 4" in simple.reason
    assert vgg.at_common_size and vgg.stages[4].spatial == [1, 1]


def test_no_common_size_is_explained(summaries: SummaryService) -> None:
    result = compare(["simplecnn", "alexnet"], None, summaries)
    assert result.common_size is None
    assert result.note == (
        "No square input size suits every model (SimpleCNN: 28–31 px; AlexNet: 223–254 px); "
        "each model is shown at its own default size."
    )
    assert [m.input_size for m in result.models] == [28, 224]


def test_common_size_picks_one_all_accept(summaries: SummaryService) -> None:
    result = compare(["simplecnn", "resnet18"], None, summaries)
    assert result.common_size == 28  # ResNet's default 32 is beyond SimpleCNN's 28–31
    assert [s.name for s in result.models[0].stages] == ["stage1", "stage2", "head"]


def test_one_model_alone(summaries: SummaryService) -> None:
    (only,) = compare(["vgg16"], None, summaries).models
    assert only.input_size == 224 and only.at_common_size and len(only.stages) == 6


def test_the_seed_block_is_one_stage(summaries: SummaryService) -> None:
    block = compare(["basicblock", "resnet18"], None, summaries).models[0]
    assert [s.name for s in block.stages] == ["block"] and block.stages[0].depth == 2


def test_bad_requests(summaries: SummaryService) -> None:
    nine = ["vgg11", "vgg13", "vgg16", "vgg19", "alexnet", "simplecnn", "resnet18", "resnet34"]
    nine.append("plain18")
    with pytest.raises(InvalidParameterError, match=r"between 1 and 8 model names .*; got 9"):
        compare(nine, None, summaries)
    with pytest.raises(InvalidParameterError, match=r"between 1 and 8 model names .*; got 0"):
        compare([], None, summaries)
    with pytest.raises(InvalidParameterError, match="only once"):
        compare(["vgg16", "vgg16"], None, summaries)
    with pytest.raises(InvalidParameterError, match="size must be between 1 and 4096; got 5000"):
        compare(["vgg16", "resnet18"], 5000, summaries)
    with pytest.raises(UnknownModelError, match="Unknown model 'vgg17'"):
        compare(["vgg16", "vgg17"], None, summaries)


def test_own_sizes_on_request_and_upscaling_said_loudly(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from backend.config import get_settings
    from backend.main import create_app

    settings = get_settings().model_copy(update={"runs_dir": tmp_path})  # no runs/ in the repo
    with TestClient(create_app(settings)) as client:
        common = client.get("/compare", params={"models": "alexnet,vgg16,resnet18"}).json()
        own = client.get("/compare", params={"models": "alexnet,vgg16,resnet18", "sizes": "own"})
    assert own.status_code == 200
    body = own.json()
    assert body["common_size"] is None and body["note"] is None
    by_name = {m["name"]: m for m in body["models"]}
    assert by_name["resnet18"]["input_size"] == 32
    assert by_name["resnet18"]["mult_adds"] == 555_432_330
    assert not any(m["upscaled"] for m in body["models"])
    # The automatic common size puts CIFAR's ResNet-18 at 224 px: flagged, with both costs.
    scaled = {m["name"]: m for m in common["models"]}["resnet18"]
    assert scaled["input_size"] == 224 and scaled["upscaled"] is True
    assert scaled["mult_adds"] == 27_215_477_130
    assert scaled["upscale_warning"]["en"] == (
        "ResNet-18 (CIFAR) is made for CIFAR-10's 32×32 images; shown at 224 px it costs "
        "27.2 G mult-adds, 49× the 555.4 M it needs at its own size. No one runs it like this."
    )
    assert "555.4 M" in scaled["upscale_warning"]["ko"]
    assert not {m["name"]: m for m in common["models"]}["vgg16"]["upscaled"]
