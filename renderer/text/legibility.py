"""How large a title must be drawn to be read where each format is commonly shown small.

A thumbnail is mostly seen small: YouTube's sidebar shows it 168 px wide; Instagram's profile
grid shows a post as a 3:4 tile about 130 px wide on a phone (a third of a 390 px screen) holding
the centre 810 px of the 1080 px square, so the whole square is shown 173 px wide; X, LinkedIn
and blogs show link previews about 500 px wide. ``FEED_WIDTH_PX`` is the width the whole canvas
is shown at there.

The measure is the cap height (the main glyph body for scripts without capitals) in pixels at that
width: 7 px and more reads at a glance, under 5 px is a smudge (Latin capitals of 4-6 px are the
issue's example of unreadable). ``legible_size_px`` turns the 7 px into a font size for the fitter.
"""

from __future__ import annotations

import math

FEED_WIDTH_PX: dict[str, int] = {"youtube": 168, "instagram": 173, "x": 500, "blogpost": 500, "linkedin": 500}
LEGIBLE_CAP_PX = 7.0  # cap height at feed size from which a title reads at a glance
ILLEGIBLE_CAP_PX = 5.0  # under this a title cannot be read at feed size


def feed_scale(format_name: str, canvas_width_px: int) -> float:
    """How much the canvas is shrunk where the format is commonly shown small."""
    return FEED_WIDTH_PX[format_name] / canvas_width_px


def feed_cap_px(size_px: float, cap_height_em: float, format_name: str, canvas_width_px: int) -> float:
    """The cap height at feed size of text drawn at ``size_px``."""
    return size_px * cap_height_em * feed_scale(format_name, canvas_width_px)


def legible_size_px(cap_height_em: float, format_name: str, canvas_width_px: int) -> int:
    """The least font size whose cap height reaches ``LEGIBLE_CAP_PX`` at feed size."""
    return math.ceil(LEGIBLE_CAP_PX / (cap_height_em * feed_scale(format_name, canvas_width_px)) - 1e-9)


__all__ = ["FEED_WIDTH_PX", "ILLEGIBLE_CAP_PX", "LEGIBLE_CAP_PX", "feed_cap_px", "feed_scale", "legible_size_px"]
