"""Upload fuzzing with hypothesis: random bytes, random bytes behind each allowed format's magic
number, and byte-mutated valid PNG / JPEG / GIF / WebP / BMP files, sent as multipart, raw
bodies and JSON data URLs. Every answer must be 200, 413, 415 or 422 with a detail, never a
500, and the server must still classify a digit correctly afterwards. Examples are bounded so
the suite stays quick; a failure hypothesis finds is kept in .hypothesis/ and replayed first."""

import base64
import io
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from backend.config import Settings
from backend.main import create_app
from tests import helpers_images as h

ALLOWED_ANSWERS = {200, 413, 415, 422}
FUZZ = settings(
    deadline=None,  # two shared cores: time per example is not what is tested
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAGICS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"GIF87a", b"RIFF\0\0\0\0WEBP", b"BM"]
SEEN: Counter[tuple[str, int]] = Counter()  # (strategy, status) -> answers


def _seeds() -> dict[str, bytes]:
    digit = Image.fromarray(h.digit(7))
    photo = Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (40, 56, 3), dtype=np.uint8), "RGB"
    )
    return {
        "png": h.encode(digit),
        "png-rgba": h.encode(photo.convert("RGBA")),
        "png-palette": h.encode(photo.convert("P", palette=Image.Palette.ADAPTIVE)),
        "jpeg": h.encode(digit, "JPEG", quality=90),
        "jpeg-progressive": h.encode(photo, "JPEG", progressive=True),
        "gif": h.animated_gif(h.digit(7), h.digit(1)),
        "webp-lossy": h.encode(photo, "WEBP", quality=80),
        "webp-lossless": h.encode(digit, "WEBP", lossless=True),
        "bmp": h.encode(digit, "BMP"),
    }


SEEDS = _seeds()


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings_ = Settings(
        warm_summaries=False,
        weights_dir=tmp_path_factory.mktemp("no-user-weights"),
        max_upload_bytes=256 * 1024,
        max_image_pixels=1_000_000,  # mutated headers reach the pixel cap (413) cheaply
    )
    with TestClient(create_app(settings_), raise_server_exceptions=False) as client:
        yield client
        # The server is healthy after everything above: it answers and still reads a digit.
        assert client.get("/health").json()["status"] == "ok"
        files = {"file": ("d.png", SEEDS["png"], "image/png")}
        answer = client.post("/models/simplecnn/predict", files=files).json()
        assert answer["predictions"][0]["label"] == "7"
    print("\nupload fuzzing, answers by strategy and status:")
    for (strategy, status), count in sorted(SEEN.items()):
        print(f"  {strategy:<22} {status}: {count}")


def send(client: TestClient, data: bytes, how: str):
    url = "/models/simplecnn/predict"
    if how == "multipart":
        return client.post(url, files={"file": ("upload.bin", data, "application/octet-stream")})
    if how == "raw":
        return client.post(url, content=data, headers={"content-type": "image/png"})
    data_url = "data:image/png;base64," + base64.b64encode(data).decode()
    return client.post(url, json={"image": data_url})


def check(response, strategy: str) -> None:
    SEEN[strategy, response.status_code] += 1
    assert response.status_code in ALLOWED_ANSWERS, response.text
    body = response.json()
    if response.status_code == 200:
        probabilities = [p["probability"] for p in body["predictions"]]
        assert len(probabilities) == 5 and probabilities == sorted(probabilities, reverse=True)
    else:
        assert isinstance(body["detail"], str) and len(body["detail"]) > 20
        assert "Traceback" not in body["detail"] and "/work" not in body["detail"]


HOW = st.sampled_from(["multipart", "raw", "json"])


@settings(FUZZ, max_examples=60)
@given(data=st.binary(max_size=2048), how=HOW)
def test_random_bytes(fuzz_client, data, how):
    check(send(fuzz_client, data, how), "random")


@settings(FUZZ, max_examples=90)
@given(magic=st.sampled_from(MAGICS), tail=st.binary(max_size=2048), how=HOW)
def test_random_bytes_behind_an_allowed_magic_number(fuzz_client, magic, tail, how):
    check(send(fuzz_client, magic + tail, how), "magic+random")


# A mutation: (kind, position as a fraction of the file, payload).
MUTATION = st.tuples(
    st.sampled_from(["flip", "set", "insert", "delete", "truncate", "repeat"]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.binary(min_size=1, max_size=16),
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]], head: int | None) -> bytes:
    out = bytearray(data)
    for kind, where, payload in mutations:
        span = min(len(out), head) if head else len(out)
        if not out:
            break
        i = min(int(where * span), len(out) - 1)
        if kind == "flip":
            out[i] ^= payload[0] or 0xFF
        elif kind == "set":
            out[i : i + len(payload)] = payload
        elif kind == "insert":
            out[i:i] = payload
        elif kind == "delete":
            del out[i : i + len(payload)]
        elif kind == "truncate":
            del out[max(i, 1) :]
        else:  # repeat a stretch: chunks and segments appear twice
            out[i:i] = out[i : i + 4 * len(payload)]
    return bytes(out)


@settings(FUZZ, max_examples=200)
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    mutations=st.lists(MUTATION, min_size=1, max_size=6),
    how=HOW,
)
def test_mutated_valid_images(fuzz_client, seed, mutations, how):
    check(send(fuzz_client, mutate(SEEDS[seed], mutations, None), how), f"mutated {seed}")


@settings(FUZZ, max_examples=120)
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    mutations=st.lists(MUTATION, min_size=1, max_size=3),
)
def test_mutated_headers(fuzz_client, seed, mutations):
    """Mutations in the first 40 bytes: sizes, colour types, chunk lengths, markers."""
    check(send(fuzz_client, mutate(SEEDS[seed], mutations, 40), "multipart"), "header " + seed)


def test_the_seeds_themselves_are_classified(fuzz_client):
    for name, data in SEEDS.items():
        response = send(fuzz_client, data, "multipart")
        assert response.status_code == 200, (name, response.json())
    assert Image.open(io.BytesIO(SEEDS["gif"])).n_frames == 2
