"""Effects on a framed cutout: small pure functions on an RGBA image, returning a new one of the
same size."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageColor, ImageFilter


Colour = str | tuple[int, int, int] | tuple[int, int, int, int]


def add_outline(image: Image.Image, *, colour: Colour, width_px: int) -> Image.Image:
    """A solid, anti-aliased stroke of ``width_px`` around the image's opaque shape."""
    if width_px <= 0:
        return image.copy()
    from scipy import ndimage

    solid = np.asarray(image.getchannel("A")) >= 128
    distance = ndimage.distance_transform_edt(~solid)
    coverage = np.clip(width_px + 0.5 - distance, 0.0, 1.0)
    return _under(image, _tinted(colour, coverage))


def add_glow(
    image: Image.Image, *, colour: Colour, radius_px: int, strength: float = 1.0
) -> Image.Image:
    """A soft halo of ``colour`` spreading about ``radius_px`` around the shape."""
    if radius_px <= 0 or strength <= 0:
        return image.copy()
    alpha = image.getchannel("A").filter(ImageFilter.MaxFilter(_odd(radius_px // 2)))
    halo = np.asarray(alpha.filter(ImageFilter.GaussianBlur(radius_px / 2)), dtype=np.float64) / 255
    return _under(image, _tinted(colour, np.clip(halo * 2 * strength, 0.0, 1.0)))


def add_drop_shadow(
    image: Image.Image,
    *,
    colour: Colour = (0, 0, 0),
    opacity: float = 0.5,
    offset_px: tuple[int, int] = (8, 8),
    blur_px: int = 12,
) -> Image.Image:
    """A blurred copy of the shape in ``colour``, shifted by ``offset_px``, under the image."""
    alpha = Image.new("L", image.size, 0)
    alpha.paste(image.getchannel("A"), offset_px)
    if blur_px > 0:
        alpha = alpha.filter(ImageFilter.GaussianBlur(blur_px / 2))
    coverage = np.asarray(alpha, dtype=np.float64) / 255 * opacity
    return _under(image, _tinted(colour, coverage))


def _tinted(colour: Colour, coverage: np.ndarray) -> Image.Image:
    """An RGBA layer of ``colour`` whose alpha is ``coverage`` (0..1) times the colour's alpha."""
    rgba = ImageColor.getrgb(colour) if isinstance(colour, str) else tuple(colour)
    red, green, blue = rgba[:3]
    opacity = rgba[3] / 255 if len(rgba) == 4 else 1.0
    height, width = coverage.shape
    layer = np.empty((height, width, 4), dtype=np.uint8)
    layer[..., 0], layer[..., 1], layer[..., 2] = red, green, blue
    layer[..., 3] = np.round(coverage * opacity * 255).astype(np.uint8)
    return Image.fromarray(layer)


def _under(image: Image.Image, layer: Image.Image) -> Image.Image:
    return Image.alpha_composite(layer, image.convert("RGBA"))


def _odd(size: int) -> int:
    return max(1, size) | 1
