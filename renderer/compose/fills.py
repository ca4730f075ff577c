"""Paint fills: solid colours, linear and radial gradients, images (cover-fitted, darkened, blurred)."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter, ImageMath, ImageOps

from ..colors import RGBA, parse_color
from ..errors import AssetError
from ..spec.layout import Gradient, ImageFill

_GRADIENT_STEP_PX = 4  # gradients are computed at 1/4 resolution and resized: smooth and ~16x cheaper


def fill_image(fill: str | Gradient | ImageFill, width_px: int, height_px: int, *, images_root: Path) -> Image.Image:
    """An RGBA image of the given size painted with ``fill``."""
    if isinstance(fill, str):
        return Image.new("RGBA", (width_px, height_px), parse_color(fill))
    if isinstance(fill, Gradient):
        small = _gradient(fill.type, tuple(parse_color(s) for s in fill.stops), fill.angle_deg, fill.center.x, fill.center.y, fill.radius, width_px, height_px)
        # cached small (a few KB), not at full size: 64 hd gradients were 940 MB
        return small.resize((width_px, height_px), Image.Resampling.BILINEAR)
    return image_cover(load_layout_image(images_root, fill.path), width_px, height_px, darken=fill.darken, blur_px=fill.blur_px)


@lru_cache(maxsize=64)
def _gradient(kind: str, stops: tuple[RGBA, ...], angle_deg: float, cx: float, cy: float, radius: float, width_px: int, height_px: int) -> Image.Image:
    """The gradient sampled every ``_GRADIENT_STEP_PX`` (small: it is cached); the caller resizes it
    to the full size. Pillow's float images (ImageMath) do the sums:
    ``t`` is a linear projection on the angle (or the distance to the centre over the radius),
    separable into a row and a column, clipped to 0..1; each channel is interpolated between the
    stops and rounded half to even."""
    small_w = max(2, math.ceil(width_px / _GRADIENT_STEP_PX))
    small_h = max(2, math.ceil(height_px / _GRADIENT_STEP_PX))
    xs = _math(lambda a: a["v"] / (small_w - 1) * width_px, v=_indices(small_w))
    ys = _math(lambda a: a["v"] / (small_h - 1) * height_px, v=_indices(small_h))
    if kind == "linear":
        angle = math.radians(angle_deg)
        dx, dy = math.cos(angle), math.sin(angle)
        corners = [0 * dx + 0 * dy, width_px * dx, height_px * dy, width_px * dx + height_px * dy]
        low, high = min(corners), max(corners)
        across = _across(_math(lambda a: a["v"] * dx, v=xs), small_h)
        down = _down(_math(lambda a: a["v"] * dy, v=ys), small_w)
        t = _math(lambda a: (a["x"] + a["y"] - low) / max(high - low, 1e-6), x=across, y=down)
    else:
        diagonal = math.hypot(width_px, height_px)
        across = _across(_math(lambda a: a["v"] - cx * width_px, v=xs), small_h)
        down = _down(_math(lambda a: a["v"] - cy * height_px, v=ys), small_w)
        t = _math(lambda a: (a["x"] * a["x"] + a["y"] * a["y"]) ** 0.5 / (radius * diagonal), x=across, y=down)
    t = _math(lambda a: a["min"](a["max"](a["t"], 0.0), 1.0), t=t)
    positions = [index / (len(stops) - 1) for index in range(len(stops))]
    return Image.merge("RGBA", [_rounded(_interpolated(t, positions, [float(stop[c]) for stop in stops])) for c in range(4)])


def _math(expression: Callable[[dict[str, Any]], Any], **images: Image.Image) -> Image.Image:
    result = ImageMath.lambda_eval(expression, **images)
    assert isinstance(result, Image.Image)
    return result


def _indices(count: int) -> Image.Image:
    """A one-row float image of 0, 1, ... count - 1."""
    return Image.frombytes("F", (count, 1), array("f", range(count)).tobytes())


def _across(row: Image.Image, height: int) -> Image.Image:
    """A one-row image repeated down ``height`` rows."""
    return row.resize((row.width, height), Image.Resampling.NEAREST)


def _down(row: Image.Image, width: int) -> Image.Image:
    """A one-row image turned into a column, repeated across ``width`` columns."""
    return row.transpose(Image.Transpose.TRANSPOSE).resize((width, row.width), Image.Resampling.NEAREST)


def _interpolated(t: Image.Image, positions: list[float], values: list[float]) -> Image.Image:
    """``values`` interpolated linearly at ``t`` between ``positions`` (0..1, ascending)."""
    if len(values) == 2:
        return t.point(lambda v: v * (values[1] - values[0]) + values[0])
    result = Image.new("F", t.size, values[0])
    for index in range(len(values) - 1):
        start, span, rise = positions[index], positions[index + 1] - positions[index], values[index + 1] - values[index]
        result = _math(lambda a: a["r"] + a["min"](a["max"]((a["t"] - start) / span, 0.0), 1.0) * rise, r=result, t=t)
    return result


def _rounded(values: Image.Image) -> Image.Image:
    """Non-negative float values rounded half to even (as numpy rounds), as an 8-bit band."""

    def expression(a: dict[str, Any]) -> Any:
        shifted = a["v"] + 0.5
        floor = a["int"](shifted)
        tie = 1.0 - a["min"]((shifted - a["float"](floor)) * 1048576.0, 1.0)  # 1 where the value was a half
        return a["convert"](a["float"](floor) - tie * a["float"](floor % 2), "L")

    return _math(expression, v=values)


@lru_cache(maxsize=16)
def load_layout_image(root: Path, relative: str) -> Image.Image:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise AssetError(f"layout image not found: {relative!r} (relative to {root})")
    with Image.open(path) as image:
        image.load()
        return ImageOps.exif_transpose(image).convert("RGBA")


def image_cover(image: Image.Image, width_px: int, height_px: int, *, darken: float = 0.0, blur_px: float = 0.0) -> Image.Image:
    """``image`` scaled and centre-cropped to fill the size, optionally blurred and darkened."""
    fitted = ImageOps.fit(image.convert("RGBA"), (width_px, height_px), Image.Resampling.LANCZOS)
    if blur_px > 0:
        fitted = fitted.filter(ImageFilter.GaussianBlur(blur_px))
    if darken > 0:
        black = Image.new("RGBA", fitted.size, (0, 0, 0, 255))
        fitted = Image.blend(fitted, black, darken)
    return fitted
