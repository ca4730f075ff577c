"""Masks and overlays: painting over the canvas, shape masks, outlines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from ..colors import RGBA

if TYPE_CHECKING:
    import numpy as np


def paint_over(canvas: Image.Image, image: Image.Image, xy: tuple[int, int]) -> None:
    """Paint an RGBA ``image`` over the opaque canvas at ``xy`` (its alpha as the mask)."""
    canvas.paste(image, xy, image)


def shape_mask(shape: str, width: int, height: int, radius: int,
               points: list[tuple[float, float]] | None = None) -> Image.Image:
    """An anti-aliased mask (drawn at 3x and reduced); a polygon's ``points`` in pixels of the box."""
    if shape == "rect" and radius == 0:
        return Image.new("L", (width, height), 255)
    k = 3
    big = Image.new("L", (width * k, height * k), 0)
    draw = ImageDraw.Draw(big)
    if shape == "ellipse":
        draw.ellipse((0, 0, width * k - 1, height * k - 1), fill=255)
    elif shape == "polygon":
        draw.polygon([(x * k, y * k) for x, y in points or ()], fill=255)
    else:
        draw.rounded_rectangle((0, 0, width * k - 1, height * k - 1), radius=radius * k, fill=255)
    return big.reduce(k)


def outline_of(image: Image.Image, width_px: int, color: RGBA) -> Image.Image:
    outline = Image.new("RGBA", image.size, color[:3] + (0,))
    outline.putalpha(max_filter(image.getchannel("A"), width_px))
    return outline


def max_filter(mask: Image.Image, radius_px: int) -> Image.Image:
    """Each pixel of the mode-L ``mask`` becomes the largest within ``radius_px`` of it (a square
    window, cut at the edges): Pillow's ``MaxFilter(2 * radius_px + 1)``, value for value.

    Pillow's filter compares every pixel of the window, (2r+1)^2 a pixel, holding Python's lock
    all along: a 40 px outline at hd took seconds in which the worker's other threads (its event
    loop, the supervisor's health check) could not run. Here it is done per axis, in log2(2r+1)
    array maxima each (numpy lets other threads run meanwhile)."""
    import numpy as np

    if radius_px <= 0:
        return mask.copy()
    pixels = np.asarray(mask)
    for axis in (0, 1):
        pixels = _running_max(pixels, radius_px, axis)
    return Image.fromarray(np.ascontiguousarray(pixels), "L")


def _running_max(pixels: "np.ndarray[Any, Any]", radius_px: int, axis: int) -> "np.ndarray[Any, Any]":
    """The largest of ``pixels[i - r : i + r + 1]`` along ``axis`` for every ``i`` (edges repeated)."""
    import numpy as np

    def part(array: "np.ndarray[Any, Any]", start: int, count: int) -> "np.ndarray[Any, Any]":
        return array[(slice(None),) * axis + (slice(start, start + count),)]

    length, window = pixels.shape[axis], 2 * radius_px + 1
    pad = [(radius_px, radius_px) if each == axis else (0, 0) for each in range(pixels.ndim)]
    best: np.ndarray[Any, Any] = np.pad(pixels, pad, mode="edge")  # best[i]: the largest of span values from i
    span = 1
    while span * 2 <= window:
        count = best.shape[axis] - span
        best = np.maximum(part(best, 0, count), part(best, span, count))
        span *= 2
    result: np.ndarray[Any, Any] = np.maximum(part(best, 0, length), part(best, window - span, length))
    return result
