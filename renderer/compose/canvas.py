"""One render's canvas (copied on first write) and what lies behind a box on it."""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

from msgspec import Struct, field
from PIL import Image

from ..colors import relative_luminance
from ..rect import Rect
from .plan import PlanImage, PlanText

if TYPE_CHECKING:
    from .backdrop import Backdrop

GRID_STEP_PX = 8  # the luminance grid of a cached background: one sample per 8x8 pixels
#: the low, middle and high of what lies behind: percentiles 3, 50 and 97 of the luminances
PERCENTILES = (0.03, 0.5, 0.97)


class LuminanceGrid(Struct, frozen=True):
    """WCAG luminance of each pixel of a (reduced) picture, row by row."""

    width: int
    height: int
    values: tuple[float, ...]

    @classmethod
    def of(cls, image: Image.Image) -> "LuminanceGrid":
        return cls(image.width, image.height, tuple(image_luminances(image)))

    def region(self, x0: int, y0: int, x1: int, y1: int) -> list[float]:
        values, width = self.values, self.width
        return [value for y in range(y0, y1) for value in values[y * width + x0:y * width + x1]]


class Work(Struct):
    """One render's state. The canvas starts as a cached picture shared with other renders and is
    copied the first time anything reads it for drawing (copy on write): a render that swaps the
    cached background for another cached picture (the background with the presenter) copies once."""

    shared_canvas: Image.Image
    luminance_grid: LuminanceGrid | None = None  # of the untouched static background
    logo_rect: Rect | None = None
    logo_note: str = ""  # why the logo is not in the kit's corner, for the plan
    untouched_key: str | None = None  # the static prefix's cache key while nothing else is drawn
    painted: list[Rect] = field(default_factory=list)  # drawn on since the grid was made
    obstacles: list[Rect] = field(default_factory=list)
    texts: list[PlanText] = field(default_factory=list)
    images: list[PlanImage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    backdrop: Backdrop | None = None  # a picture behind the text: placed, and calmed as each text is drawn
    # what is drawn over that picture before the text (shapes, the presenter): (xy, alpha), left as it is
    over_picture: list[tuple[tuple[int, int], Image.Image]] = field(default_factory=list)
    _own_canvas: Image.Image | None = None

    @property
    def canvas(self) -> Image.Image:
        if self._own_canvas is None:
            self._own_canvas = self.shared_canvas.copy()
        return self._own_canvas

    @canvas.setter
    def canvas(self, image: Image.Image) -> None:
        self._own_canvas = image

    def share(self, image: Image.Image) -> None:
        """Start again from a cached picture, without copying it until it is drawn on."""
        self.shared_canvas, self._own_canvas = image, None

    @property
    def size(self) -> tuple[int, int]:
        return (self._own_canvas or self.shared_canvas).size


def luminances_behind(work: Work, rect: Rect) -> tuple[float, ...]:
    """What lies behind ``rect``: from the cached background's luminance grid when nothing has
    been drawn there since, else from the canvas's pixels."""
    grid = work.luminance_grid
    if grid is not None and not any(rect.intersects(other) for other in work.painted):
        x0, y0 = max(0, int(rect.x // GRID_STEP_PX)), max(0, int(rect.y // GRID_STEP_PX))
        x1, y1 = min(grid.width, int(rect.right // GRID_STEP_PX) + 1), min(grid.height, int(rect.bottom // GRID_STEP_PX) + 1)
        if x1 > x0 and y1 > y0:
            return percentiles(grid.region(x0, y0, x1, y1))
    return canvas_luminances(work.canvas, rect)


def image_luminances(image: Image.Image) -> list[float]:
    """The WCAG relative luminance of each pixel, row by row (a table per channel: the pictures
    measured are reduced to a few thousand pixels)."""
    red, green, blue = _channel_luminances()
    r, g, b = (band.tobytes() for band in image.convert("RGB").split())
    return [red[x] + green[y] + blue[z] for x, y, z in zip(r, g, b)]


@cache
def _channel_luminances() -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """Each channel's share of the luminance, per 8-bit value: ``relative_luminance``'s terms."""
    return (tuple(relative_luminance((v, 0, 0)) for v in range(256)),
            tuple(relative_luminance((0, v, 0)) for v in range(256)),
            tuple(relative_luminance((0, 0, v)) for v in range(256)))


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """The ``PERCENTILES`` of ``values``, interpolated linearly between ranks (numpy's default)."""
    ordered = sorted(values)
    last = len(ordered) - 1
    found = []
    for q in PERCENTILES:
        position = q * last
        below = math.floor(position)
        t = position - below
        a, b = ordered[below], ordered[min(below + 1, last)]
        found.append(a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t))
    return (found[0], found[1], found[2])


def canvas_luminances(canvas: Image.Image, rect: Rect) -> tuple[float, ...]:
    """Low, middle and high WCAG luminance of the pixels under ``rect``."""
    x0, y0 = max(0, int(rect.x)), max(0, int(rect.y))
    x1, y1 = min(canvas.width, int(rect.right) + 1), min(canvas.height, int(rect.bottom) + 1)
    if x1 <= x0 or y1 <= y0:
        return (0.0,)
    region = canvas.crop((x0, y0, x1, y1)).convert("RGB")
    factor = max(1, min(region.width, region.height) // 16)
    if factor > 1:
        region = region.reduce(factor)
    return percentiles(image_luminances(region))
