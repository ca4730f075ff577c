"""The closed schema of a brand kit (``brand_kits/<id>/kit.yaml``)."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from ..colors import COLOR_FORMS, COLOR_PATTERN, parse_color
from .layout import Closed, PatternName
from .record import Field, field_validator
from ..request import CATEGORIES

PALETTE_ROLES = ("background", "surface", "text", "accent", "muted", "on_accent")
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
#: A kit's display name: as long as a kit id may be, so the name made from an id always fits.
KIT_NAME_MAX_CHARS = 64
KIT_NAME_RULE = f"1-{KIT_NAME_MAX_CHARS} printable characters (no line breaks or control characters)"
_UNPRINTABLE = ("Cc", "Cs", "Co", "Cn", "Zl", "Zp")  # controls, surrogates, private use, unassigned, breaks


def kit_name_problem(value: str) -> str | None:
    """None for a usable display name, else what is wrong with it ("got ...")."""
    if not value:
        return "got an empty name"
    if len(value) > KIT_NAME_MAX_CHARS:
        return f"got {len(value)} characters"
    for index, char in enumerate(value):
        if unicodedata.category(char) in _UNPRINTABLE:
            return f"got {char!r} at character {index + 1}"
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in value):
        return f"got only blank characters ({value!r})"
    return None


def _color(value: str) -> str:
    try:
        parse_color(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a colour ({COLOR_FORMS})") from None
    return value


# The pattern is for editors (renderer.spec.schema); ``_color`` is what checks.
KitColor = Annotated[str, Field(json_schema_extra={"pattern": COLOR_PATTERN, "patternErrorMessage": f"not a colour ({COLOR_FORMS})"})]


class Palette(Closed):
    background: KitColor
    surface: KitColor
    text: KitColor
    accent: KitColor
    muted: KitColor
    on_accent: KitColor

    _c = field_validator(*PALETTE_ROLES)(lambda cls, v: _color(v))


class KitFont(Closed):
    family: str
    weight: str = "bold"


class KitFonts(Closed):
    heading: KitFont
    body: KitFont


class KitStyle(Closed):
    transform: Literal["upper", "none"] = "none"
    emphasis: Literal["color", "highlight", "none"] = "color"


class KitLogo(Closed):
    file: str  # relative to the kit folder
    file_dark: str | None = None  # a variant for light backgrounds, chosen by luminance
    corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = "top-right"
    max_width_px: Annotated[int, Field(ge=16, le=800)] = 180
    max_height_px: Annotated[int, Field(ge=16, le=800)] = 90
    margin_px: Annotated[int, Field(ge=0, le=400)] = 36
    shadow: bool = True


class KitPhoto(Closed):
    file: str  # relative to the kit folder
    outline_px: Annotated[int, Field(ge=0, le=40)] | None = None
    outline_color: KitColor | None = None  # checked here: a bad one used to fail only when drawn

    _c = field_validator("outline_color")(lambda cls, v: v if v is None else _color(v))


PaletteRole = Literal["background", "surface", "text", "accent", "muted", "on_accent"]


class KitPattern(Closed):
    """One of the kit's background patterns: the kind, and what the kit changes of the layout's
    settings (the colour as a palette role, the strength as a factor on the layout's opacity)."""

    type: PatternName
    color: PaletteRole | None = None
    strength: Annotated[float, Field(ge=0, le=4)] = 1.0
    spacing_px: Annotated[int, Field(ge=4, le=600)] | None = None
    size_px: Annotated[float, Field(gt=0, le=600)] | None = None
    angle_deg: Annotated[float, Field(ge=-360, le=360)] | None = None
    count: Annotated[int, Field(ge=1, le=64)] | None = None


#: the patterns of a kit that names none (``patterns: []`` means no pattern at all)
DEFAULT_KIT_PATTERNS: tuple[PatternName, ...] = ("dots", "grid", "rays", "shapes")


class KitSpec(Closed):
    name: str
    description: str = ""
    palette: Palette
    fonts: KitFonts
    style: KitStyle = KitStyle()
    logo: KitLogo | None = None
    photo: KitPhoto | None = None
    layouts: list[str] = []  # preferred layout names, in order
    # pictures for faceless thumbnails (files in the kit folder): a layout that takes a picture puts
    # the title over one of them, chosen by the title
    backgrounds: Annotated[list[str], Field(max_length=32)] = []
    patterns: list[KitPattern] | None = None  # None: DEFAULT_KIT_PATTERNS; [] none; a name is {type: name}
    site: Annotated[str, Field(min_length=1, max_length=40)] | None = None  # shown as Open Graph cards do
    category: str = "auto"  # a ThumbAPI category: biases layouts and emphasis (renderer.kits.categories)

    @field_validator("name")
    @classmethod
    def _usable_name(cls, value: str) -> str:
        problem = kit_name_problem(value)
        if problem:
            raise ValueError(f"expected {KIT_NAME_RULE}, {problem}")
        return value

    def kit_patterns(self) -> tuple[KitPattern, ...]:
        """The kit's patterns (its own, or ``DEFAULT_KIT_PATTERNS`` when it names none)."""
        if self.patterns is None:
            return tuple(KitPattern(type=name) for name in DEFAULT_KIT_PATTERNS)
        return tuple(self.patterns)

    @field_validator("patterns", mode="before")
    @classmethod
    def _pattern_names(cls, value: object) -> object:
        """``dots`` is short for ``{type: dots}``."""
        if isinstance(value, list):
            return [{"type": entry} if isinstance(entry, str) else entry for entry in value]
        return value

    @field_validator("site")
    @classmethod
    def _printable_site(cls, value: str | None) -> str | None:
        if value is not None and (problem := kit_name_problem(value)):
            raise ValueError(f"expected a short printable site name (example.com), {problem}")
        return value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"expected one of {' | '.join(CATEGORIES)}, got {value!r}")
        return value
