"""The seed's model code, kept as text in the repository with its OCR slips corrected.

`notes/*.txt` are the lecture notes' code blocks, Korean comments and all, with the slips of
the PDF copy corrected so that they run; `notes/excerpts.json` lists, per file, the seed lines
it comes from, the models it explains, the expression that builds the model, and every
correction (original text -> corrected text, with the kind of slip). A test diffs each file
against the seed notes and requires the differences to be exactly the listed corrections.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from backend.i18n import bilingual

NOTES_DIR = Path(__file__).parent / "notes"

# Why a line differs from the seed; the text lives with the server's other text (backend/i18n).
CORRECTION_KINDS: dict[str, dict[str, str]] = {
    kind: bilingual(f"notes.correction.{kind}")
    for kind in (
        "ocr_space",
        "indentation",
        "page_break",
        "comment_line",
        "ocr_escape",
        "missing_bracket",
        "ocr_bracket",
        "ocr_capital",
        "prose_comment",
        "completion",
    )
}


@dataclass(frozen=True)
class Correction:
    line: int  # first line of the corrected text in the notes file (1-based)
    original: tuple[str, ...]  # as the seed has it (blank lines and ``` fences left out)
    corrected: tuple[str, ...]
    kinds: tuple[str, ...]  # keys of CORRECTION_KINDS


@dataclass(frozen=True)
class Excerpt:
    key: str  # file stem: notes/<key>.txt
    models: tuple[str, ...]  # registry names this code explains
    seed_lines: tuple[int, int]  # first and last line of the seed it comes from, inclusive
    build: str  # expression that builds the model (num_classes in scope)
    corrections: tuple[Correction, ...]

    @property
    def path(self) -> Path:
        return NOTES_DIR / f"{self.key}.txt"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def filename(self) -> str:
        """The name its code runs under (frames, tracebacks): not a file on disk."""
        return f"<notes {self.key}>"


@cache
def excerpts() -> dict[str, Excerpt]:
    raw = json.loads((NOTES_DIR / "excerpts.json").read_text(encoding="utf-8"))
    return {
        key: Excerpt(
            key=key,
            models=tuple(entry["models"]),
            seed_lines=(entry["seed_lines"][0], entry["seed_lines"][1]),
            build=entry["build"],
            corrections=tuple(
                Correction(
                    c["line"], tuple(c["original"]), tuple(c["corrected"]), tuple(c["kinds"])
                )
                for c in entry["corrections"]
            ),
        )
        for key, entry in raw.items()
    }


def excerpt_for(model: str) -> Excerpt | None:
    return next((e for e in excerpts().values() if model in e.models), None)


def builder_from_notes(excerpt: Excerpt) -> Callable[[int | None], nn.Module]:
    """Run the notes' code (on `meta`: its `model = resnet18(...)` allocates nothing; its
    `print(model)` prints nothing) and return num_classes -> a new model built by it."""
    namespace: dict[str, Any] = {
        "__name__": f"notes.{excerpt.key}",
        "torch": torch,
        "nn": nn,
        "F": F,
        "print": lambda *args, **kwargs: None,
    }
    with torch.device("meta"):
        exec(compile(excerpt.text, excerpt.filename, "exec"), namespace)
    build = compile(excerpt.build, f"<build {excerpt.key}>", "eval")

    def builder(num_classes: int | None) -> nn.Module:
        return eval(build, namespace, {"num_classes": num_classes})

    return builder
