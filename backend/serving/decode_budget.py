"""The bytes decoding may hold across all requests at once, and what one decode will need.

A header bounds pixels, not memory: a 1.9 KB one-colour WebP that declares 7000×7000 px needs
~750 MiB while libwebp decodes it, and the conversions after it (rotation, flattening the
alpha channel) used to add as much again. So every decode first estimates its peak from the
header (`DecodeEstimate`), is refused past a per-image cap, and then reserves that many bytes
of a server-wide `DecodeBudget`, waiting a moment for others to finish before answering 503.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from backend.errors import ServerBusyError
from backend.i18n import bilingual

# Bytes per pixel of Pillow's own storage, by mode ("RGB" and friends are stored in 4 bytes).
_STORAGE_BPP = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# Pillow's WebP plugin decodes through libwebp's animation decoder into buffers of its own and
# copies the frame out: measured 16 bytes per pixel for RGBA and ~5.3 for RGB (Pillow 13).
_WEBP_BPP = {True: 16, False: 8}
# Conversions work on rows in chunks of about this many pixels (float32 temporaries).
CHUNK_PIXELS = 1 << 18
CHUNK_BYTES = CHUNK_PIXELS * 48  # float64 blocks and their temporaries, a few at a time
BASE_BYTES = 16 << 20  # Pillow's decoder state, line buffers, allocator slack (measured)


def storage_bpp(mode: str) -> int:
    return _STORAGE_BPP.get(mode, 4)


def has_alpha(mode: str, info: dict) -> bool:
    return mode in ("RGBA", "RGBa", "LA", "La", "PA") or (mode == "P" and "transparency" in info)


@dataclass(frozen=True)
class DecodeEstimate:
    """Peak bytes of one decode, in parts, so a refusal can say where they go."""

    decode: int  # the decoder's own buffers at the decoded (possibly drafted) size
    rotation: int  # the copy EXIF orientation makes
    conversion: int  # to "L"/"RGB", alpha flattened, 16-bit scaled

    @property
    def total(self) -> int:
        return BASE_BYTES + self.decode + self.rotation + self.conversion


def estimate_decode(
    fmt: str,
    mode: str,
    info: dict,
    size: tuple[int, int],
    work_size: tuple[int, int],
    rotated: bool,
) -> DecodeEstimate:
    """`size`: pixels the decoder produces; `work_size`: pixels left after reducing them for
    the caller (rotation and conversion run on those). Measured against peak RSS per image
    kind in tests/test_decode_memory.py."""
    pixels = size[0] * size[1]
    work = work_size[0] * work_size[1]
    alpha = has_alpha(mode, info)
    bpp = storage_bpp(mode)
    decode = pixels * (_WEBP_BPP[alpha] if fmt == "WEBP" else bpp)
    if work != pixels:  # the reduced copy, filled a strip at a time beside the decoded image
        decode += work * max(bpp, 1) + CHUNK_BYTES
    rotation = work * bpp if rotated else 0
    if mode in ("L", "RGB"):
        conversion = 0
    elif alpha:  # an RGB result; strips of float32 in between
        conversion = work * 4 + CHUNK_BYTES
    elif mode.startswith("I") or mode == "F":  # scaled to an "L" result in strips
        conversion = work + CHUNK_BYTES
    else:  # "1" -> L, P -> RGB, CMYK & co. -> RGB
        conversion = work * 4
    return DecodeEstimate(decode, rotation, conversion)


def human_bytes(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.3g} GiB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.3g} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.3g} KiB"
    return f"{n} bytes"


def largest_square(cost: Callable[[int], int], cap: int, upper: int) -> int:
    """The largest side, in px, up to `upper`, whose square image `cost`s at most `cap` bytes."""
    low, high = 1, max(1, upper)
    while low < high:
        middle = (low + high + 1) // 2
        if cost(middle) <= cap:
            low = middle
        else:
            high = middle - 1
    return low


class DecodeBudget:
    """Bytes reserved by the decodes running now, across every request and thread."""

    def __init__(self, total_bytes: int, wait_s: float) -> None:
        self.total_bytes = total_bytes
        self.wait_s = wait_s
        self._used = 0
        self._changed = threading.Condition()

    @property
    def used(self) -> int:
        with self._changed:
            return self._used

    @contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        """Holds `nbytes` of the budget for the block; waits up to `wait_s` for room, then
        raises `ServerBusyError` (503). A decode alone may always run (its own cap is checked
        before this), so one large image is never refused for an idle server."""
        with self._changed:
            fits = self._changed.wait_for(
                lambda: self._used == 0 or self._used + nbytes <= self.total_bytes,
                timeout=self.wait_s,
            )
            if not fits:
                raise ServerBusyError(
                    bilingual(
                        "image.decode_busy",
                        used=human_bytes(self._used),
                        total=human_bytes(self.total_bytes),
                        needed=human_bytes(nbytes),
                    ),
                    retry_after_s=1,
                    workload="decode",
                )
            self._used += nbytes
        try:
            yield
        finally:
            with self._changed:
                self._used -= nbytes
                self._changed.notify_all()
