"""A new kit's logo variants from the one logo the user gives.

The renderer draws ``file`` on dark grounds and ``file_dark`` (when there is one) on light
grounds. A logo with light ink becomes ``file``; one with dark ink becomes ``file_dark``. The
missing variant is made as a one-colour version (the logo's shape in the kit's light or dark
colour), the usual knockout treatment of a brand mark: parts drawn in the ground's own colour
(a white symbol inside a dark-ink logo's badge) become holes, so inner details survive.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct
from PIL import Image

from ..colors import luminance_array, parse_color, relative_luminance
from ..errors import InputError
from ..spec.kit import Palette

LIGHT_INK_LUMINANCE = 0.4  # the renderer's threshold between light and dark grounds
OPAQUE_ALPHA = 128
#: Logos are drawn at most 800 px wide (1600 at hd): a logo is kept at most this size a side.
LOGO_MAX_SIDE_PX = 1600
LOGO_FILE = "logo.png"
LOGO_DARK_FILE = "logo-dark.png"


class LogoVariants(Struct, frozen=True):
    light: Image.Image  # for dark grounds: the kit's ``file``
    dark: Image.Image  # for light grounds: the kit's ``file_dark``
    made: str  # which variant was made as a one-colour version: "light" or "dark"


def require_visible_logo(image: Image.Image, label: str, *, field: str) -> None:
    """Refuse a logo with nothing to draw: no pixel even half opaque (the ``InputError`` names
    ``label``; ``kit new`` and a request's ``logoImage`` say the same)."""
    if image.getchannel("A").point(lambda alpha: 255 if alpha >= OPAQUE_ALPHA else 0).getbbox() is None:
        raise InputError(
            f"{label} has no visible pixels (none is even half opaque): there is no logo to draw; "
            "use a PNG or WebP whose logo is opaque on a transparent ground",
            field=field,
        )


def ink_luminance(image: Image.Image) -> float:
    """The median WCAG luminance of the logo's opaque pixels (0 for an empty logo)."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
    ink = rgba[rgba[..., 3] >= OPAQUE_ALPHA][:, :3] / 255.0
    if len(ink) == 0:
        return 0.0
    return float(np.median(luminance_array(ink)))


def logo_variants(image: Image.Image, palette: Palette) -> LogoVariants:
    """The given logo as one variant and a one-colour version of it as the other."""
    rgba = image.convert("RGBA")
    light_color, dark_color = _light_and_dark(palette)
    if ink_luminance(rgba) > LIGHT_INK_LUMINANCE:
        return LogoVariants(light=rgba, dark=one_color(rgba, dark_color, holes="dark"), made="dark")
    return LogoVariants(light=one_color(rgba, light_color, holes="light"), dark=rgba, made="light")


def one_color(image: Image.Image, color: str, *, holes: str) -> Image.Image:
    """The logo's shape filled with ``color``. ``holes="light"``: near-white parts (drawn to show
    a light ground) become transparent; ``"dark"``: near-black parts do."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
    c = rgba[..., :3] / 255.0
    lum = luminance_array(c)
    hole = np.clip((lum - 0.6) / 0.25, 0, 1) if holes == "light" else np.clip((0.06 - lum) / 0.05, 0, 1)
    alpha = (rgba[..., 3] * (1.0 - hole)).round().astype(np.uint8)
    filled = Image.new("RGBA", image.size, parse_color(color)[:3] + (255,))
    filled.putalpha(Image.fromarray(alpha, "L"))
    return filled


def _light_and_dark(palette: Palette) -> tuple[str, str]:
    """The kit's lightest and darkest of text and background: one of them is light, one dark."""
    ranked = sorted((palette.text, palette.background), key=lambda c: relative_luminance(parse_color(c)))
    return ranked[1], ranked[0]
