"""Every error the server sends is ``{"error": "<message>"}`` with ThumbAPI's status codes:
``UserError`` (a bad payload, kit or asset) 422, a body that is not JSON 400, too large 413, unknown
path 404; anything unexpected 500 ``Internal server error`` with the traceback in the log only."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from ..errors import UserError

log = logging.getLogger("thumbkit.server")
INTERNAL_ERROR = "Internal server error"
STATUS_MESSAGES = {404: "Not found", 405: "Method not allowed"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode("utf-8")


def _validation_message(exc: RequestValidationError) -> str:
    errors: list[dict[str, Any]] = list(exc.errors())
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body"))
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid"))


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.headers)

    async def user_error(request: Request, exc: Exception) -> Response:
        return error_response(422, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) else ""
        message = STATUS_MESSAGES.get(exc.status_code, phrase) if detail in ("", phrase) else detail
        return error_response(exc.status_code, message, dict(exc.headers or {}))

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, _validation_message(exc))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(UserError, user_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
