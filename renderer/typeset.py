"""A typeface: a primary font face with fallbacks, measured and drawn run by run.

Implements the fitter's ``Measure`` (widths in em) and draws text on a Pillow image with each run
in the face that covers it.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageDraw

from .fonts import FontFace


class Typeface:
    def __init__(self, primary: FontFace, fallbacks: tuple[FontFace, ...] = ()) -> None:
        self.primary = primary
        self.fallbacks = tuple(f for f in fallbacks if f is not primary)
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
        """Characters with their combining marks, so a word is never broken inside a letter."""
        clusters: list[str] = []
        for ch in text:
            if clusters and (0x300 <= ord(ch) <= 0x36F or ch in "\u200d\ufe0f"):
                clusters[-1] += ch
            else:
                clusters.append(ch)
        return clusters

    def runs(self, text: str) -> list[tuple[str, FontFace]]:
        return _runs(self, text)

    def width_em(self, text: str) -> float:
        return sum(face.width_em(run) for run, face in self.runs(text))

    def width_px(self, text: str, size_px: int) -> float:
        return sum(face.at(size_px).getlength(run) for run, face in self.runs(text))

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
        faces = (self.primary, *self.fallbacks)
        return sorted({ord(ch) for ch in text if not any(face.covers(ch) for face in faces)})

    def draw(
        self,
        draw: ImageDraw.ImageDraw,
        x_px: float,
        baseline_px: float,
        text: str,
        size_px: int,
        *,
        fill: tuple[int, int, int, int],
        stroke_width_px: int = 0,
        stroke_fill: tuple[int, int, int, int] | None = None,
    ) -> float:
        """Draw ``text`` with its left end at ``x_px`` on the baseline; the advance in px."""
        x = x_px
        for run, face in self.runs(text):
            font = face.at(size_px)
            draw.text(
                (x, baseline_px), run, font=font, fill=fill, anchor="ls",
                stroke_width=stroke_width_px, stroke_fill=stroke_fill,
            )
            x += font.getlength(run)
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


_REFERENCE_PX = 256


@lru_cache(maxsize=4096)
def _ink_extents(typeface: Typeface, text: str) -> tuple[float, float]:
    top, bottom = 0.0, 0.0
    for run, face in typeface.runs(text):
        if not run.strip():
            continue
        _, y0, _, y1 = face.at(_REFERENCE_PX).getbbox(run, anchor="ls")
        top, bottom = min(top, y0), max(bottom, y1)
    return -top / _REFERENCE_PX, bottom / _REFERENCE_PX


@lru_cache(maxsize=16384)
def _runs(typeface: Typeface, text: str) -> list[tuple[str, FontFace]]:
    primary = typeface.primary
    if primary.covers(text):
        return [(text, primary)]
    runs: list[tuple[str, FontFace]] = []
    for cluster in typeface.clusters(text):
        face = next((f for f in (primary, *typeface.fallbacks) if f.covers(cluster)), primary)
        if runs and runs[-1][1] is face:
            runs[-1] = (runs[-1][0] + cluster, face)
        else:
            runs.append((cluster, face))
    return runs
