"""Contrast of every text run against the pixels actually behind it, measured on the final image.

For each run (a plan segment: one colour, one direction) the judge looks at the line's band of
the picture (the line's ink extents, a little wider), reduced so that an em is about
:data:`_PX_PER_EM` pixels (strokes stay several pixels wide; it is what keeps this cheap):

* **ink**: pixels within :data:`INK_TOLERANCE` (per channel) of the colour the plan says the run
  was drawn in (its text colour, or its emphasis colour), inside the boxes of the runs drawn in
  that colour (a dark picture beside light words is not the ink of dark words on a highlight);
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

import math
from array import array
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import cast

from msgspec import Struct
from PIL import Image, ImageChops

from ..colors import contrast_ratio, luminances32, parse_color
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


class RunContrast(Struct, frozen=True):
    text: str
    color: str
    ratio: float
    text_luminance: float
    behind_luminance: float


def run_fill(text: PlanText, emphasis: bool) -> str:
    """The colour a segment was drawn in."""
    return text.emphasis_color if emphasis and text.emphasis_style in ("color", "highlight") else text.color


def _ink(channels: tuple[Image.Image, Image.Image, Image.Image], color: str) -> Image.Image:
    """255 where every channel is within :data:`INK_TOLERANCE` of ``color``'s, else 0."""
    masks = [channel.point(_near(target)) for channel, target in zip(channels, parse_color(color)[:3])]
    return ImageChops.darker(ImageChops.darker(masks[0], masks[1]), masks[2])


@lru_cache(maxsize=256)
def _near(target: int) -> list[int]:
    """A table: 255 for the channel values within :data:`INK_TOLERANCE` of ``target``."""
    return [255 if abs(value - target) <= INK_TOLERANCE else 0 for value in range(256)]


def dilate(mask: Image.Image, radius: int) -> Image.Image:
    """A 0/255 ``mask`` grown by ``radius`` pixels (a square; nothing comes in from outside):
    the maximum of shifted copies, along the rows and then down the columns."""
    if radius <= 0:
        return mask.copy()
    width, height = mask.size
    padded = Image.new("L", (width + 2 * radius, height + 2 * radius), 0)
    padded.paste(mask, (radius, radius))
    across = padded.crop((0, 0, width, height + 2 * radius))
    for dx in range(1, 2 * radius + 1):
        across = ImageChops.lighter(across, padded.crop((dx, 0, dx + width, height + 2 * radius)))
    grown = across.crop((0, 0, width, height))
    for dy in range(1, 2 * radius + 1):
        grown = ImageChops.lighter(grown, across.crop((0, dy, width, dy + height)))
    return grown


class _Sample:
    """The luminances of the pixels of ``region`` where ``mask`` is set, sorted (kept as distinct
    values and their counts: a text's pixels have few colours), with numpy's median and
    percentile of that float32 sample, bit for bit."""

    def __init__(self, region: Image.Image, mask: Image.Image) -> None:
        tagged = region.copy()
        tagged.putalpha(mask)
        found = cast(list[tuple[int, tuple[int, int, int, int]]], tagged.getcolors(region.width * region.height) or [])
        colors = [(count, rgba) for count, rgba in found if rgba[3]]
        counts: dict[float, int] = {}
        for (count, _), value in zip(colors, luminances32([rgba for _, rgba in colors])):
            counts[value] = counts.get(value, 0) + count
        self.values = sorted(counts)
        self.ends = list(accumulate(counts[value] for value in self.values))  # ranks up to each value
        self.count = self.ends[-1] if self.ends else 0

    def nth(self, rank: int) -> float:
        return self.values[bisect_right(self.ends, rank)]

    def median(self) -> float:
        middle = self.count // 2
        if self.count % 2:
            return self.nth(middle)
        return _f32(_f32(self.nth(middle - 1) + self.nth(middle)) / 2)

    def percentile(self, q: int) -> float:
        position = (self.count - 1) * (q / 100)
        below = min(math.floor(position), self.count - 1)
        gamma = position - below
        a, b = self.nth(below), self.nth(min(below + 1, self.count - 1))
        step = _f32(b - a)
        if gamma >= 0.5:
            return _f32(b - _f32(step * _f32(1 - gamma)))
        return _f32(a + _f32(step * _f32(gamma)))


def _f32(value: float) -> float:
    return array("f", (value,))[0]


def _set(mask: Image.Image) -> int:
    """How many pixels of a 0/255 mask are set."""
    return mask.histogram()[255]


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
    red, green, blue = band.split()
    width, height = band.size
    # a colour's ink is looked for only where its runs are: a dark picture around light text is
    # not the ink of the dark words on a highlight box elsewhere in the title
    where: dict[str, Image.Image] = {}
    for line in text.lines:
        top = max(0, int((line.baseline_px - ascent - y0) / k))
        bottom = min(height, int((line.baseline_px + descent - y0) / k) + 1)
        for segment in line.segments:
            fill = run_fill(text, segment.emphasis)
            area = where.setdefault(fill, Image.new("L", band.size, 0))
            left = max(0, int((segment.x_px - x0) / k))
            right = min(width, int((segment.x_px + segment.width_px - x0) / k) + 1)
            if right > left and bottom > top:
                area.paste(255, (left, top, right, bottom))
    ink_of = {fill: ImageChops.darker(_ink((red, green, blue), fill), area) for fill, area in where.items()}
    inks = list(ink_of.values())
    union = inks[0]
    for other in inks[1:]:
        union = ImageChops.lighter(union, other)
    edges = dilate(union, 1)  # ink and its anti-aliased edge
    rings: dict[str, Image.Image] = {}
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
            keep = bytearray(b"\xff" * width)
            for span_left, span_right in spans:  # the emoji, and a ring's width around them
                start, stop = max(0, int((span_left - x0) / k) - ring), max(0, int((span_right - x0) / k) + ring + 1)
                keep[start:stop] = bytes(len(keep[start:stop]))
            kept = Image.frombytes("L", (width, 1), bytes(keep)).resize((width, height), Image.Resampling.NEAREST)
            box = (left, top, right, bottom)
            ink = ImageChops.darker(ink_of[fill], kept).crop(box)
            count = _set(ink)
            if count < _MIN_INK_PX:
                continue
            text_lum = _Sample(band.crop(box), ink).median()
            if count > 0.9 * (right - left) * (bottom - top):  # the run's colour fills its whole band: nothing stands out
                results.append(RunContrast(segment.text, fill, 1.0, text_lum, text_lum))
                continue
            if fill not in rings:
                rings[fill] = ImageChops.subtract(dilate(ink_of[fill], ring + 1), edges)
            around_box = (max(0, left - ring), max(0, top - ring), min(width, right + ring), min(height, bottom + ring))
            around = ImageChops.darker(rings[fill], kept).crop(around_box)
            if _set(around) < _MIN_INK_PX:
                continue
            behind = _Sample(band.crop(around_box), around)
            light_text = text_lum >= behind.median()
            worst = behind.percentile(90 if light_text else 10)
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
