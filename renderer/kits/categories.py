"""ThumbAPI's ``category``: a niche preset that biases a brand kit's style.

Each category has a frozen preset: a palette mood suited to the niche, a heading font, the order
of layout designs it prefers, an emphasis style and a text transform. ``apply_category`` returns a
new ``KitSpec``:

* on the default kit (no brand of its own) the whole preset applies: palette, fonts and style;
* on a brand kit the brand's colours and fonts win: only the layout order and the emphasis style
  are biased (and the transform is kept);
* ``auto`` means the kit's own ``category`` field (and nothing when that is ``auto`` too).
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

from ..colors import contrast_ratio, parse_color, relative_luminance
from ..errors import InputError
from ..formats import FORMAT_NAMES
from ..request import CATEGORIES
from ..spec.catalog import Kit
from ..spec.kit import KitFont, KitFonts, KitSpec, KitStyle, Palette

DEFAULT_KIT_ID = "default"  # the same id as renderer.api.DEFAULT_KIT: the kit without a brand
DESIGNS = ("bold", "listicle", "minimal", "split")  # layouts are named <format>-<design>

READABLE_TEXT_CONTRAST = 4.5  # WCAG AA, what the composer enforces on text

Design = Literal["bold", "listicle", "minimal", "split"]


class CategoryPreset(Struct, frozen=True):
    category: str
    mood: str  # why these colours, in a few words
    palette: Palette
    heading: KitFont
    emphasis: Literal["color", "highlight", "none"]
    transform: Literal["upper", "none"]
    designs: tuple[Design, ...]  # preferred layout designs, best first

    def layout_names(self, formats: tuple[str, ...] = FORMAT_NAMES) -> list[str]:
        return design_layouts(self.designs, formats)


def design_layouts(designs: tuple[str, ...], formats: tuple[str, ...] = FORMAT_NAMES) -> list[str]:
    """Layout designs as layout names for every format, design by design (youtube-bold, ...)."""
    return [f"{fmt}-{design}" for design in designs for fmt in formats]


def _palette(background: str, surface: str, text: str, accent: str, muted: str, on_accent: str) -> Palette:
    return Palette(background=background, surface=surface, text=text, accent=accent, muted=muted, on_accent=on_accent)


PRESETS: dict[str, CategoryPreset] = {
    preset.category: preset
    for preset in (
        CategoryPreset(
            "tech-saas", "electric cyan on midnight blue: product launches and dev tools",
            _palette("#0a0f1f", "#15285a", "#f4f7ff", "#3ddcff", "#93a4c3", "#061220"),
            KitFont(family="inter-display", weight="black"), "highlight", "upper", ("bold", "listicle", "split", "minimal"),
        ),
        CategoryPreset(
            "business-finance", "money green on deep navy: trustworthy, numbers forward",
            _palette("#0b1a2e", "#123a4f", "#ffffff", "#2ee59d", "#9db4c8", "#062218"),
            KitFont(family="inter", weight="black"), "color", "upper", ("listicle", "bold", "split", "minimal"),
        ),
        CategoryPreset(
            "lifestyle-vlog", "warm cream and terracotta: light, personal, friendly",
            _palette("#fbf3ea", "#f3d9c4", "#2a1d17", "#e85d3f", "#6e5a4e", "#1f130e"),
            KitFont(family="open-sans", weight="extrabold"), "highlight", "none", ("split", "minimal", "bold", "listicle"),
        ),
        CategoryPreset(
            "gaming", "neon purple on near-black violet: loud and high energy",
            _palette("#0d0221", "#2e0b57", "#ffffff", "#c36bff", "#b9a7d6", "#0d0221"),
            KitFont(family="bebas-neue", weight="bold"), "highlight", "upper", ("bold", "split", "listicle", "minimal"),
        ),
        CategoryPreset(
            "education", "chalkboard blue with a sunny yellow: clear and approachable",
            _palette("#102a43", "#1f4e79", "#ffffff", "#ffd166", "#a9c1d9", "#102a43"),
            KitFont(family="open-sans", weight="extrabold"), "color", "none", ("listicle", "bold", "minimal", "split"),
        ),
        CategoryPreset(
            "health-fitness", "electric lime on charcoal green: energetic, punchy",
            _palette("#0e1411", "#1d3326", "#f5fff7", "#b6ff3b", "#a3b8a9", "#0e1411"),
            KitFont(family="league-spartan", weight="black"), "highlight", "upper", ("bold", "listicle", "split", "minimal"),
        ),
        CategoryPreset(
            "food-cooking", "warm orange on dark chocolate: rich, appetising",
            _palette("#2a140a", "#5a2a12", "#fff6ec", "#ff9f1c", "#e0b899", "#2a140a"),
            KitFont(family="open-sans", weight="extrabold"), "color", "none", ("listicle", "split", "bold", "minimal"),
        ),
        CategoryPreset(
            "travel", "sun-gold on deep ocean teal: wide and airy",
            _palette("#06303a", "#0b5a66", "#ffffff", "#ffd36b", "#a8d0d6", "#06303a"),
            KitFont(family="league-spartan", weight="extrabold"), "color", "upper", ("minimal", "split", "bold", "listicle"),
        ),
        CategoryPreset(
            "news-politics", "breaking-news red on graphite: serious, urgent",
            _palette("#0e1116", "#222b38", "#ffffff", "#e3263a", "#a7b0bd", "#ffffff"),
            KitFont(family="inter", weight="black"), "highlight", "none", ("bold", "minimal", "listicle", "split"),
        ),
        CategoryPreset(
            "entertainment", "hot pink on midnight plum: pop and gossip",
            _palette("#120a24", "#3d0f52", "#ffffff", "#ff3d81", "#c2abd0", "#120a24"),
            KitFont(family="league-spartan", weight="black"), "highlight", "upper", ("split", "bold", "listicle", "minimal"),
        ),
        CategoryPreset(
            "beauty-fashion", "deep rose on blush: light and editorial",
            _palette("#fdf0f2", "#f7d6de", "#2b1420", "#99124a", "#7d5666", "#ffffff"),
            KitFont(family="bebas-neue", weight="bold"), "color", "upper", ("split", "minimal", "listicle", "bold"),
        ),
        CategoryPreset(
            "sports", "flame orange on stadium navy: fast and bold",
            _palette("#0a1230", "#1c2d70", "#ffffff", "#ff6a2b", "#a9b4d6", "#0a1230"),
            KitFont(family="bebas-neue", weight="bold"), "highlight", "upper", ("bold", "listicle", "split", "minimal"),
        ),
        CategoryPreset(
            "music", "aqua neon on ink violet: moody, night time",
            _palette("#0b0b14", "#2a1246", "#ffffff", "#00f5d4", "#aaa3c4", "#0b0b14"),
            KitFont(family="inter-display", weight="black"), "color", "upper", ("minimal", "split", "bold", "listicle"),
        ),
    )
}


def preset_for(category: str) -> CategoryPreset:
    """The preset of a category (not ``auto``); ``InputError`` naming the allowed ones otherwise."""
    preset = PRESETS.get(category)
    if preset is None:
        raise InputError(f"category must be one of: {', '.join(CATEGORIES)}", field="category")
    return preset


def apply_category(kit_spec: KitSpec, category: str, *, is_default_kit: bool = False) -> KitSpec:
    """``kit_spec`` biased by ``category`` (see the module doc); the input is not changed.

    ``is_default_kit``: the kit has no brand of its own, so the preset's palette and fonts apply
    too. ``apply_category_to_kit`` decides that from the kit id.
    """
    if category not in CATEGORIES:
        raise InputError(f"category must be one of: {', '.join(CATEGORIES)}", field="category")
    requested = category != "auto"
    chosen = category if requested else kit_spec.category
    if chosen == "auto":
        return kit_spec
    preset = preset_for(chosen)
    preferred = preset.layout_names()
    # A category asked for in the request leads; a kit's own category backs up the kit's own order.
    layouts = _unique([*preferred, *kit_spec.layouts] if requested else [*kit_spec.layouts, *preferred])
    if is_default_kit:
        return kit_spec.model_copy(update={
            "palette": preset.palette,
            "fonts": KitFonts(heading=preset.heading, body=kit_spec.fonts.body),
            "style": KitStyle(transform=preset.transform, emphasis=preset.emphasis),
            "layouts": layouts,
            "category": chosen,
        })
    return kit_spec.model_copy(update={
        "style": KitStyle(transform=kit_spec.style.transform, emphasis=_emphasis_for(kit_spec.palette, preset.emphasis)),
        "layouts": layouts,
        "category": chosen,
    })


def apply_category_to_kit(kit: Kit, category: str) -> Kit:
    """The renderer's entry point: ``apply_category`` on a loaded kit, the default kit by its id."""
    spec = apply_category(kit.spec, category, is_default_kit=kit.id == DEFAULT_KIT_ID)
    return kit if spec is kit.spec else Kit(kit.id, spec, kit.folder)


Emphasis = Literal["color", "highlight", "none"]


def _emphasis_for(palette: Palette, wanted: Emphasis) -> Emphasis:
    """``wanted``, unless it is accent-coloured words and the brand's accent does not read as text
    on its background (a light kit's coral, say): then highlight boxes, which do."""
    if wanted == "color" and _contrast(palette.accent, palette.background) < READABLE_TEXT_CONTRAST:
        return "highlight" if _contrast(palette.on_accent, palette.accent) >= READABLE_TEXT_CONTRAST else "none"
    return wanted


def _contrast(a: str, b: str) -> float:
    return contrast_ratio(relative_luminance(parse_color(a)), relative_luminance(parse_color(b)))


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
