"""``thumbkit sheet``: a contact sheet of a titles file's thumbnails at feed size, each with its
quality score and findings (see :mod:`renderer.judge.sheet`)."""

from __future__ import annotations

import io
from pathlib import Path

import click

from ..formats import FORMAT_NAMES
from .commands import fail_on_user_error


@click.command("sheet")
@click.argument("titles_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("sheet.png"),
              show_default=True, help="the sheet (PNG)")
@click.option("-f", "--format", "format_name", type=click.Choice(FORMAT_NAMES), default="youtube", show_default=True,
              help="the feed to lay out (every row is rendered in it)")
@click.option("-b", "--brand", default=None, help="brand kit id (customAssetsId) for rows without one")
@click.option("-l", "--layout", default="auto", show_default=True, help="layout for rows without one")
@click.option("--use-photo/--no-use-photo", default=False, show_default=True, help="usePhoto for rows without one")
@click.option("--use-logo/--no-use-logo", default=False, show_default=True, help="useLogo for rows without one")
@click.option("--columns", type=click.IntRange(1, 12), default=None, help="tiles per row [default: youtube 4, instagram 3, others 2]")
@click.option("--scale", type=click.FloatRange(1.0, 4.0), default=1.0, show_default=True,
              help="draw the sheet this many times larger (2: as a high-density screen shows the feed)")
@click.option("--no-badge", is_flag=True, help="do not draw YouTube's duration badge on the thumbnails")
@fail_on_user_error
def sheet_command(titles_file: Path, output: Path, format_name: str, brand: str | None, layout: str, use_photo: bool,
                  use_logo: bool, columns: int | None, scale: float, no_badge: bool) -> None:
    """Render every title of TITLES_FILE (a batch CSV, or one title per line) and lay the
    thumbnails out at feed size with their quality scores and findings."""
    from ..api import Renderer
    from ..batch.plan import RowDefaults
    from ..files import write_atomic
    from ..judge.sheet import draw_sheet, render_entries, summary

    renderer = Renderer()
    defaults = RowDefaults(format=format_name, brand=brand, layout=layout, use_photo=use_photo, use_logo=use_logo)
    entries = list(render_entries(titles_file, renderer, format=format_name, defaults=defaults))
    heading = f"{titles_file.name}: {format_name}, kit {brand or 'default'}, layout {layout}"
    image = draw_sheet(entries, fonts=renderer.fonts, heading=heading, columns=columns, scale=scale, badge=not no_badge)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    write_atomic(output, buffer.getvalue())
    click.echo(f"{output} ({image.width}x{image.height}): {summary(entries)}")
