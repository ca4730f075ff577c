"""Render jobs on a Dask distributed cluster (the ``thumbkit[dask]`` extra).

Workers render and return bytes; this process (the client) writes the files and keeps the
manifest, so resuming works exactly as with local workers. Each worker process builds one
``Renderer`` (on its first task) and keeps it. Workers need thumbkit installed, and any
``kit_dirs``/``layouts_dir`` must exist at the same paths on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from .local import CHUNK_ROWS, Chunk, Results, bounded_unordered, chunked
from .plan import RenderJob
from .worker import RendererConfig, RenderOutcome, render_chunk
from ..errors import InputError

IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT_S = 20


def dask_results(jobs: Iterator[RenderJob], config: RendererConfig, *, scheduler: Any, max_in_flight: int | None) -> Results:
    """Render on the cluster at ``scheduler`` (an address such as ``tcp://host:8786``, or a
    ``distributed.Client`` that the caller owns and keeps open)."""
    try:
        import distributed
    except ImportError:
        raise InputError("a Dask scheduler needs the dask extra: pip install 'thumbkit[dask]'") from None
    with ExitStack() as stack:
        if isinstance(scheduler, str):
            try:
                client = stack.enter_context(
                    distributed.Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
                )
            except OSError as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            client = scheduler
        if max_in_flight is None:
            threads = sum(client.nthreads().values()) or 1
            max_in_flight = IN_FLIGHT_PER_THREAD * threads + 2
        # as_completed on the client's own loop: distributed.wait() would need a default client.
        completed = distributed.as_completed(loop=client.loop)

        def submit(chunk: Chunk) -> Any:
            future = client.submit(render_chunk, tuple(job.request for job in chunk), config, pure=False)
            completed.add(future)
            return future

        yield from bounded_unordered(
            chunked(jobs, CHUNK_ROWS),
            submit,
            lambda pending: set(completed.next_batch(block=True)),
            max_in_flight=max_in_flight,
            outcomes_of=_outcomes,
        )


def _outcomes(future: Any, chunk: Chunk) -> tuple[RenderOutcome, ...]:
    """The task's outcomes; a task that raised (thumbkit missing on the worker, a worker killed
    again and again by these rows) fails its rows, or stops the batch when thumbkit is missing."""
    if future.status == "finished":
        outcomes: tuple[RenderOutcome, ...] = future.result()
        return outcomes
    try:
        exception = future.exception()
    except Exception as exc:  # noqa: BLE001 - a cancelled future raises here
        exception = exc
    failed = RenderOutcome(
        error=f"Dask task failed: {type(exception).__name__}: {exception}",
        kind="setup" if isinstance(exception, ImportError) else "bug",
    )
    return (failed,) * len(chunk)


__all__ = ["dask_results"]
