"""The one place a request body becomes image bytes: predict, feature maps and Grad-CAM all take
an image as a multipart `file`, a JSON data URL, or the raw image as the body.

The body is read here, not by FastAPI, so that its size is counted while it arrives and a body
over MAX_UPLOAD_BYTES is refused (413) without ever being buffered whole.
"""

from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException  # Request.form() raises Starlette's own

from backend.errors import (
    ImageTooLargeError,
    InvalidParameterError,
    UnsupportedFormatError,
)
from backend.i18n import bilingual
from backend.serving.images import ACCEPTED_TEXTS, ImageLimits
from backend.serving.json_bodies import image_from_json
from backend.workloads import Workloads

MULTIPART_OVERHEAD = 64 * 1024  # part headers and boundaries around the file itself
HOW_TO_SEND_TEXTS = bilingual("error.upload.how")
HOW_TO_SEND = HOW_TO_SEND_TEXTS["en"]


class ImageDataURL(BaseModel):
    image: str = Field(description="A data URL, e.g. data:image/png;base64,iVBOR...")


# Named schemas (api/openapi.py puts them under components), so that a generated client has one
# upload type for all three operations instead of one per operation.
UPLOAD_SCHEMAS = {
    "ImageUpload": {
        "title": "ImageUpload",
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
        "required": ["file"],
    },
    "ImageDataURL": ImageDataURL.model_json_schema(),
}


def _component(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# The image body that predict, feature_maps and gradcam all take.
IMAGE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": _component("ImageUpload")},
        "application/json": {"schema": _component("ImageDataURL")},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
}


def _too_large(limit: int) -> ImageTooLargeError:
    return ImageTooLargeError(
        bilingual(
            "upload.body_too_large", limit=f"{limit / (1 << 20):.3g}", accepted=ACCEPTED_TEXTS
        ),
        max_bytes=limit,
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) as soon as it is known to pass `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


async def _file_from_multipart(request: Request, body: bytes) -> bytes:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(
            max_files=1, max_fields=8, max_part_size=MULTIPART_OVERHEAD
        )
    except HTTPException as exc:  # python-multipart's refusals (too many parts, bad framing)
        raise InvalidParameterError(
            bilingual("error.upload.multipart", reason=exc.detail, how=HOW_TO_SEND_TEXTS)
        ) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            found = ", ".join(repr(k) for k in form) or "none"
            raise InvalidParameterError(
                bilingual("error.upload.no_file", found=found, how=HOW_TO_SEND_TEXTS),
                field="file",
            )
        return await upload.read()
    finally:
        await form.close()


async def read_image_bytes(
    request: Request, limits: ImageLimits, body_limit: int, workloads: Workloads
) -> bytes:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        return await _file_from_multipart(request, await read_body(request, body_limit))
    if media_type == "application/json" or media_type.endswith("+json"):
        body = await read_body(request, body_limit)
        # Parsing (nesting bounded) and base64 of up to 16 MB, whitespace included, is work
        # for a thread of the "bodies" lane, never for the event loop.
        return await workloads.lane("bodies").run(image_from_json, body, limits)
    if media_type.startswith("image/") or media_type in ("application/octet-stream", ""):
        return await read_body(request, body_limit)  # the bytes themselves decide the format
    raise UnsupportedFormatError(
        bilingual("upload.media_type", media_type=repr(media_type), how=HOW_TO_SEND_TEXTS),
        content_type=media_type,
    )
