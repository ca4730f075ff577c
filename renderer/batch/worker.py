"""What runs in a batch worker (a local process or a Dask worker): one ``Renderer`` per process,
built once, and a task that turns a request into bytes or an error message.

Errors travel back as text, never as pickled exceptions (``SpecError`` does not survive a pickle
round trip), and a row's error never kills the worker.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from msgspec import Struct, field

from ..api import Renderer
from ..errors import UserError
from ..memory import bound_native_memory
from ..request import GenerateRequest


class RendererConfig(Struct, frozen=True, kw_only=True):
    """How workers build their ``Renderer``; paths must exist where the workers run."""

    layouts_dir: str | None = None
    kit_dirs: tuple[str, ...] = ()
    fonts_dir: str | None = None

    def build(self) -> Renderer:
        return Renderer(layouts_dir=self.layouts_dir, kit_dirs=self.kit_dirs, fonts_dir=self.fonts_dir)


class RenderOutcome(Struct, frozen=True):
    """``data`` on success; otherwise ``error`` and its ``kind``: ``row`` (the row's fault),
    ``bug`` (thumbkit's) or ``setup`` (the worker could not build its renderer: fatal for the batch)."""

    data: bytes | None = None
    error: str | None = None
    more: tuple[bytes, ...] = ()  # the other variants, best first (a row asking for variants)
    kind: Literal["ok", "row", "bug", "setup"] = "ok"
    cpu_s: float = 0.0  # CPU time the render took in the worker
    warnings: tuple[str, ...] = field(default=())


_renderers: dict[RendererConfig, Renderer | str] = {}  # a Renderer, or why it could not be built
_renderers_lock = threading.Lock()


def renderer_for(config: RendererConfig) -> Renderer | str:
    """This process's ``Renderer`` for ``config`` (built on first use), or the setup error text."""
    with _renderers_lock:
        found = _renderers.get(config)
        if found is None:
            try:
                found = config.build()
            except UserError as exc:
                found = str(exc)
            except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the batch
                found = f"{type(exc).__name__}: {exc}"
            _renderers[config] = found
        return found


def render_task(request: GenerateRequest, config: RendererConfig) -> RenderOutcome:
    """Render one request; never raises."""
    renderer = renderer_for(config)
    if isinstance(renderer, str):
        return RenderOutcome(error=renderer, kind="setup")
    started = time.thread_time()
    try:
        thumbnails = renderer.variants_request(request) if request.variants > 1 else [renderer.render_request(request)]
    except UserError as exc:
        return RenderOutcome(error=str(exc), kind="row")
    except Exception as exc:  # noqa: BLE001 - one row's bug must not stop ten thousand others
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return RenderOutcome(error=f"internal error {type(exc).__name__} at {where}: {exc} (a thumbkit bug; please report it)", kind="bug")
    best = thumbnails[0]
    return RenderOutcome(data=best.data, more=tuple(t.data for t in thumbnails[1:]), cpu_s=time.thread_time() - started,
                         warnings=best.warnings)


def render_chunk(requests: tuple[GenerateRequest, ...], config: RendererConfig) -> tuple[RenderOutcome, ...]:
    """Render a few requests in one task: one message each way instead of one per row."""
    return tuple(render_task(request, config) for request in requests)


def init_local_worker(config: RendererConfig, parent_alive: Connection) -> None:
    """Process-pool initializer: bound native memory (``memory.bound_native_memory``), leave Ctrl-C
    to the parent, die with it, load the renderer now.

    ``parent_alive`` is the read end of a pipe whose only write end the batch process holds: it
    reads end-of-file the moment that process dies, even by SIGKILL and even while it is an
    unreaped zombie (which a pid check would take for alive). Without this a worker whose parent
    was killed would wait forever on its queue, and keep its fork server alive too.
    """
    bound_native_memory()  # a worker renders for hours: freed image buffers go back
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent_alive,), daemon=True, name="thumbkit-parent-watch").start()
    renderer_for(config)


def _exit_with_parent(parent_alive: Connection) -> None:
    parent_alive.poll(None)  # returns only at end-of-file: nothing is ever sent
    os._exit(1)


__all__ = ["RenderOutcome", "RendererConfig", "init_local_worker", "render_chunk", "render_task", "renderer_for"]
