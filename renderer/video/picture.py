"""Size a frame for output (cover, contain, fill) and encode it as JPEG, PNG or WebP."""

from __future__ import annotations

import io
from typing import Literal

from msgspec import Struct
from PIL import Image, ImageColor, ImageOps

from ..errors import InputError

Fit = Literal["cover", "contain", "fill"]
OutputFormat = Literal["jpeg", "png", "webp"]

FITS: tuple[str, ...] = ("cover", "contain", "fill")
OUTPUT_FORMATS: dict[str, str] = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_FORMAT_ALIASES = {"jpg": "jpeg"}
MAX_SIDE_PX = 8192
# The same encoder settings as the core renderer's (measured there): WebP method 0, quality 82.
DEFAULT_QUALITY = {"jpeg": 88, "webp": 82, "png": 100}
_WEBP_METHOD = 0
_PNG_COMPRESS_LEVEL = 6
_RESAMPLE = Image.Resampling.LANCZOS


class OutputOptions(Struct, frozen=True):
    """Validated output options for frames."""

    width_px: int | None
    height_px: int | None
    fit: Fit
    output_format: OutputFormat
    background_rgb: tuple[int, int, int]
    quality: int  # JPEG and WebP; PNG is lossless

    @property
    def media_type(self) -> str:
        return OUTPUT_FORMATS[self.output_format]


def output_options(
    *,
    width: int | None,
    height: int | None,
    fit: str,
    output_format: str,
    background: str,
    quality: int | None,
) -> OutputOptions:
    """Check the caller's options; ``InputError`` naming the field otherwise."""
    fmt = _FORMAT_ALIASES.get(str(output_format).lower(), str(output_format).lower())
    if fmt not in OUTPUT_FORMATS:
        raise InputError(f"output_format must be one of: {', '.join(OUTPUT_FORMATS)}", field="output_format")
    if fit not in FITS:
        raise InputError(f"fit must be one of: {', '.join(FITS)}", field="fit")
    if quality is None:
        quality = DEFAULT_QUALITY[fmt]
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise InputError("quality must be a whole number from 1 to 100", field="quality")
    try:
        background_rgb = ImageColor.getrgb(background)[:3] if isinstance(background, str) else None
    except ValueError:
        background_rgb = None
    if background_rgb is None:
        raise InputError(f"background {background!r} is not a colour; use e.g. '#000000'", field="background")
    return OutputOptions(
        width_px=_side(width, "width"),
        height_px=_side(height, "height"),
        fit=fit,  # type: ignore[arg-type]
        output_format=fmt,  # type: ignore[arg-type]
        background_rgb=background_rgb,
        quality=quality,
    )


def sized(image: Image.Image, options: OutputOptions) -> Image.Image:
    """``image`` at the asked size: unchanged when no size, aspect kept when one side is given."""
    width_px, height_px = options.width_px, options.height_px
    if width_px is None and height_px is None:
        return image
    if width_px is None or height_px is None:
        scale = width_px / image.width if width_px is not None else height_px / image.height  # type: ignore[operator]
        target = (width_px or max(1, round(image.width * scale)), height_px or max(1, round(image.height * scale)))
        return image if target == image.size else image.resize(target, _RESAMPLE)
    target = (width_px, height_px)
    if options.fit == "cover":
        return ImageOps.fit(image, target, method=_RESAMPLE)
    if options.fit == "contain":
        return ImageOps.pad(image, target, method=_RESAMPLE, color=options.background_rgb)
    return image.resize(target, _RESAMPLE)


def encode(image: Image.Image, options: OutputOptions) -> bytes:
    """``image`` encoded in the asked format."""
    buffer = io.BytesIO()
    if options.output_format == "jpeg":
        image.save(buffer, "JPEG", quality=options.quality, optimize=False, subsampling="4:2:0")
    elif options.output_format == "webp":
        image.save(buffer, "WEBP", quality=options.quality, method=_WEBP_METHOD)
    else:
        image.save(buffer, "PNG", compress_level=_PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _side(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIDE_PX:
        raise InputError(f"{field} must be a whole number of pixels from 1 to {MAX_SIDE_PX}", field=field)
    return value
