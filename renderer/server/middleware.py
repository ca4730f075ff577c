"""ASGI middlewares other than auth: the catch-all that turns any exception into a bare 500, and
the count of requests in flight that ``/health`` reports."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import INTERNAL_ERROR, error_body

log = logging.getLogger("thumbkit.server")


class CatchAllMiddleware:
    """Anything that escapes a route: logged with its traceback, answered ``500 {"error":
    "Internal server error"}`` (inside the auth middleware, so it still carries the rate headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for a clean answer: the server closes the connection
                raise
            body = error_body(INTERNAL_ERROR)
            await send({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})


class InFlight:
    """The number of HTTP requests this process is handling."""

    def __init__(self) -> None:
        self.count = 0


class InFlightMiddleware:
    def __init__(self, app: ASGIApp, *, counter: InFlight) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.counter.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.counter.count -= 1
