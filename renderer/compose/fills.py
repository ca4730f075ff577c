"""Paint fills: solid colours, linear and radial gradients, images (cover-fitted, darkened, blurred)."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from ..colors import RGBA, parse_color
from ..errors import AssetError
from ..spec.layout import Gradient, ImageFill

_GRADIENT_STEP_PX = 4  # gradients are computed at 1/4 resolution and resized: smooth and ~16x cheaper


def fill_image(fill: str | Gradient | ImageFill, width_px: int, height_px: int, *, images_root: Path) -> Image.Image:
    """An RGBA image of the given size painted with ``fill``."""
    if isinstance(fill, str):
        return Image.new("RGBA", (width_px, height_px), parse_color(fill))
    if isinstance(fill, Gradient):
        return _gradient(fill.type, tuple(parse_color(s) for s in fill.stops), fill.angle_deg, fill.center.x, fill.center.y, fill.radius, width_px, height_px).copy()
    return image_cover(load_layout_image(images_root, fill.path), width_px, height_px, darken=fill.darken, blur_px=fill.blur_px)


@lru_cache(maxsize=64)
def _gradient(kind: str, stops: tuple[RGBA, ...], angle_deg: float, cx: float, cy: float, radius: float, width_px: int, height_px: int) -> Image.Image:
    small_w = max(2, math.ceil(width_px / _GRADIENT_STEP_PX))
    small_h = max(2, math.ceil(height_px / _GRADIENT_STEP_PX))
    ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    xs = xs / (small_w - 1) * width_px
    ys = ys / (small_h - 1) * height_px
    if kind == "linear":
        angle = math.radians(angle_deg)
        dx, dy = math.cos(angle), math.sin(angle)
        projection = xs * dx + ys * dy
        corners = [0 * dx + 0 * dy, width_px * dx, height_px * dy, width_px * dx + height_px * dy]
        low, high = min(corners), max(corners)
        t = (projection - low) / max(high - low, 1e-6)
    else:
        diagonal = math.hypot(width_px, height_px)
        t = np.hypot(xs - cx * width_px, ys - cy * height_px) / (radius * diagonal)
    t = np.clip(t, 0.0, 1.0)
    positions = np.linspace(0.0, 1.0, len(stops))
    channels = np.array(stops, dtype=np.float32)  # (n, 4)
    out = np.empty((small_h, small_w, 4), dtype=np.float32)
    for c in range(4):
        out[..., c] = np.interp(t, positions, channels[:, c])
    small = Image.fromarray(np.round(out).astype(np.uint8), "RGBA")
    return small.resize((width_px, height_px), Image.Resampling.BILINEAR)


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
