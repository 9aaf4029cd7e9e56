"""Turning untrusted bytes into a PIL image: format sniffing, caps, decoding, mode conversion.

Order matters for safety: the format is decided by magic bytes (never by a file name or a
declared content type), the declared size is checked against our pixel cap before a single
pixel is decoded, and Pillow is only ever asked to open the one allow-listed format the bytes
claim to be. Every refusal is an `ImageRejectedError` subclass whose detail says what was wrong
and what is accepted.
"""

import base64
import binascii
import io
import re
import struct
from contextlib import nullcontext
from dataclasses import dataclass
from typing import NoReturn

from PIL import Image, UnidentifiedImageError

from backend.errors import ImageTooLargeError, UndecodableImageError, UnsupportedFormatError
from backend.i18n import bilingual
from backend.serving.decode_budget import (
    DecodeBudget,
    DecodeEstimate,
    estimate_decode,
    human_bytes,
    largest_square,
)
from backend.serving.image_modes import TRANSPOSE, orientation, reduced, reduced_size, to_rgb_or_l

# Pillow format name -> the name people know it by. The allow-list of the whole service.
ALLOWED_FORMATS: dict[str, str] = {
    "PNG": "PNG",
    "JPEG": "JPEG",
    "GIF": "GIF",
    "WEBP": "WebP",
    "BMP": "BMP",
}
ACCEPTED_TEXTS = bilingual("image.accepted")  # "PNG, JPEG, GIF (first frame), WebP or BMP"
ACCEPTED = ACCEPTED_TEXTS["en"]

# Known formats we refuse (415) as opposed to bytes that are no image at all (422).
_REFUSED_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"%PDF", 0, "PDF"),
    (b"8BPS", 0, "Photoshop PSD"),
    (b"\x00\x00\x01\x00", 0, "ICO"),
    (b"\x00\x00\x02\x00", 0, "CUR"),
    (b"\x00\x00\x00\x0cjP  ", 0, "JPEG 2000"),
    (b"\xff\x4f\xff\x51", 0, "JPEG 2000"),
    (b"\xff\x0a", 0, "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", 0, "JPEG XL"),
    (b"qoif", 0, "QOI"),
    (b"DDS ", 0, "DDS"),
    (b"#?RADIANCE", 0, "Radiance HDR"),
    (b"\x76\x2f\x31\x01", 0, "OpenEXR"),
    (b"%!PS", 0, "PostScript"),
    (b"PK\x03\x04", 0, "ZIP archive"),
)
_ISOBMFF_BRANDS = {
    b"heic": "HEIC",
    b"heix": "HEIC",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
    b"avif": "AVIF",
    b"avis": "AVIF",
}
_SVG_PATTERN = re.compile(rb"<svg[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int  # size of the encoded file
    max_pixels: int  # width × height as declared by the file's header
    # Peak bytes one decode may need, estimated from the header (decoder, rotation, conversion).
    max_decode_bytes: int = 256 * 1024 * 1024
    budget: DecodeBudget | None = None  # shared by every decode of the server, if set

    def describe_bytes(self) -> str:
        return human_bytes(self.max_bytes)


_human_bytes = human_bytes


def sniff_format(data: bytes) -> str:
    """The allow-listed Pillow format the bytes start like; raises for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"BM") and len(data) >= 26:
        return "BMP"
    refused = _refused_format(data)
    if refused:
        raise UnsupportedFormatError(
            bilingual("image.refused_format", format=refused, accepted=ACCEPTED_TEXTS),
            format=refused,
        )
    raise UndecodableImageError(bilingual("image.unknown_format", accepted=ACCEPTED_TEXTS))


def _refused_format(data: bytes) -> str | None:
    for signature, offset, name in _REFUSED_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return name
    if data[4:8] == b"ftyp" and data[8:12] in _ISOBMFF_BRANDS:
        return _ISOBMFF_BRANDS[data[8:12]]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!DOCTYPE svg")) and _SVG_PATTERN.search(head):
        return "SVG"
    return None


def declared_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) read from the header without decoding, where the layout is simple;
    None when the header is too short or the layout is not parsed here (Pillow checks then)."""
    try:
        if fmt == "PNG" and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if fmt == "GIF":
            return struct.unpack("<HH", data[6:10])
        if fmt == "BMP":
            (header_size,) = struct.unpack("<I", data[14:18])
            if header_size == 12:  # OS/2 1.x BITMAPCOREHEADER: unsigned 16-bit sides
                return struct.unpack("<HH", data[18:22])
            width, height = struct.unpack("<ii", data[18:26])
            return abs(width), abs(height)  # negative height: a top-down bitmap
        if fmt == "WEBP":
            return _webp_size(data)
        if fmt == "JPEG":
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and data[20:21] == b"\x2f":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT/JPG/DAC)."""
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return None


def _check_dimensions(width: int, height: int, fmt: str, limits: ImageLimits) -> None:
    name = ALLOWED_FORMATS[fmt]
    if width == 0 or height == 0:
        raise UndecodableImageError(
            bilingual(
                "image.zero_size", format=name, width=width, height=height, accepted=ACCEPTED_TEXTS
            ),
            width=width,
            height=height,
        )
    if width * height > limits.max_pixels:
        raise ImageTooLargeError(
            bilingual(
                "image.too_many_pixels",
                format=name,
                width=width,
                height=height,
                megapixels=f"{width * height / 1e6:.1f}",
                max_megapixels=f"{limits.max_pixels / 1e6:.1f}",
                accepted=ACCEPTED_TEXTS,
            ),
            width=width,
            height=height,
            max_pixels=limits.max_pixels,
        )


def decode_image(data: bytes, limits: ImageLimits, draft_size: int | None = None) -> Image.Image:
    """Bytes of an uploaded file -> an upright "L" or "RGB" image (first frame of animations).

    `draft_size` is the shorter side the caller will shrink the image to about anyway: a JPEG
    then decodes at a reduced scale (Pillow's `draft`; a 12-megapixel photo ~3× faster), and
    any other format is reduced (box filter) right after decoding, before rotation and
    conversion, so those run on a few hundred pixels a side instead of thousands.

    The peak memory of the whole decode is estimated from the header first: past
    `limits.max_decode_bytes` the image is refused (413, saying why); otherwise the bytes are
    reserved from `limits.budget` for the duration (503 when other decodes hold it).
    """
    if not data:
        raise UndecodableImageError(bilingual("image.empty", accepted=ACCEPTED_TEXTS))
    if len(data) > limits.max_bytes:
        raise ImageTooLargeError(
            bilingual(
                "image.too_many_bytes",
                size=_human_bytes(len(data)),
                limit=limits.describe_bytes(),
                accepted=ACCEPTED_TEXTS,
            ),
            max_bytes=limits.max_bytes,
        )
    fmt = sniff_format(data)
    name = ALLOWED_FORMATS[fmt]
    size = declared_size(data, fmt)
    if size is not None:
        _check_dimensions(*size, fmt, limits)
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])
    except Image.DecompressionBombError as exc:  # only reachable where we could not peek
        raise ImageTooLargeError(
            bilingual("image.bomb", format=name, reason=exc, accepted=ACCEPTED_TEXTS),
            max_pixels=limits.max_pixels,
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error):
        raise UndecodableImageError(
            bilingual("image.header_corrupt", format=name, accepted=ACCEPTED_TEXTS),
            format=name,
        ) from None
    _check_dimensions(*image.size, fmt, limits)
    if draft_size and fmt == "JPEG":
        image.draft(image.mode, (draft_size, draft_size))  # same mode, only a smaller scale
    turn = orientation(image)
    work_size = reduced_size(image, draft_size)
    estimate = estimate_decode(
        fmt, image.mode, image.info, image.size, work_size, turn in TRANSPOSE
    )
    if estimate.total > limits.max_decode_bytes:
        _refuse_decode_cost(estimate, image, fmt, draft_size, turn in TRANSPOSE, limits)
    reservation = limits.budget.reserve(estimate.total) if limits.budget else nullcontext()
    with reservation:
        try:
            image.load()  # the first frame only: `open` leaves animated files on frame 0
            image = reduced(image, work_size)
            if turn in TRANSPOSE:
                image = image.transpose(TRANSPOSE[turn])
            return to_rgb_or_l(image)
        except Image.DecompressionBombError:
            raise ImageTooLargeError(
                bilingual("image.bomb_decoding", format=name, accepted=ACCEPTED_TEXTS),
                max_pixels=limits.max_pixels,
            ) from None
        except (OSError, SyntaxError, ValueError, struct.error, EOFError, MemoryError):
            # "image file is truncated", broken compressed streams, bad palettes...
            raise UndecodableImageError(
                bilingual("image.truncated", format=name, accepted=ACCEPTED_TEXTS),
                format=name,
            ) from None


def decode_cost(data: bytes, draft_size: int | None = None) -> int:
    """The peak bytes `decode_image` would estimate for `data`, read from the header alone;
    0 when the header cannot tell (the decode will then refuse the file, or find it small).
    Lets a caller send large decodes to a lane of their own."""
    try:
        fmt = sniff_format(data)
        image = Image.open(io.BytesIO(data), formats=[fmt])
        if draft_size and fmt == "JPEG":
            image.draft(image.mode, (draft_size, draft_size))
        rotated = orientation(image) in TRANSPOSE
        work = reduced_size(image, draft_size)
        return estimate_decode(fmt, image.mode, image.info, image.size, work, rotated).total
    except Exception:  # any malformed header: the real decode says why
        return 0


def _refuse_decode_cost(
    estimate: DecodeEstimate,
    image: Image.Image,
    fmt: str,
    draft_size: int | None,
    rotated: bool,
    limits: ImageLimits,
) -> NoReturn:
    width, height = image.size

    def square_cost(side: int) -> int:  # the same kind of file, side × side px
        factor = max(1, side // draft_size) if draft_size else 1
        work = (-(-side // factor),) * 2
        return estimate_decode(fmt, image.mode, image.info, (side, side), work, rotated).total

    side = largest_square(square_cost, limits.max_decode_bytes, max(width, height))
    raise ImageTooLargeError(
        bilingual(
            "image.decode_memory",
            width=width,
            height=height,
            mode=image.mode,
            format=ALLOWED_FORMATS[fmt],
            needed=human_bytes(estimate.total),
            limit=human_bytes(limits.max_decode_bytes),
            side=side,
        ),
        width=width,
        height=height,
        mode=image.mode,
        estimated_bytes=estimate.total,
        max_decode_bytes=limits.max_decode_bytes,
    )


DATA_URL = re.compile(r"^data:(?P<type>[\w.+/-]*)(?P<params>(;[\w.+-]+=[\w.+-]+)*);base64,", re.I)


def decode_data_url(text: str, limits: ImageLimits) -> bytes:
    """`data:image/png;base64,...` -> the file's bytes. The declared type is ignored: the
    bytes' own signature decides the format later."""
    match = DATA_URL.match(text.strip()[:200])
    if not match:
        raise UndecodableImageError(bilingual("image.data_url.form", accepted=ACCEPTED_TEXTS))
    payload = text.strip()[match.end() :]
    if len(payload) * 3 // 4 > limits.max_bytes + 3:
        raise ImageTooLargeError(
            bilingual(
                "image.data_url.too_large", limit=limits.describe_bytes(), accepted=ACCEPTED_TEXTS
            ),
            max_bytes=limits.max_bytes,
        )
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        raise UndecodableImageError(
            bilingual("image.data_url.base64", accepted=ACCEPTED_TEXTS)
        ) from None


def to_data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
