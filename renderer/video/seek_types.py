"""What the frame finder hands out, shared by ``seek`` and ``skipping``."""

from __future__ import annotations

from dataclasses import dataclass

import av

# Presentation times are compared with this slack so that a time printed from a frame's own pts
# (a float, possibly rounded) still selects that frame. Real frames are never this close together.
PTS_TOLERANCE_S = 1e-6


@dataclass(frozen=True)
class DecodedFrame:
    """A decoded frame and its presentation time in seconds from the start of the video."""

    frame: av.VideoFrame
    pts_s: float
