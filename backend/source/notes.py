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

NOTES_DIR = Path(__file__).parent / "notes"

# Why a line differs from the seed, in the explorer's two languages.
CORRECTION_KINDS: dict[str, dict[str, str]] = {
    "ocr_space": {
        "en": "OCR read the underscore of kernel_size as a space.",
        "ko": "OCR이 kernel_size의 밑줄(_)을 공백으로 읽었습니다.",
    },
    "indentation": {
        "en": "Indentation lost in the copy from the PDF, restored so that the code runs.",
        "ko": "PDF에서 복사하며 깨진 들여쓰기를 코드가 실행되도록 복원했습니다.",
    },
    "page_break": {
        "en": "A page break dropped this line's indentation.",
        "ko": "페이지가 나뉘면서 이 줄의 들여쓰기가 사라졌습니다.",
    },
    "comment_line": {
        "en": "The shape comment had slipped onto a line of its own; put back after its code.",
        "ko": "줄 끝의 크기 주석이 다음 줄로 밀려 있어 원래 코드 뒤로 옮겼습니다.",
    },
    "ocr_escape": {
        "en": "OCR wrote \\# for #.",
        "ko": "OCR이 #을 \\#으로 적었습니다.",
    },
    "missing_bracket": {
        "en": "The ) that closes self.features = nn.Sequential( is missing in the notes; added.",
        "ko": "노트에 self.features = nn.Sequential( 을 닫는 ) 가 빠져 있어 추가했습니다.",
    },
    "ocr_bracket": {
        "en": "OCR read the closing ] as 1.",
        "ko": "OCR이 닫는 ] 를 1로 읽었습니다.",
    },
    "ocr_capital": {
        "en": "OCR capitalised import.",
        "ko": "OCR이 import의 첫 글자를 대문자로 읽었습니다.",
    },
    "prose_comment": {
        "en": "A sentence of the slide between the code lines, kept as a comment.",
        "ko": "코드 사이에 있던 슬라이드 문장을 주석으로 남겼습니다.",
    },
    "completion": {
        "en": "Not in the notes: they stop after self.features. The average pool, the "
        "classifier and forward() are completed as torchvision's VGG.",
        "ko": "노트에 없는 부분: 노트는 self.features에서 끝납니다. avgpool, classifier, "
        "forward()는 torchvision의 VGG와 같게 보완했습니다.",
    },
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
