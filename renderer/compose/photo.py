"""The photo layer's sprite: the framed cutout with its shadow and outline, faded where the slot
or the subject is cut, cached per framed image."""

from __future__ import annotations

from PIL import Image, ImageFilter

from ..colors import parse_color
from ..lru import LruCache
from ..memory import MIB, image_bytes
from ..spec.layout import PhotoEffects
from ..rect import Rect
from .masks import outline_of


# per framed image and effects: (the image, kept alive so that its id is not reused; its sprite)
_SPRITES: LruCache[tuple[object, ...], tuple[Image.Image, Image.Image]] = LruCache(
    16, max_bytes=16 * MIB, size_of=lambda cached: image_bytes(cached[0]) + image_bytes(cached[1]))


def photo_sprite(image: Image.Image, effects: PhotoEffects, scale: float, inner_edges: tuple[bool, bool, bool, bool],
                  cut_edges: tuple[int | None, ...] = (None, None, None, None), face: Rect | None = None) -> Image.Image:
    """The framed photo with its drop shadow and outline composed into one RGBA image of the slot's
    size, remembered per framed image: a presenter's next thumbnail pastes it once, nothing more.

    Where the slot ends inside the canvas (left, top, right, bottom), the body fades out instead of
    stopping on a hard straight line; so it does from a line where the photo's own edge cuts the
    subject inside the slot (``cut_edges``), and no outline or shadow is drawn beyond that line.
    (Where the slot and a cut end on the canvas's edge, the cut coincides with the thumbnail's.)
    The whole sprite fades, outline and shadow with the body, so no outline shows through it."""
    key = (id(image), effects.shadow, effects.outline_px, effects.outline_color, scale, inner_edges, cut_edges, face)
    cached = _SPRITES.get(key)
    if cached is not None and cached[0] is image:
        return cached[1]
    sprite = Image.new("RGBA", image.size, (0, 0, 0, 0))
    if effects.shadow:
        alpha = image.getchannel("A").point(lambda a: a * 0.55).reduce(4)
        blurred = alpha.filter(ImageFilter.GaussianBlur(14 * scale / 4)).resize(image.size, Image.Resampling.BILINEAR)
        shadow = Image.new("RGBA", image.size, (0, 0, 0, 0))
        shadow.putalpha(blurred)
        sprite.alpha_composite(shadow, (round(8 * scale), round(10 * scale)))
    if effects.outline_px:
        sprite.alpha_composite(outline_of(image, round(effects.outline_px * scale), parse_color(effects.outline_color)))
    sprite.alpha_composite(image)
    sprite = _feather_edges(sprite, _fade_starts(image.size, inner_edges, cut_edges), fraction=0.12, face=face)
    _SPRITES.put(key, (image, sprite))
    return sprite


def _fade_starts(size: tuple[int, int], inner_edges: tuple[bool, bool, bool, bool],
                 cut_edges: tuple[int | None, ...]) -> tuple[float | None, ...]:
    """For each side (left, top, right, bottom): how far in from the slot's edge the fade starts
    (everything before is cleared), or None for no fade: 0 at a slot edge inside the canvas, the
    cut's line where the photo cuts the subject inside the slot."""
    width, height = size
    starts: list[float | None] = [0.0 if inner else None for inner in inner_edges]
    for side, cut in enumerate(cut_edges):
        if cut is not None:
            starts[side] = float(cut if side < 2 else (width, height)[side - 2] - cut)
    return tuple(starts)


def _feather_edges(image: Image.Image, starts: tuple[float | None, ...], *, fraction: float,
                   face: Rect | None = None) -> Image.Image:
    """``image`` with its alpha faded to zero over ``fraction`` of its width/height at each side
    (left, top, right, bottom) whose start is not None, from that far in (cleared before it).
    The top fade ends before ``face`` (a head cut by the photo's top keeps its face)."""
    if all(start is None for start in starts):
        return image
    import numpy as np

    width, height = image.size
    ramp_x = np.ones(width, dtype=np.float32)
    ramp_y = np.ones(height, dtype=np.float32)
    span_x, span_y = max(2, int(width * fraction)), max(2, int(height * fraction))
    for side, start in enumerate(starts):
        if start is None:
            continue
        ramp, span = (ramp_x, span_x) if side % 2 == 0 else (ramp_y, span_y)
        if side == 1 and face is not None:
            span = max(2, min(span, int(0.8 * (face.y - start))))
        fade = np.clip((np.arange(len(ramp), dtype=np.float32) - start) / span, 0.0, 1.0) ** 1.5
        ramp *= fade if side < 2 else fade[::-1]
    alpha = np.asarray(image.getchannel("A"), dtype=np.float32) * ramp_y[:, None] * ramp_x[None, :]
    feathered = image.copy()
    feathered.putalpha(Image.fromarray(alpha.astype(np.uint8), "L"))
    return feathered
