"""The ``x-api-key`` check and the per-key rate limit, for every path under ``/v1/`` except the
image files (``GET /v1/images/{id}``: capability URLs, so an ``<img>`` can show them; they are not
counted, but carry the rate headers of the key presented, or of the client's address).

Answers ThumbAPI's ``401 Missing API key`` / ``401 Invalid API key`` / ``429 Rate limit exceeded``,
and adds ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` to every response (``Retry-After`` too
on a 429). A valid key has its own budget; requests without one share their client address's.
"""

from __future__ import annotations

import re

from fastapi import Security
from fastapi.security import APIKeyHeader
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_body
from .keys import KeyRing, fingerprint
from .ratelimit import RateLimiter

PUBLIC_PATHS = re.compile(r"^/v1/images/[^/]+$")
KEY_HEADER = b"x-api-key"

# Documents the header in OpenAPI (and gives Swagger UI its Authorize button); the check itself is
# ApiKeyMiddleware, which also covers paths FastAPI does not route.
API_KEY_DOC = APIKeyHeader(name="x-api-key", auto_error=False, description="an API key (THUMBKIT_API_KEYS, or printed on first start)")
REQUIRES_KEY = [Security(API_KEY_DOC)]


def is_protected(scope: Scope) -> bool:
    path: str = scope["path"]
    if not path.startswith("/v1/"):
        return False
    return not (scope["method"] in ("GET", "HEAD") and PUBLIC_PATHS.match(path))


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


class ApiKeyMiddleware:
    def __init__(self, app: ASGIApp, *, keys: KeyRing, limiter: RateLimiter) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            return await self.app(scope, receive, send)
        if not is_protected(scope):  # an image file: free, but the headers say where the caller stands
            key = header(scope, KEY_HEADER)
            client = scope.get("client") or ("unknown", 0)
            bucket = fingerprint(key) if key and self.keys.match(key) else f"address:{client[0]}"
            return await self.app(scope, receive, _with_headers(send, self.limiter.peek(bucket).headers()))
        key = header(scope, KEY_HEADER)
        if not key or not self.keys.match(key):
            # Requests without a valid key count against their client address, so guessing keys is
            # rate limited too, and these answers carry the same headers.
            client = scope.get("client") or ("unknown", 0)
            decision = self.limiter.hit(f"address:{client[0]}")
            if not decision.allowed:
                return await _reject(send, 429, "Rate limit exceeded", decision.headers())
            return await _reject(send, 401, "Invalid API key" if key else "Missing API key", decision.headers())
        key_id = fingerprint(key)
        decision = self.limiter.hit(key_id)
        rate_headers = decision.headers()
        if not decision.allowed:
            return await _reject(send, 429, "Rate limit exceeded", rate_headers)
        scope.setdefault("state", {})["key_id"] = key_id
        await self.app(scope, receive, _with_headers(send, rate_headers))


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *headers]}
        await send(message)

    return send_with_headers


async def _reject(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = error_body(message)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})
