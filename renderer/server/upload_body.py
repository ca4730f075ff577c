"""Reading an uploaded file (a video, a picture) from a request: the raw body, or the file part of
a multipart form.

Either way the bytes stream through (nothing is held in memory) and are counted: past the cap the
upload stops with 413 before the rest is read. A multipart body's file is its first part with a
filename, or the field named ``file``, ``video`` or ``image``; the other parts are ignored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..errors import InputError
from .body import size_text, timed_chunks
from .errors import ApiError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FILE_FIELDS = (b"file", b"video", b"image")
_ENVELOPE_BYTES = 64 * 1024  # room for a multipart body's boundaries and part headers
_HOW = "send the {what} as the request body or as the multipart field 'file'"


def too_large(limit: int, *, what: str = "Video") -> ApiError:
    return ApiError(413, f"{what} exceeds {size_text(limit)} cap")


async def video_chunks(request: Request, limit: int, *, read_timeout_seconds: float,
                       what: str = "Video") -> AsyncIterator[bytes]:
    """The file's bytes as they arrive; 413 (``what`` exceeds the cap) when the declared length is
    already past ``limit``."""
    media_type, options = parse_options_header(request.headers.get("content-type", ""))
    multipart = media_type == b"multipart/form-data"
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + (_ENVELOPE_BYTES if multipart else 0):
        raise too_large(limit, what=what)
    if not multipart:
        async for chunk in timed_chunks(request, seconds=read_timeout_seconds):
            if chunk:
                yield chunk
        return
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(400, "multipart body without a boundary in its Content-Type")
    async for chunk in _file_part(request, boundary, limit + _ENVELOPE_BYTES, limit, read_timeout_seconds, what):
        yield chunk


async def _file_part(request: Request, boundary: bytes, body_limit: int, limit: int,
                     read_timeout_seconds: float, what: str) -> AsyncIterator[bytes]:
    state = _Parts()
    try:
        parser = MultipartParser(boundary, callbacks=state.callbacks())
    except (FormParserError, ValueError) as error:
        raise ApiError(400, f"unreadable multipart body: {error}") from None
    size = 0
    async for chunk in timed_chunks(request, seconds=read_timeout_seconds):
        size += len(chunk)
        if size > body_limit:
            raise too_large(limit, what=what)
        try:
            parser.write(chunk)
        except FormParserError as error:
            raise ApiError(400, f"unreadable multipart body: {error}") from None
        if state.data:
            data, state.data = state.data, []
            for block in data:
                yield block
    if not state.found:
        raise InputError(f"the multipart body has no file part: {_HOW.format(what=what.lower())}", field="file")
    if not state.ended:
        raise ApiError(400, "the multipart body ends before its closing boundary")


class _Parts:
    """Callback state for MultipartParser: collects the chosen part's data."""

    def __init__(self) -> None:
        self.data: list[bytes] = []
        self.found = False  # a file part was chosen
        self.ended = False  # the closing boundary was read
        self._in_file = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin, "on_header_field": self._header_field,
            "on_header_value": self._header_value_part, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
            "on_part_end": self._part_end, "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._disposition = b""
        self._header_name = self._header_value = b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._disposition)
        wanted = b"filename" in params or params.get(b"name") in FILE_FIELDS
        self._in_file = wanted and not self.found
        self.found = self.found or wanted

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file and end > start:
            self.data.append(bytes(data[start:end]))

    def _part_end(self) -> None:
        self._in_file = False

    def _end(self) -> None:
        self.ended = True
