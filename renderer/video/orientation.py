"""Turn a decoded frame the way players show it: FFmpeg's display matrix, as rotations and a mirror.

The display matrix (``AV_FRAME_DATA_DISPLAYMATRIX``, 3x3, 16.16 fixed point) maps a stored pixel
``(x, y)`` to ``(a·x + c·y, b·x + d·y)`` with ``[a, b, _, c, d, _, _, _, _]``. Phones write it
instead of rotating pixels. Only the eight axis-aligned orientations exist in practice; other angles
are snapped to the nearest one.
"""

from __future__ import annotations

import struct

import av
import av.sidedata.sidedata
import numpy as np
from msgspec import Struct

_MATRIX = av.sidedata.sidedata.Type.DISPLAYMATRIX

# The linear part of "rotate counter-clockwise by 90° × k", and of a left-right mirror, in image
# coordinates (x to the right, y down): what np.rot90 and np.fliplr do to the picture.
_CCW90 = np.array([[0, 1], [-1, 0]])
_MIRROR = np.array([[-1, 0], [0, 1]])


class Orientation(Struct, frozen=True):
    """Rotate the stored picture ``quarter_turns_ccw`` × 90° counter-clockwise, then mirror if asked."""

    quarter_turns_ccw: int = 0
    mirror: bool = False

    @property
    def swaps_axes(self) -> bool:
        return self.quarter_turns_ccw % 2 == 1

    def display_size(self, width_px: int, height_px: int) -> tuple[int, int]:
        return (height_px, width_px) if self.swaps_axes else (width_px, height_px)

    def stored_size(self, display_width_px: int, display_height_px: int) -> tuple[int, int]:
        return self.display_size(display_width_px, display_height_px)

    def apply(self, pixels: np.ndarray) -> np.ndarray:
        """``pixels`` (rows, columns[, channels]) as displayed; a copy only when it has to turn."""
        if self.quarter_turns_ccw:
            pixels = np.rot90(pixels, self.quarter_turns_ccw)
        if self.mirror:
            pixels = np.fliplr(pixels)
        return np.ascontiguousarray(pixels)


UPRIGHT = Orientation()


def frame_orientation(frame: av.VideoFrame) -> Orientation:
    """How to turn ``frame`` for display; upright when it carries no display matrix."""
    try:
        raw = bytes(frame.side_data[_MATRIX])  # type: ignore[literal-required]  # PyAV stub too narrow
    except KeyError:
        return UPRIGHT
    if len(raw) < 36:
        return UPRIGHT
    a, b, _, c, d, *_ = struct.unpack("<9i", raw[:36])
    return orientation_from_matrix(a, b, c, d)


def orientation_from_matrix(a: int, b: int, c: int, d: int) -> Orientation:
    """The axis-aligned orientation nearest to the display matrix's linear part."""
    linear = np.array([[a, c], [b, d]], dtype=float)
    if not np.any(linear):
        return UPRIGHT
    best, best_error = UPRIGHT, float("inf")
    for quarter_turns in range(4):
        for mirror in (False, True):
            candidate = np.linalg.matrix_power(_CCW90, quarter_turns)
            if mirror:
                candidate = _MIRROR @ candidate
            error = float(np.abs(linear / np.abs(linear).max() - candidate).sum())
            if error < best_error:
                best, best_error = Orientation(quarter_turns, mirror), error
    return best
