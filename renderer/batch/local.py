"""Render jobs on this machine: a process pool (one ``Renderer`` per worker), or inline.

Jobs are pulled lazily and at most ``max_in_flight`` chunks are outstanding, so a 100,000-row CSV
never sits in a queue; results come back in completion order. Jobs travel in small chunks: one
message each way per chunk rather than per row keeps the parent's share of the CPU small.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from .plan import RenderJob
from .worker import (
    RendererConfig,
    RenderOutcome,
    init_local_worker,
    render_chunk,
    render_task,
)
from ..errors import InternalError

Results = Iterator[tuple[RenderJob, RenderOutcome]]
Chunk = tuple[RenderJob, ...]
CHUNK_ROWS = 4


def default_workers() -> int:
    """The cores this process may use."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def chunked(jobs: Iterator[RenderJob], rows: int) -> Iterator[Chunk]:
    while chunk := tuple(islice(jobs, rows)):
        yield chunk


def bounded_unordered(
    chunks: Iterator[Chunk],
    submit: Callable[[Chunk], Any],
    wait_first: Callable[[set[Any]], set[Any]],
    *,
    max_in_flight: int,
    outcomes_of: Callable[[Any, Chunk], tuple[RenderOutcome, ...]] = lambda future, chunk: future.result(),
) -> Results:
    """Keep up to ``max_in_flight`` chunks submitted; yield each (job, outcome) as its chunk completes."""
    pending: dict[Any, Chunk] = {}
    exhausted = False
    while True:
        while not exhausted and len(pending) < max_in_flight:
            chunk = next(chunks, None)
            if chunk is None:
                exhausted = True
            else:
                pending[submit(chunk)] = chunk
        if not pending:
            return
        for future in wait_first(set(pending)):
            chunk = pending.pop(future)
            yield from zip(chunk, outcomes_of(future, chunk), strict=True)


def inline_results(jobs: Iterator[RenderJob], config: RendererConfig) -> Results:
    """Render in this process, one job at a time (``workers=0``: debugging, tiny runs, tests)."""
    for job in jobs:
        yield job, render_task(job.request, config)


def pool_results(jobs: Iterator[RenderJob], config: RendererConfig, *, workers: int, max_in_flight: int | None,
                 chunk_rows: int = CHUNK_ROWS) -> Results:
    """Render in ``workers`` processes started with forkserver (spawn where there is none)."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # The fork server imports the renderer once; each worker forks from it with the modules loaded.
        context.set_forkserver_preload(["renderer.batch.worker"])
    # Workers get the read end; this process alone holds the write end, so they see end-of-file when it dies.
    parent_alive, alive_writer = context.Pipe(duplex=False)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=init_local_worker, initargs=(config, parent_alive),
    )
    try:
        yield from bounded_unordered(
            chunked(jobs, chunk_rows),
            lambda chunk: pool.submit(render_chunk, tuple(job.request for job in chunk), config),
            lambda pending: wait(pending, return_when=FIRST_COMPLETED).done,
            max_in_flight=max_in_flight or 2 * workers + 2,  # slack: the parent may pause (its disk, the GIL)
        )
    except BrokenProcessPool as exc:
        raise InternalError(
            "a batch worker process died (out of memory, or killed); the finished rows are recorded: run "
            "the batch again to resume"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        alive_writer.close()
        parent_alive.close()


__all__ = ["bounded_unordered", "chunked", "default_workers", "inline_results", "pool_results"]
