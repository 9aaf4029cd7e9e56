"""Names: derived from the spec alone (canonical, deterministic, URL-safe, bounded), readable
where short, compact otherwise; a hand-made name is validated like a POSTed spec."""

import base64
import json
import re
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend import architectures
from backend.architectures import naming
from backend.architectures.specs import normalised
from backend.errors import InvalidArchitectureError, UnknownModelError
from backend.zoo import get_spec
from tests.architectures.strategies import ANY_SPEC

URL_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")


@given(spec=ANY_SPEC)
@settings(max_examples=60, deadline=None)
def test_names_round_trip_and_are_canonical(spec: dict[str, Any]) -> None:
    arch = architectures.validate(spec)
    assert URL_SAFE.match(arch.name) and len(arch.name) <= naming.NAME_MAX
    assert architectures.from_name(arch.name).spec == arch.spec
    # the same network spelled another way (defaults given, keys reordered) has the same name
    shuffled = dict(reversed(list(normalised(arch.spec).items())))
    assert architectures.validate(shuffled).name == arch.name


def test_readable_names() -> None:
    vgg16 = architectures.validate({"family": "vgg"})
    assert vgg16.name == "vgg.64-64-M-128-128-M-256-256-256-M-512-512-512-M-512-512-512-M"
    assert (
        architectures.validate(
            {
                "family": "vgg",
                "cfg": [64, "M"],
                "batch_norm": True,
                "num_classes": 10,
                "input_size": 32,
            }
        ).name
        == "vgg.64-M~bn~c10~s32"
    )
    assert (
        architectures.validate(
            {"family": "resnet", "blocks": [3, 3, 3], "widths": [16, 32, 64], "skip": False}
        ).name
        == "resnet.3-3-3~w16-32-64~plain"
    )
    assert (
        architectures.validate(
            {"family": "simplecnn", "channels": [16], "hidden": 64, "activation": "tanh"}
        ).name
        == "simplecnn.16~h64~tanh"
    )
    assert architectures.validate({"family": "alexnet", "groups": [2, 2, 2]}).name == (
        "alexnet.96-256-384-384-256~g2-2-2"
    )
    assert architectures.validate({"family": "vgg", "classifier": []}).name.endswith("~fc")


def test_long_specs_get_a_compact_name_within_the_bound() -> None:
    widest = {"family": "vgg", "cfg": [4095 - i for i in range(63)] + ["M"], "input_size": 32,
              "classifier": [4093, 4091], "num_classes": 9999, "batch_norm": True,
              "activation": "sigmoid", "in_channels": 1}  # fmt: skip
    limits = architectures.ArchitectureLimits(max_params=10**12, max_mult_adds=10**15)
    arch = architectures.validate(widest, limits)
    assert arch.name.startswith("vgg.z") and len(arch.name) <= naming.NAME_MAX
    assert URL_SAFE.match(arch.name)
    assert architectures.from_name(arch.name, limits).spec == arch.spec
    # a short network cannot be spelled compactly: one name per network
    short = architectures.validate({"family": "vgg", "cfg": [8, "M"]}).spec
    with pytest.raises(InvalidArchitectureError, match="canonical") as err:
        architectures.from_name(naming.compact_name(short))
    assert err.value.extra["canonical"] == "vgg.8-M"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("vgg.64-M~c10~c10", "num_classes is given twice"),
        ("vgg.64-M~s032", "without leading zeros"),
        ("vgg.64-M~x1", "unknown option 'x1'"),
        ("vgg.64--M", "positive whole number"),
        ("vgg.64-M-M-M-M-M-M~s32", "cfg[6] 'M': the map is already 1×1 at a 32 px input"),
        ("vgg.99999", "over the limit of 4,096"),
        ("vgg.64~c1000", "not the canonical name"),  # 1000 is VGG's default: spelled without
        ("resnet.2-2-2-2~s16~c5", "not the canonical name"),  # options in the wrong order
        ("simplecnn.z-_-_", "damaged"),
        ("simplecnn.zAAAA", "damaged"),
    ],
)
def test_hand_made_names_are_validated(name: str, words: str) -> None:
    with pytest.raises(InvalidArchitectureError) as err:
        get_spec(name)
    assert words in err.value.detail


def test_a_compressed_bomb_is_refused_without_inflating_it() -> None:
    bomb = zlib.compress(b"[" + b"0," * 300_000 + b"0]", 9)
    name = "vgg.z" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    assert len(name) <= naming.NAME_MAX  # short enough to reach the decoder
    with pytest.raises(InvalidArchitectureError, match="damaged or too long"):
        get_spec(name)
    family_inside = "vgg.z" + base64.urlsafe_b64encode(
        zlib.compress(json.dumps({"family": "resnet"}).encode())
    ).decode().rstrip("=")
    with pytest.raises(InvalidArchitectureError, match="not a network's fields"):
        get_spec(family_inside)


@pytest.mark.parametrize(
    "name", ["lenet", "vgg17", "vgg", "vgg.", "simplecnn.z!!", "VGG.64", "vgg.64/..", "x" * 5000]
)
def test_names_that_are_not_custom_stay_unknown_models(name: str) -> None:
    with pytest.raises(UnknownModelError):
        get_spec(name)


def test_resolved_names_are_cached_and_bounded() -> None:
    from backend.analysis.shapes import param_count

    assert param_count.cache_info().maxsize == 256
    architectures._resolve_cached.cache_clear()
    for width in range(1, 300):
        get_spec(f"simplecnn.{width}")
    info = architectures._resolve_cached.cache_info()
    assert info.currsize == info.maxsize == 256
    assert get_spec("simplecnn.7") is get_spec("simplecnn.7")


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_any_text_after_a_family_is_a_404_or_a_sentence(tail: str) -> None:
    try:
        get_spec("vgg." + tail)
    except (InvalidArchitectureError, UnknownModelError) as exc:
        assert exc.detail.endswith(".")
