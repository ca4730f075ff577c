"""The FastAPI application: ``create_app(settings)``, and ``app_from_env`` for uvicorn workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from ..api import Renderer
from . import routes_generate, routes_jobs, routes_meta, routes_uploads, routes_videos
from .auth import ApiKeyMiddleware
from .cachekey import thumbkit_version
from .docs import install_docs
from .errors import install_error_handlers
from .middleware import CatchAllMiddleware, InFlight, InFlightMiddleware
from .openapi import describe
from .playground import install_playground
from .services import Services
from .settings import ServerSettings

DESCRIPTION = """A local, offline drop-in for ThumbAPI: point a ThumbAPI client's base URL here.

Every `/v1` call but `GET /v1/images/{id}` needs the `x-api-key` header; each key may make
`rate_limit` requests a second (`X-RateLimit-*` headers on every answer, `429` with `Retry-After`
past it). Errors are always `{"error": "<message>"}`."""


def create_app(settings: ServerSettings, *, renderer: Renderer | None = None) -> FastAPI:
    services = Services.build(settings, renderer)
    in_flight = InFlight()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="thumbkit", version=thumbkit_version(), description=DESCRIPTION, lifespan=lifespan,
        docs_url=None, redoc_url=None,
        middleware=[
            Middleware(InFlightMiddleware, counter=in_flight),
            Middleware(ApiKeyMiddleware, keys=services.keys, limiter=services.limiter),
            Middleware(CatchAllMiddleware),
        ],
    )
    app.state.services = services
    app.state.in_flight = in_flight
    install_error_handlers(app)
    for module in (routes_generate, routes_jobs, routes_meta, routes_uploads, routes_videos):
        app.include_router(module.router)
    install_docs(app)
    install_playground(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(FastAPI.openapi(app), services.render.renderer, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The uvicorn factory (``--factory``): settings from ``THUMBKIT_SERVER_SETTINGS`` or ``THUMBKIT_*``."""
    return create_app(ServerSettings.from_env())
