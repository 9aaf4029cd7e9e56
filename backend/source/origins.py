"""Which lines of a piece of code created each module of a model.

The model is built on `meta` while a profile function (this thread only: `sys.setprofile`)
watches `nn.Module.__init__`: every module's constructor runs it once, and the frames above it
that belong to the code being explained are the lines that made that module, innermost first
(`nn.Conv2d(in_channels, v, ...)` inside `make_layers`, then `self.features = make_layers(...)`).
No global registry or hook of torch is touched, so builds in other threads are not affected.
"""

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import torch
from torch import nn

_MODULE_INIT = nn.Module.__init__.__code__


@dataclass(frozen=True)
class Span:
    """Part of one line: [start, end) columns, 0-based (a cfg entry such as `'M'`)."""

    line: int
    start: int
    end: int


def build_with_origins(
    build: Callable[[], nn.Module], filename: str, code: str
) -> tuple[nn.Module, dict[str, list[int]]]:
    """Build on `meta`; module name -> lines of `filename` (whose text is `code`) that were
    running when it was created, innermost first. Two kinds of line are left out because they
    are true of every module: `super().__init__(...)` calls, and the lines that created the
    model itself (`return ResNet(BasicBlock, [2, 2, 2, 2], ...)`)."""
    text = code.splitlines()
    created: dict[int, list[int]] = {}
    keep: list[Any] = []  # ids stay unique while the build runs

    def is_super_call(line: int) -> bool:
        source = text[line - 1] if 0 < line <= len(text) else ""
        return "super(" in source and "__init__" in source

    def watch(frame: FrameType, event: str, arg: Any) -> None:
        if event != "call" or frame.f_code is not _MODULE_INIT:
            return
        module = frame.f_locals.get("self")
        if module is None or id(module) in created:
            return
        lines = []
        caller = frame.f_back
        while caller is not None:
            if caller.f_code.co_filename == filename and not is_super_call(caller.f_lineno):
                lines.append(caller.f_lineno)
            caller = caller.f_back
        created[id(module)] = lines
        keep.append(module)

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        with torch.device("meta"):
            model = build()
    finally:
        sys.setprofile(previous)
    outermost = set(created.get(id(model), []))
    return model, {
        name: [line for line in created.get(id(m), []) if line not in outermost]
        for name, m in model.named_modules()
    }


def class_lines(code: str) -> dict[str, int]:
    """Class name -> line of its `class` statement."""
    return {
        node.name: node.lineno
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.ClassDef)
    }


def _cfg_value(code: str) -> ast.expr | None:
    """The literal assigned to `cfg`: the notes' dict of configurations, or the generated
    code's one list."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "cfg" for t in targets):
            return node.value
    return None


def _entries(value: ast.List) -> tuple[list[Any], list[Span]] | None:
    try:
        values = list(ast.literal_eval(value))
    except ValueError:
        return None
    spans = [Span(e.lineno, e.col_offset, e.end_col_offset or e.col_offset) for e in value.elts]
    return values, spans


def cfg_entries(code: str) -> dict[str, tuple[list[Any], list[Span]]]:
    """VGG's `cfg = {"VGG16": [64, 64, "M", ...]}` (or `cfg = [...]`): per key, the values and
    their places in the code."""
    table = _cfg_value(code)
    if isinstance(table, ast.List):
        found = _entries(table)
        return {"cfg": found} if found else {}
    if not isinstance(table, ast.Dict):
        return {}
    entries = {}
    for key, value in zip(table.keys, table.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(value, ast.List):
            found = _entries(value)
            if found:
                entries[str(key.value)] = found
    return entries


def expand_cfg(entries: list[Any]) -> list[tuple[str, int | None]]:
    """The modules make_layers builds from a cfg list: (type, out_channels), in order."""
    modules: list[tuple[str, int | None]] = []
    for v in entries:
        if v == "M":
            modules.append(("MaxPool2d", None))
        else:
            modules += [("Conv2d", int(v)), ("ReLU", None)]
    return modules


def cfg_spans_for(model: nn.Module, code: str) -> dict[str, Span]:
    """`features.i` -> the cfg entry that made it, for a VGG built by make_layers."""
    features = getattr(model, "features", None)
    if not isinstance(features, nn.Sequential):
        return {}
    built = [
        (type(m).__name__, m.out_channels if isinstance(m, nn.Conv2d) else None) for m in features
    ]
    for values, spans in cfg_entries(code).values():
        if expand_cfg(values) != built:
            continue
        result: dict[str, Span] = {}
        i = 0
        for value, span in zip(values, spans, strict=True):
            for _ in range(1 if value == "M" else 2):
                result[f"features.{i}"] = span
                i += 1
        return result
    return {}
