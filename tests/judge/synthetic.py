"""Synthetic renders for the judge's tests: text drawn with the bundled fonts at a known size,
colour and place on a plain canvas, with the plan that says so."""

from __future__ import annotations

from PIL import Image

from renderer.colors import parse_color
from renderer.compose.plan import Plan, PlanImage, PlanLine, PlanSegment, PlanText, Rect
from renderer.judge.legibility import typeface_for
from renderer.text.fonts import FontBook

FONT = "league-spartan:black"


def draw_lines(canvas: Image.Image, fonts: FontBook, lines: list[str], *, size: int, x: float, first_baseline: float,
               color: str = "#ffffff", font: str = FONT, line_height: float = 1.0, box: Rect | None = None,
               layer: int = 1, emphasis: set[int] = frozenset()) -> PlanText:
    """Draw ``lines`` (line ``i`` in the emphasis colour ``#ffcc00`` when ``i`` in ``emphasis``) and
    return their plan text, its ink measured from the glyphs as compose does."""
    typeface = typeface_for(fonts, font)
    placed = []
    ascent_em, descent_em = typeface.ink_extents_em(" ".join(lines))
    right = x
    for i, text in enumerate(lines):
        baseline = first_baseline + i * size * line_height
        fill = "#ffcc00" if i in emphasis else color
        typeface.draw(canvas, x, baseline, text, size, fill=parse_color(fill))
        width = typeface.width_px(text, size)
        right = max(right, x + width)
        placed.append(PlanLine(baseline, x, width, (PlanSegment(text, x, width, i in emphasis),)))
    top = first_baseline - max(ascent_em, typeface.cap_height_em) * size
    bottom = first_baseline + (len(lines) - 1) * size * line_height + descent_em * size
    ink = Rect(x, top, right - x, bottom - top)
    return PlanText(layer=layer, box=box or ink.inflate(2), fit_box=box or ink.inflate(2), ink=ink, font=font,
                    size_px=size, line_height_px=size * line_height, lines=tuple(placed), truncated=False,
                    broke_words=False, color=color, emphasis_style="color", emphasis_color="#ffcc00", contrast_ratio=0.0)


def plan_of(canvas: Image.Image, texts: list[PlanText], *, format: str = "youtube", images: tuple[PlanImage, ...] = (),
            warnings: tuple[str, ...] = ()) -> Plan:
    return Plan(format=format, layout=f"{format}-test", kit="default", width_px=canvas.width, height_px=canvas.height,
                texts=tuple(texts), images=images, warnings=warnings)


def ink_rows(canvas: Image.Image, color: tuple[int, int, int], *, tolerance: int = 100) -> int:
    """How many rows of ``canvas`` hold a pixel near ``color``: the ink's height in pixels."""
    import numpy as np

    pixels = np.asarray(canvas.convert("RGB"), dtype=np.int16)
    near = (np.abs(pixels - np.array(color, dtype=np.int16)).max(axis=2) <= tolerance)
    rows = np.nonzero(near.any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0
