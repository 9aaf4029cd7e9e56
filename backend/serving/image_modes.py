"""From a decoded Pillow image to what the models take: reduced for the caller, upright, and
"L" or "RGB", with every step's memory kept to a strip of rows at a time beside its result
(decode_budget.estimate_decode counts exactly these copies)."""

import struct
from collections.abc import Iterator

import numpy as np
from PIL import Image

from backend.serving.decode_budget import CHUNK_PIXELS

# EXIF orientation -> the transposition that brings the picture upright (as ImageOps does).
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (OSError, SyntaxError, ValueError, TypeError, struct.error, EOFError):
        return 1  # unreadable EXIF: shown as stored, like ImageOps.exif_transpose does


def reduced_size(image: Image.Image, draft_size: int | None) -> tuple[int, int]:
    """The size `reduced` shrinks the decoded image to: an integer factor that keeps its
    shorter side at least `draft_size` (twice that for palettes, which only nearest-neighbour
    can shrink); the image's own size when that factor would be 1."""
    factor = _reduce_factor(image, draft_size)
    width, height = image.size
    return -(-width // factor), -(-height // factor)


def _reduce_factor(image: Image.Image, draft_size: int | None) -> int:
    if not draft_size:
        return 1
    floor = draft_size * (2 if image.mode in ("P", "PA") else 1)
    return max(1, min(image.size) // floor)


def reduced(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`image` shrunk by an integer factor to `size`, a strip of rows at a time: Pillow
    premultiplies alpha into a full copy before it filters, which on the whole image would
    double the decode's memory; strips `factor` rows apart give the same pixels."""
    if size == image.size:
        return image
    factor = -(-image.size[0] // size[0])
    mode = "L" if image.mode == "1" else image.mode  # a box filter keeps thin strokes
    out = Image.new(mode, size)
    if image.mode in ("P", "PA"):
        out.putpalette(image.getpalette() or [])
        out.info = dict(image.info)
    width = image.size[0]
    step = max(1, CHUNK_PIXELS // max(1, width * factor)) * factor
    for top in range(0, image.size[1], step):
        strip = image.crop((0, top, width, min(top + step, image.size[1])))
        out.paste(_reduce_strip(strip, factor), (0, top // factor))
    return out


def _reduce_strip(strip: Image.Image, factor: int) -> Image.Image:
    if strip.mode == "1":
        strip = strip.convert("L")
    size = (-(-strip.size[0] // factor), -(-strip.size[1] // factor))
    if strip.mode in ("P", "PA"):  # averaging palette indices would mean nothing
        return strip.resize(size, Image.Resampling.NEAREST)
    if strip.mode.startswith("I;16"):  # Pillow's reduce does not take 16-bit modes
        return strip.resize(size, Image.Resampling.BOX)
    return strip.reduce(factor)


def to_rgb_or_l(image: Image.Image) -> Image.Image:
    """Every Pillow mode, converted on purpose to "L" (one channel) or "RGB".

    - transparency (RGBA, LA, PA, P with a transparent colour) is flattened onto a background
      chosen to contrast with what is drawn: light strokes on a transparent canvas go onto
      black, dark ones onto white, so a drawing never disappears into its background;
    - 16-bit ("I;16*") and 32-bit ("I") integers are scaled from the 16-bit range, the range
      PNG stores them in; floats ("F") are read as 0–1 when they fit there, else 0–255;
    - "1" becomes 0/255, "CMYK", "YCbCr", "LAB", "HSV" go through Pillow's RGB conversion.
    """
    mode = image.mode
    if mode in ("L", "RGB"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode == "P":
        has_alpha = "transparency" in image.info or image.palette.mode == "RGBA"
        return _flatten_alpha(image) if has_alpha else image.convert("RGB")
    if mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        return _flatten_alpha(image)
    if mode.startswith("I;16") or mode == "I":
        return _scaled_to_l(image, 65535.0)
    if mode == "F":
        return _scaled_to_l(image, None)
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX


def _strips(image: Image.Image) -> Iterator[tuple[int, Image.Image]]:
    """(top row, rows) in strips of about CHUNK_PIXELS, one copy at a time: numpy works on
    one strip, so its temporaries stay small whatever the image's size."""
    width, height = image.size
    step = max(1, CHUNK_PIXELS // max(1, width))
    for top in range(0, height, step):
        yield top, image.crop((0, top, width, min(top + step, height)))


def _flatten_alpha(image: Image.Image) -> Image.Image:
    """Alpha composited onto black or white (see `to_rgb_or_l`), a strip at a time."""
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    luma_sum, visible_count = 0.0, 0
    for _, strip in _strips(image):
        block = np.asarray(strip.convert("RGBA"), dtype=np.float32)
        visible = block[..., 3] > 127.5
        luma_sum += float((block[..., :3] @ weights)[visible].sum())
        visible_count += int(visible.sum())
    drawn_light = visible_count > 0 and luma_sum / visible_count > 127.5
    background = 0.0 if drawn_light else 255.0
    out = Image.new("RGB", image.size)
    for top, strip in _strips(image):
        block = np.asarray(strip.convert("RGBA"), dtype=np.float32)
        alpha = block[..., 3:4] / 255.0
        rgb = block[..., :3] * alpha + background * (1.0 - alpha)
        out.paste(Image.fromarray(np.clip(rgb + 0.5, 0, 255).astype(np.uint8), "RGB"), (0, top))
    return out


def _scaled_to_l(image: Image.Image, full_scale: float | None) -> Image.Image:
    """Integers or floats to 0–255 grey, a strip at a time."""
    if full_scale is None:  # float image: 0–1 if it fits, else treat as 0–255
        top, bottom, seen = -np.inf, np.inf, False
        for _, strip in _strips(image):
            block = np.asarray(strip)
            finite = block[np.isfinite(block)]
            if finite.size:
                seen = True
                top, bottom = max(top, float(finite.max())), min(bottom, float(finite.min()))
        if not seen:
            top = bottom = 0.0
        full_scale = 1.0 if bottom >= 0.0 and top <= 1.0 else 255.0
    out = Image.new("L", image.size)
    for row, strip in _strips(image):
        block = np.asarray(strip).astype(np.float64)
        block = np.nan_to_num(block, nan=0.0, posinf=full_scale, neginf=0.0)
        grey = np.clip(block / full_scale * 255.0 + 0.5, 0, 255).astype(np.uint8)
        out.paste(Image.fromarray(grey, "L"), (0, row))
    return out
