"""``POST /v1/uploads``: upload a picture to put titles over. It is checked as a render would check
it (JPEG, PNG or WebP, at most 5 MB, a sane pixel count, not truncated) and kept in the image store,
so its id works as ``backgroundImage`` in ``/v1/generate`` and in generate jobs, as does the id of
any stored image (a video frame from a ``frame`` or ``moments`` job, a render).
"""

from __future__ import annotations

import io

import anyio.to_thread
from fastapi import APIRouter, Request
from PIL import Image
from starlette.responses import JSONResponse

from ..errors import InputError
from ..assets.decode import BACKGROUND_MAX_BYTES, decode_picture, sniff_format
from .auth import REQUIRES_KEY
from .errors import ApiError
from .openapi import errors
from .routes_generate import image_url, services
from .store import ImageStore, StoredImage
from .upload_body import video_chunks

router = APIRouter(tags=["Store"], dependencies=REQUIRES_KEY)

_FORMATS = {"JPEG": ("image/jpeg", "jpeg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
_CHECK_SIZE = (160, 90)  # decoded this small (a JPEG in draft mode still reads all its data) to prove it whole


@router.post("/v1/uploads", status_code=201, summary="Upload a picture to use as backgroundImage",
             responses=errors(400, 401, 408, 413, 422, 429))  # the body: openapi.describe
async def upload_picture(request: Request) -> JSONResponse:
    """Answers ``{id, url, mediaType, width, height, sizeBytes}``; pass the id as
    ``backgroundImage``."""
    limit = BACKGROUND_MAX_BYTES
    chunks, size = [], 0
    read_timeout_seconds = services(request).settings.read_timeout_seconds
    async for chunk in video_chunks(request, limit, read_timeout_seconds=read_timeout_seconds, what="backgroundImage"):
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"backgroundImage exceeds {limit // (1024 * 1024)}MB cap")
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise InputError("the upload is empty: send the picture as the request body or as the multipart field 'file'",
                         field="file")
    store = services(request).store
    image = await anyio.to_thread.run_sync(keep_picture, store, data)
    url = image_url(request, image.id)
    body = {"id": image.id, "url": url, "mediaType": image.media_type, "width": image.width, "height": image.height,
            "sizeBytes": image.size_bytes}
    return JSONResponse(body, status_code=201, headers={"Location": url})


def keep_picture(store: ImageStore, data: bytes) -> StoredImage:
    """Check ``data`` as a render would (``InputError`` otherwise) and store it."""
    fmt = sniff_format(data, field="backgroundImage")
    decode_picture(data, field="backgroundImage", max_bytes=BACKGROUND_MAX_BYTES, cover_px=_CHECK_SIZE)
    media_type, output_format = _FORMATS[fmt]
    with Image.open(io.BytesIO(data)) as header:  # the picture's own size, upright (decoding checked its pixels)
        width, height = header.size
        if header.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # stored turned a quarter
            width, height = height, width
    return store.save(data, media_type=media_type, output_format=output_format, width=width, height=height,
                      title="(uploaded picture)")
