"""``thumbkit batch``: the command-line shell over ``renderer.batch.run_batch``; the only batch
module that prints."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ..batch.run import BatchSummary, RowEvent, run_batch
from ..batch.plan import RowDefaults
from .commands import fail_on_user_error
from ..request import CATEGORIES, IMAGE_STYLES

EXIT_FAILED_ROWS = 1
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:5.1f}/s" if speed else "  ---/s", style="progress.data.speed")


class _Terminated(Exception):
    pass


@click.command("batch")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="output folder (created if missing)")
@click.option("-w", "--workers", type=click.IntRange(min=0), default=None, help="worker processes [default: one per core; 0: render in this process]")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="render on a Dask cluster instead, e.g. tcp://host:8786 (needs thumbkit[dask])")
@click.option("--force", is_flag=True, help="render every row again, even those already done")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar, no per-row lines: only the summary (for logs)")
@click.option("--failures", "failures_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="failures CSV [default: OUT/failures.csv]")
@click.option("--delimiter", default=",", show_default=True, help="CSV field separator: one character, or 'tab'")
@click.option("--lines/--csv", "lines", default=None, help="one title per line, no CSV quoting (--lines), or CSV  [default: --lines for a .txt file]")
@click.option("-f", "--format", "format_name", default=None, help="format for rows without one [default: the kit's, else youtube]")
@click.option("--style", "image_style", type=click.Choice(IMAGE_STYLES), default=None, help="imageStyle for rows without one")
@click.option("-b", "--brand", default=None, help="brand kit id (customAssetsId) for rows without one")
@click.option("-l", "--layout", default="auto", show_default=True, help="layout for rows without one")
@click.option("--use-photo/--no-use-photo", default=False, show_default=True, help="usePhoto for rows without one")
@click.option("--use-logo/--no-use-logo", default=False, show_default=True, help="useLogo for rows without one")
@click.option("--output-format", type=click.Choice(["webp", "png", "jpeg"]), default="webp", show_default=True, help="encoding for rows without one")
@click.option("--category", type=click.Choice(CATEGORIES), default="auto", show_default=True, help="category for rows without one")
@click.option("--hd", is_flag=True, help="twice the resolution for rows without a model column (model=hd)")
@click.option("--kits-dir", "kit_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="a folder of brand kits (repeatable)")
@click.pass_context
@fail_on_user_error
def batch_command(ctx: click.Context, csv_file: Path, out_dir: Path, workers: int | None, scheduler: str | None, force: bool,
                  quiet: bool, failures_path: Path | None, delimiter: str, lines: bool | None, format_name: str | None, image_style: str | None,
                  brand: str | None, layout: str, use_photo: bool, use_logo: bool, output_format: str, category: str,
                  hd: bool, kit_dirs: tuple[Path, ...]) -> None:
    """Render a thumbnail for every row of CSV_FILE into --out, resumably.

    Columns: title (required), format, style/imageStyle, customAssetsId/brand, layout, usePhoto,
    useLogo, outputFormat, category, model, filename, background (a picture beside the CSV); a file
    without a header is one title per line.
    A .txt file (or --lines) is a list of titles, one per line, read as written: no quoting.
    Run the same command again after a crash or Ctrl-C: finished rows are skipped. Exit status 1
    when a row failed (see the failures file), 2 when the CSV or an option is unusable.
    """
    delimiter = "\t" if delimiter.lower() in ("tab", "\\t") else delimiter
    defaults = RowDefaults(
        format=format_name, image_style=image_style, brand=brand, layout=layout, use_photo=use_photo,
        use_logo=use_logo, output_format=output_format, category=category, model="hd" if hd else "sd",
    )
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
        TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.fields[status]}"),
        console=console, transient=False, disable=quiet,
    )
    task_id = progress.add_task("rendering", total=None, status="", start=False)
    counts = {"skipped": 0, "failed": 0}

    def on_start(rows: int) -> None:
        progress.update(task_id, total=rows)
        progress.start_task(task_id)
        progress.start()

    def on_row(event: RowEvent) -> None:
        if event.status == "skipped":
            counts["skipped"] += 1
            # Skipped rows leave the total, so the rate and the ETA count rendering only.
            progress.update(task_id, total=(progress.tasks[0].total or 1) - 1, status=_status(counts))
            return
        if event.status == "failed":
            counts["failed"] += 1
            if not quiet:
                progress.console.print(f"line {event.line}: {escape(event.error or '')} [dim]({escape(_short(event.title))})[/dim]", highlight=False)
        progress.update(task_id, advance=1, status=_status(counts))

    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        summary = run_batch(
            csv_file, out_dir=out_dir, defaults=defaults, workers=workers, scheduler=scheduler, force=force,
            failures_path=failures_path, delimiter=delimiter, lines=lines, kit_dirs=kit_dirs, on_row=on_row, on_start=on_start,
        )
    except (KeyboardInterrupt, _Terminated) as exc:
        progress.stop()
        click.echo(f"thumbkit batch: stopped; finished rows are recorded in {out_dir}. Run the same command again to resume.", err=True)
        ctx.exit(EXIT_TERMINATED if isinstance(exc, _Terminated) else EXIT_INTERRUPTED)
    finally:
        progress.stop()
        signal.signal(signal.SIGTERM, previous)
    if summary.ignored_columns:
        click.echo(f"warning: ignored columns: {', '.join(summary.ignored_columns)}", err=True)
    click.echo(format_summary(summary))
    if summary.failures_path is not None:
        click.echo(f"failures: {summary.failures_path}")
        ctx.exit(EXIT_FAILED_ROWS)


def format_summary(summary: BatchSummary) -> str:
    return (
        f"{summary.rendered:,} rendered, {summary.skipped:,} skipped (unchanged), {summary.failed:,} failed "
        f"of {summary.rows:,} rows in {_duration(summary.elapsed_s)} "
        f"({summary.throughput_per_s:.1f} thumbnails/s, {summary.workers}) -> {summary.out_dir}"
    )


def _status(counts: dict[str, int]) -> str:
    parts = [f"{counts['skipped']:,} skipped" if counts["skipped"] else "", f"[red]{counts['failed']:,} failed[/red]" if counts["failed"] else ""]
    return " ".join(part for part in parts if part)


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _duration(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{rest:02d}s"
    if minutes:
        return f"{minutes}m{rest:02d}s"
    return f"{seconds:.1f}s"


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(batch_command())
