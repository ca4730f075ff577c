"""uvicorn's h11 protocol with a deadline for each request's head.

uvicorn closes a keep-alive connection left idle after an answer, but once a request's first byte
has come (or as soon as a connection opens) it waits for the rest of the head for ever: a client
sending a header line a minute holds its connection, and enough of them hold the server. Here the
head (request line and headers) must be in within ``read_timeout_seconds`` of the moment the server
starts waiting for it (the connection opened, or the previous answer sent); past it the connection
is closed. The body has its own deadlines, where it is read (``body.timed_chunks``).
"""

from __future__ import annotations

import asyncio
import json
import os
from functools import cache

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .settings import DEFAULT_READ_TIMEOUT_SECONDS, SETTINGS_ENV


@cache
def head_timeout_seconds() -> float:
    """This server's ``read_timeout_seconds``: from the settings the CLI hands its workers."""
    packed = os.environ.get(SETTINGS_ENV)
    return float(json.loads(packed).get("read_timeout_seconds", DEFAULT_READ_TIMEOUT_SECONDS)) if packed else DEFAULT_READ_TIMEOUT_SECONDS


class TimedH11Protocol(H11Protocol):
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is in: the app has the request
            self._stop_waiting()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state in (h11.IDLE, h11.DONE):
            self._wait_for_head()  # the next request on this connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _wait_for_head(self) -> None:
        self._stop_waiting()
        self._head_deadline = self.loop.call_later(head_timeout_seconds(), self._head_too_slow)

    def _stop_waiting(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.conn.their_state in (h11.IDLE, h11.DONE) and (self.cycle is None or self.cycle.response_complete):
            if not self.transport.is_closing():
                self.logger.info("%s: closed: no complete request head within %g s", self.client, head_timeout_seconds())
                self.transport.close()


__all__ = ["TimedH11Protocol", "head_timeout_seconds"]
