"""What a video is: duration, upright size, frame rate, codec (``probe``)."""

from __future__ import annotations

from msgspec import Struct

from ..errors import InputError
from .orientation import frame_orientation
from .seek import decode_all
from .source import VideoInput, open_video


class VideoInfo(Struct, frozen=True):
    duration_s: float | None  # None when the file does not say
    width_px: int  # as displayed, after the rotation in the display matrix
    height_px: int
    rotation_quarter_turns_ccw: int
    frame_rate: float | None  # average; variable frame rate videos have none in particular
    codec: str


def probe(video: VideoInput) -> VideoInfo:
    """Read the header and decode the first frame (for the display matrix)."""
    with open_video(video) as opened:
        first = next(decode_all(opened), None)
        if first is None:
            raise InputError(f"{opened.name} has no decodable video frames", field="video")
        orientation = frame_orientation(first.frame)
        width_px, height_px = orientation.display_size(first.frame.width, first.frame.height)
        return VideoInfo(
            duration_s=opened.timing.duration_s,
            width_px=width_px,
            height_px=height_px,
            rotation_quarter_turns_ccw=orientation.quarter_turns_ccw,
            frame_rate=opened.timing.frame_rate,
            codec=opened.stream.codec_context.name,
        )
