"""The preview's state between the render loop and the pages: the last good render, the current
error, a revision number that changes with either, and a wait for the next change."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import anyio.to_thread
from msgspec import Struct

from ..errors import SpecError, UserError
from .session import Previewer, PreviewImage, PreviewResult

log = logging.getLogger("thumbkit.preview")
KEEP_RESULTS = 2  # the page may still be loading the images of the render before the last


class Rendered(Struct, frozen=True):
    generation: int
    result: PreviewResult
    finished_at: float  # time.time()


class PreviewHub:
    """Owned by one event loop: ``refresh`` renders (in a worker thread) and publishes."""

    def __init__(self, previewer: Previewer) -> None:
        self.previewer = previewer
        self.revision = 0
        self.rendering = False
        self.renders: list[Rendered] = []  # the last good ones, newest last
        self.error: Exception | None = None  # a UserError, or a bug
        self._changed = asyncio.Event()

    async def refresh(self) -> None:
        """Render the files as they are now: a new good render, or the error (the last good render stays)."""
        self.rendering = True
        self._publish()
        try:
            result = await anyio.to_thread.run_sync(self.previewer.render)
        except UserError as exc:
            self.error = exc
        except Exception as exc:  # a bug: said on the page (and logged), and the preview goes on watching
            log.exception("rendering the preview failed")
            self.error = exc
        else:
            generation = self.renders[-1].generation + 1 if self.renders else 1
            self.renders = [*self.renders, Rendered(generation, result, time.time())][-KEEP_RESULTS:]
            self.error = None
        finally:
            self.rendering = False
            self._publish()

    async def changed(self, seen: int, timeout: float) -> bool:
        """Wait until the revision differs from ``seen``; False after ``timeout`` seconds."""
        while self.revision == seen:
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError:
                return False
        return True

    def image(self, generation: int, index: int) -> PreviewImage | None:
        for rendered in self.renders:
            if rendered.generation == generation and 0 <= index < len(rendered.result.images):
                return rendered.result.images[index]
        return None

    def state(self) -> dict[str, Any]:
        """What a page shows, as JSON data."""
        target = self.previewer.target
        latest = self.renders[-1] if self.renders else None
        return {
            "revision": self.revision,
            "file": str(target.file),
            "kind": target.kind,
            "kit": target.kit,
            "rendering": self.rendering,
            "error": _error_state(self.error) if self.error is not None else None,
            "render": _render_state(latest) if latest is not None else None,
        }

    def _publish(self) -> None:
        self.revision += 1
        event, self._changed = self._changed, asyncio.Event()
        event.set()


def _error_state(error: Exception) -> dict[str, Any]:
    problems = error.problems if isinstance(error, SpecError) else ()
    message = str(error) if isinstance(error, UserError) else f"unexpected error (a bug in thumbkit): {error!r}"
    return {
        "message": message.splitlines()[0] if message else type(error).__name__,
        "problems": [
            {"file": p.path, "line": p.line, "column": p.column, "where": p.where, "message": p.message, "text": str(p)}
            for p in problems
        ],
    }


def _render_state(rendered: Rendered) -> dict[str, Any]:
    result, generation = rendered.result, rendered.generation
    return {
        "generation": generation,
        "elapsedMs": round(result.elapsed_ms),
        "finishedAt": rendered.finished_at,
        "images": [
            {
                "title": image.title, "subtitle": image.subtitle, "badge": image.badge, "format": image.format, "layout": image.layout, "kit": image.kit,
                "width": image.width_px, "height": image.height_px,
                "clean": f"/images/{generation}/{index}/clean.jpg",
                "debug": f"/images/{generation}/{index}/debug.jpg" if image.debug_jpeg is not None else None,
                "feed": f"/images/{generation}/{index}/feed.png",
                "feedWidth": image.feed_size[0], "feedHeight": image.feed_size[1], "feedWhere": image.feed.where,
                "texts": [
                    {"layer": t.layer, "sizePx": t.size_px, "feedSizePx": t.feed_size_px, "lines": t.lines,
                     "truncated": t.truncated, "brokeWords": t.broke_words, "contrast": t.contrast_ratio}
                    for t in image.texts
                ],
                "warnings": list(image.warnings),
                "quality": image.quality.to_dict(),
            }
            for index, image in enumerate(result.images)
        ],
    }


__all__ = ["PreviewHub", "Rendered"]
