"""The preview's web app (Starlette): the page, its state as server-sent events, the images; and
the loop that watches the files (watchfiles) and renders again when one of them is saved.

    GET /              the page (static/preview.html)
    GET /events        text/event-stream: an ``event: state`` with the state as JSON at once and
                       after every change (rendering started, a new render, an error)
    GET /state         the same state, once
    GET /images/{generation}/{index}/{clean.jpg|debug.jpg|feed.png}
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .hub import PreviewHub
from .session import PreviewTarget, Previewer

STATIC_DIR = Path(__file__).resolve().parent / "static"
KEEP_ALIVE_S = 15.0  # a comment line on a quiet event stream, so proxies and browsers keep it open
WATCH_STEP_MS = 50  # a burst of changes (an editor's save) is yielded once quiet this long
NO_STORE = {"Cache-Control": "no-store"}
IMAGE_TYPES = {"clean.jpg": "image/jpeg", "debug.jpg": "image/jpeg", "feed.png": "image/png"}


def create_preview_app(target: PreviewTarget) -> Starlette:
    hub_holder: dict[str, PreviewHub] = {}

    def hub() -> PreviewHub:
        return hub_holder["hub"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub_holder["hub"] = PreviewHub(Previewer(target))
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(hub(), stop))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(watcher, 5)

    async def page(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "preview.html", media_type="text/html", headers=NO_STORE)

    async def state(request: Request) -> Response:
        return JSONResponse(hub().state(), headers=NO_STORE)

    async def events(request: Request) -> Response:
        return StreamingResponse(event_stream(hub()), media_type="text/event-stream",
                                 headers={**NO_STORE, "X-Accel-Buffering": "no"})

    async def image(request: Request) -> Response:
        name = request.path_params["name"]
        found = hub().image(request.path_params["generation"], request.path_params["index"])
        if found is None or name not in IMAGE_TYPES or (name == "debug.jpg" and found.debug_jpeg is None):
            return JSONResponse({"error": "no such image (an older render?)"}, status_code=404)
        data = {"clean.jpg": found.clean_jpeg, "debug.jpg": found.debug_jpeg, "feed.png": found.feed_png}[name]
        return Response(data, media_type=IMAGE_TYPES[name], headers={"Cache-Control": "private, max-age=3600"})

    routes = [
        Route("/", page),
        Route("/state", state),
        Route("/events", events),
        Route("/images/{generation:int}/{index:int}/{name}", image),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


async def event_stream(hub: PreviewHub) -> AsyncIterator[str]:
    """The state now, then after every change; a keep-alive comment when nothing changes."""
    seen = -1
    while True:
        if hub.revision != seen:
            seen = hub.revision
            yield f"event: state\ndata: {json.dumps(hub.state(), ensure_ascii=False)}\n\n"
        elif not await hub.changed(seen, KEEP_ALIVE_S):
            yield ": keep-alive\n\n"


async def watch(hub: PreviewHub, stop: asyncio.Event) -> None:
    """Render once, then again whenever a file the preview shows changes."""
    from watchfiles import awatch

    target = hub.previewer.target
    await hub.refresh()
    async for _changes in awatch(*target.watched(), watch_filter=lambda _change, path: target.concerns(Path(path)),
                                 stop_event=stop, step=WATCH_STEP_MS, recursive=False):
        await hub.refresh()


__all__ = ["create_preview_app", "event_stream", "watch"]
