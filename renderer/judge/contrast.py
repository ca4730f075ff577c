"""Contrast of every text run against the pixels actually behind it, measured on the final image.

For each run (a plan segment: one colour, one direction) the judge looks at the line's band of
the picture (the line's ink extents, a little wider), reduced so that an em is about
:data:`_PX_PER_EM` pixels (strokes stay several pixels wide; it is what keeps this cheap):

* **ink**: pixels within :data:`INK_TOLERANCE` (per channel) of the colour the plan says the run
  was drawn in (its text colour, or its emphasis colour);
* **behind**: a ring around that ink, from 1 px outside it (the anti-aliased edge is neither) to
  ~0.08 em out, leaving out the ink of the line's other colours. That ring is what the eye
  compares the letters with: the background, a shadow or stroke when there is one, a highlight
  box under emphasised words. Colour emoji are pictures, not letters: their columns (and a ring's
width around them) are left out.

The run's contrast is the WCAG ratio between the median luminance of its ink and the ring's
luminance at the 90th percentile on the side of the text (the lightest 10 % of the ring under light
text, the darkest under dark text): a gradient or a busy photo is judged where it is worst, a few
stray pixels are not. A run with too little ink of its colour to measure (an emoji) is skipped; a
run whose whole band is its own colour is invisible: ratio 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..colors import channel_luminance, contrast_ratio, parse_color
from ..compose.plan import Plan, PlanText
from ..text.fonts import FontBook
from ..text.typeset import Typeface
from .legibility import typeface_for
from .report import Finding

MIN_CONTRAST = 4.5  # WCAG 2.x AA for text
INK_TOLERANCE = 40  # a pixel within this of the run's colour on every channel is its ink
_PX_PER_EM = 24
_RING_EM = 0.08
_MIN_INK_PX = 12  # fewer ink pixels than this (after reduction): nothing to measure


@dataclass(frozen=True)
class RunContrast:
    text: str
    color: str
    ratio: float
    text_luminance: float
    behind_luminance: float


def run_fill(text: PlanText, emphasis: bool) -> str:
    """The colour a segment was drawn in."""
    return text.emphasis_color if emphasis and text.emphasis_style in ("color", "highlight") else text.color


def _near(value: int) -> np.ndarray:
    """A table: which channel values are within :data:`INK_TOLERANCE` of ``value``."""
    return np.abs(np.arange(256) - value) <= INK_TOLERANCE


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` grown by ``radius`` pixels (a square), with a summed-area table: cost independent
    of the radius."""
    if radius <= 0:
        return mask.copy()
    h, w = mask.shape
    table = np.zeros((h + 2 * radius + 1, w + 2 * radius + 1), dtype=np.int32)
    table[radius + 1:radius + 1 + h, radius + 1:radius + 1 + w] = mask
    table = table.cumsum(0).cumsum(1)
    d = 2 * radius + 1
    total = table[d:, d:] - table[:-d, d:] - table[d:, :-d] + table[:-d, :-d]
    return total > 0


def emoji_spans(typeface: Typeface, text: str, x_px: float, size_px: int, *, rtl: bool) -> list[tuple[float, float]]:
    """Where a segment drawn at ``x_px`` has colour emoji (bitmap runs), as (left, right) in px:
    they are pictures, not letters in the run's colour, and are left out of its measure."""
    runs = typeface.runs(text)
    if not any(run.face.is_bitmap for run in runs):
        return []
    spans, x = [], x_px
    for run in reversed(runs) if rtl else runs:
        width = typeface.width_px(run.text, size_px)
        if run.face.is_bitmap:
            spans.append((x, x + width))
        x += width
    return spans


def text_contrasts(image: Image.Image, text: PlanText, typeface: Typeface | None = None) -> list[RunContrast]:
    """The contrast of each measurable run of ``text`` in ``image`` (``typeface``: the one it was
    drawn with, to leave its colour emoji out)."""
    if not text.lines:
        return []
    ascent = max(1.0, text.lines[0].baseline_px - text.ink.y)
    descent = max(1.0, text.ink.bottom - text.lines[-1].baseline_px)
    k = max(1, text.size_px // _PX_PER_EM)
    ring = max(2, round(_RING_EM * text.size_px / k))
    margin = (ring + 2) * k
    fills = {fill: tuple(_near(v) for v in parse_color(fill)[:3])
             for fill in {run_fill(text, s.emphasis) for line in text.lines for s in line.segments}}
    x0 = max(0, int(text.ink.x) - margin)
    x1 = min(image.width, int(text.ink.right) + margin + 1)
    y0 = max(0, int(text.ink.y) - margin)
    y1 = min(image.height, int(text.ink.bottom) + margin + 1)
    if x1 - x0 < k or y1 - y0 < k:
        return []
    band = image.crop((x0, y0, x1, y1))
    band = band.convert("RGB") if band.mode != "RGB" else band
    if k > 1:
        band = band.reduce(k)
    channels = [np.asarray(channel) for channel in band.split()]
    ink_of = {fill: near[0][channels[0]] & near[1][channels[1]] & near[2][channels[2]] for fill, near in fills.items()}
    edges = dilate(np.logical_or.reduce(list(ink_of.values())), 1)  # ink and its anti-aliased edge
    rings: dict[str, np.ndarray] = {}
    height, width = channels[0].shape
    results = []
    for line in text.lines:
        top = max(0, int((line.baseline_px - ascent - y0) / k))
        bottom = min(height, int((line.baseline_px + descent - y0) / k) + 1)
        for segment in line.segments:
            if not segment.text.strip():
                continue
            fill = run_fill(text, segment.emphasis)
            left = max(0, int((segment.x_px - x0) / k))
            right = min(width, int((segment.x_px + segment.width_px - x0) / k) + 1)
            if right <= left or bottom <= top:
                continue
            spans = emoji_spans(typeface, segment.text, segment.x_px, text.size_px, rtl=segment.rtl) if typeface else []
            keep = np.ones(width, dtype=bool)
            for span_left, span_right in spans:  # the emoji, and a ring's width around them
                keep[max(0, int((span_left - x0) / k) - ring):max(0, int((span_right - x0) / k) + ring + 1)] = False
            ink = ink_of[fill][top:bottom, left:right] & keep[left:right]
            count = int(ink.sum())
            if count < _MIN_INK_PX:
                continue
            text_lum = float(np.median(channel_luminance(*(c[top:bottom, left:right][ink] for c in channels))))
            if count > 0.9 * ink.size:  # the run's colour fills its whole band: nothing stands out
                results.append(RunContrast(segment.text, fill, 1.0, text_lum, text_lum))
                continue
            if fill not in rings:
                rings[fill] = dilate(ink_of[fill], ring + 1) & ~edges
            rows = slice(max(0, top - ring), min(height, bottom + ring))
            cols = slice(max(0, left - ring), min(width, right + ring))
            around = rings[fill][rows, cols] & keep[cols]
            if int(around.sum()) < _MIN_INK_PX:
                continue
            behind = channel_luminance(*(c[rows, cols][around] for c in channels))
            light_text = text_lum >= float(np.median(behind))
            worst = float(np.percentile(behind, 90 if light_text else 10))
            results.append(RunContrast(segment.text, fill, contrast_ratio(text_lum, worst), text_lum, worst))
    return results


def contrast_findings(image: Image.Image, plan: Plan, fonts: FontBook) -> list[Finding]:
    """``contrast`` for the worst run under :data:`MIN_CONTRAST` (a fail)."""
    runs = [run for text in plan.texts for run in text_contrasts(image, text, typeface_for(fonts, text.font))]
    low = [run for run in runs if run.ratio < MIN_CONTRAST]
    if not low:
        return []
    worst = min(low, key=lambda run: run.ratio)
    others = f" ({len(low) - 1} more run{'s' if len(low) > 2 else ''} under it)" if len(low) > 1 else ""
    message = (f"{worst.text.strip()!r} ({worst.color}) has a contrast of {worst.ratio:.2f}:1 against what is "
               f"behind it, under WCAG's {MIN_CONTRAST:g}:1{others}")
    return [Finding("contrast", message, round(worst.ratio, 2), MIN_CONTRAST, "fail")]


__all__ = ["INK_TOLERANCE", "MIN_CONTRAST", "RunContrast", "contrast_findings", "dilate", "run_fill",
           "text_contrasts"]
