"""``GET /health`` and ``GET /v1/catalog`` (what the playground offers: formats, layouts, kits)."""

from __future__ import annotations

import os
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request

from ..encode import OUTPUT_FORMATS
from ..formats import FORMATS
from ..request import CATEGORIES, MODELS
from .auth import REQUIRES_KEY
from .cachekey import thumbkit_version
from .job_kinds import kind_names
from .openapi import errors
from .routes_generate import services

router = APIRouter()


@router.get("/health", tags=["Server"], summary="Liveness and load of this worker process")
async def health(request: Request) -> dict[str, Any]:
    app = services(request)
    return {
        "status": "ok", "version": thumbkit_version(), "pid": os.getpid(),
        "requestsInFlight": request.app.state.in_flight.count,
        "renders": {"inFlight": app.render.renders_waiting_or_running, "done": app.render.renders_done,
                    "threads": app.render.threads},
    }


@router.get("/v1/catalog", tags=["Server"], summary="Formats, layouts and brand kits", responses=errors(401, 429),
            dependencies=REQUIRES_KEY)
async def catalog(request: Request) -> dict[str, Any]:
    renderer = services(request).render.renderer
    kits = await anyio.to_thread.run_sync(renderer.kits.ids)
    return {
        "formats": [
            {"name": fmt.name, "width": fmt.width_px, "height": fmt.height_px, "layouts": renderer.layout_names(fmt.name)}
            for fmt in FORMATS.values()
        ],
        "kits": kits,
        "outputFormats": [name for name in OUTPUT_FORMATS if name != "jpeg"],
        "categories": list(CATEGORIES),
        "models": list(MODELS),
        "jobKinds": list(kind_names()),
    }
