"""CSV batch mode: a CSV of titles in, a folder of thumbnails out, resumable after any crash.

    >>> from renderer import run_batch
    >>> summary = run_batch("titles.csv", out_dir="thumbs")          # doctest: +SKIP
    >>> summary.rendered, summary.skipped, summary.failed             # doctest: +SKIP

The stages, each in its own module: ``csv_rows`` reads rows lazily; ``plan`` applies the
defaults, validates the request, names the output and hashes the inputs (in row order, in this
process); ``manifest`` says whether the row is already done; ``local``/``dask_cluster``
render the rest in workers; this module writes each file atomically (in writer threads), then
records it, then reports the row. Only this process writes files and the manifest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Literal

from msgspec import Struct

from ..errors import AssetError, InputError
from .csv_rows import CsvRow, count_rows, is_title_list, read_rows, read_shape
from .files import FailuresFile, remove_temporaries, write_output
from .local import Results, default_workers, inline_results, pool_results
from .manifest import Manifest
from .names import NameRegistry, inside
from .plan import NO_DEFAULTS, RenderJob, RowDefaults, RowFailure, plan_row
from .worker import RendererConfig, RenderOutcome

FAILURES_FILE = "failures.csv"
WRITER_THREADS = 2  # files written at once: their fsyncs overlap
MAX_WRITES_PENDING = 16  # rows rendered and not yet written (each holds its bytes)


class RowEvent(Struct, frozen=True):
    """What happened to one row; handed to ``on_row`` as it happens (in completion order)."""

    status: Literal["rendered", "skipped", "failed"]
    number: int
    line: int
    title: str
    path: Path | None
    error: str | None = None


class BatchSummary(Struct, frozen=True):
    rows: int
    rendered: int
    skipped: int
    failed: int
    elapsed_s: float
    startup_s: float  # until the first thumbnail came back (workers loading their renderer)
    render_cpu_s: float  # CPU time the workers spent rendering the rendered rows
    parent_cpu_s: float  # CPU time of this process (reading, naming, writing, recording, progress)
    out_dir: Path
    manifest_path: Path
    failures_path: Path | None
    ignored_columns: tuple[str, ...]
    workers: str  # "4 processes", "inline" or the Dask scheduler's address

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def throughput_per_s(self) -> float:
        """Thumbnails rendered per second of the whole run, start-up included."""
        return self.rendered / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def steady_throughput_per_s(self) -> float:
        """Thumbnails per second once the workers were up (start-up excluded)."""
        steady_s = self.elapsed_s - self.startup_s
        return (self.rendered - 1) / steady_s if self.rendered > 1 and steady_s > 0 else self.throughput_per_s


def run_batch(
    csv_path: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str],
    defaults: RowDefaults = NO_DEFAULTS,
    workers: int | None = None,
    scheduler: str | Any | None = None,
    force: bool = False,
    failures_path: str | os.PathLike[str] | None = None,
    delimiter: str = ",",
    lines: bool | None = None,
    kit_dirs: tuple[str | os.PathLike[str], ...] = (),
    layouts_dir: str | os.PathLike[str] | None = None,
    max_in_flight: int | None = None,
    on_row: Callable[[RowEvent], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Render every row of ``csv_path`` into ``out_dir``; skip rows already rendered from the same inputs.

    ``workers``: processes on this machine (default: one per core; 0 renders in this process).
    ``scheduler``: a Dask scheduler address (``tcp://host:8786``) or ``distributed.Client`` instead.
    ``force``: render every row again. ``failures_path``: default ``out_dir/failures.csv``.
    ``lines``: read the file as one title per line, with no CSV quoting (default: for a ``.txt`` file).
    ``kit_dirs``/``layouts_dir``: as for ``Renderer`` (with Dask, the paths must exist on the workers).
    ``max_in_flight``: chunks of rows (four each) handed out at once; default 2 x workers + 2 (Dask:
    two per worker thread, + 2). ``on_start(rows)`` is called once the whole CSV has been checked;
    ``on_row(event)`` after every row, in completion order.

    Raises ``InputError`` for a CSV that cannot be read (naming the line) or bad options, and
    ``AssetError`` when the workers cannot load their renderer. Failed rows do not raise: see
    ``BatchSummary.failed`` and the failures file.
    """
    started, started_cpu = time.perf_counter(), time.process_time()
    if workers is not None and workers < 0:
        raise InputError(f"workers must be 0 or more, got {workers}")
    if workers is not None and scheduler is not None:
        raise InputError("give either workers (this machine) or a Dask scheduler, not both")
    if len(delimiter) != 1:
        raise InputError(f"the delimiter must be one character, got {delimiter!r}")
    csv_path, out = Path(csv_path), Path(out_dir)
    lines = is_title_list(csv_path) if lines is None else lines
    shape = read_shape(csv_path, delimiter=delimiter, lines=lines)
    rows = count_rows(csv_path, delimiter=delimiter, lines=lines)  # reads the whole file: a bad line stops us before any work
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder {out}: {exc.strerror}") from None
    if on_start is not None:
        on_start(rows)
    config = RendererConfig(
        layouts_dir=str(layouts_dir) if layouts_dir else None, kit_dirs=tuple(str(Path(p).resolve()) for p in kit_dirs),
    )
    with Manifest.open(out) as manifest:
        remove_temporaries(out)  # only now: the manifest's lock says no other batch is writing here
        run = _Run(out=out, manifest=manifest, on_row=on_row,
                   failures=FailuresFile(Path(failures_path) if failures_path else out / FAILURES_FILE))
        try:
            jobs = run.jobs(read_rows(csv_path, delimiter=delimiter, lines=lines), defaults=defaults, force=force,
                            csv_folder=csv_path.parent)
            if scheduler is not None:
                from .dask_cluster import dask_results

                results: Results = dask_results(jobs, config, scheduler=scheduler, max_in_flight=max_in_flight)
                shown = scheduler if isinstance(scheduler, str) else "Dask"
            elif workers == 0:
                results, shown = inline_results(jobs, config), "inline"
            else:
                count = workers or default_workers()
                results = pool_results(jobs, config, workers=count, max_in_flight=max_in_flight)
                shown = f"{count} process{'es' if count > 1 else ''}"
            for job, outcome in results:
                run.finish(job, outcome)
            run.drain()
            failures_written = run.failures.finish()
        except BaseException:
            run.failures.abandon()
            raise
        finally:
            run.close()
    elapsed_s = time.perf_counter() - started
    parent_cpu_s = time.process_time() - started_cpu
    if workers == 0 and scheduler is None:
        parent_cpu_s -= run.render_cpu_s  # inline: the renders ran in this process
    return BatchSummary(
        rows=rows, rendered=run.counts["rendered"], skipped=run.counts["skipped"], failed=run.counts["failed"],
        elapsed_s=elapsed_s, startup_s=(run.first_result_at or time.perf_counter()) - started,
        render_cpu_s=run.render_cpu_s, parent_cpu_s=parent_cpu_s, out_dir=out, manifest_path=manifest.path,
        failures_path=failures_written, ignored_columns=shape.ignored_columns, workers=shown,
    )


class _Run:
    """One run's bookkeeping in the parent: names, counts, the failures file, the events.

    Files are written (atomically, fsync included: ~6 ms each, mostly waiting for the disk) by
    ``WRITER_THREADS`` threads, so that this process's main thread goes on handing rows to the
    workers meanwhile: written in line, the writes held two workers back (1.71-1.74x one worker).
    Each row is recorded in the manifest by the main thread once its file is whole, as before.
    """

    def __init__(self, *, out: Path, manifest: Manifest, failures: FailuresFile,
                 on_row: Callable[[RowEvent], None] | None) -> None:
        self.out = out
        self.resolved_out = out.resolve()
        self.manifest = manifest
        self.failures = failures
        self.on_row = on_row
        self.names = NameRegistry()
        self.counts = {"rendered": 0, "skipped": 0, "failed": 0}
        self.render_cpu_s = 0.0
        self.first_result_at: float | None = None
        self._writer = ThreadPoolExecutor(WRITER_THREADS, thread_name_prefix="thumbkit-batch-write")
        self._writing: dict[Future[str | None], tuple[RenderJob, dict[str, bytes]]] = {}  # write -> (job, its files)

    def jobs(self, rows: Iterator[CsvRow], *, defaults: RowDefaults, force: bool, csv_folder: Path) -> Iterator[RenderJob]:
        """The rows that need rendering, lazily, in row order; reports the failed and skipped ones on the way."""
        for row in rows:
            planned = plan_row(row, defaults=defaults, names=self.names, csv_folder=csv_folder)
            if isinstance(planned, RowFailure):
                self.fail(planned)
                continue
            try:
                for name in planned.outputs:
                    inside(self.resolved_out, name)
            except InputError as exc:
                self.fail(RowFailure(line=planned.line, number=planned.number, title=planned.title, error=exc.message))
                continue
            if not force and self.manifest.is_current_set(planned.outputs, planned.input_hash, self.out):
                self.report(RowEvent("skipped", planned.number, planned.line, planned.title, self.out / planned.outputs[0]))
                continue
            yield planned

    def finish(self, job: RenderJob, outcome: RenderOutcome) -> None:
        """Write the file, then record it, then report it: in that order, so a record means a whole
        file. The write goes to a writer thread; rows whose writes are done are recorded here."""
        if outcome.kind == "setup":
            raise AssetError(f"the workers could not load the renderer: {outcome.error}")
        if self.first_result_at is None:
            self.first_result_at = time.perf_counter()
        self.render_cpu_s += outcome.cpu_s
        if outcome.data is None:
            self._record(job, {}, outcome.error or "the worker returned no image")
        else:
            made = dict(zip(job.outputs, (outcome.data, *outcome.more)))  # fewer variants than asked: the first ones
            self._writing[self._writer.submit(self._write_all, made)] = (job, made)
        self._record_written(wait_for_one=len(self._writing) >= MAX_WRITES_PENDING)

    def drain(self) -> None:
        """Record every row whose files are being written (at the end of the run)."""
        while self._writing:
            self._record_written(wait_for_one=True)

    def close(self) -> None:
        """Let the writes under way finish (a file is whole or absent), drop those not started:
        unrecorded, they are rendered again next time."""
        self._writer.shutdown(wait=True, cancel_futures=True)
        self.names.close()

    def _write_all(self, made: dict[str, bytes]) -> str | None:
        """Write a row's files (in a writer thread); the first row error, or None."""
        return next(filter(None, (write_output(self.out / name, data) for name, data in made.items())), None)

    def _record_written(self, *, wait_for_one: bool) -> None:
        done = [future for future in self._writing if future.done()]
        if not done and wait_for_one:
            done = list(wait(self._writing, return_when=FIRST_COMPLETED).done)
        for future in done:
            job, made = self._writing.pop(future)
            self._record(job, made, future.result())  # OSError (disk full, read-only) stops the batch

    def _record(self, job: RenderJob, made: dict[str, bytes], error: str | None) -> None:
        if made and error is None:
            absent = job.outputs[len(made):]
            for name in absent:  # a variant an earlier run made from other inputs is no output of these
                if self.manifest.get(name) is not None:
                    (self.out / name).unlink(missing_ok=True)
            self.manifest.record_done_set(sizes={name: len(data) for name, data in made.items()}, absent=absent,
                                          input_hash=job.input_hash, line=job.line, title=job.title)
            self.report(RowEvent("rendered", job.number, job.line, job.title, self.out / job.outputs[0]))
            return
        error = error or "the worker returned no image"
        for name in job.outputs:
            self.manifest.record_failed(name=name, input_hash=job.input_hash, line=job.line, title=job.title, error=error)
        self.fail(RowFailure(line=job.line, number=job.number, title=job.title, error=error))

    def fail(self, failure: RowFailure) -> None:
        self.failures.add(failure)
        self.report(RowEvent("failed", failure.number, failure.line, failure.title, None, failure.error))

    def report(self, event: RowEvent) -> None:
        self.counts[event.status] += 1
        if self.on_row is not None:
            self.on_row(event)


__all__ = ["BatchSummary", "RowDefaults", "RowEvent", "run_batch"]
