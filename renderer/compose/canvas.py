"""One render's canvas (copied on first write) and what lies behind a box on it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..colors import luminance_array
from ..rect import Rect
from .backdrop import Backdrop
from .plan import PlanImage, PlanText

GRID_STEP_PX = 8  # the luminance grid of a cached background: one sample per 8x8 pixels


@dataclass
class Work:
    """One render's state. The canvas starts as a cached picture shared with other renders and is
    copied the first time anything reads it for drawing (copy on write): a render that swaps the
    cached background for another cached picture (the background with the presenter) copies once."""

    shared_canvas: Image.Image
    luminance_grid: np.ndarray | None = None  # of the untouched static background
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
        x1, y1 = min(grid.shape[1], int(rect.right // GRID_STEP_PX) + 1), min(grid.shape[0], int(rect.bottom // GRID_STEP_PX) + 1)
        if x1 > x0 and y1 > y0:
            low, mid, high = np.percentile(grid[y0:y1, x0:x1], [3, 50, 97])
            return (float(low), float(mid), float(high))
    return canvas_luminances(work.canvas, rect)


def image_luminances(image: Image.Image) -> np.ndarray:
    return luminance_array(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0)


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
    lum = image_luminances(region)
    low, mid, high = np.percentile(lum, [3, 50, 97])
    return (float(low), float(mid), float(high))
