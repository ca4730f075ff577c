"""The inputs of ``frame`` and ``moments`` jobs: read, checked and stored in one canonical form.

``frame``::

    {"video": {"path": "talks/a.mp4"} | {"upload": "upload_<sha256>"},
     "time": 17.5 | "00:00:17.5",                 # also "start" (Ittybit) or "timestamp" (VideoDB)
     "width": 1280, "height": 720, "fit": "cover" | "contain" | "fill",
     "format": "webp" | "jpeg" | "png", "quality": 1-100, "background": "#000000"}

Ittybit's shape ``{"video": ..., "options": {"start": 17.5, "width": ..., "format": ...}}`` is read
the same. ``moments``: ``{"video": ..., "count": 5, "format": ..., "quality": ...}``. Everything
that can be checked without decoding is checked here (422 at submit): the fields, the options, the
time's form, the path staying inside the media root, the upload existing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgspec import Struct

from ..errors import InputError, shown
from ..video import parse_time_s
from ..video.moments import MAX_COUNT
from ..video.picture import OutputOptions, output_options
from .media import resolve_media_path
from .uploads import UPLOAD_ID, UploadStore

DEFAULT_FORMAT = "webp"
DEFAULT_COUNT = 5
TIME_NAMES = ("time", "start", "timestamp")
FRAME_FIELDS = ("video", *TIME_NAMES, "width", "height", "fit", "format", "quality", "background", "options")
MOMENTS_FIELDS = ("video", "count", "format", "quality", "options")


class VideoRef(Struct, frozen=True):
    """A video by path under the media root, or by upload id: exactly one is set."""

    path: str | None = None
    upload: str | None = None

    def to_json(self) -> dict[str, str]:
        return {"path": self.path} if self.path is not None else {"upload": str(self.upload)}


class FrameInput(Struct, frozen=True):
    video: VideoRef
    time_s: float
    options: OutputOptions

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"video": self.video.to_json(), "time": self.time_s, "fit": self.options.fit,
                                **_format_json(self.options)}
        if self.options.width_px is not None:
            body["width"] = self.options.width_px
        if self.options.height_px is not None:
            body["height"] = self.options.height_px
        if self.options.fit == "contain":
            body["background"] = "#{:02x}{:02x}{:02x}".format(*self.options.background_rgb)
        return body


class MomentsInput(Struct, frozen=True):
    video: VideoRef
    count: int
    options: OutputOptions

    def to_json(self) -> dict[str, Any]:
        return {"video": self.video.to_json(), "count": self.count, **_format_json(self.options)}


def _format_json(options: OutputOptions) -> dict[str, Any]:
    """``format``, and ``quality`` where it means something (not PNG: lossless)."""
    if options.output_format == "png":
        return {"format": "png"}
    return {"format": options.output_format, "quality": options.quality}


def read_frame_input(input: dict[str, Any]) -> FrameInput:
    values = _flatten(input, FRAME_FIELDS)
    given = [name for name in TIME_NAMES if name in values]
    if not given:
        raise InputError('time is required: seconds (17.5) or a timecode ("00:00:17.5")', field="time")
    if len(given) > 1:
        raise InputError(f"give the time once, not as {' and '.join(given)}", field="time")
    time_s = parse_time_s(values[given[0]], field="time")
    if time_s < 0:
        raise InputError(f"time {time_s:g} s is before the start of the video; use 0 or more", field="time")
    options = _options(
        width=values.get("width"), height=values.get("height"), fit=values.get("fit", "cover"),
        output_format=values.get("format", DEFAULT_FORMAT), background=values.get("background", "#000000"),
        quality=values.get("quality"),
    )
    return FrameInput(_video_ref(values.get("video")), time_s, options)


def read_moments_input(input: dict[str, Any]) -> MomentsInput:
    values = _flatten(input, MOMENTS_FIELDS)
    count = values.get("count", DEFAULT_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise InputError(f"count must be a whole number from 1 to {MAX_COUNT}", field="count")
    options = _options(width=None, height=None, fit="cover", output_format=values.get("format", DEFAULT_FORMAT),
                       background="#000000", quality=values.get("quality"))
    return MomentsInput(_video_ref(values.get("video")), count, options)


def check_video_ref(video: VideoRef, media_root: Path | None, uploads: UploadStore) -> None:
    """422 now for a path that leaves the media root (or no root) and for an upload that is not there."""
    if video.path is not None:
        resolve_media_path(media_root, video.path)
    elif uploads.find(str(video.upload)) is None:
        raise InputError(f"video.upload {shown(video.upload)} is not an uploaded video: upload it to POST /v1/videos first",
                         field="video.upload")


def _flatten(input: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    """``input`` with Ittybit's ``options`` object merged in; unknown or doubled fields refused."""
    unknown = sorted(set(input) - set(known))
    if unknown:
        raise InputError(f"unknown field {shown(unknown[0])} in input; known: {', '.join(known)}", field=unknown[0])
    options = input.get("options", {})
    if not isinstance(options, dict):
        raise InputError("options must be a JSON object", field="options")
    allowed = set(known) - {"video", "options"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise InputError(f"unknown field {shown(unknown[0])} in options; known: {', '.join(sorted(allowed))}",
                         field=f"options.{unknown[0]}")
    doubled = sorted(set(options) & set(input))
    if doubled:
        raise InputError(f"{doubled[0]} is given twice (in input and in options)", field=doubled[0])
    return {**{k: v for k, v in input.items() if k != "options"}, **options}


def _video_ref(value: object) -> VideoRef:
    usage = 'video must be {"path": "<path under the media root>"} or {"upload": "<id from POST /v1/videos>"}'
    if not isinstance(value, dict) or len(value) != 1 or not set(value) <= {"path", "upload"}:
        raise InputError(usage, field="video")
    if "path" in value:
        if not isinstance(value["path"], str) or not value["path"].strip():
            raise InputError(usage, field="video.path")
        return VideoRef(path=value["path"])
    upload = value["upload"]
    if not isinstance(upload, str) or not UPLOAD_ID.match(upload):
        raise InputError(f"video.upload must be an id from POST /v1/videos (upload_ and 64 hex digits), got {shown(upload)}",
                         field="video.upload")
    return VideoRef(upload=upload)


def _options(**values: Any) -> OutputOptions:
    """``output_options`` with its messages in this API's words (``format``, not ``output_format``)."""
    try:
        return output_options(**values)
    except InputError as error:
        if error.field != "output_format":
            raise
        raise InputError(error.message.replace("output_format", "format", 1), field="format") from None
