"""A typeface: a primary font face with its fallback chain, measured and drawn run by run.

Implements the fitter's ``Measure`` (widths in em) and draws text on a Pillow image with each run
in the face that draws it (:mod:`renderer.itemize`): every run is measured and drawn with its own
font, colour emoji are drawn at their bitmap size and scaled to the text, and a right-to-left
piece of text is drawn with its runs from right to left.

Fast path: a text whose every character is in the primary font's cmap and that holds no emoji
is one run of the primary font, after one cmap check and one regex search.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from PIL import Image, ImageDraw

from .fonts import FontFace
from .itemize import Itemized, itemize
from .segment import graphemes

_REFERENCE_PX = 256
_MAYBE_EMOJI = regex.compile(r"[\p{Emoji_Presentation}\ufe0f\u20e3]")
RGBA = tuple[int, int, int, int]


@dataclass(frozen=True)
class FaceRun:
    text: str
    face: FontFace


class Typeface:
    def __init__(self, primary: FontFace, fallbacks: tuple[FontFace, ...] = ()) -> None:
        self.primary = primary
        self.fallbacks = tuple(f for f in fallbacks if f is not primary)
        self._faces = {face.key: face for face in (primary, *self.fallbacks)}
        self._chain = tuple(face.coverage for face in (primary, *self.fallbacks))
        metrics = primary.metrics
        self.ascent_em = metrics.ascent_em
        self.descent_em = metrics.descent_em
        self.cap_height_em = metrics.cap_height_em
        self.key = primary.key

    def __hash__(self) -> int:
        return hash((self.primary.key, tuple(f.key for f in self.fallbacks)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Typeface) and self.primary is other.primary and self.fallbacks == other.fallbacks

    def clusters(self, text: str) -> list[str]:
        """Grapheme clusters, so a word is never broken inside a letter, conjunct or emoji."""
        return graphemes(text)

    def itemized(self, text: str) -> Itemized:
        return _itemized(self, text)

    def runs(self, text: str) -> list[FaceRun]:
        """``text`` in runs of one face each, in logical order."""
        return _runs(self, text)

    def width_em(self, text: str) -> float:
        return sum(_run_width_em(run.face, run.text) for run in self.runs(text))

    def width_px(self, text: str, size_px: int) -> float:
        return sum(_run_width_px(run.face, run.text, size_px) for run in self.runs(text))

    def ink_extents_em(self, text: str) -> tuple[float, float]:
        """How far the glyphs of ``text`` reach above and below the baseline, in em."""
        return _ink_extents(self, text)

    def for_text(self, text: str) -> "TextMeasure":
        """A ``Measure`` whose vertical extents are those of ``text``'s real glyphs: blocks are
        as tall as their ink, not as the font's tallest glyph (often an accent 1.2 em up)."""
        ascent, descent = self.ink_extents_em(text)
        return TextMeasure(self, max(ascent, self.cap_height_em), descent)

    def missing(self, text: str) -> list[int]:
        """Code points no face of this typeface draws."""
        if self.primary.covers(text):
            return []
        return list(self.itemized(text).missing)

    def draw(
        self,
        canvas: Image.Image,
        x_px: float,
        baseline_px: float,
        text: str,
        size_px: int,
        *,
        fill: RGBA | int,
        stroke_width_px: int = 0,
        stroke_fill: RGBA | int | None = None,
        rtl: bool = False,
    ) -> float:
        """Draw ``text`` (one direction: a bidi level run) with its left end at ``x_px`` on the
        baseline; the advance in px. ``rtl`` draws its runs right to left."""
        draw = ImageDraw.Draw(canvas)
        runs = self.runs(text)
        x = x_px
        for run in reversed(runs) if rtl else runs:
            if run.face.is_bitmap:
                x += _draw_bitmap_run(canvas, x, baseline_px, run, size_px, fill=fill)
                continue
            font = run.face.at(size_px)
            direction = "rtl" if rtl else "ltr"
            features = run.face.feature_list
            draw.text(
                (x, baseline_px), run.text, font=font, fill=fill, anchor="ls", direction=direction,
                features=features, stroke_width=stroke_width_px, stroke_fill=stroke_fill,
            )
            x += font.getlength(run.text, direction=direction, features=features)
        return x - x_px


class TextMeasure:
    def __init__(self, typeface: Typeface, ascent_em: float, descent_em: float) -> None:
        self.typeface = typeface
        self.ascent_em = ascent_em
        self.descent_em = descent_em

    def width_em(self, text: str) -> float:
        return self.typeface.width_em(text)

    def clusters(self, text: str) -> list[str]:
        return self.typeface.clusters(text)


# -- colour bitmap (emoji) runs --------------------------------------------------------------
def _bitmap_scale(face: FontFace, size_px: float) -> float:
    assert face.bitmap_size_px is not None
    return size_px / face.bitmap_size_px


@lru_cache(maxsize=512)
def _bitmap_tile(face: FontFace, text: str, size_px: int) -> tuple[Image.Image, int, int] | None:
    """The run drawn in colour at the strike size and scaled to ``size_px``, with the offset of
    its top-left corner from the pen position on the baseline; None when it has no ink."""
    font = face.at(0)
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    if right <= left or bottom <= top:
        return None
    tile = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((-left, -top), text, font=font, anchor="ls", embedded_color=True)
    scale = _bitmap_scale(face, size_px)
    width, height = max(1, round(tile.width * scale)), max(1, round(tile.height * scale))
    tile = tile.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return tile, round(left * scale), round(top * scale)


def _draw_bitmap_run(canvas: Image.Image, x_px: float, baseline_px: float, run: FaceRun, size_px: int, *, fill: RGBA | int) -> float:
    found = _bitmap_tile(run.face, run.text, size_px)
    if found is not None:
        tile, dx, dy = found
        position = (round(x_px) + dx, round(baseline_px) + dy)
        if canvas.mode in ("RGB", "RGBA"):
            canvas.paste(tile, position, tile)
        else:  # a mask (shadows): the emoji's silhouette in the fill value
            canvas.paste(fill, position + (position[0] + tile.width, position[1] + tile.height), tile.getchannel("A"))
    return _run_width_px(run.face, run.text, size_px)


# -- measuring ---------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def _run_width_em(face: FontFace, text: str) -> float:
    if face.is_bitmap:
        return face.at(0).getlength(text) / face.bitmap_size_px
    return face.width_em(text)


def _run_width_px(face: FontFace, text: str, size_px: int) -> float:
    if face.is_bitmap:
        return _run_width_em(face, text) * size_px
    return face.at(size_px).getlength(text, features=face.feature_list)


@lru_cache(maxsize=4096)
def _ink_extents(typeface: Typeface, text: str) -> tuple[float, float]:
    top, bottom = 0.0, 0.0
    for run in typeface.runs(" ".join(text.split())):
        if not run.text.strip():
            continue
        if run.face.is_bitmap:
            reference = run.face.bitmap_size_px
            _, y0, _, y1 = run.face.at(0).getbbox(run.text, anchor="ls")
        else:
            reference = _REFERENCE_PX
            _, y0, _, y1 = run.face.at(_REFERENCE_PX).getbbox(run.text, anchor="ls", features=run.face.feature_list)
        top, bottom = min(top, y0 / reference), max(bottom, y1 / reference)
    return -top, bottom


@lru_cache(maxsize=16384)
def _itemized(typeface: Typeface, text: str) -> Itemized:
    return itemize(text, typeface._chain)


@lru_cache(maxsize=16384)
def _runs(typeface: Typeface, text: str) -> list[FaceRun]:
    primary = typeface.primary
    if primary.covers(text) and not _MAYBE_EMOJI.search(text):
        return [FaceRun(text, primary)]
    return [FaceRun(run.text, typeface._faces[run.font_key]) for run in typeface.itemized(text).runs]
