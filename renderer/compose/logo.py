"""The logo: its corner (away from the photo and panels), its size, a plate when it would not
stand out, its shadow."""

from __future__ import annotations

import math

from PIL import Image, ImageFilter

from ..colors import RGBA, contrast_ratio, luminance_array, parse_color, relative_luminance, to_hex
from ..spec.kit import KitSpec
from ..spec.layout import LogoLayer, ShapeLayer
from ..rect import Rect
from .canvas import Work, luminances_behind
from .masks import paint_over, shape_mask
from .plan import PlanImage
from .scene import Scene, keepouts

LOGO_MAX_UPSCALE = 2.0  # a small logo is enlarged at most this much (more is visibly blurred)
LOGO_MIN_SIDE_PX = 16  # a logo drawn thinner than this cannot be made out: warned
LOGO_MIN_CONTRAST = 3.0  # WCAG 2.1's minimum for graphical objects (1.4.11)


def place_logo(scene: Scene, *, avoid: list[Rect]) -> tuple[Rect, str]:
    """The kit's corner, or the nearest other corner when the photo, a panel or a keep-out area is
    there (and a note saying so for the plan)."""
    logo = scene.logo
    assert logo is not None
    region = _logo_region(scene)
    vertical, horizontal = logo.corner.split("-")
    flip_h = {"left": "right", "right": "left"}
    flip_v = {"top": "bottom", "bottom": "top"}
    corners = [logo.corner, f"{vertical}-{flip_h[horizontal]}", f"{flip_v[vertical]}-{horizontal}",
               f"{flip_v[vertical]}-{flip_h[horizontal]}"]
    for corner in corners:
        rect = _logo_rect(scene, region, corner)
        if not any(rect.inflate(8 * scene.scale).intersects(other) for other in avoid):
            note = "" if corner == logo.corner else f"{corner}, not {logo.corner}: the photo, a panel or a keep-out area is there"
            return rect, note
    return _logo_rect(scene, region, logo.corner), ""


def draw_logo(work: Work, scene: Scene, index: int) -> None:
    """Draw the scene's logo (if any) in its place, as plan image ``index`` (-1: no logo layer)."""
    logo = scene.logo
    if logo is None:
        return
    if work.logo_rect is None:
        work.logo_rect, work.logo_note = place_logo(scene, avoid=small_panels(scene) + keepouts(scene))
    rect = work.logo_rect
    variant = logo.light
    behind = luminances_behind(work, rect)
    if logo.dark is not None and sorted(behind)[len(behind) // 2] > 0.4:
        variant = logo.dark
    image = variant.resize((max(1, round(rect.width)), max(1, round(rect.height))), Image.Resampling.LANCZOS)
    if min(rect.width, rect.height) < LOGO_MIN_SIDE_PX * scene.scale:
        w, h = variant.size
        work.warnings.append(f"the logo ({w}x{h} pixels) is drawn {round(rect.width)}x{round(rect.height)} to fit "
                             f"its {logo.max_width_px}x{logo.max_height_px} box: too thin to read; use a logo "
                             "nearer 2:1")
    detail = "dark variant" if variant is logo.dark else ("light variant" if logo.dark is not None else "logo")
    plate = logo_plate(image, sorted(behind)[len(behind) // 2], scene.kit)
    if plate is not None:
        # A single logo that does not stand out from what is behind it (a dark logo on a dark
        # kit) goes on a plate of the kit colour that contrasts most with it.
        color, before, after = plate
        pad = round(8 * scene.scale)
        box = rect.inflate(pad)
        w, h = round(box.width), round(box.height)
        paint = Image.new("RGBA", (w, h), color[:3] + (255,))
        paint.putalpha(shape_mask("rect", w, h, round(10 * scene.scale)))
        paint_over(work.canvas, paint, (round(box.x), round(box.y)))
        detail += f" on a {to_hex(color)} plate (contrast {before:.1f}:1 -> {after:.1f}:1)"
    elif logo.shadow:
        draw_logo_shadow(work.canvas, image, (round(rect.x + 2 * scene.scale), round(rect.y + 4 * scene.scale)),
                         blur_px=6 * scene.scale)
    paint_over(work.canvas, image, (round(rect.x), round(rect.y)))
    work.painted.append(rect.inflate(12 * scene.scale))
    if work.logo_note:
        detail += f"; {work.logo_note}"
    work.images.append(PlanImage(index, "logo", rect, detail))


def draw_logo_shadow(canvas: Image.Image, image: Image.Image, xy: tuple[int, int], *, blur_px: float) -> None:
    """The logo's soft shadow at ``xy``, with the room its blur needs around it: blurred inside
    the logo's own size, a square logo's shadow would stop at a hard straight edge."""
    room = math.ceil(3 * blur_px)
    alpha = Image.new("L", (image.width + 2 * room, image.height + 2 * room), 0)
    alpha.paste(image.getchannel("A").point(lambda a: a * 0.5), (room, room))
    shadow = Image.new("RGBA", alpha.size, (0, 0, 0, 0))
    shadow.putalpha(alpha.filter(ImageFilter.GaussianBlur(blur_px)))
    paint_over(canvas, shadow, (xy[0] - room, xy[1] - room))


def _logo_rect(scene: Scene, region: Rect, corner: str) -> Rect:
    logo = scene.logo
    assert logo is not None
    s = scene.scale
    w, h = logo.light.size
    k = min(logo.max_width_px * s / w, logo.max_height_px * s / h, LOGO_MAX_UPSCALE * s)
    lw, lh = w * k, h * k
    margin = logo.margin_px * s
    x = region.x + margin if corner.endswith("left") else region.right - margin - lw
    y = region.y + margin if corner.startswith("top") else region.bottom - margin - lh
    return Rect(round(x), round(y), round(lw), round(lh))



def logo_plate(image: Image.Image, behind_luminance: float, kit: KitSpec) -> tuple[RGBA, float, float] | None:
    """``(colour, contrast before, contrast after)`` when a logo needs a plate to be seen, else None.

    The logo's luminance is the alpha-weighted mean of its visible pixels; the plate takes the
    first kit colour (surface, background, text, on-accent) with 4.5:1 against it, else white or
    black, whichever reads better."""
    import numpy as np

    pixels = np.asarray(image, dtype=np.float32) / 255.0
    alpha = pixels[..., 3]
    if alpha.sum() < 1.0:
        return None
    logo_luminance = float((luminance_array(pixels[..., :3]) * alpha).sum() / alpha.sum())
    before = contrast_ratio(logo_luminance, behind_luminance)
    if before >= LOGO_MIN_CONTRAST:
        return None
    palette = kit.palette
    candidates = [parse_color(c) for c in (palette.surface, palette.background, palette.text, palette.on_accent)]
    candidates += [(255, 255, 255, 255), (0, 0, 0, 255)]
    against = [contrast_ratio(logo_luminance, relative_luminance(c)) for c in candidates]
    # the kit's own colours first, when one reads well; else whichever reads best
    index = next((i for i, ratio in enumerate(against) if ratio >= 4.5), max(range(len(against)), key=against.__getitem__))
    return candidates[index], before, against[index]


def small_panels(scene: Scene) -> list[Rect]:
    """Rectangular shapes smaller than half the canvas (badges, bars): a logo stays off them."""
    canvas_area = scene.layout.size.width * scene.layout.size.height
    return [
        layer.box.rect(scene.scale)
        for layer in scene.layout.layers
        if isinstance(layer, ShapeLayer) and layer.shape == "rect" and layer.box.width * layer.box.height < canvas_area / 2
    ]


def _logo_region(scene: Scene) -> Rect:
    for layer in scene.layout.layers:
        if isinstance(layer, LogoLayer):
            return layer.box.rect(scene.scale)
    return Rect(0, 0, scene.layout.size.width * scene.scale, scene.layout.size.height * scene.scale)
