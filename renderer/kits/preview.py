"""A kit's preview sheet: its name, one thumbnail per format (the kit's preferred layout for that
format, else auto), the same YouTube thumbnail at sidebar size, the palette swatches with role
names, hex codes and contrasts, and the logo variants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct
from PIL import Image, ImageDraw, ImageFont

from ..colors import contrast_ratio, parse_color, relative_luminance
from ..compose.scene import LogoSource
from ..formats import FORMAT_NAMES
from ..spec.catalog import Kit
from ..spec.kit import PALETTE_ROLES, Palette
from .categories import apply_category_to_kit
from .render import load_logo_source, render_with_kit

if TYPE_CHECKING:
    from ..api import Renderer

SHEET_WIDTH_PX = 1800
MARGIN_PX = 48
GAP_PX = 28
ROW_HEIGHT_PX = 340
SIDEBAR_SIZE_PX = (168, 94)  # a YouTube sidebar thumbnail
SHEET_BACKGROUND = "#eceef2"
INK = "#15171c"
INK_SOFT = "#5b6070"

# Sample titles by what a layout is picked for (split and bold take default ones), one per format.
SAMPLE_TITLES = {
    "listicle": ("7 *habits* that changed how I work", "5 tools I use every day", "10 mistakes beginners make",
                 "3 rules for better slides", "12 books that made me better"),
    "short": ("Stop doing this", "Big news", "Finally!", "Try this", "It works"),
    "long": ("I tried every productivity app for a month so you don't have to",),
    "default": ("The *secret* to calmer mornings", "I quit my job to do this", "Why nobody talks about this",
                "How we shipped in one week", "What I learned from 100 interviews"),
}


class _Tile(Struct, frozen=True):
    fmt: str
    layout: str
    image: Image.Image


def preview_sheet(renderer: "Renderer", kit: Kit) -> Image.Image:
    """The sheet as an RGB image (``SHEET_WIDTH_PX`` wide)."""
    shown = apply_category_to_kit(kit, "auto")  # what a request with category auto will look like
    logo = load_logo_source(renderer, kit)
    tiles = preview_tiles(renderer, shown, logo)
    fonts = _Fonts(renderer)

    rows = _rows(tiles)
    header_h = 150
    swatch_h = 190
    logo_h = 150 if kit.spec.logo else 0
    height = MARGIN_PX * 2 + header_h + sum(ROW_HEIGHT_PX + 44 + GAP_PX for _ in rows) + swatch_h + logo_h
    sheet = Image.new("RGB", (SHEET_WIDTH_PX, height), SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)

    spec = shown.spec
    name_font = renderer.fonts.face(spec.fonts.heading.family, spec.fonts.heading.weight).at(64)  # the kit's own
    draw.text((MARGIN_PX, MARGIN_PX), spec.name, font=name_font, fill=INK)
    subtitle = f"{kit.id}  ·  {spec.description}" if spec.description else kit.id
    draw.text((MARGIN_PX, MARGIN_PX + 78), subtitle, font=fonts.body(24), fill=INK_SOFT)
    details = (f"headings {spec.fonts.heading.family} {spec.fonts.heading.weight}  ·  body {spec.fonts.body.family} "
               f"{spec.fonts.body.weight}  ·  emphasis {spec.style.emphasis}  ·  category {kit.spec.category}")
    draw.text((MARGIN_PX, MARGIN_PX + 112), details, font=fonts.body(20), fill=INK_SOFT)

    y = MARGIN_PX + header_h
    for row in rows:
        x = MARGIN_PX
        for tile in row:
            w = round(tile.image.width * ROW_HEIGHT_PX / tile.image.height)
            sheet.paste(tile.image.resize((w, ROW_HEIGHT_PX), Image.Resampling.LANCZOS), (x, y))
            draw.text((x, y + ROW_HEIGHT_PX + 10), f"{tile.fmt}  ·  {tile.layout}", font=fonts.body(20), fill=INK_SOFT)
            x += w + GAP_PX
        y += ROW_HEIGHT_PX + 44 + GAP_PX

    _swatches(draw, fonts, spec.palette, MARGIN_PX, y)
    small = tiles[0].image.resize(SIDEBAR_SIZE_PX, Image.Resampling.LANCZOS)
    sx = SHEET_WIDTH_PX - MARGIN_PX - SIDEBAR_SIZE_PX[0]
    sheet.paste(small, (sx, y + 20))
    draw.text((sx, y + 20 + SIDEBAR_SIZE_PX[1] + 8), "youtube at 168x94", font=fonts.body(18), fill=INK_SOFT)
    y += swatch_h
    if logo is not None:
        _logos(sheet, draw, fonts, logo, spec.palette, MARGIN_PX, y)
    return sheet


def preview_tiles(renderer: "Renderer", kit: Kit, logo: LogoSource | None) -> list[_Tile]:
    """One render per format, one with the kit's presenter photo when it has one, and one over a
    kit background when it lists some."""
    tiles = [_tile(renderer, kit, fmt, index, logo) for index, fmt in enumerate(FORMAT_NAMES)]
    if kit.spec.backgrounds:  # a faceless thumbnail over the kit background its title picks
        title = SAMPLE_TITLES["long"][0]
        picture = renderer.kit_picture(kit, title, width_px=1280, height_px=720)
        over = render_with_kit(renderer, kit, title, format_name="youtube", logo=logo, picture=picture)
        tiles.append(_Tile("youtube over a kit background", over.layout, over.image))
    if kit.spec.photo is not None:  # the presenter, as usePhoto places them
        with_photo = render_with_kit(renderer, kit, SAMPLE_TITLES["default"][0], format_name="youtube", logo=logo,
                                     photo=renderer.kit_photo(kit))
        tiles.append(_Tile("youtube with the photo", with_photo.layout, with_photo.image))
    return tiles


def _tile(renderer: "Renderer", kit: Kit, fmt: str, index: int, logo: LogoSource | None) -> _Tile:
    preferred = next((name for name in kit.spec.layouts if name in renderer.layouts and renderer.layouts[name].spec.format == fmt), None)
    layout = renderer.layouts[preferred] if preferred else None
    picks = layout.spec.picks if layout else ()
    pick = next((p for p in ("listicle", "short", "default", "long") if p in picks), "default")
    titles = SAMPLE_TITLES[pick]
    result = render_with_kit(renderer, kit, titles[index % len(titles)], format_name=fmt, layout=preferred or "auto", logo=logo)
    return _Tile(fmt, result.layout, result.image)


def _rows(tiles: list[_Tile]) -> list[list[_Tile]]:
    """Greedy rows that fit the sheet width at ``ROW_HEIGHT_PX``."""
    rows: list[list[_Tile]] = [[]]
    width = 0
    usable = SHEET_WIDTH_PX - 2 * MARGIN_PX
    for tile in tiles:
        w = round(tile.image.width * ROW_HEIGHT_PX / tile.image.height)
        if rows[-1] and width + GAP_PX + w > usable:
            rows.append([])
            width = 0
        width += (GAP_PX if rows[-1] else 0) + w
        rows[-1].append(tile)
    return rows


def _swatches(draw: ImageDraw.ImageDraw, fonts: "_Fonts", palette: Palette, x: int, y: int) -> None:
    size_w, size_h = 200, 120
    for index, role in enumerate(PALETTE_ROLES):
        value = getattr(palette, role)
        color = parse_color(value)
        left = x + index * (size_w + 16)
        draw.rounded_rectangle((left, y, left + size_w, y + size_h), radius=14, fill=color[:3], outline="#c9ccd4", width=1)
        own = relative_luminance(color)
        label = "#ffffff" if contrast_ratio(own, 1.0) >= contrast_ratio(own, 0.0) else INK
        draw.text((left + 14, y + 12), role, font=fonts.body(22), fill=label)
        draw.text((left + 14, y + 42), value, font=fonts.body(20), fill=label)
        note = _contrast_note(role, palette)
        if note:
            draw.text((left + 14, y + 84), note, font=fonts.body(18), fill=label)


def _contrast_note(role: str, palette: Palette) -> str:
    """The contrast that matters for a role: what is drawn on what."""
    lum = {r: relative_luminance(parse_color(getattr(palette, r))) for r in PALETTE_ROLES}
    pairs = {"surface": ("text", "surface", "text on it"), "text": ("text", "background", "on bg"),
             "accent": ("accent", "background", "on bg"), "muted": ("muted", "background", "on bg"),
             "on_accent": ("on_accent", "accent", "on accent")}
    if role not in pairs:
        return ""
    fg, bg, words = pairs[role]
    return f"{contrast_ratio(lum[fg], lum[bg]):.1f}:1 {words}"


def _logos(sheet: Image.Image, draw: ImageDraw.ImageDraw, fonts: "_Fonts", logo: LogoSource, palette: Palette, x: int, y: int) -> None:
    """Each variant where the renderer uses it: ``file`` on dark grounds, ``file_dark`` on light."""
    grounds = (palette.background, palette.text)  # one of them is dark, the other light
    dark_ground, light_ground = sorted(grounds, key=lambda c: relative_luminance(parse_color(c)))
    variants = [("file, on a dark ground", logo.light, parse_color(dark_ground)[:3])]
    if logo.dark is not None:
        variants.append(("file_dark, on a light ground", logo.dark, parse_color(light_ground)[:3]))
    for label, image, fill in variants:
        box_w, box_h = 520, 110
        draw.rounded_rectangle((x, y, x + box_w, y + box_h), radius=14, fill=fill, outline="#c9ccd4", width=1)
        scaled = image.copy()
        scaled.thumbnail((box_w - 60, box_h - 36), Image.Resampling.LANCZOS)
        sheet.paste(scaled, (x + (box_w - scaled.width) // 2, y + (box_h - scaled.height) // 2), scaled)
        draw.text((x, y + box_h + 8), label, font=fonts.body(18), fill=INK_SOFT)
        x += box_w + GAP_PX


class _Fonts:
    """The sheet's own type: the bundled Inter, whatever the kit uses."""

    def __init__(self, renderer: "Renderer") -> None:
        self._book = renderer.fonts

    def body(self, size_px: int) -> ImageFont.FreeTypeFont:
        return self._book.face("inter", "bold").at(size_px)
