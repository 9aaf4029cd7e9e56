"""The zoo against the seed, facts.md and torchvision."""

import pytest
import torch
import torchvision

from backend.analysis.shapes import build_on_meta
from backend.zoo import get_spec, model_names
from backend.zoo.vgg import cfg

# facts.md: parameters measured with torch 2.14.1 / torchinfo 1.8.0.
SEED_PARAMS = {
    "simplecnn": 421_642,
    "alexnet": 62_378_344,
    "vgg16": 138_357_544,
    "resnet18": 11_173_962,
}


def test_required_models_are_registered() -> None:
    assert {"simplecnn", "alexnet", "vgg16", "resnet18", "resnet34", "basicblock"} <= set(
        model_names()
    )
    assert {"vgg11", "vgg13", "vgg19"} <= set(model_names())


@pytest.mark.parametrize(("name", "expected"), SEED_PARAMS.items())
def test_param_counts_match_facts(name: str, expected: int) -> None:
    model = build_on_meta(get_spec(name))
    assert sum(p.numel() for p in model.parameters()) == expected


def test_simplecnn_layer_params_match_facts() -> None:
    model = build_on_meta(get_spec("simplecnn"))
    per_layer = {n: sum(p.numel() for p in m.parameters()) for n, m in model.named_children()}
    assert per_layer == {"conv1": 320, "conv2": 18_496, "pool": 0, "fc1": 401_536, "fc2": 1_290}


def test_builders_take_num_classes() -> None:
    for name in ("simplecnn", "alexnet", "vgg16", "resnet18", "resnet34"):
        model = build_on_meta(get_spec(name), num_classes=7)
        last = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
        assert last.out_features == 7, name


def test_torchvision_vgg16_state_dict_loads_strictly() -> None:
    with torch.device("meta"):
        reference = torchvision.models.vgg16(weights=None)
    ours = build_on_meta(get_spec("vgg16"))
    result = ours.load_state_dict(reference.state_dict(), strict=True, assign=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert sum(p.numel() for p in reference.parameters()) == SEED_PARAMS["vgg16"]


@pytest.mark.parametrize("depth", [11, 13, 19])
def test_vgg_variants_match_torchvision(depth: int) -> None:
    with torch.device("meta"):
        reference = getattr(torchvision.models, f"vgg{depth}")(weights=None)
    ours = build_on_meta(get_spec(f"vgg{depth}"))
    ours.load_state_dict(reference.state_dict(), strict=True, assign=True)
    assert len([v for v in cfg[f"VGG{depth}"] if v != "M"]) + 3 == depth


def test_resnet18_real_forward_on_cpu_matches_stage_shapes() -> None:
    torch.manual_seed(0)
    model = get_spec("resnet18").build().eval()
    shapes = []
    hooks = [
        getattr(model, f"layer{i}").register_forward_hook(
            lambda _m, _i, out: shapes.append(tuple(out.shape))
        )
        for i in range(1, 5)
    ]
    with torch.inference_mode():
        out = model(torch.randn(2, 3, 32, 32))
    for h in hooks:
        h.remove()
    assert out.shape == (2, 10)
    assert shapes == [(2, 64, 32, 32), (2, 128, 16, 16), (2, 256, 8, 8), (2, 512, 4, 4)]


def test_identity_block_keeps_shape_and_adds_input() -> None:
    block = get_spec("basicblock").build().eval()
    x = torch.randn(1, 64, 8, 8)
    with torch.no_grad():
        for bn in (block.bn2,):  # zero the residual branch: the block becomes relu(identity)
            bn.weight.zero_()
            bn.bias.zero_()
        assert torch.equal(block(x), torch.relu(x))


def test_the_default_size_is_decided_in_one_place() -> None:
    vgg, simple, block = get_spec("vgg16"), get_spec("simplecnn"), get_spec("basicblock")
    assert vgg.default_size == (224, 224) and simple.default_size == (28, 28)
    assert block.default_size == (32, 32)  # its own input_shape, no dataset
    assert vgg.resolve_size(None, None) == (224, 224)
    assert vgg.resolve_size(None, 64) == (224, 64)
    assert simple.resolve_size(30, None) == (30, 28)
    assert simple.resolve_size(56, 56) == (56, 56)
