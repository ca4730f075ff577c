"""Masks and overlays: painting over the canvas, shape masks, outlines."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter

from ..colors import RGBA


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
    alpha = image.getchannel("A").filter(ImageFilter.MaxFilter(width_px * 2 + 1))
    outline = Image.new("RGBA", image.size, color[:3] + (0,))
    outline.putalpha(alpha)
    return outline
