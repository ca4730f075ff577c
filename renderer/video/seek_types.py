"""What the frame finder hands out, shared by ``seek`` and ``skipping``."""

from __future__ import annotations

import av
from msgspec import Struct

# Times are compared with this slack where no stream tick is at hand (a time against the duration),
# so that a time printed from a frame's own pts (a float, possibly rounded) still counts as inside.
PTS_TOLERANCE_S = 1e-6


class DecodedFrame(Struct, frozen=True):
    """A decoded frame, its pts in stream ticks and its time in seconds from the start of the video."""

    frame: av.VideoFrame
    pts: int
    pts_s: float
