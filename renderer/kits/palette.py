"""A brand palette from reference pixels: dominant colours, then the six kit roles with readable
contrast.

Dominant colours come from Pillow's median cut refined by k-means on a fixed sample of every
image's pixels (each image counts the same); near-identical clusters are merged in CIE Lab.
Roles: the background is a dominant dark (or light) base pushed to a deep (or pale) tone, the
text reaches ``TEXT_CONTRAST`` on it, the accent is the most saturated dominant colour moved in
lightness until it reaches ``ACCENT_CONTRAST``, and ``on_accent`` reads on the accent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from msgspec import Struct
from PIL import Image

from ..colors import contrast_ratio, linear_rgb, relative_luminance
from ..spec.kit import Palette

TEXT_CONTRAST = 7.0  # WCAG AAA: titles must read at 168x94
ACCENT_CONTRAST = 3.0  # WCAG non-text contrast: bars, panels, highlight boxes
READABLE_CONTRAST = 4.5  # WCAG AA: text on the accent, muted text, accent-coloured words
SAMPLES_PER_IMAGE = 4096
MAX_CLUSTERS = 12
MERGE_DELTA_E = 12.0  # clusters closer than this (CIE76) are one colour
MIN_ACCENT_SHARE = 0.01  # specks below this share are noise, not an accent
CHROMATIC = 20.0  # Lab chroma from which a colour counts as a colour rather than a grey

RGB = tuple[int, int, int]
Lab = tuple[float, float, float]


class Swatch(Struct, frozen=True):
    """A dominant colour and the share of the (equally weighted) reference pixels it covers."""

    rgb: RGB
    share: float
    lab: Lab

    @property
    def lightness(self) -> float:
        return self.lab[0]

    @property
    def chroma(self) -> float:
        return math.hypot(self.lab[1], self.lab[2])

    @property
    def hex(self) -> str:
        return "#%02x%02x%02x" % self.rgb


class PaletteChoice(Struct, frozen=True):
    palette: Palette
    theme: Literal["dark", "light"]
    colorfulness: float  # share-weighted mean Lab chroma of the references
    accent_chroma: float  # Lab chroma of the chosen accent
    accent_from_references: bool  # False when the references had no colour and one was chosen
    swatches: tuple[Swatch, ...]


# -- dominant colours -------------------------------------------------------------------------
def dominant_colors(pixel_sets: Sequence[np.ndarray], *, max_colors: int = MAX_CLUSTERS, seed: int = 0) -> tuple[Swatch, ...]:
    """The dominant colours of several ``(n, 3)`` uint8 pixel arrays, largest share first."""
    if not pixel_sets:
        raise ValueError("no pixels")
    rng = np.random.default_rng(seed)
    samples = [pixels[rng.integers(0, len(pixels), SAMPLES_PER_IMAGE)] for pixels in pixel_sets]
    stacked = np.concatenate(samples).reshape(len(samples) * 64, SAMPLES_PER_IMAGE // 64, 3)
    quantized = Image.fromarray(stacked, "RGB").quantize(colors=max_colors, method=Image.Quantize.MEDIANCUT, kmeans=4)
    palette = np.array(quantized.getpalette(), dtype=np.uint8).reshape(-1, 3)
    counts = np.bincount(np.asarray(quantized).ravel(), minlength=len(palette))[: len(palette)]
    used = counts > 0
    return _merge(palette[used], counts[used] / counts.sum())


def _merge(colors: np.ndarray, shares: np.ndarray) -> tuple[Swatch, ...]:
    """Greedy merge, largest first: a cluster within ``MERGE_DELTA_E`` of a kept one joins it."""
    order = np.argsort(-shares)
    labs = srgb_to_lab(colors.astype(np.float64))
    kept: list[list[Any]] = []  # [lab_sum_weighted, share, rgb of the largest member]
    for index in order:
        lab, share = labs[index], float(shares[index])
        for entry in kept:
            if np.linalg.norm(entry[0] / entry[1] - lab) < MERGE_DELTA_E:
                entry[0] = entry[0] + lab * share
                entry[1] += share
                break
        else:
            kept.append([lab * share, share, tuple(int(c) for c in colors[index])])
    swatches = []
    for lab_sum, share, _ in kept:
        lab = lab_sum / share
        swatches.append(Swatch(rgb=lab_to_rgb(tuple(lab)), share=round(share, 4), lab=(float(lab[0]), float(lab[1]), float(lab[2]))))
    return tuple(sorted(swatches, key=lambda s: -s.share))


# -- roles ------------------------------------------------------------------------------------
def assign_roles(swatches: Sequence[Swatch]) -> PaletteChoice:
    """The six palette roles from the dominant colours, every contrast threshold met."""
    if not swatches:
        raise ValueError("no colours")
    dark_share = sum(s.share for s in swatches if s.lightness < 50)
    theme: Literal["dark", "light"] = "dark" if dark_share >= 0.5 else "light"
    dark = theme == "dark"
    base = _background_base(swatches, dark)
    background = _background(base, dark)
    text = _text(swatches, background, dark)
    accent, from_refs = _accent(swatches, base, background, dark)
    on_accent = _on_accent(accent, text, background)
    surface = _surface(background, text, dark)
    muted = _muted(text, background)
    palette = Palette(
        background=_hex(background), surface=_hex(surface), text=_hex(text),
        accent=_hex(accent), muted=_hex(muted), on_accent=_hex(on_accent),
    )
    colorfulness = sum(s.share * s.chroma for s in swatches) / sum(s.share for s in swatches)
    accent_lab = srgb_to_lab(np.array([accent], dtype=np.float64))[0]
    return PaletteChoice(
        palette=palette, theme=theme, colorfulness=round(colorfulness, 2),
        accent_chroma=round(float(math.hypot(accent_lab[1], accent_lab[2])), 2),
        accent_from_references=from_refs, swatches=tuple(swatches),
    )


def _background_base(swatches: Sequence[Swatch], dark: bool) -> Swatch:
    side = [s for s in swatches if (s.lightness < 50) == dark] or list(swatches)
    # the largest calm colour on the theme's side: saturated areas make better accents than grounds
    return max(side, key=lambda s: s.share * (1.0 - min(s.chroma, 60.0) / 120.0))


def _background(base: Swatch, dark: bool) -> RGB:
    lightness, chroma, hue = _lch(base.lab)
    if dark:
        lab = _from_lch(min(lightness, 14.0), min(chroma, 22.0), hue)
    else:
        lab = _from_lch(max(lightness, 95.0), min(chroma, 10.0), hue)
    return lab_to_rgb(lab)


def _text(swatches: Sequence[Swatch], background: RGB, dark: bool) -> RGB:
    """A near-white (near-black) from the references when one reads, else one tinted like the ground."""
    if dark:
        found = [s.rgb for s in swatches if s.lightness >= 90 and s.chroma <= 12]
    else:
        found = [s.rgb for s in swatches if s.lightness <= 25 and s.chroma <= 25]
    readable = [c for c in found if _cr(c, background) >= TEXT_CONTRAST]
    if readable:
        return max(readable, key=lambda c: _cr(c, background))
    _, bg_chroma, hue = _lch(_lab(background))
    lightness, chroma = (97.0, min(2.5, bg_chroma)) if dark else (14.0, min(8.0, bg_chroma))
    return _until(lambda l: lab_to_rgb(_from_lch(l, chroma, hue)), lightness, +1 if dark else -1,
                  lambda c: _cr(c, background) >= TEXT_CONTRAST)


def _accent(swatches: Sequence[Swatch], base: Swatch, background: RGB, dark: bool) -> tuple[RGB, bool]:
    candidates = [s for s in swatches if s.chroma >= CHROMATIC and s.share >= MIN_ACCENT_SHARE]
    if candidates:
        # the most saturated colour; presence breaks near-ties, the ground's own colour comes last
        best = max(candidates, key=lambda s: s.chroma * s.share ** 0.15 * (0.6 if s is base else 1.0))
        lightness, chroma, hue = _lch(best.lab)
        from_refs = True
    else:
        _, bg_chroma, bg_hue = _lch(_lab(background))
        hue = bg_hue if bg_chroma >= 6 else 75.0  # a warm amber when the references are grey
        lightness, chroma = (80.0, 70.0) if dark else (50.0, 65.0)
        from_refs = False
    color = _until(lambda l: lab_to_rgb(_from_lch(l, chroma, hue)), lightness, +1 if dark else -1,
                   lambda c: _cr(c, background) >= ACCENT_CONTRAST)
    return color, from_refs


def _on_accent(accent: RGB, text: RGB, background: RGB) -> RGB:
    """The kit's text or ground colour, whichever reads better on the accent; else black or white."""
    best = max((text, background), key=lambda c: _cr(c, accent))
    if _cr(best, accent) >= READABLE_CONTRAST:
        return best
    return max(((0, 0, 0), (255, 255, 255)), key=lambda c: _cr(c, accent))


def _surface(background: RGB, text: RGB, dark: bool) -> RGB:
    """The ground's second tone (gradients, glows): the same hue a step lighter (darker) and a
    little richer. Never mixed with the accent: complementary hues mix to mud."""
    lightness, chroma, hue = _lch(_lab(background))
    if chroma >= 4.0:
        chroma = min(chroma * 1.25 + 2.0, 24.0 if dark else 14.0)
    for step in (9.0, 7.0, 5.0, 3.0):
        color = lab_to_rgb(_from_lch(lightness + step if dark else lightness - step, chroma, hue))
        if _cr(text, color) >= TEXT_CONTRAST - 1.0:
            return color
    return background


def _muted(text: RGB, background: RGB) -> RGB:
    """Secondary text: part of the way from the text to the ground, still readable."""
    t, b = np.array(_lab(text)), np.array(_lab(background))
    for amount in (0.4, 0.32, 0.24, 0.16, 0.08, 0.0):
        color = lab_to_rgb(tuple(t + (b - t) * amount))
        if _cr(color, background) >= READABLE_CONTRAST:
            return color
    return text


def _until(make: Callable[[float], RGB], start: float, direction: int, good: Callable[[RGB], bool]) -> RGB:
    """``make(lightness)`` from ``start`` in steps of 2 towards ``direction`` until ``good``."""
    lightness = start
    while True:
        color = make(lightness)
        if good(color) or not 0.0 < lightness < 100.0:
            return color
        lightness = min(100.0, max(0.0, lightness + 2.0 * direction))


# -- colour science ---------------------------------------------------------------------------
_M = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
_M_INV = np.linalg.inv(_M)
_WHITE = np.array([0.95047, 1.0, 1.08883])  # D65


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """``(..., 3)`` sRGB 0-255 to CIE Lab (D65)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    xyz = linear_rgb(c) @ _M.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def _lab_to_linear(lab: Lab) -> np.ndarray:
    lightness, a, b = lab
    fy = (lightness + 16) / 116
    f = np.array([fy + a / 500, fy, fy - b / 200])
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE
    rgb: np.ndarray = _M_INV @ xyz
    return rgb


def lab_to_rgb(lab: Lab) -> RGB:
    """CIE Lab to sRGB; out-of-gamut colours lose chroma (not lightness or hue) until they fit."""
    lightness, chroma, hue = _lch(lab)
    lightness = min(100.0, max(0.0, lightness))
    low, high = 0.0, chroma
    linear = _lab_to_linear(_from_lch(lightness, chroma, hue))
    if np.any(linear < -1e-4) or np.any(linear > 1 + 1e-4):
        for _ in range(24):  # bisect the largest chroma that is in gamut
            middle = (low + high) / 2
            candidate = _lab_to_linear(_from_lch(lightness, middle, hue))
            if np.any(candidate < -1e-4) or np.any(candidate > 1 + 1e-4):
                high = middle
            else:
                low = middle
        linear = _lab_to_linear(_from_lch(lightness, low, hue))
    linear = np.clip(linear, 0.0, 1.0)
    c = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    r, g, b = (int(round(v * 255)) for v in c)
    return (r, g, b)


def _lab(rgb: RGB) -> Lab:
    lab = srgb_to_lab(np.array(rgb, dtype=np.float64))
    return (float(lab[0]), float(lab[1]), float(lab[2]))


def _lch(lab: Lab) -> tuple[float, float, float]:
    lightness, a, b = lab
    return float(lightness), float(math.hypot(a, b)), float(math.degrees(math.atan2(b, a)) % 360)


def _from_lch(lightness: float, chroma: float, hue_deg: float) -> Lab:
    h = math.radians(hue_deg)
    return (lightness, chroma * math.cos(h), chroma * math.sin(h))


def _cr(a: RGB, b: RGB) -> float:
    return contrast_ratio(relative_luminance(a), relative_luminance(b))


def _hex(rgb: RGB) -> str:
    return "#%02x%02x%02x" % rgb
