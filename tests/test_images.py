"""backend/serving/images.py: sniffing, caps before decoding, decoding, every mode converted."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from backend.errors import ImageTooLargeError, UndecodableImageError, UnsupportedFormatError
from backend.serving import images
from backend.serving.images import (
    ImageLimits,
    declared_size,
    decode_data_url,
    decode_image,
    sniff_format,
    to_data_url,
    to_rgb_or_l,
)
from tests import helpers_images as h

LIMITS = ImageLimits(max_bytes=1_000_000, max_pixels=4_000_000)


def gradient(width: int = 40, height: int = 20) -> Image.Image:
    """A non-square RGB image whose orientation can be read back from its pixels."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None].repeat(width, 1)
    return Image.fromarray(np.stack([x, y, 255 - x], -1).astype(np.uint8), "RGB")


@pytest.mark.parametrize(
    ("fmt", "params", "expected"),
    [
        ("PNG", {}, "PNG"),
        ("JPEG", {"quality": 90}, "JPEG"),
        ("GIF", {}, "GIF"),
        ("WEBP", {"lossless": True}, "WEBP"),
        ("WEBP", {"quality": 80}, "WEBP"),
        ("BMP", {}, "BMP"),
    ],
)
def test_allowed_formats_are_sniffed_and_their_header_size_matches_pillow(fmt, params, expected):
    data = h.encode(gradient(37, 23), fmt, **params)
    assert sniff_format(data) == expected
    assert declared_size(data, expected) == (37, 23)
    decoded = decode_image(data, LIMITS)
    assert decoded.size == (37, 23)
    assert decoded.mode in ("RGB", "L")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (h.SVG, "SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
        (h.pdf(), "PDF"),
        (h.tiff(), "TIFF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIC"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", "AVIF"),
        (b"\x00\x00\x01\x00\x01\x00\x10\x10", "ICO"),
    ],
)
def test_formats_outside_the_allow_list_are_refused_by_name(data, name):
    with pytest.raises(UnsupportedFormatError) as err:
        decode_image(data, LIMITS)
    assert name in err.value.detail
    assert "PNG, JPEG, GIF (first frame), WebP or BMP" in err.value.detail


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (h.random_bytes(), "not an image"),
        (b"hello, this is text", "not an image"),
        (h.png(h.digit(3))[:60], "truncated or corrupt"),
        (h.png_declaring(0, 0), "zero-size"),
        (h.png_declaring(0, 28), "zero-size"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "header is corrupt"),
    ],
)
def test_broken_uploads_say_what_was_wrong_and_what_is_accepted(data, words):
    with pytest.raises(UndecodableImageError) as err:
        decode_image(data, LIMITS)
    assert words in err.value.detail
    assert "PNG, JPEG, GIF (first frame), WebP or BMP" in err.value.detail


def test_a_pixel_bomb_is_refused_from_its_header_before_pillow_opens_it(monkeypatch):
    bomb = h.png_declaring(20_000, 20_000)
    assert len(bomb) < 100

    def must_not_open(*args, **kwargs):
        raise AssertionError("Pillow was asked to open a file refused by its header")

    monkeypatch.setattr(images.Image, "open", must_not_open)
    with pytest.raises(ImageTooLargeError) as err:
        decode_image(bomb, LIMITS)
    assert "20000×20000" in err.value.detail
    assert err.value.extra["max_pixels"] == LIMITS.max_pixels


def test_the_pixel_cap_applies_to_jpeg_headers_too(monkeypatch):
    photo = h.encode(gradient(300, 200), "JPEG")
    monkeypatch.setattr(images.Image, "open", lambda *a, **k: pytest.fail("opened"))
    with pytest.raises(ImageTooLargeError):
        decode_image(photo, ImageLimits(max_bytes=1_000_000, max_pixels=300 * 200 - 1))


def test_the_byte_cap_is_checked_first():
    data = h.png(h.digit(1))
    with pytest.raises(ImageTooLargeError) as err:
        decode_image(data, ImageLimits(max_bytes=len(data) - 1, max_pixels=10**6))
    assert "more than the" in err.value.detail


def test_animated_gif_gives_its_first_frame():
    first = np.full((28, 28), 30, np.uint8)
    second = np.full((28, 28), 220, np.uint8)
    decoded = decode_image(h.animated_gif(first, second), LIMITS)
    assert np.asarray(decoded.convert("L")).mean() == pytest.approx(30, abs=2)


def test_exif_orientation_is_applied():
    stored_sideways = h.exif_rotated_jpeg(np.asarray(gradient(40, 20)))
    assert Image.open(io.BytesIO(stored_sideways)).size == (20, 40)
    upright = decode_image(stored_sideways, LIMITS)
    assert upright.size == (40, 20)
    expected = np.asarray(gradient(40, 20), dtype=np.float32)
    assert np.abs(np.asarray(upright, dtype=np.float32) - expected).mean() < 6  # JPEG noise


def test_jpeg_draft_decodes_big_photos_at_a_reduced_scale():
    photo = h.encode(gradient(2000, 1600), "JPEG")
    assert decode_image(photo, LIMITS).size == (2000, 1600)
    small = decode_image(photo, LIMITS, draft_size=256)
    assert min(small.size) >= 256 and small.size[0] < 2000


# ---- every mode, converted on purpose --------------------------------------------------------


def test_modes_without_alpha():
    bilevel = Image.fromarray(np.array([[0, 1]], dtype=bool))
    assert np.asarray(to_rgb_or_l(bilevel)).tolist() == [[0, 255]]
    i16 = Image.fromarray(np.array([[0, 32768, 65535]], dtype=np.uint16))
    assert i16.mode.startswith("I;16")
    assert np.asarray(to_rgb_or_l(i16)).tolist() == [[0, 128, 255]]
    i32 = Image.fromarray(np.array([[0, 65535]], dtype=np.int32))
    assert i32.mode == "I"
    assert np.asarray(to_rgb_or_l(i32)).tolist() == [[0, 255]]
    unit = Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32))
    assert np.asarray(to_rgb_or_l(unit)).tolist() == [[0, 128, 255]]
    wide = Image.fromarray(np.array([[0.0, 200.0, 300.0, np.nan]], dtype=np.float32))
    assert np.asarray(to_rgb_or_l(wide)).tolist() == [[0, 200, 255, 0]]
    cmyk = Image.new("CMYK", (1, 1), (0, 255, 255, 0))  # pure red ink
    assert to_rgb_or_l(cmyk).mode == "RGB"
    assert to_rgb_or_l(cmyk).getpixel((0, 0)) == (255, 0, 0)
    for mode in ("YCbCr", "LAB", "HSV"):
        assert to_rgb_or_l(Image.new("RGB", (2, 2), (10, 20, 30)).convert(mode)).mode == "RGB"
    palette = Image.new("RGB", (2, 2), (200, 10, 10)).convert("P", palette=Image.Palette.ADAPTIVE)
    assert to_rgb_or_l(palette).getpixel((0, 0)) == (200, 10, 10)


def test_transparency_is_flattened_onto_a_contrasting_background():
    dark_stroke = np.zeros((10, 10, 4), np.uint8)
    dark_stroke[4:6, :, 3] = 255  # black ink, opaque, on a fully transparent canvas
    flat = np.asarray(to_rgb_or_l(Image.fromarray(dark_stroke, "RGBA")))
    assert flat[0, 0].tolist() == [255, 255, 255] and flat[5, 5].tolist() == [0, 0, 0]

    light_stroke = dark_stroke.copy()
    light_stroke[4:6, :, :3] = 255  # white ink on a transparent canvas
    flat = np.asarray(to_rgb_or_l(Image.fromarray(light_stroke, "RGBA")))
    assert flat[0, 0].tolist() == [0, 0, 0] and flat[5, 5].tolist() == [255, 255, 255]

    la = Image.fromarray(dark_stroke[..., [0, 3]], "LA")
    assert np.asarray(to_rgb_or_l(la))[0, 0].tolist() == [255, 255, 255]
    pa = Image.fromarray(dark_stroke, "RGBA").convert("PA")
    assert np.asarray(to_rgb_or_l(pa))[5, 5].tolist() == [0, 0, 0]

    p = Image.fromarray(dark_stroke[..., 0], "L").convert("P")
    p.info["transparency"] = 0  # palette index 0 (black) is transparent: background
    assert to_rgb_or_l(p).mode == "RGB"


# ---- data URLs ------------------------------------------------------------------------------


def test_data_urls_round_trip():
    data = h.png(h.digit(5))
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    assert decode_data_url(url, LIMITS) == data
    assert decode_data_url(to_data_url(Image.open(io.BytesIO(data))), LIMITS)


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("iVBORw0KGgo=", UndecodableImageError, "data URL"),
        ("data:image/png,not-base64", UndecodableImageError, "data URL"),
        ("data:image/png;base64,@@@@", UndecodableImageError, "malformed"),
        ("data:image/png;base64," + "A" * 2_000_000, ImageTooLargeError, "more than"),
    ],
)
def test_bad_data_urls(text, error, words):
    with pytest.raises(error) as err:
        decode_data_url(text, LIMITS)
    assert words in err.value.detail
