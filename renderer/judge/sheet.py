"""A contact sheet: thumbnails at feed size, laid out like the grid they will be seen in, each with
its title, its quality score and its findings' codes under it.

* ``youtube``: 4 columns of 168 px thumbnails (the sidebar size the judge measures legibility at),
  with the duration badge drawn over the area the judge keeps text out of (the badge as the home
  grid draws it: in the sidebar YouTube's badge covers even a little more), so what it hides shows;
* ``instagram``: 3 columns of profile-grid tiles, 130 px wide, cropped to the centre 3:4 as the
  grid crops them;
* ``x``, ``linkedin``, ``blogpost``: 2 columns of 500 px link previews.

``scale`` draws everything that many times larger (2: as a screen of twice the pixel density
shows the same feed). The score chip is green for a render that passes with no warning, amber for
a pass with warnings, red for a fail; fail codes are red, warning codes amber.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct
from PIL import Image, ImageDraw

from ..batch.csv_rows import read_rows
from ..batch.plan import RowDefaults, row_request
from ..errors import InputError
from ..text.fonts import FontBook
from ..text.line_layout import line_pieces, title_direction
from ..text.title import atoms_from_text
from ..text.typeset import Typeface
from .legibility import FEED_VIEWS
from .report import ADVICE_CODES, Quality
from .zones import BADGE

COLUMNS = {"youtube": 4, "instagram": 3, "x": 2, "linkedin": 2, "blogpost": 2}
_BACKGROUND = (249, 249, 249)
_INK = (15, 15, 15)
_MUTED = (96, 96, 96)
_GREEN, _AMBER, _RED = (22, 128, 61), (180, 83, 9), (200, 30, 30)
_GAP = 16  # between tiles, at scale 1
_MARGIN = 24


class SheetEntry(Struct, frozen=True):
    """One row of the titles file: its render (picture, format, layout, quality) or why it failed."""

    title: str
    format: str
    layout: str = ""
    picture: Image.Image | None = None
    quality: Quality | None = None
    error: str | None = None


def render_entries(path: str | Path, renderer: Any, *, format: str, defaults: RowDefaults) -> Iterator[SheetEntry]:
    """Render each row of a batch CSV/txt file in ``format`` (a sheet shows one feed: a row's own
    format column is not used), ``renderer`` being a :class:`renderer.api.Renderer`; a row that
    cannot be rendered becomes an entry with its error."""
    for row in read_rows(path):
        try:
            if row.problem:
                raise InputError(row.problem)
            request = msgspec.structs.replace(row_request(row, defaults), format=format)
            thumbnail = renderer.render_request(request)
        except InputError as exc:
            yield SheetEntry(title=row.title, format=format, error=exc.message)
            continue
        yield SheetEntry(title=row.title, format=thumbnail.format, layout=thumbnail.layout,
                         picture=thumbnail.picture, quality=thumbnail.quality)


def feed_picture(picture: Image.Image, format: str, *, scale: float = 1.0) -> Image.Image:
    """``picture`` as the feed shows it: the part shown (Instagram's centre 3:4), at feed width."""
    view = FEED_VIEWS[format]
    if view.shown_fraction < 1.0:
        shown = round(picture.width * view.shown_fraction)
        left = (picture.width - shown) // 2
        picture = picture.crop((left, 0, left + shown, picture.height))
    width = round(view.width_css_px * scale)
    height = round(picture.height * width / picture.width)
    return picture.convert("RGB").resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


class _Style(Struct, frozen=True):
    fonts: FontBook
    scale: float

    def typeface(self, weight: str) -> Typeface:
        return Typeface(self.fonts.face("inter", weight), self.fonts.fallbacks(weight))

    def px(self, value: float) -> int:
        return round(value * self.scale)


def draw_sheet(entries: list[SheetEntry], *, fonts: FontBook, heading: str, columns: int | None = None,
               scale: float = 1.0, badge: bool = True) -> Image.Image:
    """The contact sheet of ``entries`` (all of one format: the first's), as an RGB image."""
    if not entries:
        raise InputError("the titles file has no rows: nothing to put on the sheet")
    format_name = entries[0].format
    style = _Style(fonts, scale)
    columns = columns or COLUMNS.get(format_name, 3)
    tile_width = style.px(FEED_VIEWS[format_name].width_css_px)
    tiles = [_tile(entry, style, tile_width, badge=badge and entry.format == "youtube") for entry in entries]
    gap, margin = style.px(_GAP), style.px(_MARGIN)
    header = _header(entries, heading, style, width=columns * tile_width + (columns - 1) * gap)
    rows = [tiles[i:i + columns] for i in range(0, len(tiles), columns)]
    row_heights = [max(tile.height for tile in row) for row in rows]
    width = 2 * margin + columns * tile_width + (columns - 1) * gap
    height = 2 * margin + header.height + gap + sum(row_heights) + gap * (len(rows) - 1)
    sheet = Image.new("RGB", (width, height), _BACKGROUND)
    sheet.paste(header, (margin, margin))
    y = margin + header.height + gap
    for row, row_height in zip(rows, row_heights):
        for column, tile in enumerate(row):
            sheet.paste(tile, (margin + column * (tile_width + gap), y))
        y += row_height + gap
    return sheet


def summary(entries: list[SheetEntry]) -> str:
    """``48 titles: 45 pass (94%), median score 100, 1 not rendered``."""
    judged = [entry.quality for entry in entries if entry.quality is not None]
    passed = sum(1 for quality in judged if quality.passed)
    text = f"{len(entries)} titles: {passed} pass ({passed / max(1, len(judged)):.0%})"
    if judged:
        text += f", median score {statistics.median(q.score for q in judged):g}"
    failed = len(entries) - len(judged)
    return text + (f", {failed} not rendered" if failed else "")


def _header(entries: list[SheetEntry], heading: str, style: _Style, *, width: int) -> Image.Image:
    bold, regular = style.typeface("bold"), style.typeface("regular")
    size, small = style.px(16), style.px(12)
    image = Image.new("RGB", (width, round(size * 1.4 + small * 1.6)), _BACKGROUND)
    bold.draw(image, 0, size, heading, size, fill=_INK + (255,))
    regular.draw(image, 0, round(size * 1.4 + small), summary(entries), small, fill=_MUTED + (255,))
    return image


def _tile(entry: SheetEntry, style: _Style, width: int, *, badge: bool) -> Image.Image:
    regular, bold = style.typeface("regular"), style.typeface("bold")
    title_px, meta_px = style.px(12), style.px(11)
    picture = _thumbnail(entry, style, width, badge=badge)
    lines: list[tuple[list[Any], Typeface, int, tuple[int, int, int]]] = []  # (pieces per line, face, size, colour)
    for pieces in _wrap(regular, entry.title, title_px, width, max_lines=2):
        lines.append((pieces, regular, title_px, _INK))
    chip = _chip_colour(entry.quality)
    score = str(entry.quality.score) if entry.quality is not None else "!"
    codes = _codes(entry)
    height = picture.height + style.px(6) + round(title_px * 1.3) * len(lines) + round(meta_px * 1.5) * (1 + len(codes))
    tile = Image.new("RGB", (width, height + style.px(4)), _BACKGROUND)
    tile.paste(picture, (0, 0))
    y = picture.height + style.px(6)
    for pieces, face, size, colour in lines:
        y += round(size * 1.3)
        _draw_pieces(tile, face, pieces, 0, y - round(size * 0.3), size, colour)
    y += round(meta_px * 1.5)
    draw = ImageDraw.Draw(tile)
    score_width = bold.width_px(score, meta_px)
    pad = style.px(4)
    draw.rounded_rectangle((0, y - meta_px - pad // 2, score_width + 2 * pad, y + pad), radius=style.px(3), fill=chip)
    bold.draw(tile, pad, y - style.px(1), score, meta_px, fill=(255, 255, 255, 255))
    regular.draw(tile, score_width + 3 * pad, y - style.px(1), entry.layout or "not rendered", meta_px, fill=_MUTED + (255,))
    for text, colour in codes:
        y += round(meta_px * 1.5)
        regular.draw(tile, 0, y - style.px(1), text, meta_px, fill=colour + (255,))
    return tile


def _thumbnail(entry: SheetEntry, style: _Style, width: int, *, badge: bool) -> Image.Image:
    if entry.picture is None:  # not rendered: a grey tile with the error
        height = round(width * 9 / 16) if entry.format != "instagram" else round(width * 4 / 3)
        image = Image.new("RGB", (width, height), (236, 236, 236))
        for index, pieces in enumerate(_wrap(style.typeface("regular"), entry.error or "", style.px(10),
                                             width - style.px(12), max_lines=4)):
            _draw_pieces(image, style.typeface("regular"), pieces, style.px(6), style.px(18 + 13 * index), style.px(10), _RED)
        return image
    picture = feed_picture(entry.picture, entry.format, scale=style.scale)
    if badge:
        _duration_badge(picture, style)
    mask = Image.new("L", picture.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, picture.width - 1, picture.height - 1), radius=style.px(4), fill=255)
    framed = Image.new("RGB", picture.size, _BACKGROUND)
    framed.paste(picture, (0, 0), mask)
    return framed


def _duration_badge(picture: Image.Image, style: _Style) -> None:
    """YouTube's duration badge over the area the judge keeps text out of (x >= 1100, y >= 640 of
    1280x720: the badge as the home grid draws it), 2 px in from the corner."""
    bold = style.typeface("bold")
    x0, y0 = round(picture.width * BADGE[0]), round(picture.height * BADGE[1])
    x1, y1 = picture.width - style.px(2), picture.height - style.px(2)
    overlay = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rounded_rectangle((x0, y0, x1, y1), radius=style.px(2), fill=(0, 0, 0, 204))
    composed = Image.alpha_composite(picture.convert("RGBA"), overlay)
    size = max(4, round((y1 - y0) * 0.8))
    text = "12:34"
    while size > 4 and bold.width_px(text, size) > x1 - x0 - style.px(2):
        size -= 1
    width = bold.width_px(text, size)
    bold.draw(composed, (x0 + x1 - width) / 2, y1 - (y1 - y0 - size * 0.72) / 2, text, size, fill=(255, 255, 255, 255))
    picture.paste(composed.convert("RGB"))


def _chip_colour(quality: Quality | None) -> tuple[int, int, int]:
    if quality is None or not quality.passed:
        return _RED
    return _GREEN if not quality.findings else _AMBER


def _codes(entry: SheetEntry) -> list[tuple[str, tuple[int, int, int]]]:
    if entry.quality is None:
        return []
    return [(finding.code + ("" if finding.value is None or finding.code in ADVICE_CODES else f" {finding.value:g}"),
             _RED if finding.severity == "fail" else _AMBER) for finding in entry.quality.findings]


def _wrap(typeface: Typeface, text: str, size: int, width: int, *, max_lines: int) -> list[list[tuple[str, bool]]]:
    """``text`` in at most ``max_lines`` lines of ``width`` px (an ellipsis when cut), each line as
    pieces ``(text, rtl)`` in visual order."""
    atoms = atoms_from_text(" ".join(text.split()) or " ")
    paragraph = title_direction(atoms)
    lines: list[list[Any]] = [[]]
    for atom in atoms:
        candidate = lines[-1] + [atom]
        if lines[-1] and typeface.width_px(" ".join(a.text for a in candidate), size) > width:
            if len(lines) == max_lines:
                lines[-1] = _ellipsized(typeface, lines[-1], size, width)
                break
            lines.append([atom])
        else:
            lines[-1] = candidate
    fitted = []
    for line in lines:
        if line and typeface.width_px(" ".join(a.text for a in line), size) > width:  # one word wider than the tile
            fitted.append(_ellipsized(typeface, line, size, width))
            break
        fitted.append(line)
    return [[(piece.text, piece.rtl) for piece in line_pieces(tuple(line), paragraph=paragraph)] for line in fitted if line]


def _ellipsized(typeface: Typeface, line: list[Any], size: int, width: int) -> list[Any]:
    from msgspec.structs import replace

    while line:
        last = line[-1]
        text = last.text + "…"
        if typeface.width_px(" ".join([a.text for a in line[:-1]] + [text]), size) <= width:
            return line[:-1] + [replace(last, text=text)]
        if len(last.text) > 1:
            line = line[:-1] + [replace(last, text=last.text[:-1])]
        else:
            line = line[:-1]
    return line


def _draw_pieces(image: Image.Image, typeface: Typeface, pieces: Any, x: float, baseline: float, size: int,
                 colour: tuple[int, int, int]) -> None:
    for text, rtl in pieces:
        x += typeface.draw(image, x, baseline, text, size, fill=colour + (255,), rtl=rtl)


__all__ = ["COLUMNS", "SheetEntry", "draw_sheet", "feed_picture", "render_entries", "summary"]
