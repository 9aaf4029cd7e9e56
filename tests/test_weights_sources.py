"""The published sources against torchvision's own weight metadata (offline), the two reference
models against torchvision's builders, and the preprocessing those weights were trained with."""

import json

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from torchvision import models as tv

from backend.analysis.shapes import build_on_meta, param_count
from backend.serving.preprocess import preprocess_for
from backend.serving.weights import expected_shapes, mismatch
from backend.weights.sources import MIB, PUBLISHED, TORCHVISION_BASE_URL, load_manifest
from backend.zoo import get_spec

TORCHVISION_NAMES = {
    **{f"vgg{d}": f"vgg{d}" for d in (11, 13, 16, 19)},
    "alexnet_torchvision": "alexnet",
    "resnet18_imagenet": "resnet18",
}
TORCHVISION_BUILDERS = {
    "alexnet_torchvision": (tv.alexnet, 61_100_840),
    "resnet18_imagenet": (tv.resnet18, 11_689_512),
}


def enum_of(model: str) -> tv.WeightsEnum:
    enum_name, member = PUBLISHED[model].torchvision_weights.split(".")
    return getattr(getattr(tv, enum_name), member)


@pytest.mark.parametrize("model", sorted(PUBLISHED))
def test_each_source_is_torchvisions_published_file(model):
    source, weights = PUBLISHED[model], enum_of(model)
    assert source.url(TORCHVISION_BASE_URL) == weights.url
    assert abs(source.size_bytes / MIB - weights.meta["_file_size"]) < 0.001
    assert weights.meta["num_params"] == param_count(model)
    assert len(source.sha256_prefix) == 8 and source.sha256_prefix in source.file_name
    # torchvision's builder for those weights, and the zoo's model takes its state dict as is.
    builder_name = TORCHVISION_NAMES[model]
    assert tv.get_model_weights(builder_name) is type(weights)
    with torch.device("meta"):
        theirs = tv.get_model_builder(builder_name)(weights=None).state_dict()
    assert mismatch(expected_shapes(get_spec(model)), theirs) is None


def test_the_sizes_people_read():
    labels = {m: s.size_label for m, s in PUBLISHED.items()}
    assert labels == {
        "vgg11": "507 MB",
        "vgg13": "508 MB",
        "vgg16": "528 MB",
        "vgg19": "548 MB",
        "alexnet_torchvision": "233 MB",
        "resnet18_imagenet": "45 MB",
    }


@pytest.mark.parametrize("model", sorted(TORCHVISION_BUILDERS))
def test_reference_models_equal_torchvisions_keys_shapes_and_counts(model):
    builder, params = TORCHVISION_BUILDERS[model]
    ours = build_on_meta(get_spec(model))
    with torch.device("meta"):
        theirs = builder(weights=None)
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [
        (k, v.shape) for k, v in theirs.state_dict().items()
    ]
    assert sum(p.numel() for p in ours.parameters()) == params
    assert sum(p.numel() for p in theirs.parameters()) == params
    assert ours.load_state_dict(theirs.state_dict(), strict=True, assign=True)
    assert "torchvision" not in type(ours).__module__  # built here, in the seed's style


@pytest.mark.parametrize("model", sorted(TORCHVISION_BUILDERS))
def test_reference_models_compute_what_torchvision_computes(model):
    builder, _ = TORCHVISION_BUILDERS[model]
    torch.manual_seed(0)
    theirs = builder(weights=None).eval()
    ours = get_spec(model).build()
    ours.load_state_dict(theirs.state_dict(), strict=True)
    ours.eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.inference_mode():
        assert torch.allclose(ours(x), theirs(x), atol=1e-5)


def test_the_descriptions_say_how_each_differs_from_the_seeds_version():
    alexnet = get_spec("alexnet_torchvision").description
    assert "64-192-384-256-256" in alexnet["en"] and "96-256-384-384-256" in alexnet["en"]
    assert "61,100,840" in alexnet["ko"] and "62,378,344" in alexnet["ko"]
    resnet = get_spec("resnet18_imagenet").description
    assert "7×7" in resnet["en"] and "max-pool" in resnet["en"] and "11,173,962" in resnet["en"]
    assert "7×7" in resnet["ko"] and "11,689,512" in resnet["ko"]


@pytest.mark.parametrize("model", sorted(PUBLISHED))
def test_predictions_use_the_preprocessing_the_weights_were_trained_with(model):
    rng = np.random.default_rng(1)
    photo = Image.fromarray(rng.integers(0, 256, (307, 413, 3), dtype=np.uint8))
    ours = preprocess_for(get_spec(model).dataset)(photo)
    reference = enum_of(model).transforms()(photo)
    assert ours.shape == reference.shape == (3, 224, 224)
    assert torch.allclose(ours, reference, atol=1e-5)
    assert list(get_spec(model).dataset.labels) == enum_of(model).meta["categories"]


def test_a_manifest_adds_and_replaces_entries(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"vgg16": {"file": "vgg16-abcdef12.pth", "bytes": 5}}))
    sources = load_manifest(path)
    assert sources["vgg16"].file_name == "vgg16-abcdef12.pth"
    assert sources["vgg16"].sha256_prefix == "abcdef12"
    assert sources["resnet18_imagenet"] == PUBLISHED["resnet18_imagenet"]
    path.write_text(json.dumps({"vgg16": {"file": "../../etc/passwd", "bytes": 5}}))
    with pytest.raises(ValueError, match="not a file name ending in -<SHA-256 prefix>"):
        load_manifest(path)
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="must be a JSON object"):
        load_manifest(path)


def test_torchvision_is_the_version_these_sources_were_read_from():
    assert torchvision.__version__.startswith("0.29.")
