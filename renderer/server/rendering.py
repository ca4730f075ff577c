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
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from msgspec import Struct
from msgspec.structs import replace

from ..api import Renderer
from ..assets.backgrounds import Background
from ..encode import data_url
from ..errors import InputError
from ..memory import release_free_memory
from ..request import GenerateRequest, parse_request
from .cachekey import RequestKeys
from .store import IMAGE_ID, ImageStore, StoredImage

T = TypeVar("T")


class StoredVariant(Struct, frozen=True):
    image: StoredImage  # with its quality report, whose score is the variant's
    data: bytes


class GenerateResult(Struct, frozen=True):
    image: StoredImage
    data: bytes
    from_store: bool  # True: no render was made for this request (stored, or shared with a twin)
    timings: tuple[tuple[str, float], ...] = ()  # (step, milliseconds): lookup, wait, render, store
    variants: tuple[StoredVariant, ...] = ()  # with ``variants`` asked for: all of them, best (``image``) first

    def server_timing(self) -> str:
        """The ``Server-Timing`` header's value: ``lookup;dur=0.3, render;dur=31.2, store;dur=1.1``."""
        return ", ".join(f"{step};dur={ms:.1f}" for step, ms in self.timings)

    def body(self, url: str, url_of: Callable[[str], str] | None = None) -> dict[str, Any]:
        """ThumbAPI's response body plus ``id`` and ``url`` of the stored copy and ``quality``, the
        judge's report on the render; with variants, ``variants``: ``[{"image", "layout", "score",
        "id", "url"}, ...]`` (``url_of(id)``), the best first."""
        body = {**self.image.to_thumbapi(self.data), "id": self.image.id, "url": url, "quality": self.image.quality_report()}
        if self.variants:
            body["variants"] = [
                {"image": data_url(v.data, v.image.media_type), "layout": v.image.layout, "score": _score(v.image),
                 "id": v.image.id, **({"url": url_of(v.image.id)} if url_of is not None else {})}
                for v in self.variants
            ]
        return body


def _score(image: StoredImage) -> int | None:
    report = image.quality_report()
    return report["score"] if report is not None else None


def variant_key(request_key: str, number: int) -> str:
    """Where variant ``number`` (2 and on) of a request is remembered in the store."""
    return f"{request_key}/variant-{number}"


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
            return replace(found, timings=(lookup,))
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
                    await anyio.to_thread.run_sync(self._own, twin, owner)
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

    def background(self, request: GenerateRequest) -> Background | None:
        """The stored picture a ``backgroundImage`` id names (an upload, a video frame, a render),
        or None when the request has none or sends a data URL (the renderer reads that itself)."""
        value = request.background_image
        if value is None or not IMAGE_ID.match(value):
            return None
        image = self.store.get(value)
        data = self.store.read(image) if image is not None else None
        if data is None:
            raise InputError(f"backgroundImage {value!r} is not a stored image: upload the picture to POST /v1/uploads "
                             "and pass its id, or send it as a data URL", field="backgroundImage")
        return Background(data, "backgroundImage")

    # -- in worker threads (one hop for the lookup, one for render + store) ------------------------
    def _lookup(self, request: GenerateRequest, owner: str | None) -> tuple[str, GenerateResult | None]:
        key = self.keys.key(request)
        found = self.store.lookup(key)
        if found is None:
            return key, None
        variants: list[StoredVariant] = []
        if request.variants > 1:
            variants.append(StoredVariant(*found))
            for number in range(2, request.variants + 1):  # fewer were made when no more differed
                other = self.store.lookup(variant_key(key, number))
                if other is None:
                    break
                variants.append(StoredVariant(*other))
        result = GenerateResult(*found, from_store=True, variants=tuple(variants))
        if owner is not None:
            self._own(result, owner)
        return key, result

    def _own(self, result: GenerateResult, owner: str) -> None:
        """``owner`` gets the image and its variants in its listings."""
        for image_id in dict.fromkeys((result.image.id, *(variant.image.id for variant in result.variants))):
            self.store.own(image_id, owner)

    def _render_and_put(self, key: str, request: GenerateRequest, owner: str | None) -> GenerateResult:
        try:
            return self._render_and_put_now(key, request, owner)
        finally:  # the render's freed buffers go back to the system: ~6 ms, 30 MB (medians), up to 130 MB
            release_free_memory()

    def _render_and_put_now(self, key: str, request: GenerateRequest, owner: str | None) -> GenerateResult:
        started = time.perf_counter()
        background = self.background(request)
        if request.variants > 1:
            thumbnails = self.renderer.variants_request(request, background=background)
        else:
            thumbnails = [self.renderer.render_request(request, background=background)]
        rendered = time.perf_counter()
        # the others first: a request is found in the store by its best image, stored last
        variants = [StoredVariant(self.store.put(variant_key(key, number), thumbnail, request.title, owner), thumbnail.data)
                    for number, thumbnail in enumerate(thumbnails[1:], start=2)]
        image = self.store.put(key, thumbnails[0], request.title, owner)
        if request.variants > 1:
            variants.insert(0, StoredVariant(image, thumbnails[0].data))
        timings = (("render", (rendered - started) * 1000), ("store", (time.perf_counter() - rendered) * 1000))
        return GenerateResult(image, thumbnails[0].data, from_store=False, timings=timings, variants=tuple(variants))
