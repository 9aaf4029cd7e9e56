"""Test images made in code: JPEGs that look like photos to an encoder and a decoder.

A flat or purely random image would be unrealistic either way (a flat one compresses to almost
nothing; white noise is incompressible and decodes slowly). A photo is mostly smooth with fine
grain, so these are smooth colour gradients and soft blobs plus mild Gaussian noise, saved as
quality-90 JPEGs with 4:2:0 chroma subsampling like a phone camera's.
"""

import io
from functools import cache

import numpy as np
from PIL import Image

PHOTO_12MP = (4000, 3000)  # width, height: a 12-megapixel phone photo
SMALL = (224, 224)


def photo_like(width: int, height: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    # Built at a low resolution and upscaled (smooth, cheap), then grain added at full size.
    lw, lh = max(2, width // 16), max(2, height // 16)
    y, x = np.mgrid[0:lh, 0:lw].astype(np.float32)
    x /= lw
    y /= lh
    channels = []
    for c in range(3):
        field = 0.5 + 0.25 * np.sin(2 * np.pi * (x * (1 + c) + y * 0.7) + c)
        for _ in range(6):  # soft blobs: objects in the scene
            cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.3)
            field += rng.uniform(-0.3, 0.3) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / r**2)
        channels.append(field)
    low = np.clip(np.stack(channels, axis=-1) * 255, 0, 255).astype(np.uint8)
    image = np.asarray(Image.fromarray(low, "RGB").resize((width, height), Image.BICUBIC))
    grain = rng.normal(0, 6, size=image.shape).astype(np.float32)
    pixels = np.clip(image.astype(np.float32) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, subsampling="4:2:0")
    return buffer.getvalue()


@cache
def test_jpegs() -> dict[str, bytes]:
    """{"224×224 JPEG": ..., "12 MP photo": ...}, made once per process."""
    return {
        "224×224 JPEG": jpeg_bytes(photo_like(*SMALL, seed=1)),
        "12 MP photo": jpeg_bytes(photo_like(*PHOTO_12MP, seed=2)),
    }
