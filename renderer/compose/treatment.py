"""Calming a picture under the text: blur and a scrim, each only as far as the text's contrast needs.

Measured, not guessed: the pixels behind the text (its ink box and a little around it) are read
from the canvas, and the scrim's opacity is the smallest that brings the text colour to the target
contrast against the brightest (or, for dark text, the darkest) of them. The scrim is a gradient
from the canvas edge on the text's side (a band's edge for top and bottom, a soft box for centred
text), in the layout's scrim colour (the kit's background colour by default), so the rest of the
picture stays a picture. Blur comes first, only where the picture is busy and only when it saves
scrim. When the text colour and the scrim colour may trade places (dark text on a light scrim
instead of light text on a dark one), the pair that needs less scrim wins.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct
from PIL import Image, ImageChops, ImageFilter

from ..colors import RGBA, contrast_ratio, linear_rgb, relative_luminance
from ..rect import Rect

MIN_CONTRAST = 4.5
TARGET_CONTRAST = 5.0  # aimed at, so that the whole ink box (not only the sample) reaches 4.5:1
_WORST_PERCENTILE = 99.0  # "every pixel behind the text", but single specks
_SAMPLE_PIXELS = 5000  # the region behind the text is measured on about this many of its pixels
_MASK_STEP_PX = 4  # the scrim's smooth mask is made at a quarter of the size and enlarged
_BLUR_SAVES = 0.06  # blur is kept only when it saves at least this much scrim opacity
_SWAP_SAVES = 0.15  # the colours trade places only when that saves at least this much


_CHANNEL = linear_rgb(np.arange(256, dtype=np.float32) / 255)  # 8-bit sRGB code -> linear light
_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


class Treatment(Struct, frozen=True):
    """What was done behind one text layer, and the contrast before and after."""

    text_color: RGBA
    swapped: bool  # the text took the scrim's colour and the scrim the text's
    blur_px: float
    scrim_color: RGBA
    scrim_opacity: float
    contrast_before: float  # the layout's text colour over the untouched picture
    contrast_after: float  # the text colour used over the treated picture


def calm_under_text(canvas: Image.Image, ink: Rect, *, at: str, size_px: int, text_color: RGBA, scrim_color: RGBA,
                    blur_max_px: float, scrim_max: float, swap: bool,
                    keep: tuple[tuple[tuple[int, int], Image.Image], ...] = ()) -> Treatment:
    """Blur and scrim ``canvas`` (RGB, changed in place) behind ``ink`` until ``text_color`` (or
    the scrim colour, with ``swap``) reaches TARGET_CONTRAST; returns what was done. ``keep``:
    what is drawn over the picture already (a panel, the presenter), as ``(xy, alpha)``: left as
    it is, as far as it covers the picture."""
    pad = 0.3 * size_px
    region = _clip(ink.inflate(pad), canvas.width, canvas.height)
    if region is None:
        return Treatment(text_color, False, 0.0, scrim_color, 0.0, 0.0, 0.0)
    scrim_color = _scrim_against(text_color, scrim_color)
    mask = _kept_out(_mask(at, canvas.size, ink, pad, size_px), keep)
    pixels, weights = _sample(canvas, region, mask)
    before = _contrast(pixels, text_color)
    schemes = [(text_color, scrim_color)] + ([(scrim_color, text_color)] if swap else [])
    # (cost, text, scrim, scrim needed, blur radius): the layout's colours and no blur, unless
    # trading the colours or blurring saves enough scrim to be worth it
    need = _needed(pixels, weights, text_color, scrim_color, scrim_max)
    options: list[tuple[float, RGBA, RGBA, float, float]] = [(need, text_color, scrim_color, need, 0.0)]
    if need > 0:
        for text, scrim in schemes[1:]:
            swapped_need = _needed(pixels, weights, text, scrim, scrim_max)
            options.append((swapped_need + _SWAP_SAVES, text, scrim, swapped_need, 0.0))
        radius = blur_max_px * _busyness(pixels)
        if radius >= 1.0:  # judged on the region alone; the whole masked area is blurred only if chosen
            box = _box(region)
            blurred_pixels, _ = _sample(_blurred(canvas, box, radius), Rect(0, 0, box[2] - box[0], box[3] - box[1]),
                                        mask.crop(box))
            blurred_pixels = pixels + (blurred_pixels - pixels) * weights[:, None]  # faded in through the mask
            for index, (text, scrim) in enumerate(schemes):
                blurred_need = _needed(blurred_pixels, weights, text, scrim, scrim_max)
                cost = blurred_need + _BLUR_SAVES + (_SWAP_SAVES if index else 0.0)
                options.append((cost, text, scrim, blurred_need, radius))
    _, text, scrim, need, radius = min(options, key=lambda option: option[0])
    blur = 0.0
    masked = mask.getbbox()
    if radius > 0 and masked is not None:
        canvas.paste(_blurred(canvas, masked, radius), masked[:2], mask.crop(masked))
        blur = round(radius, 1)
    opacity = need
    if opacity > 0:
        _paint_scrim(canvas, scrim, opacity, mask)
    after = _contrast(_sample(canvas, region, mask)[0], text)
    while after < TARGET_CONTRAST and 0 < opacity < scrim_max:  # the blend model is approximate: measure again
        step = min(0.05, scrim_max - opacity)
        _paint_scrim(canvas, scrim, step / (1 - opacity), mask)
        opacity += step
        after = _contrast(_sample(canvas, region, mask)[0], text)
    return Treatment(text, text != text_color, blur, scrim, round(opacity, 3), round(before, 2), round(after, 2))


def _clip(rect: Rect, width: int, height: int) -> Rect | None:
    x0, y0 = max(0.0, rect.x), max(0.0, rect.y)
    x1, y1 = min(float(width), rect.right), min(float(height), rect.bottom)
    return Rect(x0, y0, x1 - x0, y1 - y0) if x1 - x0 >= 2 and y1 - y0 >= 2 else None


def _scrim_against(text: RGBA, scrim: RGBA) -> RGBA:
    """The scrim colour, or black or white when it cannot make the text read (too close to it)."""
    if contrast_ratio(relative_luminance(text), relative_luminance(scrim)) >= TARGET_CONTRAST:
        return scrim
    return (0, 0, 0, 255) if relative_luminance(text) >= 0.18 else (255, 255, 255, 255)


def _smooth(t: np.ndarray) -> np.ndarray:
    clipped: np.ndarray = np.clip(t, 0.0, 1.0)
    smooth: np.ndarray = clipped * clipped * (3 - 2 * clipped)
    return smooth


def _mask(at: str, size: tuple[int, int], ink: Rect, pad: float, size_px: int) -> Image.Image:
    """The scrim's shape (L, the canvas's size): full strength behind the text, fading away from
    it towards the rest of the picture."""
    width, height = size
    k = _MASK_STEP_PX
    mask_x, mask_y = _ramps(at, -(-width // k), -(-height // k), ink, pad, size_px, step=k)
    if at in ("left", "right", "top", "bottom"):
        # a ramp along one axis only: enlarged as one row (or column) and repeated, the same pixels
        # as enlarging the whole small mask (its rows, or columns, are equal) at a fifth of the cost
        along_x = at in ("left", "right")
        ramp = mask_x[None, :] if along_x else mask_y[:, None]
        line = Image.fromarray((ramp * 255 + 0.5).astype(np.uint8), "L")
        line = line.resize((width, 1) if along_x else (1, height), Image.Resampling.BILINEAR)
        return line.resize((width, height), Image.Resampling.NEAREST)
    small = Image.fromarray((np.outer(mask_y, mask_x) * 255 + 0.5).astype(np.uint8), "L")
    return small.resize((width, height), Image.Resampling.BILINEAR)


def _ramps(at: str, columns: int, rows: int, ink: Rect, pad: float, size_px: int, *, step: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The scrim's shape as two 1-D ramps (x and y) of ``columns`` and ``rows`` values, one every
    ``step`` canvas pixels: full strength behind the text, fading away from it towards the rest of
    the picture; their outer product is the mask."""
    xs = (np.arange(columns, dtype=np.float32) + 0.5) * step
    ys = (np.arange(rows, dtype=np.float32) + 0.5) * step
    fade_x = max(2.5 * size_px, 0.22 * columns * step)
    fade_y = max(2.0 * size_px, 0.22 * rows * step)
    ones_x, ones_y = np.ones(columns, np.float32), np.ones(rows, np.float32)
    if at == "left":
        return 1 - _smooth((xs - (ink.right + pad)) / fade_x), ones_y
    if at == "right":
        return 1 - _smooth(((ink.x - pad) - xs) / fade_x), ones_y
    if at == "bottom":
        return ones_x, 1 - _smooth(((ink.y - pad) - ys) / fade_y)
    if at == "top":
        return ones_x, 1 - _smooth((ys - (ink.bottom + pad)) / fade_y)
    # centre (or anything else): a soft box around the text
    near_x = np.maximum((ink.x - pad) - xs, xs - (ink.right + pad))
    near_y = np.maximum((ink.y - pad) - ys, ys - (ink.bottom + pad))
    return 1 - _smooth(near_x / (1.2 * size_px)), 1 - _smooth(near_y / (1.2 * size_px))


def _kept_out(mask: Image.Image, keep: tuple[tuple[tuple[int, int], Image.Image], ...]) -> Image.Image:
    """``mask`` lowered where ``keep``'s layers cover the picture (by their alpha)."""
    box = mask.getbbox()
    covering = [(xy, alpha) for xy, alpha in keep
                if box is not None and xy[0] < box[2] and xy[1] < box[3] and xy[0] + alpha.width > box[0] and xy[1] + alpha.height > box[1]]
    if not covering:
        return mask
    covered = Image.new("L", mask.size, 0)
    for xy, alpha in covering:
        region = (xy[0], xy[1], xy[0] + alpha.width, xy[1] + alpha.height)
        covered.paste(ImageChops.lighter(covered.crop(region), alpha), xy)
    return ImageChops.multiply(mask, ImageChops.invert(covered))


def _sample(canvas: Image.Image, region: Rect, mask: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Every n-th pixel of the region, in both directions (about _SAMPLE_PIXELS of them; n, 3 in
    0..1), and the scrim mask's value at each. Picked, not averaged: averaging would hide the
    bright specks the text must read against."""
    x0, y0 = int(region.x), int(region.y)
    x1, y1 = int(np.ceil(region.right)), int(np.ceil(region.bottom))
    step = max(1, int(np.ceil(((x1 - x0) * (y1 - y0) / _SAMPLE_PIXELS) ** 0.5)))
    # picked from the 8-bit pixels, then made floats (the same values; only the picked ones converted)
    pixels = np.asarray(canvas.crop((x0, y0, x1, y1)))[::step, ::step, :3].reshape(-1, 3).astype(np.float32) / 255.0
    weights = np.asarray(mask.crop((x0, y0, x1, y1)))[::step, ::step].reshape(-1).astype(np.float32) / 255.0
    return pixels, weights


def _contrast(pixels: np.ndarray, text: RGBA) -> float:
    """The contrast of ``text`` that all but 1% of the pixels behind it reach (single specks do
    not count): per pixel, WCAG's ratio against the text colour, whichever is lighter."""
    luminance = _luminance(pixels)
    own = relative_luminance(text)
    ratios = (np.maximum(luminance, own) + 0.05) / (np.minimum(luminance, own) + 0.05)
    k = int(len(ratios) * (100 - _WORST_PERCENTILE) / 100)
    return float(np.partition(ratios, k)[k])


def _luminance(pixels: np.ndarray) -> np.ndarray:
    """WCAG luminance of sRGB values in 0..1, as the 8-bit canvas will hold them (a table lookup)."""
    codes = np.clip(pixels * 255 + 0.5, 0, 255).astype(np.uint8)
    return _CHANNEL[codes] @ _LUMA


def _blend(pixels: np.ndarray, weights: np.ndarray, scrim: RGBA, opacity: float) -> np.ndarray:
    amount = (opacity * weights)[:, None]
    return pixels * (1 - amount) + (np.array(scrim[:3], dtype=np.float32) / 255.0) * amount


def _needed(pixels: np.ndarray, weights: np.ndarray, text: RGBA, scrim: RGBA, scrim_max: float) -> float:
    """The smallest scrim opacity (0..scrim_max, to 0.02) that brings ``text`` to TARGET_CONTRAST;
    scrim_max when even that is not enough."""
    if _contrast(pixels, text) >= TARGET_CONTRAST:
        return 0.0
    if _contrast(_blend(pixels, weights, scrim, scrim_max), text) < TARGET_CONTRAST:
        return scrim_max
    low, high = 0.0, scrim_max
    while high - low > 0.02:
        middle = (low + high) / 2
        if _contrast(_blend(pixels, weights, scrim, middle), text) >= TARGET_CONTRAST:
            high = middle
        else:
            low = middle
    return round(high, 3)


def _busyness(pixels: np.ndarray) -> float:
    """0 (flat, or a smooth gradient) to 1 (fine texture, scattered lights): how much the spread
    of luminance behind the text comes from small detail rather than from broad shading."""
    luminance = _luminance(pixels)
    spread = float(np.percentile(luminance, _WORST_PERCENTILE) - np.percentile(luminance, 50))
    return float(np.clip((spread - 0.08) / 0.35, 0.0, 1.0))


def _box(rect: Rect) -> tuple[int, int, int, int]:
    return int(rect.x), int(rect.y), int(np.ceil(rect.right)), int(np.ceil(rect.bottom))


def _blurred(canvas: Image.Image, box: tuple[int, int, int, int], radius: float) -> Image.Image:
    """``box`` of ``canvas`` blurred by ``radius`` (with the pixels around it, so its edges blur as
    the inside does), made at a half or a quarter of the size: a soft blur shows no difference."""
    k = 4 if radius >= 4 else 2
    margin = int(3 * radius) + 2 * k
    x0, y0 = max(0, box[0] - margin), max(0, box[1] - margin)
    x1, y1 = min(canvas.width, box[2] + margin), min(canvas.height, box[3] + margin)
    part = canvas.crop((x0, y0, x1, y1))
    small = part.reduce(k).filter(ImageFilter.GaussianBlur(radius / k))
    whole = small.resize(part.size, Image.Resampling.BILINEAR)
    return whole.crop((box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0))


def _paint_scrim(canvas: Image.Image, color: RGBA, opacity: float, mask: Image.Image) -> None:
    amount = min(1.0, opacity)
    box = mask.getbbox()  # only where the mask is not zero
    if box is not None:
        region = mask.crop(box).point(lambda value: round(value * amount))
        canvas.paste(Image.new("RGB", region.size, color[:3]), box[:2], region)


__all__ = ["MIN_CONTRAST", "TARGET_CONTRAST", "Treatment", "calm_under_text"]
