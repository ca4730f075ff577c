"""The keyword options of ``Renderer.render`` and ``Renderer.variants`` as a checked request, and
the video frame a render may be drawn over."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from msgspec import Struct
from PIL import Image

from .errors import InputError, shown
from .request import GenerateRequest, parse_request


class VideoSource(Struct, frozen=True):
    """A frame of a video to put the title over: at ``time`` or, with ``"auto"``, the best moment."""

    path: Path
    time: float | str
    use: str

    @classmethod
    def create(cls, video: str | os.PathLike[str], time: float | str, use: str) -> "VideoSource":
        if use not in ("background", "photo"):
            raise InputError(f"video_use must be one of: background, photo, got {shown(use)}", field="video_use")
        return cls(Path(video), time, use)

    def picture(self, width_px: int, height_px: int) -> tuple[Image.Image, str]:
        """The frame (upright RGB) and a cache key naming the file, its size, mtime and the time."""
        from .video import frame, moments

        time = self.time
        if time == "auto":
            best = moments(self.path, count=1, with_frames=False)
            time = best[0].timestamp_s
        shot = frame(self.path, time, output_format="png" if self.use == "photo" else "jpeg", quality=95)
        stat = self.path.stat()
        return shot.image, f"video:{self.path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{shot.pts_s}"


def options_request(title: str, *, format: str, layout: str, brand: str, output_format: str, category: str,
                     hd: bool, use_photo: bool, use_logo: bool, photo: str | bytes | os.PathLike[str] | None,
                     logo: str | bytes | os.PathLike[str] | None, video: str | os.PathLike[str] | None,
                     time: float | str, video_use: str, headline: str | None, language: str,
                     variants: int = 1, subtitle: str | None = None,
                     badge: str | None = None) -> tuple[GenerateRequest, "VideoSource | None"]:
    """``Renderer.render``'s and ``Renderer.variants``' options as a checked request."""
    with caller_names(photo, logo):
        request = parse_request({
            "title": title, "format": format, "layout": layout, "customAssetsId": brand,
            "outputFormat": output_format, "category": category, "model": "hd" if hd else "sd",
            "usePhoto": use_photo, "useLogo": use_logo,
            "photoImage": _as_data_url(photo, "photo"), "logoImage": _as_data_url(logo, "logo"),
            "headline": headline, "language": language, "variants": variants, "subtitle": subtitle, "badge": badge,
        })
    return request, VideoSource.create(video, time, video_use) if video is not None else None


@contextmanager
def caller_names(photo: object, logo: object) -> Iterator[None]:
    """The checks speak ThumbAPI (photoImage, logoImage); a caller who passed photo=/logo= reads those."""
    try:
        yield
    except InputError as exc:
        for given, api_name, name in ((photo, "photoImage", "photo"), (logo, "logoImage", "logo")):
            if given is not None and exc.field == api_name and str(exc).startswith(api_name):
                raise InputError(name + str(exc)[len(api_name):], field=name) from None
        raise


def _as_data_url(value: str | bytes | os.PathLike[str] | None, what: str) -> str | None:
    """Paths and bytes become data URLs so that every image goes through the same checks."""
    if value is None or isinstance(value, str) and value.startswith("data:"):
        return value
    if not isinstance(value, (str, bytes, bytearray, os.PathLike)):
        raise InputError(f"{what} must be a data URL, bytes or a file path, got {type(value).__name__}", field=what)
    import base64

    from .assets.decode import (
        LOGO_MAX_BYTES,
        PHOTO_MAX_BYTES,
        read_image_bytes,
        sniff_format,
    )

    source = Path(value) if isinstance(value, (str, os.PathLike)) else bytes(value)
    raw = read_image_bytes(source, field=what, max_bytes=PHOTO_MAX_BYTES if what == "photo" else LOGO_MAX_BYTES)
    media_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[sniff_format(raw, field=what)]
    return f"data:{media_type};base64," + base64.b64encode(raw).decode("ascii")


__all__ = ["VideoSource", "caller_names", "options_request"]
