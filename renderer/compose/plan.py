"""The render plan: every box, line, font size and colour decided, before and beside the pixels.

Plain frozen data; ``Plan.to_json()`` makes layout bugs visible without looking at an image.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def intersects(self, other: "Rect") -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def inflate(self, by: float) -> "Rect":
        return Rect(self.x - by, self.y - by, self.width + 2 * by, self.height + 2 * by)


@dataclass(frozen=True)
class PlanSegment:
    text: str  # logical order; segments are in visual order, left to right
    x_px: float
    width_px: float
    emphasis: bool
    rtl: bool = False  # drawn right to left (a right-to-left bidi run)


@dataclass(frozen=True)
class PlanLine:
    baseline_px: float
    x_px: float
    width_px: float
    segments: tuple[PlanSegment, ...]


@dataclass(frozen=True)
class PlanText:
    layer: int
    box: Rect  # the layout's box
    fit_box: Rect  # after making room for the photo and logo
    ink: Rect  # where the lines are drawn
    font: str
    size_px: int
    line_height_px: float
    lines: tuple[PlanLine, ...]
    truncated: bool
    broke_words: bool
    color: str
    emphasis_style: str
    emphasis_color: str
    contrast_ratio: float  # worst WCAG ratio of the text colour against what lies behind it


@dataclass(frozen=True)
class PlanImage:
    layer: int
    kind: str  # photo | logo
    box: Rect
    detail: str = ""


@dataclass(frozen=True)
class Plan:
    format: str
    layout: str
    kit: str
    width_px: int
    height_px: int
    texts: tuple[PlanText, ...]
    images: tuple[PlanImage, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
