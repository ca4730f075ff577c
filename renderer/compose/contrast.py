"""Text that reads: colours nudged to WCAG 4.5:1 against what is behind them, drop shadows only
where they show, and a feathered local scrim when no colour can read over a busy backdrop."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter

from ..colors import RGBA, contrast_ratio, ensure_contrast, parse_color, relative_luminance
from ..spec.layout import Shadow
from ..text.typeset import Typeface
from ..rect import Rect
from .plan import PlanLine

MIN_CONTRAST = 4.5


def readable_accent(accent: RGBA, text_color: RGBA, behind: tuple[float, ...]) -> RGBA:
    """The accent, nudged to 4.5:1 against the background; if it cannot get there without
    turning into the text colour, the text colour's contrast is what matters."""
    adjusted = ensure_contrast(accent, behind, minimum_ratio=MIN_CONTRAST)
    if contrast_ratio(relative_luminance(adjusted), relative_luminance(text_color)) < 1.15:
        return text_color
    return adjusted


def draw_text_shadow(canvas: Image.Image, lines: tuple[PlanLine, ...], typeface: Typeface, size: int, ink: Rect, shadow: Shadow, stroke_px: int) -> None:
    """A soft drop shadow: the glyphs drawn into a mask at a quarter of the size, blurred there
    (16x fewer pixels than at full size) and scaled back up, then painted through that mask."""
    blur = shadow.blur_em * size
    dx, dy = shadow.offset_x_em * size, shadow.offset_y_em * size
    margin = int(blur * 3 + stroke_px + size * 0.3) + 4  # the blur's full reach: no straight edge at the mask's border
    x0 = max(0, int(ink.x + min(dx, 0)) - margin)
    y0 = max(0, int(ink.y + min(dy, 0)) - margin)
    x1 = min(canvas.width, int(ink.right + max(dx, 0)) + margin)
    y1 = min(canvas.height, int(ink.bottom + max(dy, 0)) + margin + int(size * 0.3))
    if x1 <= x0 or y1 <= y0:
        return
    k = 4 if blur >= 4 else 1
    color = parse_color(shadow.color)
    mask = Image.new("L", ((x1 - x0 + k - 1) // k, (y1 - y0 + k - 1) // k), 0)
    small = max(1, round(size / k))
    for line in lines:
        for segment in line.segments:
            typeface.draw(mask, (segment.x_px - x0 + dx) / k, (line.baseline_px - y0 + dy) / k, segment.text, small,
                          fill=color[3], stroke_width_px=round(stroke_px / k), stroke_fill=color[3], rtl=segment.rtl)
    if blur > 0:
        mask = mask.filter(ImageFilter.GaussianBlur(blur / k))
    if k > 1:
        mask = mask.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
    # pasting an image through a mask is ~2x faster in Pillow than pasting a colour tuple
    canvas.paste(Image.new("RGB", mask.size, color[:3]), (x0, y0), mask)


def shadow_shows(shadow: RGBA, text: RGBA, behind: tuple[float, ...]) -> bool:
    """A shadow is drawn where it can be seen and helps: it must stand out from the backdrop
    (a black shadow on navy is invisible and costs a blur) and sit under text lighter than the
    backdrop (under dark text on a light theme it is only a grey halo)."""
    middle = sorted(behind)[len(behind) // 2]
    return contrast_ratio(relative_luminance(shadow), middle) >= 1.6 and relative_luminance(text) > middle


def local_scrim(canvas: Image.Image, rect: Rect, text_color: RGBA, behind: tuple[float, ...], *, feather_px: float) -> None:
    """Darken (under light text) or lighten (under dark text) the canvas inside ``rect`` so that
    the brightest (darkest) part behind the text reaches 4.5:1, with soft edges."""
    light_text = relative_luminance(text_color) >= 0.5
    text_lum = relative_luminance(text_color)
    if light_text:
        target = (text_lum + 0.05) / MIN_CONTRAST - 0.05  # the background luminance allowed at most
        worst = max(behind)
        keep = min(1.0, max(0.0, target / max(worst, 1e-6))) ** (1 / 2.2) * 0.97
        amount, paint = 1 - keep, (0, 0, 0)
    else:
        target = MIN_CONTRAST * (text_lum + 0.05) - 0.05  # the background luminance needed at least
        worst = min(behind)
        gap = (target - worst) / max(1 - worst, 1e-6)
        amount, paint = min(1.0, max(0.0, gap) ** (1 / 2.2) * 1.03), (255, 255, 255)
    if amount <= 0:
        return
    x0, y0 = max(0, int(rect.x)), max(0, int(rect.y))
    x1, y1 = min(canvas.width, int(rect.right)), min(canvas.height, int(rect.bottom))
    if x1 <= x0 or y1 <= y0:
        return
    k = 4
    small = Image.new("L", (max(1, (x1 - x0) // k), max(1, (y1 - y0) // k)), 0)
    feather = max(1, int(feather_px / k))
    ImageDraw.Draw(small).rounded_rectangle((feather, feather, small.width - feather, small.height - feather),
                                           radius=feather * 2, fill=round(255 * amount))
    mask = small.filter(ImageFilter.GaussianBlur(feather / 2)).resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
    canvas.paste(Image.new("RGB", mask.size, paint), (x0, y0), mask)
