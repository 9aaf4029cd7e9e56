"""Models side by side, stage by stage, at one input size where they all accept it.

A *stage* is the run of layers that works at one resolution and ends where the network
downsamples, named the way each family's paper does:
- ResNet (and its plain twins): the stem (conv1, bn1, relu), then `layer1`…`layer4` (each
  starts with the block that halves the resolution), then the head (avgpool, fc);
- every other network here (SimpleCNN, AlexNet, VGG): a stage ends with each max-pool (VGG's
  five conv blocks, AlexNet's conv1 / conv2 / conv3–5), and the head is what follows the last
  pool (adaptive pool and the fully connected classifier);
- a building block without such structure (the seed's `basicblock`) is one stage.
Numbers come from the summary's leaf rows, so a stage's parameters and mult-adds add up to the
model's totals. `depth` counts weight layers (Conv2d, Linear) on the main path: ResNet's 1×1
downsample convolutions sit on the shortcut beside it and are not counted (He et al.'s
convention: ResNet-18 = 17 convolutions + 1 fully connected layer).
"""

import re

from pydantic import BaseModel, Field

from backend.analysis.shapes import SizeRange, valid_square_sizes
from backend.analysis.summary import LayerRow, ModelSummary, SummaryParams
from backend.analysis.summary_service import SummaryService
from backend.errors import InputSizeError, InvalidParameterError
from backend.i18n import bilingual
from backend.zoo.registry import ModelSpec, get_spec

MAX_MODELS = 8
WEIGHT_LAYERS = ("Conv2d", "Linear")


class Stage(BaseModel):
    name: str
    layers: list[str] = Field(description="Leaf module rows of the summary in the stage, in order.")
    input_shape: list[int]
    output_shape: list[int]
    spatial: list[int] | None = Field(description="[height, width] after the stage; None: flat.")
    channels: int = Field(description="Channels (or features, when flat) after the stage.")
    params: int
    mult_adds: int
    depth: int = Field(description="Weight layers (Conv2d, Linear) on the main path.")


class ComparedModel(BaseModel):
    name: str
    title: str
    family: str
    input_size: int = Field(description="Square input side (px) these numbers are for.")
    at_common_size: bool = Field(description="False: shown at its own default size instead.")
    reason: str | None = Field(description="Why the model is not shown at the common size.")
    upscaled: bool = Field(
        description="Shown larger than the images of the data set it is made for (ResNet-18 "
        "for CIFAR-10's 32 px at 224 px): its numbers describe a network nobody runs."
    )
    upscale_warning: dict[str, str] | None = Field(
        description="Says so, in English and Korean, with the mult-adds at both sizes."
    )
    valid_range: dict[str, int | None]
    input_shape: list[int]
    output_shape: list[int]
    params: int
    mult_adds: int
    depth: int
    stages: list[Stage]
    warnings: list[str]


class Comparison(BaseModel):
    requested_size: int | None
    common_size: int | None = Field(description="The size all models are shown at, if any.")
    note: str | None
    models: list[ComparedModel]


def _is_weight_layer(row: LayerRow) -> bool:
    return row.type in WEIGHT_LAYERS and "downsample" not in row.name.split(".")


def _stage(name: str, rows: list[LayerRow]) -> Stage:
    out = rows[-1].output_shape
    return Stage(
        name=name,
        layers=[r.name for r in rows],
        input_shape=rows[0].input_shape,
        output_shape=out,
        spatial=out[2:4] if len(out) == 4 else None,
        channels=out[1] if len(out) > 1 else 0,
        params=sum(r.params for r in rows),
        mult_adds=sum(r.mult_adds for r in rows),
        depth=sum(1 for r in rows if _is_weight_layer(r)),
    )


def _resnet_stages(leaves: list[LayerRow]) -> list[Stage]:
    groups: dict[str, list[LayerRow]] = {}
    seen_layer = False
    for row in leaves:
        top = row.name.split(".")[0]
        if re.fullmatch(r"layer\d+", top):
            seen_layer = True
            key = top
        else:
            key = "head" if seen_layer else "stem"
        groups.setdefault(key, []).append(row)
    if not seen_layer:
        return [_stage("block", leaves)]
    return [_stage(name, rows) for name, rows in groups.items()]


def _pool_stages(leaves: list[LayerRow]) -> list[Stage]:
    stages: list[Stage] = []
    current: list[LayerRow] = []
    for row in leaves:
        current.append(row)
        if row.type == "MaxPool2d":
            stages.append(_stage(f"stage{len(stages) + 1}", current))
            current = []
    if current:
        stages.append(_stage("head" if stages else "block", current))
    return stages


def stages_of(spec: ModelSpec, summary: ModelSummary) -> list[Stage]:
    leaves = [r for r in summary.layers if r.is_leaf and not r.functional]  # modules only
    return _resnet_stages(leaves) if spec.family == "resnet" else _pool_stages(leaves)


def _accepts(sizes: SizeRange, size: int) -> bool:
    return sizes.min is not None and sizes.min <= size and (sizes.max is None or size <= sizes.max)


def _common_size(specs: list[ModelSpec], ranges: list[SizeRange]) -> int | None:
    """A square size every model accepts: the largest default size that fits, else the nearest."""
    if any(r.min is None for r in ranges):
        return None
    lo = max(r.min for r in ranges if r.min is not None)
    highs = [r.max for r in ranges if r.max is not None]
    hi = min(highs) if highs else None
    if hi is not None and lo > hi:
        return None
    defaults = sorted({s.default_size[0] for s in specs}, reverse=True)
    for size in defaults:
        if lo <= size and (hi is None or size <= hi):
            return size
    return lo if defaults[0] < lo else hi


def _reason(summaries: SummaryService, spec: ModelSpec, size: int, sizes: SizeRange) -> str:
    """Why `size` does not suit the model: the summary's error or warning for that size."""
    try:
        summary = summaries.get(
            spec, SummaryParams(batch_size=1, height=size, width=size, num_classes=None)
        )
    except InputSizeError as exc:
        return exc.detail
    if summary.warnings:
        return summary.warnings[0]
    return f"{spec.title} needs {sizes.describe()}."


def _upscale_warning(
    spec: ModelSpec, used: int, mult_adds: int, summaries: SummaryService
) -> dict[str, str] | None:
    """A model drawn past the size of its data set's images, loudly, with both costs."""
    own = spec.default_size[0]
    if spec.dataset is None or used <= own:
        return None
    native = summaries.get(
        spec, SummaryParams(batch_size=1, height=own, width=own, num_classes=None)
    ).totals.mult_adds
    return bilingual(
        "compare.upscaled",
        model=spec.title,
        dataset=spec.dataset.title,
        own=own,
        size=used,
        macs=_compact(mult_adds),
        own_macs=_compact(native),
        factor=f"{mult_adds / native:.0f}" if native else "?",
    )


def _compact(n: int) -> str:
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return str(n)


def compare(
    names: list[str], size: int | None, summaries: SummaryService, own_sizes: bool = False
) -> Comparison:
    """Stage tables for `names` at `size` (or at a size they share, or with `own_sizes` each
    at its own default size); raises for bad requests.

    One model is allowed (its stage table alone); the point is two or more.
    """
    specs = [get_spec(n) for n in names]  # unknown names: 404 before anything else
    if not 1 <= len(names) <= MAX_MODELS:
        raise InvalidParameterError(
            bilingual("error.compare_count", max=MAX_MODELS, n=len(names)), field="models"
        )
    if len(set(names)) != len(names):
        raise InvalidParameterError(bilingual("error.compare_repeat"), field="models")
    cap = summaries.caps.max_input_size
    if size is not None and not 1 <= size <= cap:
        raise InvalidParameterError(
            bilingual("error.compare_size", cap=cap, size=size), field="size"
        )
    ranges = [valid_square_sizes(s.name, None, cap) for s in specs]
    if own_sizes and size is None:
        common = None
    else:
        common = size if size is not None else _common_size(specs, ranges)
    note = None
    if common is None and not own_sizes:
        note = (
            "No square input size suits every model ("
            + "; ".join(f"{s.title}: {r.describe()}" for s, r in zip(specs, ranges, strict=True))
            + "); each model is shown at its own default size."
        )
    models = []
    for spec, sizes in zip(specs, ranges, strict=True):
        default = spec.default_size[0]
        fits = common is not None and _accepts(sizes, common)
        used = common if fits and common is not None else default
        reason = None
        if common is not None and not fits:
            reason = _reason(summaries, spec, common, sizes) + f" Shown at {default} px."
        summary = summaries.get(
            spec, SummaryParams(batch_size=1, height=used, width=used, num_classes=None)
        )
        stages = stages_of(spec, summary)
        upscale = _upscale_warning(spec, used, summary.totals.mult_adds, summaries)
        models.append(
            ComparedModel(
                name=spec.name,
                title=spec.title,
                family=spec.family,
                input_size=used,
                at_common_size=fits,
                reason=reason,
                upscaled=upscale is not None,
                upscale_warning=upscale,
                valid_range={"min": sizes.min, "max": sizes.max},
                input_shape=summary.input_shape,
                output_shape=summary.output_shape,
                params=summary.totals.params,
                mult_adds=summary.totals.mult_adds,
                depth=sum(s.depth for s in stages),
                stages=stages,
                warnings=summary.warnings,
            )
        )
    return Comparison(requested_size=size, common_size=common, note=note, models=models)
