"""Decoded frames as RGB pixels, turned upright as players show them."""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from .orientation import frame_orientation


def rgb_image(frame: av.VideoFrame) -> Image.Image:
    """The whole frame as an upright PIL RGB image at its stored resolution."""
    pixels = frame.to_ndarray(format="rgb24")
    return Image.fromarray(frame_orientation(frame).apply(pixels), mode="RGB")


def small_rgb(
    frame: av.VideoFrame, display_width_px: int, *, reformatter: VideoReformatter | None = None
) -> np.ndarray:
    """The frame upright and scaled to ``display_width_px`` wide (aspect kept), by area averaging.

    A ``reformatter`` kept across the frames of one pass reuses its scaler: the same pixels, but a
    quarter of the time (building an area-averaging scaler costs more than running it on a 720p frame).
    """
    orientation = frame_orientation(frame)
    width_px, height_px = orientation.display_size(frame.width, frame.height)
    display_height_px = max(2, round(display_width_px * height_px / width_px))
    stored_w, stored_h = orientation.stored_size(display_width_px, display_height_px)
    scaler = reformatter if reformatter is not None else VideoReformatter()
    small = scaler.reformat(frame, width=stored_w, height=stored_h, format="rgb24", interpolation="AREA")
    return orientation.apply(small.to_ndarray())
