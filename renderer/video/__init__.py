"""Video frames and best moments, decoded in-process with PyAV (FFmpeg's libraries, no binary).

* ``frame(video, time, ...)`` / ``frames(video, times, ...)``: the exact frame shown at a time.
* ``moments(video, count=...)``: the frames most worth a thumbnail, best first, with reasons.
* ``probe(video)``: duration, upright size, frame rate.
"""

from __future__ import annotations

from .frames import Frame, frame, frames
from .info import VideoInfo, probe
from .moments import Moment, moments
from .picture import FITS, OUTPUT_FORMATS
from .scoring import MomentScores
from .source import VideoInput
from .timecode import TimeValue, format_time_s, parse_time_s

__all__ = [
    "FITS",
    "Frame",
    "Moment",
    "MomentScores",
    "OUTPUT_FORMATS",
    "TimeValue",
    "VideoInfo",
    "VideoInput",
    "format_time_s",
    "frame",
    "frames",
    "moments",
    "parse_time_s",
    "probe",
]
