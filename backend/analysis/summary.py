"""torchinfo's layer table as data: rows in execution order, nested by container, with totals.

Summaries run torchinfo on a private instance built on the `meta` device, so no weights or
activations are allocated and no shared model is hooked (torchinfo pitfalls 6 and 7 in facts.md).
"""

import logging
import threading
from contextlib import nullcontext
from functools import lru_cache
from typing import Any

import torch
import torchinfo
from pydantic import BaseModel, Field
from torch import nn
from torchinfo.layer_info import LayerInfo

from backend.analysis.functional_ops import FunctionalCall, FunctionalTrace, recording
from backend.analysis.shapes import (
    build_on_meta,
    explain_failure_texts,
    probe,
    valid_square_sizes,
)
from backend.analysis.transfer import is_frozen
from backend.errors import InputSizeError, InvalidParameterError, NotAClassifierError
from backend.i18n import bilingual
from backend.zoo.registry import ModelSpec, get_spec


class LayerRow(BaseModel):
    index: int = Field(description="Position in execution order.")
    name: str = Field(description="Dotted module name, as in model.named_modules().")
    type: str
    depth: int = Field(description="1 for the model's direct children, 2 for theirs...")
    parent: str | None
    is_leaf: bool
    recursive: bool = Field(description="A module already run once (its params count once).")
    input_shape: list[int]
    output_shape: list[int]
    params: int
    trainable_params: int
    mult_adds: int
    kernel_size: list[int] | None
    hparams: dict[str, Any] = Field(description="Key hyper-parameters (stride, padding, ...).")
    trainable: bool = Field(
        default=True, description="False inside a frozen module (transfer learning: `freeze`)."
    )
    functional: bool = Field(
        default=False,
        description="An operation called in a forward() without a module (F.relu, view, "
        "flatten, the residual `+=`): no parameters, not a torchinfo row. Its `index` continues "
        "after the module rows; its place in `layers` is its place in execution order.",
    )
    op: str | None = Field(default=None, description="Functional rows: the call as written.")
    line: int | None = Field(
        default=None, description="Functional rows: line of the model's code that calls it."
    )
    code: str | None = Field(default=None, description="Functional rows: that line's code.")


class SummaryTotals(BaseModel):
    params: int
    trainable_params: int
    mult_adds: int
    input_bytes: int
    forward_backward_bytes: int
    param_bytes: int
    total_bytes: int
    frozen_params: int = Field(default=0, description="params − trainable_params.")


class ModelSummary(BaseModel):
    model: str
    input_shape: list[int]
    output_shape: list[int]
    num_classes: int | None
    depth: int
    layers: list[LayerRow]
    totals: SummaryTotals
    warnings: list[str]
    frozen: list[str] = Field(default=[], description="Top-level modules frozen (`freeze`).")


class SummaryParams(BaseModel, frozen=True):
    batch_size: int
    height: int
    width: int
    num_classes: int | None
    # Top-level module names, already resolved where the query entered (transfer.resolve_freeze).
    freeze: tuple[str, ...] = ()


log = logging.getLogger(__name__)

# torchinfo keeps module-global state (a forward-pass cache keyed on class name that also keeps
# the last model alive): one summary at a time, and the cache cleared after each.
_TORCHINFO_LOCK = threading.Lock()


def _hparams(module: nn.Module) -> dict[str, Any]:
    if isinstance(module, nn.Conv2d):
        return {
            "in_channels": module.in_channels,
            "out_channels": module.out_channels,
            "kernel_size": list(module.kernel_size),
            "stride": list(module.stride),
            "padding": module.padding if isinstance(module.padding, str) else list(module.padding),
            "dilation": list(module.dilation),
            "groups": module.groups,
            "bias": module.bias is not None,
        }
    if isinstance(module, nn.Linear):
        return {
            "in_features": module.in_features,
            "out_features": module.out_features,
            "bias": module.bias is not None,
        }
    if isinstance(module, nn.MaxPool2d | nn.AvgPool2d):
        return {
            "kernel_size": module.kernel_size,
            "stride": module.stride,
            "padding": module.padding,
        }
    if isinstance(module, nn.AdaptiveAvgPool2d | nn.AdaptiveMaxPool2d):
        return {"output_size": module.output_size}
    if isinstance(module, nn.BatchNorm2d):
        return {"num_features": module.num_features, "eps": module.eps}
    if isinstance(module, nn.Dropout):
        return {"p": module.p}
    if isinstance(module, nn.ReLU):
        return {"inplace": module.inplace}
    return {}


def _full_name(info: LayerInfo) -> str:
    parts = []
    node: LayerInfo | None = info
    while node is not None and node.depth > 0:
        parts.append(node.var_name)
        node = node.parent_info
    return ".".join(reversed(parts))


def _shape(size: Any) -> list[int]:
    # torchinfo stores a list of ints for one tensor; nested lists for several (not in our zoo).
    if isinstance(size, list) and size and isinstance(size[0], list):
        size = size[0]
    return [int(s) for s in size] if isinstance(size, list | tuple) else []


def _kernel(size: int | list[int] | None) -> list[int] | None:
    if size is None:
        return None
    return [size, size] if isinstance(size, int) else [int(k) for k in size]


def _row(index: int, info: LayerInfo) -> LayerRow:
    name = _full_name(info)
    parent = name.rpartition(".")[0] or None if info.depth > 1 else None
    recursive = bool(info.is_recursive)
    return LayerRow(
        index=index,
        name=name,
        type=info.class_name,
        depth=info.depth,
        parent=parent,
        is_leaf=bool(info.is_leaf_layer),
        recursive=recursive,
        input_shape=_shape(info.input_size),
        output_shape=_shape(info.output_size),
        params=0 if recursive else int(info.num_params),
        trainable_params=0 if recursive else int(info.trainable_params),
        mult_adds=int(info.macs),
        kernel_size=_kernel(info.kernel_size),
        hparams=_hparams(info.module),
    )


def _with_container_mult_adds(rows: list[LayerRow]) -> list[LayerRow]:
    """torchinfo's container rows carry partial mult-adds; give them the sum of their leaves."""
    totals: dict[str, int] = {}
    for row in rows:
        if row.is_leaf:
            parent = row.parent
            while parent:
                totals[parent] = totals.get(parent, 0) + row.mult_adds
                parent = parent.rpartition(".")[0] or None
    return [
        r if r.is_leaf else r.model_copy(update={"mult_adds": totals.get(r.name, 0)}) for r in rows
    ]


def _functional_row(index: int, call: FunctionalCall, depth_of: dict[str, int]) -> LayerRow:
    return LayerRow(
        index=index,
        name=call.name,
        type=call.type,
        depth=depth_of.get(call.parent, 0) + 1 if call.parent else 1,
        parent=call.parent,
        is_leaf=True,
        recursive=False,
        input_shape=call.input_shapes[0] if call.input_shapes else [],
        output_shape=call.output_shape,
        params=0,
        trainable_params=0,
        mult_adds=0,
        kernel_size=None,
        hparams={"operands": call.input_shapes} if len(call.input_shapes) > 1 else {},
        functional=True,
        op=call.call,
        line=call.line,
        code=call.code,
    )


def with_functional_rows(rows: list[LayerRow], calls: list[FunctionalCall]) -> list[LayerRow]:
    """Module rows as they are, each functional call placed before the first module call that
    started after it; functional rows are numbered after the module rows."""
    depth_of = {r.name: r.depth for r in rows}
    extra = [_functional_row(len(rows) + j, c, depth_of) for j, c in enumerate(calls)]
    merged: list[LayerRow] = []
    j = 0
    for i, row in enumerate(rows):
        while j < len(calls) and calls[j].after <= i:
            merged.append(extra[j])
            j += 1
        merged.append(row)
    return merged + extra[j:]


def check_params(spec: ModelSpec, params: SummaryParams, caps: "SummaryCaps") -> None:
    cap = caps.max_input_size
    sizes = (("height", params.height), ("width", params.width))
    sides = [field for field, value in sizes if not 1 <= value <= cap]
    if len(sides) == 2:  # one sentence, both fields marked
        raise InvalidParameterError(
            bilingual("error.range_both", cap=cap, height=params.height, width=params.width),
            fields=sides,
        )
    for field, value, limit in (
        ("height", params.height, cap),
        ("width", params.width, cap),
        ("batch_size", params.batch_size, caps.max_batch_size),
    ):
        if not 1 <= value <= limit:
            raise InvalidParameterError(
                bilingual("error.range", field=field, cap=limit, value=value), field=field
            )
    if params.num_classes is not None:
        if not spec.is_classifier:
            raise NotAClassifierError(
                bilingual("error.not_classifier_classes", model=spec.name), field="num_classes"
            )
        if not 1 <= params.num_classes <= caps.max_num_classes:
            raise InvalidParameterError(
                bilingual(
                    "error.classes_range", cap=caps.max_num_classes, value=params.num_classes
                ),
                field="num_classes",
            )


class SummaryCaps(BaseModel, frozen=True):
    max_input_size: int
    max_batch_size: int
    max_num_classes: int


@lru_cache(maxsize=32)
def _meta_model(name: str, num_classes: int | None, freeze: tuple[str, ...] = ()) -> nn.Module:
    """One weightless instance per architecture, class count and frozen set, reused under the lock.

    Shared between requests: never mutate it (requires_grad, modules); copy it first.
    """
    model = build_on_meta(get_spec(name), num_classes)
    for module_name in freeze:  # transfer learning: these weights get no gradient
        model.get_submodule(module_name).requires_grad_(False)
    return model


def summarize(
    spec: ModelSpec, params: SummaryParams, caps: SummaryCaps, *, functional_rows: bool = True
) -> ModelSummary:
    """The full layer table (every depth) for one parameter set; raises InputSizeError.

    `functional_rows=False` skips the recording of forward()'s functional calls altogether:
    torchinfo's rows alone, at torchinfo's cost (the benchmark's A/B baseline).
    """
    check_params(spec, params, caps)
    channels = spec.default_input_shape[0]
    input_shape = (params.batch_size, channels, params.height, params.width)
    model = _meta_model(spec.name, params.num_classes, params.freeze)
    with _TORCHINFO_LOCK:  # the cached instance is hooked by torchinfo and probe: one at a time
        try:
            # input_data on meta, not input_size: torchinfo would torch.rand() the input on the
            # CPU first (63 MB for 5×3×1024×1024) and only then move it. The functional calls
            # are recorded during torchinfo's own forward pass: one pass, not two.
            tracing = recording(model) if functional_rows else nullcontext(FunctionalTrace())
            with tracing as functional:
                stats = torchinfo.summary(
                    model,
                    input_data=torch.empty(input_shape, device="meta"),
                    device="meta",
                    mode="eval",
                    verbose=0,
                    depth=99,
                )
        except RuntimeError:
            stats = None
            result = probe(model, input_shape)  # which layer failed, with what input
        finally:
            torchinfo.torchinfo.clear_cached_forward_pass()
    if stats is None:
        sizes = valid_square_sizes(spec.name, params.num_classes, caps.max_input_size)
        failing = [s for s, v in (("height", params.height), ("width", params.width))]
        raise InputSizeError(
            bilingual(
                "error.input_size",
                failure=explain_failure_texts(model, result),
                sizes=sizes.sentence(spec.title),
            ),
            fields=[s for s in failing if not sizes.accepts(getattr(params, s))] or failing,
            layer=result.failing_layer or None,
            layer_type=result.failing_type,
            valid_range={"min": sizes.min, "max": sizes.max},
        )
    layers = _with_container_mult_adds(
        [_row(i, info) for i, info in enumerate(stats.summary_list[1:])]
    )
    if functional_rows and functional.module_call_count == len(layers):
        layers = with_functional_rows(layers, functional.calls)
    elif functional_rows:  # a module whose calls were not all counted: no place is sure
        log.warning(
            "%s: %d module calls traced, %d summary rows; functional rows left out",
            spec.name,
            functional.module_call_count,
            len(layers),
        )
    if params.freeze:
        layers = [
            r.model_copy(update={"trainable": False}) if is_frozen(r.name, params.freeze) else r
            for r in layers
        ]
    params_total = sum(p.numel() for p in model.parameters())
    trainable_total = sum(p.numel() for p in model.parameters() if p.requires_grad)
    output_shape = _shape(stats.summary_list[0].output_size)
    warnings = []
    if output_shape and output_shape[0] != params.batch_size:
        sizes = valid_square_sizes(spec.name, params.num_classes, caps.max_input_size)
        warnings.append(
            f"The output has batch size {output_shape[0]} but the input had "
            f"{params.batch_size}: {type(model).__name__}.forward reshapes with view(-1, ...), "
            f"folding the extra {params.height}×{params.width} spatial size into the batch. "
            f"{spec.title} needs {sizes.describe()} for one prediction per image."
        )
    param_bytes = int(stats.total_param_bytes)
    input_bytes = int(stats.total_input)
    fwd_bytes = int(stats.total_output_bytes)
    return ModelSummary(
        model=spec.name,
        input_shape=list(input_shape),
        output_shape=output_shape,
        num_classes=params.num_classes or spec.num_classes,
        depth=max(r.depth for r in layers),
        layers=layers,
        totals=SummaryTotals(
            params=params_total,
            trainable_params=trainable_total,
            mult_adds=int(stats.total_mult_adds),
            input_bytes=input_bytes,
            forward_backward_bytes=fwd_bytes,
            param_bytes=param_bytes,
            total_bytes=input_bytes + fwd_bytes + param_bytes,
            frozen_params=params_total - trainable_total,
        ),
        warnings=warnings,
        frozen=list(params.freeze),
    )


def limit_depth(summary: ModelSummary, depth: int) -> ModelSummary:
    """Keep rows nested at most `depth` deep; totals stay those of the whole model."""
    if depth >= summary.depth:
        return summary
    rows = [r for r in summary.layers if r.depth <= depth]
    return summary.model_copy(update={"layers": rows, "depth": depth})


def module_rows_only(summary: ModelSummary) -> ModelSummary:
    """torchinfo's rows alone, as before functional rows existed (`functional=false`)."""
    rows = [r for r in summary.layers if not r.functional]
    return summary.model_copy(update={"layers": rows, "depth": max(r.depth for r in rows)})
