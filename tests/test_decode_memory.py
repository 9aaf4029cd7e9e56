"""Decoding with a memory budget: the bombs that used to cost ~3 GB each (7000×7000 one-colour
RGBA WebP, transparent GIF, RGBA PNG with EXIF rotation, 16-bit grey), measured for peak RSS in
a fresh process each, the header's estimate, the server-wide budget, reduced decoding, and the
OS/2 bitmap header."""

import io
import json
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from backend.errors import ImageTooLargeError, ServerBusyError
from backend.serving.decode_budget import DecodeBudget
from backend.serving.images import ImageLimits, declared_size, decode_image
from tests import helpers_images as h

MiB = 1 << 20
SIDE = 7000  # 49 megapixels: under the default 50 MP header cap
MAX_DECODE = 256 * MiB  # the default MAX_DECODE_BYTES, documented in the README
LIMITS = ImageLimits(max_bytes=16 * MiB, max_pixels=50_000_000, max_decode_bytes=MAX_DECODE)


def _bombs() -> dict[str, bytes]:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    gif = Image.new("P", (SIDE, SIDE), 0)
    return {
        "rgba_webp": h.encode(
            Image.new("RGBA", (SIDE, SIDE), (200, 10, 10, 128)), "WEBP", lossless=True
        ),
        "transparent_gif": h.encode(gif, "GIF", transparency=0),
        "rgba_png_exif": h.encode(
            Image.new("RGBA", (SIDE, SIDE), (10, 200, 10, 128)), "PNG", exif=exif.tobytes()
        ),
        "grey16_png": h.encode(Image.new("I;16", (SIDE, SIDE), 1000), "PNG"),
    }


# Peak RSS as the kernel's high-water mark of this process's own memory (VmHWM: ru_maxrss would
# carry the parent's peak across fork and exec).
MEASURE = """
import json, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
from backend.serving.images import ImageLimits, decode_image
from backend.errors import ImageTooLargeError
data = open(sys.argv[1], "rb").read()
draft = int(sys.argv[2]) or None
limits = ImageLimits(16 << 20, 50_000_000, max_decode_bytes=int(sys.argv[3]))
before = peak()
try:
    image = decode_image(data, limits, draft_size=draft)
    result = {"mode": image.mode, "size": list(image.size)}
except ImageTooLargeError as exc:
    result = {"refused": exc.detail, "estimated": exc.extra.get("estimated_bytes")}
after = peak()
result["peak_bytes"] = after - before
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each bomb decoded in its own process (as a prediction does, shrinking towards 256 px),
    its peak RSS above the process's baseline."""
    folder = tmp_path_factory.mktemp("bombs")
    results = {}
    for name, data in _bombs().items():
        path = folder / name
        path.write_bytes(data)
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, str(path), "256", str(MAX_DECODE)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
        )
        results[name] = json.loads(out.stdout) | {"file_bytes": len(data)}
    for name, r in results.items():
        print(f"{name}: {r['file_bytes']} bytes, peak +{r['peak_bytes'] / MiB:.0f} MiB, {r}")
    return results


def test_every_bomb_stays_under_the_per_image_budget(measured: dict[str, dict]) -> None:
    for name, result in measured.items():
        assert result["peak_bytes"] < MAX_DECODE, f"{name}: {result}"


def test_the_webp_is_refused_from_its_header_before_decoding(measured: dict[str, dict]) -> None:
    webp = measured["rgba_webp"]
    assert webp["refused"].startswith("Decoding this 7000×7000 px RGBA WebP would take about")
    assert "more than the 256 MiB one image may use" in webp["refused"]
    assert webp["estimated"] > MAX_DECODE
    assert webp["peak_bytes"] < 32 * MiB  # nothing was decoded


def test_the_others_decode_reduced_and_upright(measured: dict[str, dict]) -> None:
    assert measured["transparent_gif"]["mode"] == "RGB"
    assert min(measured["transparent_gif"]["size"]) >= 512  # palettes: twice the draft side
    assert measured["rgba_png_exif"]["mode"] == "RGB"
    assert min(measured["rgba_png_exif"]["size"]) >= 256
    assert measured["grey16_png"] == measured["grey16_png"] | {"mode": "L", "size": [260, 260]}


def test_the_estimate_is_an_upper_bound_of_what_was_measured(tmp_path: Path) -> None:
    """Without reduction (draft 0) a 5000×5000 transparent GIF and 16-bit PNG: the estimate
    made from the header is at least the peak measured, and not wildly above it."""
    gif = Image.new("P", (5000, 5000), 0)
    files = {
        "gif": h.encode(gif, "GIF", transparency=0),
        "grey16": h.encode(Image.new("I;16", (5000, 5000), 1000), "PNG"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        root = Path(__file__).resolve().parent.parent
        refused = subprocess.run(  # a cap of 1 byte: the refusal reports the estimate
            [sys.executable, "-c", MEASURE, str(path), "0", "1"],
            capture_output=True, text=True, timeout=60, cwd=root, check=True,
        )  # fmt: skip
        decoded = subprocess.run(
            [sys.executable, "-c", MEASURE, str(path), "0", str(4 * MAX_DECODE)],
            capture_output=True, text=True, timeout=60, cwd=root, check=True,
        )  # fmt: skip
        estimate = json.loads(refused.stdout)["estimated"]
        peak = json.loads(decoded.stdout)["peak_bytes"]
        print(f"{name}: estimate {estimate / MiB:.0f} MiB, measured {peak / MiB:.0f} MiB")
        assert peak <= estimate <= 1.5 * peak + 32 * MiB


def test_reduced_decoding_keeps_the_picture() -> None:
    """A 2048×1024 PNG shrunk towards 256 px and a 4× smaller copy decoded whole agree."""
    rng = np.random.default_rng(0)
    blocks = rng.integers(0, 256, (8, 16, 3), dtype=np.uint8)
    big = Image.fromarray(blocks).resize((2048, 1024), Image.Resampling.NEAREST)
    small = Image.fromarray(blocks).resize((512, 256), Image.Resampling.NEAREST)
    got = decode_image(h.encode(big, "PNG"), LIMITS, draft_size=256)
    assert got.size == (512, 256) and got.mode == "RGB"
    assert np.abs(np.asarray(got, int) - np.asarray(small, int)).max() <= 1


def test_reduced_decoding_still_turns_the_picture_upright() -> None:
    upright = np.zeros((1200, 600), dtype=np.uint8)
    upright[:100] = 255  # a white band at the top
    stored = Image.fromarray(upright).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    got = np.asarray(decode_image(h.encode(stored, "PNG", exif=exif.tobytes()), LIMITS, 256))
    assert got.shape == (600, 300)  # 1200×600 upright, reduced by 2
    assert got[:40].mean() > 250 and got[100:].mean() < 5


def test_the_budget_makes_a_second_decode_wait_then_refuses_it() -> None:
    budget = DecodeBudget(total_bytes=100 * MiB, wait_s=0.2)
    with budget.reserve(80 * MiB):
        assert budget.used == 80 * MiB
        with pytest.raises(ServerBusyError) as err, budget.reserve(40 * MiB):
            pass
        assert err.value.extra["retry_after_s"] == 1
        assert "hold 80 MiB of the 100 MiB set aside for decoding" in err.value.detail
        with budget.reserve(20 * MiB):  # fits beside it
            assert budget.used == 100 * MiB
    assert budget.used == 0


def test_the_budget_lets_a_waiting_decode_in_once_room_is_freed() -> None:
    budget = DecodeBudget(total_bytes=100 * MiB, wait_s=5.0)
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with budget.reserve(90 * MiB):
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(5)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    with budget.reserve(50 * MiB):
        waited = time.monotonic() - started
        assert budget.used == 50 * MiB
    holder.join(5)
    assert waited >= 0.1
    assert budget.used == 0


def test_a_decode_alone_is_never_refused_by_the_budget() -> None:
    budget = DecodeBudget(total_bytes=1 * MiB, wait_s=0.0)
    limits = ImageLimits(1 << 20, 4_000_000, budget=budget)
    assert decode_image(h.png(h.digit(7)), limits).size == (28, 28)
    assert budget.used == 0


def test_decodes_hold_the_budget_while_they_run_and_free_it_after_errors() -> None:
    budget = DecodeBudget(total_bytes=512 * MiB, wait_s=0.0)
    limits = ImageLimits(16 * MiB, 50_000_000, budget=budget)
    truncated = h.encode(Image.new("RGB", (300, 300), (1, 2, 3)), "PNG")[:-30]
    with pytest.raises(Exception):  # noqa: B017 - only the budget's state matters here
        decode_image(truncated, limits)
    assert budget.used == 0


def os2_bmp(width: int, height: int) -> bytes:
    """A 24-bit OS/2 1.x bitmap (BITMAPCOREHEADER: 12 bytes, 16-bit sides)."""
    row = (width * 3 + 3) // 4 * 4
    pixels = b"".join(bytes([0, 0, 255] * width).ljust(row, b"\0") for _ in range(height))
    header = struct.pack("<IHHHH", 12, width, height, 1, 24)
    offset = 14 + len(header)
    return b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + header + pixels


def test_an_os2_bitmap_is_read_with_its_own_header_layout() -> None:
    data = os2_bmp(64, 48)
    assert declared_size(data, "BMP") == (64, 48)
    image = decode_image(data, LIMITS)
    assert image.size == (64, 48) and image.getpixel((0, 0)) == (255, 0, 0)


def test_a_windows_bitmap_still_declares_its_size() -> None:
    data = h.encode(Image.new("RGB", (30, 20)), "BMP")
    assert declared_size(data, "BMP") == (30, 20)


def test_a_refusal_says_what_would_fit() -> None:
    data = h.encode(Image.new("RGBA", (3000, 3000), (1, 2, 3, 4)), "WEBP", lossless=True)
    limits = ImageLimits(16 * MiB, 50_000_000, max_decode_bytes=64 * MiB)
    with pytest.raises(ImageTooLargeError) as err:
        decode_image(data, limits, draft_size=256)
    detail = err.value.detail
    assert "3000×3000 px RGBA WebP" in detail and "64 MiB one image may use" in detail
    side = int(detail.split("(about ")[1].split("×")[0])
    assert 1000 < side < 3000
    fits = h.encode(Image.new("RGBA", (side, side), (1, 2, 3, 4)), "WEBP", lossless=True)
    assert decode_image(fits, limits, draft_size=256).mode == "RGB"


def test_image_bytes_are_what_the_fixture_claims() -> None:
    assert Image.open(io.BytesIO(os2_bmp(4, 4))).size == (4, 4)


def test_the_cost_read_from_the_header_sends_large_images_to_their_own_lane() -> None:
    from backend.serving.images import decode_cost

    exif = Image.Exif()
    exif[0x0112] = 6
    big = h.encode(Image.new("RGBA", (3000, 3000), (9, 9, 9, 128)), "PNG", exif=exif.tobytes())
    assert decode_cost(big, 64) > 32 * MiB  # the default LARGE_IMAGE_BYTES
    assert decode_cost(h.png(h.digit(7)), 256) < 32 * MiB
    assert decode_cost(b"not an image", 256) == 0
