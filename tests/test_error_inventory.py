"""Every refusal a client can meet, in both languages: with `Accept-Language: ko` the `detail`
has Hangul, with no header it has none. The dynamic part walks each route's refusals (bad
parameters, bad bodies, unknown names, building blocks, sizes, content types, busy lanes); the
static part reads backend/ and holds every domain error to keyed text from backend/i18n.
"""

import ast
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from backend import errors
from backend.workloads import DEFAULT_LIMITS, Lane, Workloads

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KO = {"Accept-Language": "ko"}
BACKEND = Path(__file__).resolve().parents[1] / "backend"


def _png(size: tuple[int, int] = (28, 28), mode: str = "L") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 255).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
RGB = _png((32, 32), "RGB")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
GIF_HEAD = b"GIF89a" + b"\x00" * 4  # a GIF's signature with a truncated header


def _file(data: bytes, name: str = "x.png") -> dict:
    return {"files": {"file": (name, data)}}


# (method, path, request keyword arguments, expected status)
CASES: list[tuple[str, str, dict, int]] = [
    # analysis: unknown models, parameters, sizes, building blocks
    ("get", "/models/nope", {}, 404),
    ("get", "/models/nope/summary", {}, 404),
    ("get", "/models/vgg16/summary?height=0", {}, 422),
    ("get", "/models/vgg16/summary?height=abc", {}, 422),
    ("get", "/models/vgg16/summary?height=100000&width=100000", {}, 422),
    ("get", "/models/vgg16/summary?height=8", {}, 422),
    ("get", "/models/alexnet/summary?height=200", {}, 422),
    ("get", "/models/basicblock/summary?num_classes=10", {}, 422),
    ("get", "/models/vgg16/receptive_field?height=0", {}, 422),
    ("get", "/compare?models=vgg16,vgg16", {}, 422),
    ("get", "/compare?models=nope", {}, 404),
    ("get", "/gradients/skip_connections?depth=50", {}, 422),
    ("get", "/gradients/skip_connections?batchnorm=train", {}, 422),
    ("get", "/gradients/skip_connections?init=xavier", {}, 422),
    ("get", "/gradients/activations?depth=31", {}, 422),
    ("get", "/no/such/path", {}, 404),
    ("delete", "/models", {}, 405),
    # exports and sources
    ("get", "/models/vgg16/export.onnx?height=8", {}, 422),
    ("get", "/models/vgg16/export.onnx?num_classes=1000000", {}, 422),
    ("get", "/models/nope/summary.csv", {}, 404),
    ("get", "/models/nope/source", {}, 404),
    ("get", "/models/nope/code", {}, 404),
    # predictions: images, bodies, building blocks, top_k
    ("post", "/models/simplecnn/predict", _file(b"not an image at all"), 422),
    ("post", "/models/simplecnn/predict", _file(b""), 422),
    ("post", "/models/simplecnn/predict", _file(SVG, "x.svg"), 415),
    ("post", "/models/simplecnn/predict", _file(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10), 422),
    ("post", "/models/simplecnn/predict", _file(GIF_HEAD, "x.gif"), 422),
    ("post", "/models/simplecnn/predict", {"files": {"other": ("d.png", PNG)}}, 422),
    ("post", "/models/simplecnn/predict?top_k=11", _file(PNG), 422),
    ("post", "/models/basicblock/predict", _file(PNG), 422),
    (
        "post",
        "/models/simplecnn/predict",
        {"content": b"abc", "headers": {"Content-Type": "text/plain"}},
        415,
    ),
    (
        "post",
        "/models/simplecnn/predict",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        422,
    ),
    ("post", "/models/simplecnn/predict", {"json": {"picture": "x"}}, 422),
    ("post", "/models/simplecnn/predict", {"json": {"image": "data:image/png;base64,@@"}}, 422),
    # inspection: layers, calls, classes, conv_step
    ("post", "/models/simplecnn/feature_maps?layer=nope", _file(PNG), 422),
    ("post", "/models/simplecnn/feature_maps?layer=conv1&call=5", _file(PNG), 422),
    ("post", "/models/simplecnn/gradcam?layer=fc2", _file(PNG), 422),
    ("post", "/models/simplecnn/gradcam?class_index=10", _file(PNG), 422),
    ("post", "/models/simplecnn/conv_step?layer=fc1", _file(PNG), 422),
    ("post", "/models/simplecnn/conv_step?layer=conv1&row=99", _file(PNG), 422),
    ("post", "/models/simplecnn/conv_step?layer=conv1&col=99", _file(PNG), 422),
    # the architecture editor
    (
        "post",
        "/architectures",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        422,
    ),
    ("post", "/architectures", {"json": {"family": "vgg", "cfg": []}}, 422),
    ("post", "/architectures", {"json": {"family": "vgg", "cfg": ["M"]}}, 422),
    ("post", "/architectures", {"json": {"family": "vgg", "cfg": [64], "num_classes": 0}}, 422),
    ("post", "/architectures", {"json": {"family": "nope"}}, 422),
    ("post", "/architectures", {"json": {"family": "vgg", "cfg": [64] * 5000}}, 422),
    (
        "post",
        "/architectures",
        {"json": {"family": "resnet", "widths": [8], "blocks": [1, 2]}},
        422,
    ),
    ("get", "/models/custom-nonsense/summary", {}, 404),
    # the training lab
    ("post", "/training/runs", {"json": {"epochs": 10_000}}, 422),
    ("post", "/training/runs", {"json": {"model": "basicblock"}}, 422),
    ("post", "/training/runs", {"json": {"model": "nope"}}, 404),
    ("post", "/training/runs", {"json": {"model": "resnet18"}}, 422),
    ("post", "/training/runs", {"json": {"dataset": "mnist"}}, 409),
    ("post", "/training/runs", {"json": {"train_images": 10**6}}, 422),
    ("post", "/training/runs", {"json": {"validation_images": 10**6}}, 422),
    ("post", "/training/runs", {"json": {"epochs": "two"}}, 422),
    ("get", "/training/runs/nope", {}, 404),
    ("get", "/training/runs/nope/checkpoint", {}, 404),
    ("post", "/training/presets/nope", {}, 404),
    # weights
    ("post", "/weights/alexnet/download", {}, 404),
    ("post", "/weights/nope/download", {}, 404),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    CASES,
    ids=[f"{m} {p} {i}" for i, (m, p, _, _) in enumerate(CASES)],
)
def test_every_refusal_answers_in_the_language_asked_for(
    client: TestClient, method: str, path: str, kwargs: dict, status: int
) -> None:
    headers = kwargs.get("headers", {})
    rest = {k: v for k, v in kwargs.items() if k != "headers"}
    en = client.request(method, path, headers=headers, **rest)
    ko = client.request(method, path, headers={**headers, **KO}, **rest)
    assert en.status_code == ko.status_code == status, (en.json(), ko.json())
    assert not HANGUL.search(en.json()["detail"]), en.json()["detail"]
    assert HANGUL.search(ko.json()["detail"]), ko.json()["detail"]
    assert ko.headers["content-language"] == "ko"
    # the same extras (field, fields, available, ...) in both languages
    assert {k: v for k, v in en.json().items() if k != "detail"} == {
        k: v for k, v in ko.json().items() if k != "detail"
    }


@pytest.mark.parametrize("kind", sorted(DEFAULT_LIMITS))
def test_every_busy_lane_refuses_in_both_languages(kind: str) -> None:
    workloads = Workloads()
    lane = workloads.lane(kind)
    text = lane.busy_detail()
    assert isinstance(text, dict) and set(text) == {"en", "ko"}
    assert text["en"].startswith("The server is busy:") and not HANGUL.search(text["en"])
    assert HANGUL.search(text["ko"]) and f"{lane.concurrency}" in text["ko"]
    workloads.close()


def test_a_lane_of_an_unlisted_kind_still_refuses_in_korean() -> None:
    lane = Lane("training", concurrency=2, queue_limit=1)
    text = lane.busy_detail()
    assert text["en"] == (
        "The server is busy: 2 training jobs are running and 0 are waiting; retry in a moment."
    )
    assert HANGUL.search(text["ko"]) and "2" in text["ko"]
    lane.close()


# ---------------------------------------------------------------------------------------------
# Static: how each domain error is made. The first argument of a domain error's constructor is
# keyed text: a call of `bilingual(...)`, or a name bound to one (`texts`, `detail` ...) whose
# function the check below also reads. A string, f-string or inline {"en": ..., "ko": ...} is not.

DOMAIN_ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.ExplorerError)
}
# Classes whose constructor makes its own keyed text from arguments (errors.py).
SELF_WORDED = {"UnknownModelError", "NoPublishedWeightsError"}


KEYED_HELPERS = {"bilingual", "validation_sentence", "_sentence"}  # each returns keyed text


def _is_keyed(node: ast.expr, function: ast.AST) -> bool:
    """`bilingual(...)` (or a helper that returns its result), or a name that is a parameter
    of the function (its callers are checked where they call) or bound only to such text."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in KEYED_HELPERS or name.endswith("_texts")
    if isinstance(node, ast.Attribute):  # exc.texts, HOW_TO_SEND_TEXTS-like attributes
        return node.attr.endswith("texts")
    if isinstance(node, ast.Name):
        args = getattr(function, "args", None)
        if args is not None and node.id in {a.arg for a in args.args + args.kwonlyargs}:
            return True
        values = []
        for assign in ast.walk(function):
            if not isinstance(assign, ast.Assign):
                continue
            for target in assign.targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                if any(isinstance(t, ast.Name) and t.id == node.id for t in names):
                    values.append(assign.value)
        return bool(values) and all(_is_keyed(v, function) for v in values)
    return False


def _unkeyed_errors() -> list[str]:
    found = []
    for path in sorted(BACKEND.rglob("*.py")):
        if path.name == "errors.py" and path.parent == BACKEND:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
                    continue
                name = call.func.id
                if name not in DOMAIN_ERRORS or name in SELF_WORDED or not call.args:
                    continue
                if not _is_keyed(call.args[0], function):
                    found.append(f"{path.relative_to(BACKEND.parent)}:{call.lineno} {name}")
    return found


def test_every_domain_error_is_made_from_keyed_bilingual_text() -> None:
    assert _unkeyed_errors() == []


def test_no_inline_bilingual_dicts_outside_backend_i18n() -> None:
    inline = []
    for path in sorted(BACKEND.rglob("*.py")):
        if path.parent.name == "i18n":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value == "ko" for k in node.keys
            ):
                inline.append(f"{path.relative_to(BACKEND.parent)}:{node.lineno}")
    assert inline == []


def test_the_static_check_catches_english_and_inline_text() -> None:
    source = (
        "def f(x):\n"
        "    raise InvalidParameterError(f'bad {x}')\n"
        "def g(x):\n"
        "    raise InvalidParameterError({'en': 'a', 'ko': '가'})\n"
        "def h(x):\n"
        "    raise InvalidParameterError(bilingual('error.range', field=x))\n"
        "def k(x):\n"
        "    detail = 'plain'\n"
        "    raise InvalidParameterError(detail)\n"
    )
    tree = ast.parse(source)
    verdicts = {}
    for function in tree.body:
        call = next(n for n in ast.walk(function) if isinstance(n, ast.Call))
        verdicts[function.name] = _is_keyed(call.args[0], function)
    assert verdicts == {"f": False, "g": False, "h": True, "k": False}
