"""A pattern layer: the pattern's cached mask painted in its colour over the canvas (or its box)."""

from __future__ import annotations

from PIL import Image

from ..colors import parse_color
from ..spec.layout import PatternLayer
from .patterns import params_for, pattern_mask


def draw_pattern(canvas: Image.Image, layer: PatternLayer, scale: float) -> None:
    """Paint ``layer`` (a resolved pattern: not ``kit``) over ``canvas`` at ``scale``."""
    if layer.box is None:
        x, y, width, height = 0, 0, canvas.width, canvas.height
    else:
        rect = layer.box.rect(scale)
        x, y, width, height = round(rect.x), round(rect.y), max(1, round(rect.width)), max(1, round(rect.height))
    color = parse_color(layer.color)
    center = (layer.center.x, layer.center.y) if layer.center is not None else None
    params = params_for(layer.pattern, width, height, scale=scale, opacity=layer.opacity * color[3] / 255, fade=layer.fade,
                        variant=layer.variant or 0, spacing_px=layer.spacing_px, size_px=layer.size_px,
                        angle_deg=layer.angle_deg, count=layer.count, center=center)
    mask = pattern_mask(params)
    canvas.paste(Image.new(canvas.mode, mask.size, color[:3] + ((255,) if canvas.mode == "RGBA" else ())), (x, y), mask)


__all__ = ["draw_pattern"]
