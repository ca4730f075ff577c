"""``thumbkit samples``: render samples/titles.csv (every format and layout) into samples/."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from .commands import fail_on_user_error


def render_samples(titles_csv: Path, out_dir: Path) -> list[Path]:
    from ..api import Renderer

    renderer = Renderer()
    written = []
    with titles_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            thumbnail = renderer.render(
                row["title"], format=row["format"], layout=row.get("layout") or "auto",
                brand=row.get("brand") or "default",
                use_photo=(row.get("usePhoto") or "").lower() == "true",
                use_logo=(row.get("useLogo") or "").lower() == "true",
            )
            written.append(thumbnail.save(out_dir / f"{thumbnail.layout}.webp"))
    return written


@click.command("samples")
@click.option("--titles", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("samples/titles.csv"), show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("samples"), show_default=True)
@fail_on_user_error
def samples_command(titles: Path, out: Path) -> None:
    """Render the sample titles for every format and layout."""
    for path in render_samples(titles, out):
        click.echo(path)
