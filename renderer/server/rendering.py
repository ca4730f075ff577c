"""RenderService: a generate request from body to stored image.

Order: parse (ThumbAPI's messages) -> request key and the store, in a worker thread (an identical
request made before is answered from it) -> render and store in a worker thread, at most ``threads``
at once per process.
Identical requests that arrive while the first is rendering wait for it instead of rendering again.
Nothing here runs on the event loop but the bookkeeping. Each result carries how long its steps
took (``timings``, milliseconds), sent as a ``Server-Timing`` header.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from ..api import Renderer
from ..request import GenerateRequest, parse_request
from .cachekey import RequestKeys
from .store import ImageStore, StoredImage

T = TypeVar("T")


@dataclass(frozen=True)
class GenerateResult:
    image: StoredImage
    data: bytes
    from_store: bool  # True: no render was made for this request (stored, or shared with a twin)
    timings: tuple[tuple[str, float], ...] = ()  # (step, milliseconds): lookup, wait, render, store

    def server_timing(self) -> str:
        """The ``Server-Timing`` header's value: ``lookup;dur=0.3, render;dur=31.2, store;dur=1.1``."""
        return ", ".join(f"{step};dur={ms:.1f}" for step, ms in self.timings)

    def body(self, url: str) -> dict[str, Any]:
        """ThumbAPI's response body plus ``id`` and ``url`` of the stored copy."""
        return {**self.image.to_thumbapi(self.data), "id": self.image.id, "url": url}


class RenderService:
    def __init__(self, renderer: Renderer, store: ImageStore, *, threads: int) -> None:
        self.renderer = renderer
        self.store = store
        self.keys = RequestKeys(renderer)
        self.threads = threads
        self._limiter = anyio.CapacityLimiter(threads)
        self._inflight: dict[str, asyncio.Future[GenerateResult]] = {}
        self.renders_done = 0

    @property
    def renders_waiting_or_running(self) -> int:
        return len(self._inflight)

    async def run_sync(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker thread, counted against the render threads."""
        return await anyio.to_thread.run_sync(func, *args, limiter=self._limiter)

    async def generate(self, body: Mapping[str, Any], *, owner: str | None = None) -> GenerateResult:
        return await self.generate_request(parse_request(body), owner=owner)

    async def generate_request(self, request: GenerateRequest, *, owner: str | None = None) -> GenerateResult:
        """The image for ``request``; ``owner`` (an API key's fingerprint) gets it in its listings,
        however it was answered (rendered, from the store, or shared with a twin)."""
        started = time.perf_counter()
        key, found = await anyio.to_thread.run_sync(self._lookup, request, owner)
        lookup = ("lookup", (time.perf_counter() - started) * 1000)
        if found is not None:
            return GenerateResult(found[0], found[1], from_store=True, timings=(lookup,))
        while (pending := self._inflight.get(key)) is not None:
            started = time.perf_counter()
            try:
                twin = await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not pending.cancelled() or (task is not None and task.cancelling()):
                    raise
                # the twin's client went away before its render finished: render it here instead
            else:
                if owner is not None:
                    await anyio.to_thread.run_sync(self.store.own, twin.image.id, owner)
                return replace(twin, from_store=True, timings=(lookup, ("wait", (time.perf_counter() - started) * 1000)))
        result = await self._render_and_store(key, request, owner)
        return replace(result, timings=(lookup, *result.timings))

    async def _render_and_store(self, key: str, request: GenerateRequest, owner: str | None) -> GenerateResult:
        future: asyncio.Future[GenerateResult] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self.run_sync(self._render_and_put, key, request, owner)
            self.renders_done += 1
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waited
            raise
        finally:
            del self._inflight[key]
        future.set_result(result)
        return result

    # -- in worker threads (one hop for the lookup, one for render + store) ------------------------
    def _lookup(self, request: GenerateRequest, owner: str | None) -> tuple[str, tuple[StoredImage, bytes] | None]:
        key = self.keys.key(request)
        found = self.store.lookup(key)
        if found is not None and owner is not None:
            self.store.own(found[0].id, owner)
        return key, found

    def _render_and_put(self, key: str, request: GenerateRequest, owner: str | None) -> GenerateResult:
        started = time.perf_counter()
        thumbnail = self.renderer.render_request(request)
        rendered = time.perf_counter()
        image = self.store.put(key, thumbnail, request.title, owner)
        timings = (("render", (rendered - started) * 1000), ("store", (time.perf_counter() - rendered) * 1000))
        return GenerateResult(image, thumbnail.data, from_store=False, timings=timings)
