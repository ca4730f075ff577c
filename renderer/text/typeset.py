"""A typeface: a primary font face with its fallback chain, measured and drawn run by run.

Implements the fitter's ``Measure`` (widths in em) and draws text on a Pillow image with each run
in the face that draws it (:mod:`renderer.text.itemize`): every run is measured and drawn with its own
font, colour emoji are drawn at their bitmap size and scaled to the text, and a right-to-left
piece of text is drawn with its runs from right to left.

Fast path: a text whose every character is in the primary font's cmap and that holds no emoji
is one run of the primary font, after one cmap check and one regex search.

Leading: :func:`fit_with_leading` fits like :func:`renderer.text.fit.fit_text` but never lets the
line advance drop below what the title's scripts and its real glyphs need. Two rules, the larger
wins over the layout's ``line_height``:

* a comfort floor per script present in the title (:data:`SCRIPT_LINE_HEIGHT`): Chinese, Japanese
  and Korean fill their em square and read crammed below ~1.2; Arabic stacks dots and marks above
  and below its letters (1.35); Hebrew, Devanagari and Thai carry marks too (1.25);
* ink clearance: for every two adjacent fitted lines, the upper line's lowest ink and the lower
  line's highest ink (their glyph bounding boxes, hinted at the fitted size) stay at least
  :data:`INK_CLEARANCE_EM` apart, rounded to whole pixels. Latin capitals at the layouts'
  0.98-1.0 already clear it, so Latin titles keep the designed leading; an Arabic line with
  ``ي`` above one with ``أ`` opens up as far as it must, and so does a Cyrillic ``Й`` or a
  Vietnamese ``Ệ`` under a line with descenders.

The fitter is run again with the larger line height (fewer lines may then fit), until the lines it
chooses are clear, so the fit, the plan and the pixels all use the same advance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import cast

from msgspec import Struct
from msgspec.structs import replace
from PIL import Image, ImageDraw

from ..lru import LruCache
from ..memory import MIB, image_bytes
from .fit import FitRules, FittedText, fit_text
from .fonts import FontFace
from .itemize import Itemized, itemize
from .segment import Atom, graphemes, is_emoji_cluster, keep_trailing_emoji
from .unicode_pattern import UnicodePattern

_REFERENCE_PX = 256
INK_CLEARANCE_EM = 0.08  # the least white between the ink of two adjacent lines
# The least line height (a multiple of the size) for a title holding each script.
SCRIPT_LINE_HEIGHT = {"Han": 1.2, "Hiragana": 1.2, "Katakana": 1.2, "Hangul": 1.2, "Arabic": 1.35,
                      "Hebrew": 1.25, "Devanagari": 1.25, "Thai": 1.25}
_SCRIPTS = UnicodePattern("|".join(rf"(?P<{name}>\p{{Script={name}}})" for name in SCRIPT_LINE_HEIGHT), ascii=None)
_MAYBE_EMOJI = UnicodePattern(r"[\p{Emoji_Presentation}\ufe0f\u20e3]", ascii=None)
RGBA = tuple[int, int, int, int]


class FaceRun(Struct, frozen=True):
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
        return TextMeasure(self, max(ascent, self.cap_height_em), descent, script_line_height(text))

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
    def __init__(self, typeface: Typeface, ascent_em: float, descent_em: float, line_height_floor: float = 0.0) -> None:
        self.typeface = typeface
        self.ascent_em = ascent_em
        self.descent_em = descent_em
        self.line_height_floor = line_height_floor  # the least line height the title's scripts need

    def width_em(self, text: str) -> float:
        return self.typeface.width_em(text)

    def clusters(self, text: str) -> list[str]:
        return self.typeface.clusters(text)


def script_line_height(text: str) -> float:
    """The comfort floor of the line height for ``text``: the largest of its scripts' (0 if none)."""
    found = {match.lastgroup for match in _SCRIPTS.finditer(text) if match.lastgroup is not None}
    return max((SCRIPT_LINE_HEIGHT[name] for name in found), default=0.0)


def line_text(atoms: Sequence[Atom]) -> str:
    return "".join((" " if atom.space_before and index else "") + atom.text for index, atom in enumerate(atoms))


def clear_line_height(lines: Sequence[Sequence[Atom]], typeface: Typeface, size_px: int) -> float:
    """The least line height (a multiple of ``size_px``) at which each pair of adjacent lines
    keeps ``INK_CLEARANCE_EM`` between the upper line's lowest and the lower line's highest ink,
    measured on the glyphs as hinted at ``size_px`` (what is drawn, to the pixel)."""
    extents = [_ink_extents_px(typeface, line_text(atoms), size_px) for atoms in lines]
    pairs = [upper[1] + lower[0] for upper, lower in zip(extents, extents[1:])]
    return (max(pairs) + round(INK_CLEARANCE_EM * size_px)) / size_px if pairs else 0.0  # whole pixels, as drawn


EMOJI_GLUE_MAX_SHRINK = 0.2  # keeping closing emoji off a line of their own may cost this much size


def fit_with_leading(
    atoms: Sequence[Atom], *, box_width_px: float, box_height_px: float, rules: FitRules, measure: TextMeasure,
    language: str | None = None,
) -> FittedText:
    """:func:`fit_text` with the line height raised to the script floor and to what the fitted
    lines' ink needs (see the module doc); ``line_height_px`` of the result is the advance used.

    A last line holding only emoji (``I BUILT / A PASTA / MACHINE / 🍝🔥``) is avoided when it can
    be: the closing emoji are joined to the word before them (:func:`keep_trailing_emoji`) and
    that fit is kept if it loses at most ``EMOJI_GLUE_MAX_SHRINK`` of the size. A bigger loss
    would make the whole title smaller to save one short line, so the emoji keep their own."""
    fitted = _fit_leading(atoms, box_width_px, box_height_px, rules, measure, language)
    if len(fitted.lines) > 1 and not fitted.truncated and _emoji_only(fitted.lines[-1].atoms):
        glued = keep_trailing_emoji(list(atoms))
        if len(glued) < len(atoms):
            lowest = max(rules.min_size_px, math.ceil(fitted.size_px * (1 - EMOJI_GLUE_MAX_SHRINK)))
            if lowest <= rules.max_size_px:
                alternative = _fit_leading(glued, box_width_px, box_height_px, replace(rules, min_size_px=lowest), measure,
                                           language)
                if not alternative.truncated and alternative.broke_words <= fitted.broke_words \
                        and alternative.word_breaks <= fitted.word_breaks:
                    return alternative
    return fitted


def _emoji_only(atoms: Sequence[Atom]) -> bool:
    return all(is_emoji_cluster(cluster) for atom in atoms for cluster in graphemes(atom.text))


def _fit_leading(atoms: Sequence[Atom], box_width_px: float, box_height_px: float, rules: FitRules,
                 measure: TextMeasure, language: str | None) -> FittedText:
    floor = max(rules.line_height, measure.line_height_floor)
    if floor > rules.line_height:
        rules = replace(rules, line_height=floor)
    fitted = fit_text(atoms, box_width_px=box_width_px, box_height_px=box_height_px, rules=rules, measure=measure,
                    language=language)
    for _ in range(4):
        needed = clear_line_height([line.atoms for line in fitted.lines], measure.typeface, fitted.size_px)
        if needed <= rules.line_height + 1e-9:
            return fitted
        rules = replace(rules, line_height=round(needed + 0.005, 2))
        fitted = fit_text(atoms, box_width_px=box_width_px, box_height_px=box_height_px, rules=rules, measure=measure,
                    language=language)
    # Still moving: the whole title's ink extents bound every pair of lines.
    rules = replace(rules, line_height=max(rules.line_height, measure.ascent_em + measure.descent_em + INK_CLEARANCE_EM))
    return fit_text(atoms, box_width_px=box_width_px, box_height_px=box_height_px, rules=rules, measure=measure,
                    language=language)


# -- colour bitmap (emoji) runs --------------------------------------------------------------
def _bitmap_scale(face: FontFace, size_px: float) -> float:
    assert face.bitmap_size_px is not None
    return size_px / face.bitmap_size_px


#: (face, text, size) -> (tile, dx, dy) or None: a run of 40 emoji at hd is ~6 MB, and every
#: title of emoji makes new tiles; 512 of them took a worker from 270 MB to 960 MB.
_Tile = tuple[Image.Image, int, int]
_TILES: LruCache[tuple[FontFace, str, int], _Tile | None] = LruCache(
    512, max_bytes=32 * MIB, size_of=lambda found: image_bytes(found[0]) if found else 0)
_NO_TILE_YET = object()


def _bitmap_tile(face: FontFace, text: str, size_px: int) -> _Tile | None:
    """The run drawn in colour at the strike size and scaled to ``size_px``, with the offset of
    its top-left corner from the pen position on the baseline; None when it has no ink."""
    found = _TILES.get((face, text, size_px), _NO_TILE_YET)
    if found is _NO_TILE_YET:
        return _TILES.put((face, text, size_px), _drawn_tile(face, text, size_px))
    return cast("_Tile | None", found)


def _drawn_tile(face: FontFace, text: str, size_px: int) -> tuple[Image.Image, int, int] | None:
    font = face.at(0)
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    if right <= left or bottom <= top:
        return None
    tile = Image.new("RGBA", (int(right - left), int(bottom - top)), (0, 0, 0, 0))
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
        return face.at(0).getlength(text) / face.strike_px
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
            reference = run.face.strike_px
            _, y0, _, y1 = run.face.at(0).getbbox(run.text, anchor="ls")
        else:
            reference = _REFERENCE_PX
            _, y0, _, y1 = run.face.at(_REFERENCE_PX).getbbox(run.text, anchor="ls", features=run.face.feature_list)
        top, bottom = min(top, y0 / reference), max(bottom, y1 / reference)
    return -top, bottom


@lru_cache(maxsize=4096)
def _ink_extents_px(typeface: Typeface, text: str, size_px: int) -> tuple[int, int]:
    """Like :func:`_ink_extents`, in whole pixels at ``size_px`` (hinted outlines; colour
    bitmaps scaled from their strike, as drawn)."""
    top, bottom = 0, 0
    for run in typeface.runs(" ".join(text.split())):
        if not run.text.strip():
            continue
        if run.face.is_bitmap:
            scale = size_px / run.face.strike_px
            _, y0, _, y1 = run.face.at(0).getbbox(run.text, anchor="ls")
            y0, y1 = math.floor(y0 * scale), math.ceil(y1 * scale)
        else:
            _, y0, _, y1 = run.face.at(size_px).getbbox(run.text, anchor="ls", features=run.face.feature_list)
        top, bottom = min(top, int(y0)), max(bottom, int(y1))
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
