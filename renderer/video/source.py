"""Open a video with PyAV and turn every failure into a thumbkit error.

``open_video`` is the only place that calls ``av.open``; everything that decodes runs inside it, so
an ``av`` exception raised while demuxing or decoding (a truncated or damaged file) also surfaces
as an :class:`~renderer.errors.InputError` naming the file, never as a raw PyAV error.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import av.container
import av.video.stream
from msgspec import Struct

from ..errors import AssetError, InputError

VideoInput = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO

_MICROSECONDS = 1_000_000


class StreamTiming(Struct, frozen=True):
    """How the chosen video stream's timestamps map to seconds from the start of the video."""

    time_base: Fraction
    start_s: float  # the container's start time, the zero of every time thumbkit takes or gives
    duration_s: float | None  # None when neither the container nor the stream says
    frame_rate: float | None  # average; only a fallback for a frame's length (pts rule everything)

    def seconds(self, pts: int) -> float:
        """A presentation timestamp in stream units as seconds from the start of the video."""
        return float(pts * self.time_base) - self.start_s

    def ticks(self, seconds: float) -> int:
        """Seconds from the start of the video as a stream timestamp, rounded down."""
        return int((Fraction(seconds) + Fraction(self.start_s)) / self.time_base)

    def first_shown_ticks(self, seconds: float) -> int:
        """The smallest pts a frame may have to be the one ``ffmpeg -ss seconds`` outputs.

        ffmpeg reads ``-ss`` in whole microseconds (further digits are dropped), adds the
        container's start time and rounds that to the nearest stream tick (half away from zero);
        its trim then keeps the first frame whose pts is at least that. The nanosecond added before
        truncating absorbs float error, so ``0.4`` means 400000 µs as the text ``0.4`` does.
        """
        micros = math.floor(seconds * _MICROSECONDS + 1e-3) + round(self.start_s * _MICROSECONDS)
        exact = Fraction(micros, _MICROSECONDS) / self.time_base
        rounded = math.floor(abs(exact) + Fraction(1, 2))
        return rounded if exact >= 0 else -rounded


class OpenVideo(Struct, frozen=True):
    """An open container with its video stream; only valid inside ``open_video``."""

    name: str
    container: av.container.InputContainer
    stream: av.video.stream.VideoStream
    timing: StreamTiming


def describe(video: VideoInput) -> str:
    """How messages name ``video``."""
    if isinstance(video, str | os.PathLike):
        return f"'{os.fspath(video)}'"
    if isinstance(video, bytes | bytearray | memoryview):
        return "the uploaded video"
    name = getattr(video, "name", None)
    return f"'{name}'" if isinstance(name, str) else "the video stream"


@contextmanager
def open_video(video: VideoInput, *, threads: bool = True) -> Iterator[OpenVideo]:
    """Open ``video`` (a path, bytes or a binary file object) and pick its first real video stream."""
    name = describe(video)
    container = _open_container(video, name)
    try:
        stream = _video_stream(container, name)
        if threads:
            stream.thread_type = "AUTO"
        yield OpenVideo(name=name, container=container, stream=stream, timing=_timing(container, stream))
    except av.FFmpegError as error:
        raise InputError(
            f"cannot decode {name}; the file is truncated or damaged ({_reason(error)})", field="video"
        ) from error
    finally:
        container.close()


def _open_container(video: VideoInput, name: str) -> av.container.InputContainer:
    if isinstance(video, str | os.PathLike):
        path = Path(video)
        if not path.exists():
            raise AssetError(f"video file {name} not found")
        if not path.is_file():
            raise AssetError(f"video {name} is not a file")
        source: object = str(path)
    elif isinstance(video, bytes | bytearray | memoryview):
        if len(video) == 0:
            raise InputError("the uploaded video is empty", field="video")
        source = io.BytesIO(bytes(video))
    elif hasattr(video, "read"):
        source = video
    else:
        raise InputError("video must be a file path, bytes or a binary file object", field="video")
    try:
        return av.open(source, mode="r", metadata_errors="ignore")
    except av.FFmpegError as error:
        raise InputError(f"{name} is not a video file FFmpeg can read ({_reason(error)})", field="video") from error
    except OSError as error:
        raise AssetError(f"cannot read video file {name}: {error.strerror or error}") from error


def _video_stream(container: av.container.InputContainer, name: str) -> av.video.stream.VideoStream:
    for stream in container.streams.video:
        # Cover art in audio files is a one-picture "video" stream: not a video.
        if not stream.disposition & av.stream.Disposition.attached_pic and stream.codec_context is not None:
            return stream
    covers = [s for s in container.streams.video if s.disposition & av.stream.Disposition.attached_pic]
    kinds = sorted({stream.type for stream in container.streams if stream not in covers})
    has = f"it has only {', '.join(kinds)} streams" if kinds else "it has no streams"
    if covers:
        has += " and a cover picture"
    raise InputError(f"{name} has no video stream ({has})", field="video")


def _timing(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> StreamTiming:
    time_base = stream.time_base
    if time_base is None:
        raise InputError("the video stream has no time base; the file is damaged", field="video")
    start_s = container.start_time / _MICROSECONDS if container.start_time is not None else 0.0
    if container.duration is not None and container.duration > 0:
        duration_s: float | None = container.duration / _MICROSECONDS
    elif stream.duration is not None and stream.duration > 0:
        duration_s = float(stream.duration * time_base)
    else:
        duration_s = None
    rate = stream.average_rate or stream.guessed_rate
    return StreamTiming(
        time_base=Fraction(time_base),
        start_s=start_s,
        duration_s=duration_s,
        frame_rate=float(rate) if rate else None,
    )


def _reason(error: av.FFmpegError) -> str:
    return (error.strerror or type(error).__name__).strip().rstrip(".").lower()
