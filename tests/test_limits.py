"""Limits not covered elsewhere, checked over HTTP with small configured caps: multipart framing
and part limits (422, not python-multipart's bare 400), top_k against each model's classes,
and the byte and pixel caps applied to real, well-formed images."""

from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from backend.config import Settings
from backend.main import create_app
from tests import helpers_images as h

URL = "/models/simplecnn/predict"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        warm_summaries=False,
        weights_dir=tmp_path_factory.mktemp("none"),
        max_upload_bytes=256 * 1024,
        max_image_pixels=100_000,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


PNG = h.png(h.digit(1))


@pytest.mark.parametrize(
    ("what", "request_kwargs", "words"),
    [
        ("two files", {"files": [("file", ("a.png", PNG)), ("file", ("b.png", PNG))]},
         "Too many files"),
        ("nine fields", {"data": {f"f{i}": "x" for i in range(9)},
                         "files": {"file": ("a.png", PNG)}}, "Too many fields"),
        ("a 100 KB text field", {"data": {"note": "x" * 100_000},
                                 "files": {"file": ("a.png", PNG)}}, "maximum size"),
        ("no boundary", {"content": b"--x\r\n",
                         "headers": {"content-type": "multipart/form-data"}}, "boundary"),
        ("broken framing", {"content": b"garbage",
                            "headers": {"content-type": "multipart/form-data; boundary=zz"}},
         "Invalid multipart"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)  # fmt: skip
def test_multipart_refusals_are_422_with_how_to_send(small, what, request_kwargs, words):
    response = small.post(URL, **request_kwargs)
    assert response.status_code == 422, (what, response.text)
    detail = response.json()["detail"]
    assert words in detail and "a field named 'file'" in detail


@pytest.mark.parametrize(
    ("model", "top_k", "words"),
    [
        ("simplecnn", 11, "between 1 and 10 "),
        ("resnet18", 11, "between 1 and 10 "),
        ("alexnet", 1001, "between 1 and 1000 "),
        ("vgg16", 10**30, "top_k"),
        ("simplecnn", -1, "top_k must be at least 1; got -1."),
    ],
)
def test_top_k_is_capped_by_each_models_classes(small, model, top_k, words):
    response = small.post(f"/models/{model}/predict?top_k={top_k}", files={"file": ("a", PNG)})
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_top_k_at_the_number_of_classes_is_accepted(small):
    response = small.post(f"{URL}?top_k=10", files={"file": ("a.png", PNG)})
    assert response.status_code == 200 and len(response.json()["predictions"]) == 10


def _noise_png(width: int, height: int) -> bytes:
    pixels = np.random.default_rng(0).integers(0, 256, (height, width), dtype=np.uint8)
    return h.encode(Image.fromarray(pixels))


def test_a_real_image_over_the_byte_cap_is_413(small):
    data = _noise_png(550, 550)  # ~300 KB of incompressible pixels
    assert len(data) > 256 * 1024
    for kwargs in ({"files": {"file": ("n.png", data)}}, {"content": data}):
        response = small.post(URL, **kwargs)
        assert response.status_code == 413
        assert "larger than the 0.25 MiB accepted" in response.json()["detail"]


def test_a_real_image_over_the_pixel_cap_is_413(small):
    data = h.encode(Image.new("L", (400, 300)))  # 120,000 px, a few hundred bytes
    response = small.post(URL, files={"file": ("big.png", data)})
    assert response.status_code == 413
    body = response.json()
    assert "400×300 px" in body["detail"] and body["max_pixels"] == 100_000
    under = h.encode(Image.new("L", (300, 300)))  # 90,000 px
    assert small.post(URL, files={"file": ("ok.png", under)}).status_code == 200
