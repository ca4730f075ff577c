"""Exact video frames at given times, encoded for output: ``frame`` and ``frames``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from msgspec import Struct, field
from PIL import Image

from ..errors import InputError
from .picture import OutputOptions, encode, output_options, sized
from .pixels import rgb_image
from .seek import PTS_TOLERANCE_S, decode_at
from .source import OpenVideo, VideoInput, open_video
from .timecode import TimeValue, format_time_s, parse_time_s


class Frame(Struct, frozen=True):
    """One frame of a video, encoded. ``timestamp_s`` was asked for; ``pts_s`` is the frame shown then."""

    data: bytes
    media_type: str
    width_px: int
    height_px: int
    timestamp_s: float
    pts_s: float
    image: Image.Image  # upright RGB, as encoded

    # Equal when the encoded frames are: the decoded picture is the means, not the result.
    def _compared(self) -> tuple[bytes, str, int, int, float, float]:
        return (self.data, self.media_type, self.width_px, self.height_px, self.timestamp_s, self.pts_s)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Frame)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:  # the bytes and pixels by their size only
        return (f"Frame({self.media_type}, {self.width_px}x{self.height_px}, timestamp_s={self.timestamp_s}, "
                f"pts_s={self.pts_s}, {len(self.data)} bytes)")


def frame(
    video: VideoInput,
    time: TimeValue,
    *,
    width: int | None = None,
    height: int | None = None,
    fit: str = "cover",
    output_format: str = "jpeg",
    background: str = "#000000",
    quality: int | None = None,
) -> Frame:
    """The frame shown at ``time`` (seconds or ``"HH:MM:SS.mmm"``), like ``ffmpeg -ss T -i VIDEO -frames:v 1``.

    ``width``/``height`` size it: both with ``fit`` (``cover`` crops, ``contain`` letterboxes on
    ``background``, ``fill`` stretches), one alone keeps the aspect ratio, none keeps the video's
    size. ``quality`` (1-100, JPEG/WebP) defaults to the core renderer's: 88 JPEG, 82 WebP.
    Raises ``InputError`` for a bad option, a time outside the video (the message names the
    duration) or an unreadable video, ``AssetError`` when the file is missing.
    """
    return frames(
        video, [time], width=width, height=height, fit=fit, output_format=output_format,
        background=background, quality=quality,
    )[0]


def frames(
    video: VideoInput,
    times: Iterable[TimeValue],
    *,
    width: int | None = None,
    height: int | None = None,
    fit: str = "cover",
    output_format: str = "jpeg",
    background: str = "#000000",
    quality: int | None = None,
) -> list[Frame]:
    """``frame`` for several times from one decode of the file, in the caller's order."""
    if isinstance(times, str | bytes) or not isinstance(times, Iterable):
        raise InputError("times must be a list of times", field="times")
    options = output_options(
        width=width, height=height, fit=fit, output_format=output_format, background=background, quality=quality
    )
    times_s = [parse_time_s(time) for time in times]
    if not times_s:
        return []
    with open_video(video) as opened:
        for time_s in times_s:
            check_in_video(opened, time_s)
        return render_decoded(opened, times_s, options)


def render_decoded(
    opened: OpenVideo, times_s: Sequence[float], options: OutputOptions, *, anchors_only: bool = False
) -> list[Frame]:
    """Decode the frames shown at ``times_s`` and encode each distinct one once (``anchors_only``: see
    ``decode_at``)."""
    decoded = decode_at(opened, times_s, anchors_only=anchors_only)
    by_pts: dict[float, tuple[Image.Image, bytes]] = {}
    results = []
    for time_s, shown in zip(times_s, decoded, strict=True):
        if shown.pts_s not in by_pts:
            image = sized(rgb_image(shown.frame), options)
            by_pts[shown.pts_s] = (image, encode(image, options))
        image, data = by_pts[shown.pts_s]
        results.append(
            Frame(
                data=data,
                media_type=options.media_type,
                width_px=image.width,
                height_px=image.height,
                timestamp_s=time_s,
                pts_s=shown.pts_s,
                image=image,
            )
        )
    return results


def check_in_video(opened: OpenVideo, time_s: float, *, field: str = "time") -> None:
    """``InputError`` naming the duration when ``time_s`` is outside the video."""
    duration_s = opened.timing.duration_s
    if duration_s is None:
        if time_s < 0:
            raise InputError(f"{field} {time_s:g} s is before the start of the video; use 0 or more", field=field)
        return
    if time_s < 0 or time_s > duration_s + PTS_TOLERANCE_S:
        raise InputError(
            f"{field} {time_s:g} s is outside the video: {opened.name} lasts {duration_s:.3f} s "
            f"({format_time_s(duration_s)}); use a time from 0 to {duration_s:.3f} s",
            field=field,
        )
