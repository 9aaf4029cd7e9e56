"""Query parameters shared by several routers, and the one place summary query values become a
parameter set (the model's own size filling the sides left out, `freeze` resolved once)."""

from typing import Annotated

from fastapi import Query

from backend.analysis.summary import SummaryParams
from backend.analysis.transfer import resolve_freeze
from backend.zoo import ModelSpec

Size = Annotated[int | None, Query(ge=1, description="Input side in px (default: the model's).")]
Classes = Annotated[int | None, Query(ge=1, description="Classes of a new head (default: own).")]
Freeze = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Transfer learning: comma-separated top-level modules to freeze (e.g. "
        "`features`), or `feature_extractor` for every module before the head. Rows inside "
        "get `trainable: false`; totals split into trainable_params and frozen_params.",
    ),
]
Call = Annotated[
    int | None, Query(ge=1, description="Which call of a module run more than once (pool).")
]


def summary_params(
    spec: ModelSpec,
    height: int | None,
    width: int | None,
    batch_size: int = 1,
    num_classes: int | None = None,
    freeze: str | None = None,
) -> SummaryParams:
    """A summary's parameter set from query values, the model's defaults filling the gaps."""
    h, w = spec.resolve_size(height, width)
    return SummaryParams(
        batch_size=batch_size,
        height=h,
        width=w,
        num_classes=num_classes,
        freeze=resolve_freeze(spec, freeze.split(",")) if freeze else (),
    )
