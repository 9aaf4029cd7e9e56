"""A network as data, in the seed's vocabulary: one pydantic model per family.

- `vgg`: the `cfg` list `make_layers` reads (widths and 'M'), BatchNorm or not, the
  classifier's hidden widths;
- `resnet`: blocks per stage (any number of stages), stage widths, the stem, skip connections
  on or off (the plain twin);
- `simplecnn`: conv widths (one 3×3 conv + 2×2 pool stage each) and the hidden width;
- `alexnet`: the five conv widths and `groups` on conv2/4/5 (the two-GPU split).
Every family also has `in_channels` (1: grey, MNIST-like; 3: RGB), `input_size` (the square
side the network is made for) and `activation`.

`parse_spec` turns untrusted JSON into a spec or raises InvalidArchitectureError with one
sentence naming the field and position (`cfg[13]`); the limits (list lengths, widths, classes,
size) are checked by `limits.check_limits`, the shapes by `limits.check_shapes`.
"""

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from backend.errors import InvalidArchitectureError
from backend.i18n import bilingual
from backend.i18n.validation import validation_sentence

FAMILIES = ("vgg", "resnet", "simplecnn", "alexnet")
Activation = Literal["relu", "sigmoid", "tanh"]
Positive = Annotated[int, Strict(), Field(ge=1)]
Channels = Literal[1, 3]

VGG16_CFG: list[int | str] = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M"]
VGG16_CFG += [512, 512, 512, "M", 512, 512, 512, "M"]


def _cfg_entry(value: Any) -> int | str:
    if value == "M" and isinstance(value, str):
        return "M"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError(
        f"each entry is a positive number of output channels or 'M' (a 2×2 max-pool); got {value!r}"
    )


CfgEntry = Annotated[
    int | str,
    PlainValidator(_cfg_entry),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1}, {"const": "M"}]}),
]


class _Spec(BaseModel):
    # strict: JSON `true` or "64" is a mistake here, not a width or a switch
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    activation: Activation = Field(
        default="relu", description="relu (the seed's), sigmoid or tanh, everywhere."
    )


class VGGSpec(_Spec):
    family: Literal["vgg"]
    cfg: list[CfgEntry] = Field(
        default_factory=lambda: list(VGG16_CFG),
        description="make_layers' list: a number is a 3×3 conv (padding 1) with that many "
        "output channels, 'M' a 2×2 max-pool. Default: VGG16's.",
    )
    batch_norm: bool = Field(default=False, description="BatchNorm after every conv.")
    classifier: list[Positive] = Field(
        default_factory=lambda: [4096, 4096],
        description="Hidden widths of the classifier after the 7×7 adaptive pool.",
    )
    num_classes: Positive = 1000
    in_channels: Channels = 3
    input_size: Positive = Field(default=224, description="Square input side, px.")


class ResNetSpec(_Spec):
    family: Literal["resnet"]
    blocks: list[Positive] = Field(
        default_factory=lambda: [2, 2, 2, 2],
        description="BasicBlocks per stage (ResNet-18: [2, 2, 2, 2]; ResNet-20: [3, 3, 3]).",
    )
    widths: list[Positive] = Field(
        default_factory=lambda: [64, 128, 256, 512],
        description="Channels of each stage, one per entry of blocks; the stem has widths[0].",
    )
    stem: Literal["cifar", "imagenet"] = Field(
        default="cifar",
        description="cifar: 3×3 conv, stride 1 (the seed's); imagenet: 7×7 conv, stride 2, "
        "then a 3×3 max-pool.",
    )
    skip: bool = Field(default=True, description="false: the plain twin, no skip connections.")
    num_classes: Positive = 10
    in_channels: Channels = 3
    input_size: Positive = 32


class SimpleCNNSpec(_Spec):
    family: Literal["simplecnn"]
    channels: list[Positive] = Field(
        default_factory=lambda: [32, 64],
        description="One 3×3 conv + 2×2 max-pool stage per entry (the seed's [32, 64]).",
    )
    hidden: Positive = Field(default=128, description="Width of fc1.")
    num_classes: Positive = 10
    in_channels: Channels = 1
    input_size: Positive = 28


class AlexNetSpec(_Spec):
    family: Literal["alexnet"]
    widths: list[Positive] = Field(
        default_factory=lambda: [96, 256, 384, 384, 256],
        description="Output channels of conv1 ... conv5 (exactly five).",
    )
    groups: list[Positive] = Field(
        default_factory=lambda: [1, 1, 1],
        description="groups of conv2, conv4 and conv5 ([2, 2, 2]: the paper's two GPUs).",
    )
    num_classes: Positive = 1000
    in_channels: Channels = 3
    input_size: Positive = 224


ArchitectureSpec = Annotated[
    VGGSpec | ResNetSpec | SimpleCNNSpec | AlexNetSpec, Field(discriminator="family")
]
SPEC_ADAPTER: TypeAdapter[ArchitectureSpec] = TypeAdapter(ArchitectureSpec)
MAIN_LIST = {"vgg": "cfg", "resnet": "blocks", "simplecnn": "channels", "alexnet": "widths"}


def field_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """('cfg', 13) -> 'cfg[13]'; ('classifier',) -> 'classifier'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _sentence(exc: ValidationError, family: Any) -> tuple[str, dict[str, str] | None]:
    """Pydantic's first error as (field, sentence in each language); `family` as the client
    sent it. (request, None) when the body is not an object at all."""
    err = exc.errors(include_url=False)[0]
    loc = list(err.get("loc", ()))
    if loc and family is not None and loc[0] == family:
        loc = loc[1:]  # the discriminated union puts the tag first
    kind = err.get("type", "")
    families = ", ".join(FAMILIES)
    if kind == "union_tag_not_found":
        return "family", bilingual("arch.family_missing", families=families)
    if kind == "union_tag_invalid":
        return "family", bilingual("arch.family_unknown", family=_got(family), families=families)
    if not loc and kind.endswith("_type"):  # not an object at all
        return "request", None
    field = field_path(loc) or "request"
    if kind == "extra_forbidden":
        return field, bilingual("arch.unknown_field", field=field, family=family)
    if kind == "value_error":  # _cfg_entry: neither a positive width nor "M"
        return field, bilingual("arch.cfg_entry", field=field, got=_got(err.get("input")))
    # JSON values shown as JSON's types are told apart: '128' is a string, 128 a number
    return field, validation_sentence(err, field, got=_got(err.get("input")))


def parse_spec(data: Any) -> ArchitectureSpec:
    """Untrusted JSON -> a spec with every default filled in; InvalidArchitectureError naming
    the field otherwise (structure and types only: limits.py checks the rest)."""
    family = data.get("family") if isinstance(data, dict) else None
    try:
        return SPEC_ADAPTER.validate_python(data)
    except ValidationError as exc:
        field, texts = _sentence(exc, family)
        if field == "request" or texts is None:
            texts = bilingual("arch.not_object", families=", ".join(FAMILIES))
        raise InvalidArchitectureError(texts, field=field) from None


def normalised(spec: ArchitectureSpec) -> dict[str, Any]:
    """Every field, defaults included, family first: what POST /architectures answers."""
    data = spec.model_dump(mode="json")
    return {"family": data.pop("family"), **data}
