"""POST /models/{name}/predict over HTTP with the lifespan running: accuracy of the shipped
weights, every way of sending an image, every hostile file, labels and shapes per dataset,
and user checkpoints."""

import base64
import io
import logging
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from PIL import Image
from starlette.requests import Request

from backend.api.uploads import read_body
from backend.config import Settings
from backend.errors import ImageTooLargeError
from backend.main import create_app
from backend.zoo import get_spec
from backend.zoo.datasets import CIFAR10_CLASSES, dataset_labels
from tests import helpers_images as h

BODY_CAP = 300_000
ACCEPTED = "PNG, JPEG, GIF (first frame), WebP or BMP"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        warm_summaries=False,
        weights_dir=tmp_path_factory.mktemp("no-user-weights"),
        max_upload_bytes=BODY_CAP,
        max_image_pixels=5_000_000,
        max_loaded_models=2,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def post_file(client, data: bytes, name="digit.png", content_type="image/png", model="simplecnn",
              **params):  # fmt: skip
    return client.post(
        f"/models/{model}/predict", params=params, files={"file": (name, data, content_type)}
    )


def top(response) -> int:
    assert response.status_code == 200, response.json()
    return response.json()["predictions"][0]["index"]


# ---- the shipped SimpleCNN weights --------------------------------------------------------------


def test_heldout_mnist_digits_sent_as_png_files_are_classified_at_97_percent(client):
    images, labels = h.heldout_digits()  # never trained on: the training command's own split
    picked = range(0, len(images), 2)  # 500 of the 1,000, every class equally
    correct = sum(top(post_file(client, h.png(images[i]))) == labels[i] for i in picked)
    accuracy = correct / len(picked)
    assert accuracy >= 0.97, f"held-out accuracy {accuracy:.1%}"


def test_the_answer_has_the_documented_shape(client):
    body = post_file(client, h.png(h.digit(7))).json()
    assert body["model"] == "simplecnn" and body["trained"] is True
    assert body["weights"] == "shipped" and body["device"] == "cpu"
    assert body["input_shape"] == [1, 1, 28, 28]
    assert set(body["timings_ms"]) >= {"decode", "preprocess", "forward", "total"}
    assert body["timings_ms"]["total"] >= body["timings_ms"]["forward"] > 0
    predictions = body["predictions"]
    assert len(predictions) == 5 and predictions[0]["label"] == "7"
    probabilities = [p["probability"] for p in predictions]
    assert probabilities == sorted(probabilities, reverse=True)
    assert "preview" not in body


def test_all_ten_classes_sum_to_one(client):
    predictions = post_file(client, h.png(h.digit(2)), top_k=10).json()["predictions"]
    assert sorted(p["label"] for p in predictions) == [str(d) for d in range(10)]
    assert sum(p["probability"] for p in predictions) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("label", range(10))
def test_white_and_black_backgrounds_give_the_same_answer(client, label):
    for nth in (0, 1):
        white_on_black = h.digit(label, nth)
        drawn_on_white = h.canvas_style(white_on_black)  # dark ink on a white 280×280 canvas
        assert top(post_file(client, h.png(drawn_on_white))) == top(
            post_file(client, h.png(white_on_black))
        )


def test_preview_shows_the_centred_white_on_black_digit(client):
    body = post_file(client, h.png(h.canvas_style(h.digit(3))), preview="true").json()
    assert body["preview"].startswith("data:image/png;base64,")
    preview = Image.open(io.BytesIO(base64.b64decode(body["preview"].split(",", 1)[1])))
    assert preview.size == (28, 28) and preview.mode == "L"
    pixels = np.asarray(preview)
    assert pixels[0, 0] == 0 and pixels.max() > 200  # white ink on black, like MNIST


# ---- ways of sending an image -----------------------------------------------------------------


def test_a_json_data_url_like_a_canvas_sends(client):
    data = h.png(h.canvas_style(h.digit(5)))
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    response = client.post("/models/simplecnn/predict", json={"image": url})
    assert top(response) == top(post_file(client, data)) == 5


def test_a_raw_image_body(client):
    response = client.post(
        "/models/simplecnn/predict",
        content=h.png(h.digit(9)),
        headers={"content-type": "image/png"},
    )
    assert top(response) == 9


def test_the_bytes_decide_the_format_not_the_name_or_declared_type(client):
    data = h.png(h.digit(6))
    assert top(post_file(client, data, name="digit.jpg", content_type="image/jpeg")) == 6
    disguised = post_file(client, h.SVG, name="digit.png", content_type="image/png")
    assert disguised.status_code == 415 and "SVG" in disguised.json()["detail"]


# ---- hostile files ------------------------------------------------------------------------------

HOSTILE = [
    ("empty", lambda: b"", 422, "empty"),
    ("truncated PNG", lambda: h.png(h.digit(3))[:120], 422, "truncated or corrupt"),
    ("random bytes", h.random_bytes, 422, "not an image"),
    ("text file", lambda: b"just some text\n", 422, "not an image"),
    ("SVG", lambda: h.SVG, 415, "SVG files are not accepted"),
    ("PDF", h.pdf, 415, "PDF files are not accepted"),
    ("TIFF", h.tiff, 415, "TIFF files are not accepted"),
    ("20000x20000 PNG bomb", lambda: h.png_declaring(20_000, 20_000), 413, "20000×20000 px"),
    ("zero-size PNG", lambda: h.png_declaring(0, 0), 422, "zero-size"),
    ("body over the cap", lambda: h.random_bytes(BODY_CAP + 1), 413, "larger than"),
]


@pytest.mark.parametrize(("what", "make", "status", "words"), HOSTILE, ids=[x[0] for x in HOSTILE])
def test_hostile_files_get_their_status_and_a_useful_detail(client, what, make, status, words):
    response = post_file(client, make())
    assert response.status_code == status, response.json()
    detail = response.json()["detail"]
    assert words in detail
    if status != 413 or "px" not in detail:
        assert ACCEPTED in detail or "multipart" in detail
    assert client.get("/health").status_code == 200


def test_a_json_body_over_the_cap_is_refused(client):
    url = "data:image/png;base64," + "A" * BODY_CAP
    response = client.post("/models/simplecnn/predict", json={"image": url})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"json": {"image": "iVBORw0KGgo="}}, 422, "data URL"),
        ({"json": {"picture": "data:image/png;base64,AAAA"}}, 422, '{"image"'),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "JSON"),
        ({"data": {"file": "not a file"}, "files": {"other": ("a.png", b"x")}}, 422, "'file'"),
        ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "multipart"),
    ],
)
def test_malformed_requests(client, kwargs, status, words):
    response = client.post("/models/simplecnn/predict", **kwargs)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert client.get("/health").status_code == 200


def test_an_animated_gif_is_read_from_its_first_frame(client):
    three, eight = h.digit(3), h.digit(8)
    assert top(post_file(client, h.animated_gif(three, eight), name="a.gif")) == 3
    assert top(post_file(client, h.animated_gif(eight, three), name="a.gif")) == 8


def test_an_exif_rotated_jpeg_is_turned_upright(client):
    seven = h.digit(7)
    assert top(post_file(client, h.exif_rotated_jpeg(seven), content_type="image/jpeg")) == 7
    sideways = h.encode(Image.fromarray(seven).transpose(Image.Transpose.ROTATE_90), "JPEG")
    assert top(post_file(client, sideways, content_type="image/jpeg")) != 7  # EXIF is the fix


def _in_mode(pixels: np.ndarray, mode: str) -> bytes:
    """The white-on-black digit as a file whose decoder yields `mode`."""
    gray = Image.fromarray(pixels)
    if mode == "RGBA":  # white strokes on a transparent canvas
        ink = Image.merge("RGBA", [gray, gray, gray, gray])
        return h.encode(ink)
    if mode == "LA":  # dark strokes on a transparent canvas
        return h.encode(Image.merge("LA", [Image.fromarray(255 - pixels), gray]))
    if mode == "P":
        return h.encode(gray.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE))
    if mode == "P+transparency":
        p = gray.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
        return h.encode(p, transparency=p.getpixel((0, 0)))
    if mode == "CMYK":
        return h.encode(gray.convert("RGB").convert("CMYK"), "JPEG", quality=95)
    if mode == "I;16":
        return h.encode(Image.fromarray(pixels.astype(np.uint16) * 257))
    if mode == "1":
        return h.encode(gray.point(lambda v: 255 if v > 100 else 0).convert("1"))
    if mode == "WEBP":
        return h.encode(gray.convert("RGB"), "WEBP", lossless=True)
    if mode == "BMP":
        return h.encode(gray, "BMP")
    return h.encode(gray.convert(mode))


@pytest.mark.parametrize(
    "mode", ["L", "RGB", "RGBA", "LA", "P", "P+transparency", "CMYK", "I;16", "1", "WEBP", "BMP"]
)
def test_every_mode_and_format_is_converted_to_the_same_digit(client, mode):
    pixels = h.digit(0, 3)
    data = _in_mode(pixels, mode)
    if mode not in ("P+transparency", "WEBP", "BMP"):
        assert Image.open(io.BytesIO(data)).mode.startswith(mode)
    assert top(post_file(client, data)) == 0


# ---- parameters and other models --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/models/simplecnn/predict?top_k=11", 422, "between 1 and 10"),
        ("/models/simplecnn/predict?top_k=0", 422, "top_k"),
        ("/models/simplecnn/predict?top_k=two", 422, "top_k"),
        ("/models/basicblock/predict", 422, "building block"),
        ("/models/lenet5/predict", 404, "simplecnn"),
    ],
)
def test_bad_parameters_are_refused_before_the_body_is_read(client, path, status, words):
    response = client.post(path, files={"file": ("d.png", h.png(h.digit(1)), "image/png")})
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_resnet18_answers_with_cifar10_names_and_says_it_is_untrained(client):
    photo = Image.fromarray(h.canvas_style(h.digit(1), 90)).convert("RGB").resize((120, 80))
    body = post_file(client, h.encode(photo, "JPEG"), model="resnet18", top_k=10).json()
    assert body["trained"] is False and body["weights"] is None
    assert body["input_shape"] == [1, 3, 32, 32]
    assert sorted(p["label"] for p in body["predictions"]) == sorted(CIFAR10_CLASSES)


@pytest.mark.parametrize("model", ["alexnet", "vgg16"])
def test_imagenet_models_answer_with_the_1000_imagenet_names(client, model):
    photo = Image.fromarray(h.canvas_style(h.digit(1), 300)).convert("RGB")
    body = post_file(client, h.encode(photo), model=model, top_k=1000).json()
    assert body["trained"] is False
    assert body["input_shape"] == [1, 3, 224, 224]
    labels = [p["label"] for p in body["predictions"]]
    assert len(labels) == 1000 and set(labels) == set(dataset_labels("imagenet"))
    assert "tench" in labels and "toilet tissue" in labels


# ---- user checkpoints ------------------------------------------------------------------------


def test_user_checkpoints_load_and_broken_ones_leave_the_server_serving(tmp_path, caplog):
    simplecnn = {
        k: torch.zeros_like(v) for k, v in get_spec("simplecnn").build().state_dict().items()
    }
    simplecnn["fc2.bias"][3] = 10.0  # answers "3" whatever it sees: proves the file is used
    torch.save(simplecnn, tmp_path / "simplecnn.pt")
    resnet = get_spec("resnet18").build()
    with torch.no_grad():
        resnet.fc.weight.zero_()
        resnet.fc.bias.copy_(torch.eye(10)[CIFAR10_CLASSES.index("cat")] * 10)
    torch.save(resnet.state_dict(), tmp_path / "resnet18.pt")
    torch.save(simplecnn, tmp_path / "alexnet.pt")  # does not fit
    (tmp_path / "vgg16.pt").write_bytes(h.random_bytes(300))  # not a checkpoint

    caplog.set_level(logging.INFO)
    settings = Settings(warm_summaries=False, weights_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        trained = {m["name"]: m["trained"] for m in client.get("/models").json()}
        assert trained["simplecnn"] and trained["resnet18"]
        assert not trained["alexnet"] and not trained["vgg16"] and not trained["vgg19"]
        assert f"{tmp_path / 'alexnet.pt'} does not fit alexnet" in caplog.text
        assert f"{tmp_path / 'vgg16.pt'} does not fit vgg16" in caplog.text

        body = post_file(client, h.png(h.digit(8)), top_k=1).json()
        assert body["weights"] == "user" and body["predictions"][0]["label"] == "3"
        assert body["predictions"][0]["probability"] > 0.99
        body = post_file(client, h.png(h.digit(8)), model="resnet18", top_k=1).json()
        assert body["trained"] is True and body["predictions"][0]["label"] == "cat"
        assert client.get("/health").status_code == 200
        assert client.get("/models/alexnet").json()["trained"] is False


@pytest.mark.parametrize("path", ["predict", "feature_maps?layer=conv1", "gradcam?layer=conv1"])
def test_other_methods_are_told_to_post(client, path):
    response = client.get(f"/models/simplecnn/{path}")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert "does not take GET. Use POST" in response.json()["detail"]


def test_a_body_without_content_length_is_cut_off_while_it_arrives():
    """No Content-Length (chunked upload): reading stops one chunk past the cap, it does not
    buffer whatever the client keeps sending."""
    chunks_sent = 0

    async def endless_upload() -> dict:
        nonlocal chunks_sent
        chunks_sent += 1
        return {"type": "http.request", "body": b"\0" * 10_000, "more_body": True}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    with pytest.raises(ImageTooLargeError) as err:
        h.run_in_own_loop(read_body(Request(scope, endless_upload), limit=BODY_CAP))
    assert chunks_sent == BODY_CAP // 10_000 + 1
    assert "larger than" in err.value.detail
