"""Reading a JSON request body: 413 past the size cap (before reading it all), 400 when it is not
JSON, 422 when it is JSON but not an object or holds text that is not Unicode (a lone UTF-16
surrogate such as ``"\ud83d"``, which JSON allows but nothing can store or draw), 408 when it does not
come in time (:func:`timed_chunks`).

:class:`BodyBudget` bounds the memory that large bodies hold in a process at once: a request with a
photo holds its body (as bytes, then parsed) until it is answered, so 100 clients sending 5 MB each
would hold over 1 GB; past the budget a request waits for its turn before its body is read (its
client's data waits in the socket).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.requests import Request

from ..errors import InputError
from ..request import check_text
from .errors import ApiError

MIB = 1024 * 1024
_MAX_INT_DIGITS = 4000  # Python refuses int() past 4300 digits
#: Bytes of large request bodies held at once per process (at least one body of the size cap).
BODIES_IN_FLIGHT_BYTES = 32 * MIB
#: Bodies smaller than this (a title without images) never wait for the budget.
SMALL_BODY_BYTES = 64 * 1024
#: A body must come at least this fast on average (after the first read timeout's grace).
MIN_BODY_BYTES_PER_SECOND = 16 * 1024


class BodyBudget:
    """How many bytes of large request bodies this process holds at once (see the module's doc)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.held = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def hold(self, request: Request, limit: int) -> AsyncIterator[None]:
        """Hold the request's body size (its Content-Length, or ``limit`` when it declares none)
        while the block runs; wait first while others hold the budget."""
        declared = request.headers.get("content-length")
        size = int(declared) if declared is not None and declared.isdigit() else limit
        size = 0 if size < SMALL_BODY_BYTES or size > limit else size  # small, or refused unread (413)
        if size == 0:
            yield
            return
        async with self._changed:
            await self._changed.wait_for(lambda: self.held == 0 or self.held + size <= self.max_bytes)
            self.held += size
        try:
            yield
        finally:
            async with self._changed:
                self.held -= size
                self._changed.notify_all()


class _BadNumber(ValueError):
    """A number JSON allows but nothing here can store or echo back (too long, or infinite)."""


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_INT_DIGITS:
        raise _BadNumber(f"numbers must have at most {_MAX_INT_DIGITS} digits")
    return int(digits)


def _parse_float(text: str) -> float | int:
    """A number with a fraction or an exponent; a whole one (``91.0``, ``1e3``) is an int, as JSON
    Schema's ``integer`` counts it: a quality of 91.0 is the quality 91."""
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"numbers must be finite, got {text[:20]}{'...' if len(text) > 20 else ''}")
    return int(value) if value.is_integer() else value


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")  # Python's json would accept NaN and Infinity


def _check_texts(value: Any, where: str) -> None:
    """Every string in ``value`` (keys too) must be valid Unicode: 422 naming where otherwise."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            check_text(item, path or "body")
        elif isinstance(item, dict):
            for key, child in item.items():
                check_text(key, f"{path}{'.' if path else ''}{key.encode('utf-8', 'backslashreplace').decode()}")
                stack.append((child, f"{path}{'.' if path else ''}{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))


def size_text(limit: int) -> str:
    return f"{limit // MIB}MB" if limit % MIB == 0 else f"{limit} bytes"


async def timed_chunks(request: Request, *, seconds: float) -> AsyncIterator[bytes]:
    """The body's chunks as they come, within deadlines: each chunk within ``seconds`` of the last,
    and all of it by ``seconds`` plus one second per ``MIN_BODY_BYTES_PER_SECOND`` received, so a
    client trickling a byte at a time does not hold its connection for ever. Past a deadline: 408,
    and the connection is closed (the rest of the body is never read)."""
    loop = asyncio.get_running_loop()
    started, received = loop.time(), 0
    chunks = request.stream().__aiter__()
    while True:
        overall = started + seconds + received / MIN_BODY_BYTES_PER_SECOND - loop.time()
        try:
            chunk = await asyncio.wait_for(anext(chunks), timeout=max(0.0, min(seconds, overall)))
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise ApiError(408, f"Request body not received in time: nothing for {seconds:g} s, or slower than "
                                f"{MIN_BODY_BYTES_PER_SECOND // 1024} KB/s", headers={"Connection": "close"}) from None
        received += len(chunk)
        yield chunk


async def read_json_object(request: Request, limit: int, *, read_timeout_seconds: float) -> dict[str, Any]:
    too_large = ApiError(413, f"Request body exceeds {size_text(limit)} cap")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in timed_chunks(request, seconds=read_timeout_seconds):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        value = json.loads(raw, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_refuse_constant)
    except _BadNumber as exc:
        raise ApiError(422, str(exc)) from None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ApiError(400, "Request body must be valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(422, "Request body must be a JSON object")
    try:
        _check_texts(value, "")
    except InputError as exc:
        raise ApiError(422, str(exc)) from None
    return value
