"""thumbkit's one rectangle type, in pixels: layout boxes on the canvas, text ink, photo slots,
faces and subjects found in a photo. Plain frozen data (a plan writes it as JSON)."""

from __future__ import annotations

from msgspec import Struct

__all__ = ["Rect", "avoid"]


class Rect(Struct, frozen=True):
    """``x``, ``y``: the top-left corner; ``right``, ``bottom``: the far edges (exclusive, when the
    rectangle indexes pixels). Built from whole pixels (:meth:`from_edges`), every value stays whole."""

    x: float
    y: float
    width: float
    height: float

    @classmethod
    def from_edges(cls, left: float, top: float, right: float, bottom: float) -> Rect:
        """The rectangle from ``left``/``top`` to ``right``/``bottom`` (Pillow's ``getbbox`` order)."""
        return cls(left, top, right - left, bottom - top)

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def area(self) -> float:
        return max(self.width, 0) * max(self.height, 0)

    def edges_px(self) -> tuple[int, int, int, int]:
        """``(left, top, right, bottom)`` in whole pixels, for slicing pixel arrays and cropping."""
        return (round(self.x), round(self.y), round(self.right), round(self.bottom))

    def intersects(self, other: Rect) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, other: Rect) -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom

    def inflate(self, by: float) -> Rect:
        return Rect(self.x - by, self.y - by, self.width + 2 * by, self.height + 2 * by)


def avoid(box: Rect, obstacles: list[Rect]) -> Rect:
    """The largest part of ``box`` left of, right of, above or below each obstacle it meets (where
    a text box goes around the photo slot, the logo, a face)."""
    for obstacle in obstacles:
        if not box.intersects(obstacle):
            continue
        candidates = [
            Rect(box.x, box.y, obstacle.x - box.x, box.height),
            Rect(obstacle.right, box.y, box.right - obstacle.right, box.height),
            Rect(box.x, box.y, box.width, obstacle.y - box.y),
            Rect(box.x, obstacle.bottom, box.width, box.bottom - obstacle.bottom),
        ]
        candidates = [c for c in candidates if c.width > 0 and c.height > 0]
        if candidates:
            box = max(candidates, key=lambda c: (min(c.width / 4, c.height), c.width * c.height))
    return box
