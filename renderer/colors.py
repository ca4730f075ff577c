"""Colours: parsing, WCAG luminance and contrast, and nudging a colour until it reads."""

from __future__ import annotations

import re
from array import array
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

RGBA = tuple[int, int, int, int]

_HEX = re.compile(r"#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_NAMED: dict[str, RGBA] = {
    "white": (255, 255, 255, 255),
    "black": (0, 0, 0, 255),
    "transparent": (0, 0, 0, 0),
}
COLOR_FORMS = "#rgb, #rgba, #rrggbb, #rrggbbaa, white, black or transparent"


def _any_case(word: str) -> str:
    return "".join(f"[{ch.lower()}{ch.upper()}]" for ch in word)


#: What ``parse_color`` accepts, as a regular expression that reads the same in Python and in
#: ECMA-262 (the JSON Schema ``pattern`` an editor checks colours with; see renderer.spec.schema).
COLOR_PATTERN = r"^\s*(?:" + _HEX.pattern + "|" + "|".join(_any_case(name) for name in _NAMED) + r")\s*$"


def parse_color(value: str) -> RGBA:
    """``'#rrggbb'`` (and the short and alpha forms) or a few names; ValueError otherwise."""
    text = value.strip()
    if text.lower() in _NAMED:
        return _NAMED[text.lower()]
    match = _HEX.fullmatch(text)
    if not match:
        raise ValueError(f"{value!r} is not a colour ({COLOR_FORMS})")
    digits = match.group(1)
    if len(digits) in (3, 4):
        digits = "".join(ch * 2 for ch in digits)
    if len(digits) == 6:
        digits += "ff"
    r, g, b, a = (int(digits[i : i + 2], 16) for i in range(0, 8, 2))
    return (r, g, b, a)


def to_hex(color: RGBA) -> str:
    r, g, b, a = color
    return f"#{r:02x}{g:02x}{b:02x}" + ("" if a == 255 else f"{a:02x}")


def _channel(value: float) -> float:
    c = value / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


_LUMA_WEIGHTS = (0.2126, 0.7152, 0.0722)
# numpy is imported by the array functions only: parsing and contrast of single colours (specs,
# templates, text colours) do not need it.


def linear_rgb(values: np.ndarray) -> np.ndarray:
    """sRGB channel values in 0..1 (any shape) to linear light."""
    import numpy as np

    linear: np.ndarray = np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)
    return linear


@cache
def channel_tables() -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """Each channel's share of the WCAG luminance per 8-bit value, rounded to float32 (exact as a
    Python float): the tables of :func:`channel_luminance` and :func:`luminances32`."""
    tables = []
    for weight in _LUMA_WEIGHTS:
        shares = []
        for value in range(256):
            c = value / 255.0
            shares.append((c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4) * weight)
        tables.append(tuple(array("f", shares)))
    return (tables[0], tables[1], tables[2])


def luminances32(pixels: list[tuple[int, ...]]) -> array[float]:
    """What :func:`channel_luminance` gives for each ``(r, g, b, ...)`` pixel, float32 sums
    included, bit for bit, without numpy (each sum of two float32 values is exact as a Python
    float; ``array("f")`` rounds it as numpy does)."""
    r, g, b = channel_tables()
    red_green = array("f", [r[pixel[0]] + g[pixel[1]] for pixel in pixels])
    return array("f", [partial + b[pixel[2]] for partial, pixel in zip(red_green, pixels)])


def channel_luminance(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of uint8 sRGB channel arrays: a table lookup per channel, several
    times faster than :func:`luminance_array` on pixels already in uint8."""
    import numpy as np

    r, g, b = (np.array(table, dtype=np.float32) for table in channel_tables())
    luminance: np.ndarray = r[red] + g[green] + b[blue]
    return luminance


def luminance_array(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of ``(..., 3)`` sRGB values in 0..1."""
    import numpy as np

    luminance: np.ndarray = linear_rgb(rgb) @ np.array(_LUMA_WEIGHTS, dtype=rgb.dtype)
    return luminance


def relative_luminance(color: RGBA | tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (alpha ignored)."""
    r, g, b = color[:3]
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(luminance_a: float, luminance_b: float) -> float:
    light, dark = max(luminance_a, luminance_b), min(luminance_a, luminance_b)
    return (light + 0.05) / (dark + 0.05)


def worst_contrast(color: RGBA, background_luminances: tuple[float, ...]) -> float:
    own = relative_luminance(color)
    return min(contrast_ratio(own, lum) for lum in background_luminances)


def mix(a: RGBA, b: RGBA, amount: float) -> RGBA:
    """``a`` moved ``amount`` (0..1) of the way to ``b``; keeps ``a``'s alpha."""
    return (
        round(a[0] + (b[0] - a[0]) * amount),
        round(a[1] + (b[1] - a[1]) * amount),
        round(a[2] + (b[2] - a[2]) * amount),
        a[3],
    )


def ensure_contrast(
    color: RGBA, background_luminances: tuple[float, ...], *, minimum_ratio: float = 4.5
) -> RGBA:
    """``color`` if it reaches ``minimum_ratio`` against every background luminance, otherwise the
    smallest step towards white or black that does (or the better of pure white and black)."""
    if worst_contrast(color, background_luminances) >= minimum_ratio:
        return color
    best: tuple[float, RGBA] | None = None
    for target in ((255, 255, 255, color[3]), (0, 0, 0, color[3])):
        for step in range(1, 21):
            candidate = mix(color, target, step / 20)
            ratio = worst_contrast(candidate, background_luminances)
            if ratio >= minimum_ratio:
                if best is None or step / 20 < best[0]:
                    best = (step / 20, candidate)
                break
    if best is not None:
        return best[1]
    white, black = (255, 255, 255, color[3]), (0, 0, 0, color[3])
    if worst_contrast(white, background_luminances) >= worst_contrast(black, background_luminances):
        return white
    return black
