"""Reading a JSON request body: 413 past the size cap (before reading it all), 400 when it is not
JSON, 422 when it is JSON but not an object."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from .errors import ApiError

MIB = 1024 * 1024


def size_text(limit: int) -> str:
    return f"{limit // MIB}MB" if limit % MIB == 0 else f"{limit} bytes"


async def read_json_object(request: Request, limit: int) -> dict[str, Any]:
    too_large = ApiError(413, f"Request body exceeds {size_text(limit)} cap")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ApiError(400, "Request body must be valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(422, "Request body must be a JSON object")
    return value
