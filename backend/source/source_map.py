"""A model's code and the line(s) behind every row of its summary.

For the seed's networks the code is the lecture notes' own (notes.py); for the other zoo
models it is the project's builder module (backend/zoo/*.py). Either way the model is built
from that very code with `build_with_origins`, so a row's lines are where its module was
created, innermost first: `self.conv1 = nn.Conv2d(...)`; for VGG the `nn.Conv2d(...)` line of
`make_layers`, then the `cfg` entry it came from, then `self.features = make_layers(...)`; for
a module whose class the code defines, the `class` line last. Functional rows (F.relu, view,
`+=`) map to the line of forward() that calls them, found by tracing the same model.
Computed once per model and kept (it depends on no request parameter).
"""

import inspect
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from torch import nn

from backend import architectures
from backend.analysis.functional_ops import trace_functional
from backend.analysis.shapes import build_on_meta
from backend.errors import InvalidParameterError
from backend.source.notes import CORRECTION_KINDS, builder_from_notes, excerpt_for
from backend.source.origins import build_with_origins, cfg_spans_for, class_lines
from backend.zoo import ModelSpec

REPO_ROOT = Path(__file__).resolve().parents[2]


class CodeSpan(BaseModel):
    line: int
    start: int = Field(description="First column (0-based).")
    end: int = Field(description="Column after the last.")


class CodeCorrection(BaseModel):
    line: int = Field(description="First line of the corrected text in `code`.")
    lines: int = Field(description="How many lines of `code` it covers.")
    original: list[str] = Field(description="The seed notes' text.")
    corrected: list[str]
    reasons: dict[str, list[str]] = Field(description='Why, per language ("en", "ko").')


class ModelSource(BaseModel):
    model: str
    origin: Literal["notes", "generated", "builder"] = Field(
        description="notes: the lecture notes' own code (OCR slips corrected and listed); "
        "generated: the model as seed-style code (GET /models/{name}/code, the other zoo models "
        "and custom networks); builder: the project's source that builds it (a model with no "
        "generated code)."
    )
    path: str = Field(description="Where the code lives (a file of the repository or a URL).")
    code: str
    line_count: int
    rows: dict[str, list[int]] = Field(
        description="Summary row name -> 1-based lines of `code`; the first made the row."
    )
    spans: dict[str, list[CodeSpan]] = Field(
        description="Rows made from part of a line: VGG's cfg entries."
    )
    calls: dict[str, list[int]] = Field(
        description="Module row -> the lines of a forward() that call it, one per call."
    )
    corrections: list[CodeCorrection]
    print_model: str = Field(description="What print(model) shows.")
    seed_lines: list[int] | None = Field(
        description="notes: first and last line of the seed notes this code comes from."
    )


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.name


def _generated(spec: ModelSpec, trained: bool) -> str | None:
    try:
        return architectures.model_code(spec, trained=trained)
    except InvalidParameterError:  # a zoo model no spec describes: its builder source instead
        return None


def model_source(spec: ModelSpec, trained: bool = False) -> ModelSource:
    excerpt = excerpt_for(spec.name)
    generated = None if excerpt else _generated(spec, trained)
    if excerpt is not None:
        notes_builder = builder_from_notes(excerpt)
        code, filename, origin = excerpt.text, excerpt.filename, "notes"
        path = _display_path(excerpt.path)

        def build() -> nn.Module:
            return notes_builder(spec.num_classes)
    elif generated is not None:
        code, filename, origin = generated, f"<generated {spec.name}>", "generated"
        path = f"/models/{spec.name}/code"

        def build() -> nn.Module:
            namespace: dict[str, Any] = {"__name__": f"generated.{spec.name}"}
            exec(compile(code, filename, "exec"), namespace)  # its footer builds `model`
            return namespace["model"]
    else:
        source_file = Path(inspect.getsourcefile(type(build_on_meta(spec))) or "")
        code, filename, origin = (
            source_file.read_text(encoding="utf-8"),
            str(source_file),
            "builder",
        )
        path = _display_path(source_file)

        def build() -> nn.Module:
            return spec.build()

    model, created = build_with_origins(build, filename, code)
    classes = class_lines(code)
    cfg = cfg_spans_for(model, code)
    rows: dict[str, list[int]] = {}
    for name, module in model.named_modules():
        if not name:
            continue
        lines = list(dict.fromkeys(created.get(name, [])))
        if name in cfg:
            lines.insert(1, cfg[name].line)
        own_class = type(module).__init__.__code__.co_filename == filename
        if own_class and type(module).__name__ in classes:
            lines.append(classes[type(module).__name__])
        rows[name] = list(dict.fromkeys(lines))
    trace = trace_functional(model, (1, *spec.default_input_shape))
    for call in trace.calls:
        if call.filename == filename and call.line is not None:
            rows[call.name] = [call.line]
    calls = {
        name: [line for line in lines if line is not None]
        for name, lines in trace.module_calls.items()
    }
    return ModelSource(
        model=spec.name,
        origin=origin,
        path=path,
        code=code,
        line_count=len(code.splitlines()),
        rows=rows,
        spans={name: [CodeSpan(line=s.line, start=s.start, end=s.end)] for name, s in cfg.items()},
        calls={name: lines for name, lines in calls.items() if lines},
        corrections=[
            CodeCorrection(
                line=c.line,
                lines=len(c.corrected),
                original=list(c.original),
                corrected=list(c.corrected),
                reasons={
                    lang: [CORRECTION_KINDS[k][lang] for k in c.kinds] for lang in ("en", "ko")
                },
            )
            for c in (excerpt.corrections if excerpt else ())
        ],
        print_model=str(model),
        seed_lines=list(excerpt.seed_lines) if excerpt else None,
    )


class SourceService:
    """One ModelSource per model (and trained state), computed on first request and kept; an
    LRU, since custom network names are as many as their specifications."""

    def __init__(self, cache_size: int = 64) -> None:
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, bool], ModelSource] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, spec: ModelSpec, trained: bool = False) -> ModelSource:
        key = (spec.name, trained)
        with self._lock:  # building under a profile function: one at a time, once per model
            source = self._cache.get(key)
            if source is None:
                source = self._cache[key] = model_source(spec, trained)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            self._cache.move_to_end(key)
        return source
