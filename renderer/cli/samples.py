"""``thumbkit samples``: render samples/titles.csv (every format and layout) into samples/, and a
channel grid per bundled kit (samples/channel.csv: twelve titles as one channel would post them,
laid out as a contact sheet)."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from PIL import Image

from .commands import fail_on_user_error

CHANNEL_KITS = ("default", "techpulse", "sunrise")
SHEET_COLUMNS = 4
SHEET_TILE_WIDTH_PX = 480
SHEET_GAP_PX = 16
SHEET_BACKGROUND = (24, 24, 27)


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
                subtitle=row.get("subtitle") or None, badge=row.get("badge") or None,
            )
            written.append(thumbnail.save(out_dir / f"{thumbnail.layout}.webp"))
    return written


def render_channel_grids(channel_csv: Path, out_dir: Path, *, kits: tuple[str, ...] = CHANNEL_KITS,
                         format_name: str = "youtube") -> list[Path]:
    """One contact sheet per kit: the titles of ``channel_csv`` (columns title, subtitle, badge)
    rendered with ``layout="auto"``, as a channel's video grid shows them."""
    import io

    from ..api import Renderer
    from ..files import write_atomic

    renderer = Renderer()
    with channel_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    written = []
    for kit in kits:
        images = []
        for row in rows:
            thumbnail = renderer.render(row["title"], format=format_name, brand=kit, output_format="png",
                                        subtitle=row.get("subtitle") or None, badge=row.get("badge") or None)
            images.append(Image.open(io.BytesIO(thumbnail.data)).convert("RGB"))
        sheet = contact_sheet(images, columns=SHEET_COLUMNS, tile_width_px=SHEET_TILE_WIDTH_PX, gap_px=SHEET_GAP_PX)
        buffer = io.BytesIO()
        sheet.save(buffer, "WEBP", quality=86, method=4)
        written.append(write_atomic(out_dir / f"channel-{kit}.webp", buffer.getvalue()))
    return written


def contact_sheet(images: list[Image.Image], *, columns: int, tile_width_px: int, gap_px: int,
                  background: tuple[int, int, int] = SHEET_BACKGROUND) -> Image.Image:
    """``images`` (one size) scaled to ``tile_width_px`` wide, in rows of ``columns``, ``gap_px``
    apart and around."""
    if not images:
        raise ValueError("a contact sheet needs at least one image")
    tile_height = round(images[0].height * tile_width_px / images[0].width)
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (columns * (tile_width_px + gap_px) + gap_px, rows * (tile_height + gap_px) + gap_px), background)
    for index, image in enumerate(images):
        tile = image.resize((tile_width_px, tile_height), Image.Resampling.LANCZOS)
        sheet.paste(tile, (gap_px + (index % columns) * (tile_width_px + gap_px), gap_px + (index // columns) * (tile_height + gap_px)))
    return sheet


@click.command("samples")
@click.option("--titles", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("samples/titles.csv"), show_default=True)
@click.option("--channel", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("samples/channel.csv"),
              show_default=True, help="the titles of the channel grids (one contact sheet per bundled kit)")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("samples"), show_default=True)
@fail_on_user_error
def samples_command(titles: Path, channel: Path, out: Path) -> None:
    """Render the sample titles for every format and layout, and a channel grid per bundled kit."""
    for path in render_samples(titles, out):
        click.echo(path)
    for path in render_channel_grids(channel, out):
        click.echo(path)
