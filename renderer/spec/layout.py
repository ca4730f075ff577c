"""The closed schema of a layout file (``layouts/*.yaml``).

A layout is a stack of layers drawn in order on a canvas of its format's size: backgrounds,
patterns, shapes, text boxes with fit rules, stacks of text (kicker, title, subtitle), the sides
of a match-up, a photo slot and a logo slot. String values may be Jinja templates filled from the
render context (``{{ palette.accent }}``, ``{{ title }}``, ``{{ subtitle }}``).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union


from ..colors import COLOR_FORMS, COLOR_PATTERN, parse_color
from ..rect import Rect
from .record import Field, Record, field_validator, model_validator
from .templating import TEMPLATE_PATTERN, is_template

#: what ``layout="auto"`` may choose a layout for (renderer.autolayout.title_pick); ``photo`` and
#: ``picture`` layouts are chosen only with a photo or a background picture
PICKS = ("default", "listicle", "short", "long", "photo", "quote", "versus", "stat", "question", "picture")
Pick = Literal["default", "listicle", "short", "long", "photo", "quote", "versus", "stat", "question", "picture"]
#: the pattern layer's kinds (renderer.patterns draws them); ``kit``: one of the kit's, by title
PATTERNS = ("dots", "grid", "stripes", "grain", "halftone", "rays", "shapes")
PatternName = Literal["dots", "grid", "stripes", "grain", "halftone", "rays", "shapes"]


class Closed(Record):
    """A closed, frozen spec record: unknown keys are errors (see :mod:`renderer.spec.record`)."""


COLOR_OR_TEMPLATE = f"a colour ({COLOR_FORMS}) or a template like '{{{{ palette.accent }}}}'"


def _color_or_template(value: str) -> str:
    if not is_template(value):
        try:
            parse_color(value)
        except ValueError:
            raise ValueError(f"{value!r} is not {COLOR_OR_TEMPLATE}") from None
    return value


# The pattern is for editors (renderer.spec.schema); the field validators below are what checks.
ColorText = Annotated[str, Field(min_length=1, json_schema_extra={
    "pattern": f"{COLOR_PATTERN}|{TEMPLATE_PATTERN}", "patternErrorMessage": f"not {COLOR_OR_TEMPLATE}",
})]


class Box(Closed):
    """A box as a layout file writes it (whole pixels of the format's size); :meth:`rect` gives it
    as thumbkit's one rectangle type."""

    x: int
    y: int
    width: Annotated[int, Field(gt=0)]
    height: Annotated[int, Field(gt=0)]

    def rect(self, scale: float = 1.0) -> Rect:
        """The box on a canvas drawn at ``scale`` (2 for hd), in pixels."""
        return Rect(self.x * scale, self.y * scale, self.width * scale, self.height * scale)


class Size(Closed):
    width: Annotated[int, Field(gt=0)]
    height: Annotated[int, Field(gt=0)]


class Point(Closed):
    x: float = 0.5
    y: float = 0.5


class Gradient(Closed):
    type: Literal["linear", "radial"]
    stops: Annotated[list[ColorText], Field(min_length=2)]
    angle_deg: float = 90.0  # linear: 0 = left to right, 90 = top to bottom
    center: Point = Point()  # radial: fraction of the box
    radius: Annotated[float, Field(gt=0)] = 0.75  # radial: fraction of the box diagonal

    _colors = field_validator("stops")(lambda cls, v: [_color_or_template(s) for s in v])


class ImageFill(Closed):
    type: Literal["image"]
    path: str  # relative to the layouts folder
    darken: Annotated[float, Field(ge=0, le=1)] = 0.0
    blur_px: Annotated[float, Field(ge=0, le=64)] = 0.0


Fill = Union[ColorText, Annotated[Union[Gradient, ImageFill], Field(discriminator="type")]]


def _check_fill(value: Fill) -> Fill:
    if isinstance(value, str):
        _color_or_template(value)
    return value


class FrameTreatment(Closed):
    """How a video frame or background photo is tamed so the title reads over it."""

    darken: Annotated[float, Field(ge=0, le=1)] = 0.35
    blur_px: Annotated[float, Field(ge=0, le=64)] = 0.0
    scrim: Literal["none", "bottom", "left", "right", "full"] = "bottom"
    scrim_color: ColorText = "#000000"
    scrim_opacity: Annotated[float, Field(ge=0, le=1)] = 0.75

    _c = field_validator("scrim_color")(lambda cls, v: _color_or_template(v))


TEXT_POSITIONS = ("left", "right", "top", "bottom", "center")


class PicturePosition(Closed):
    """One place the text may go over a picture: ``box`` is where the text layers are put when
    this position is chosen (they are drawn in the first position's box in the file, and moved
    and stretched from it into this one); ``align``/``valign`` override the text layers' own."""

    at: Literal["left", "right", "top", "bottom", "center"]
    box: Box
    align: Literal["left", "center", "right"] | None = None
    valign: Literal["top", "middle", "bottom"] | None = None


class PictureTreatment(Closed):
    """How far the picture may be calmed under the text; each step is taken only as far as the
    contrast the text needs (4.5:1, measured on the pixels behind it)."""

    darken: Annotated[float, Field(ge=0, le=0.6)] = 0.0  # always, the whole picture: a mood, not a fix
    blur_max_px: Annotated[float, Field(ge=0, le=32)] = 6.0  # behind the text, where the picture is busy
    scrim_max: Annotated[float, Field(ge=0, le=1)] = 0.85  # a gradient from the text's edge of the canvas
    scrim_color: ColorText = "{{ palette.background }}"
    swap_colors: bool = True  # the title may take the scrim's colour (and the scrim the title's) when that needs less scrim

    _c = field_validator("scrim_color")(lambda cls, v: _color_or_template(v))


class PictureBackground(Closed):
    """The layout takes a picture (``backgroundImage``, a kit background or a video frame): the
    picture is cropped to cover the canvas, the text goes to whichever position the picture
    leaves calm (no faces, little detail), and the treatment makes it read."""

    positions: Annotated[list[PicturePosition], Field(min_length=1, max_length=8)]
    treatment: PictureTreatment = PictureTreatment()

    @field_validator("positions")
    @classmethod
    def _distinct(cls, value: list[PicturePosition]) -> list[PicturePosition]:
        seen = [position.at for position in value]
        twice = sorted({at for at in seen if seen.count(at) > 1})
        if twice:
            raise ValueError(f"each position may be listed once; {', '.join(twice)} is listed twice")
        return value


class BackgroundLayer(Closed):
    kind: Literal["background"]
    fill: Fill
    frame: FrameTreatment = FrameTreatment()  # used when a video frame replaces this background (no picture block)
    picture: PictureBackground | None = None  # this layout takes a picture: where the text may go over it

    _f = field_validator("fill")(lambda cls, v: _check_fill(v))


class Track(Closed):
    """Place the shape against the ink of the next text layer instead of at its box: an accent bar
    as tall as the text beside it, a rule a fixed gap below the title. The box gives the size
    that is kept (the bar's width, the rule's width and height) and the fallback position."""

    edge: Literal["left", "right", "below", "above"]
    gap_px: Annotated[int, Field(ge=0, le=400)] = 32


class ShapeLayer(Closed):
    kind: Literal["shape"]
    shape: Literal["rect", "ellipse", "polygon"] = "rect"
    box: Box
    fill: Fill
    radius_px: Annotated[int, Field(ge=0)] = 0
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0
    track: Track | None = None
    points: list[tuple[float, float]] | None = None  # polygon: x, y in pixels from the box's corner

    _f = field_validator("fill")(lambda cls, v: _check_fill(v))

    @model_validator(mode="after")
    def _points(self) -> "ShapeLayer":
        if self.shape == "polygon" and (self.points is None or len(self.points) < 3):
            raise ValueError("a polygon needs points: at least three [x, y] pairs, in pixels from the box's corner")
        if self.shape != "polygon" and self.points is not None:
            raise ValueError(f"points are for shape: polygon, not {self.shape}")
        return self


class SizeRange(Closed):
    min: Annotated[int, Field(ge=8, le=600)]
    max: Annotated[int, Field(ge=8, le=600)]

    @model_validator(mode="after")
    def _ordered(self) -> "SizeRange":
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) must not exceed max ({self.max})")
        return self


class Fit(Closed):
    mode: Literal["shrink", "truncate"] = "shrink"


class Emphasis(Closed):
    style: Literal["kit", "color", "highlight", "none"] = "kit"
    color: ColorText = "{{ palette.accent }}"
    text_color: ColorText = "{{ palette.on_accent }}"  # text on a highlight box
    auto: bool = True  # numbers and power words when the title marks none

    _c = field_validator("color", "text_color")(lambda cls, v: _color_or_template(v))


class Stroke(Closed):
    width_em: Annotated[float, Field(ge=0, le=0.2)]
    color: ColorText = "#000000"

    _c = field_validator("color")(lambda cls, v: _color_or_template(v))


class Shadow(Closed):
    offset_x_em: float = 0.0
    offset_y_em: float = 0.04
    blur_em: Annotated[float, Field(ge=0, le=0.5)] = 0.06
    color: ColorText = "#00000099"

    _c = field_validator("color")(lambda cls, v: _color_or_template(v))


class Plate(Closed):
    """A box behind the text (a badge's pill, a site name's chip, a caption's bands): around the
    whole block or, with ``per: line``, around each line; text colours are checked against it."""

    fill: ColorText
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0
    radius_em: Annotated[float, Field(ge=0, le=2)] = 0.2  # clamped to half the plate's height: a pill
    pad_x_em: Annotated[float, Field(ge=0, le=2)] = 0.45
    pad_y_em: Annotated[float, Field(ge=0, le=2)] = 0.28
    per: Literal["block", "line"] = "block"

    _c = field_validator("fill")(lambda cls, v: _color_or_template(v))


class TextStyle(Closed):
    """How text is set, wherever it is placed (a text layer, a stack item, the sides of a match-up)."""

    font: str = "heading"  # a kit role (heading, body) or a bundled family
    weight: str | None = None  # with a family: its weight; with a role: overrides the kit's
    size_px: SizeRange
    max_lines: Annotated[int, Field(ge=1, le=12)] = 3
    line_height: Annotated[float, Field(ge=0.7, le=2.0)] = 1.05
    transform: Literal["kit", "upper", "none"] = "kit"
    emphasis: Emphasis = Emphasis()
    stroke: Stroke | None = None
    shadow: Shadow | None = None
    plate: Plate | None = None
    fit: Fit = Fit()
    contrast: Literal["ensure", "keep"] = "ensure"  # ensure: adjust colours to WCAG 4.5:1 over what is behind
    # title: read at a glance, even in a feed (the judge warns under 7 px there); secondary (a badge,
    # subtitle, speaker, note): may be smaller, as long as it can be made out (a fail under 5 px)
    role: Literal["title", "secondary"] = "title"


class TextLayer(TextStyle):
    kind: Literal["text"]
    text: str = "{{ title }}"
    box: Box
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "middle"
    color: ColorText = "{{ palette.text }}"
    size_group: str | None = None  # text layers of one group are drawn at the size the smallest fits

    _c = field_validator("color")(lambda cls, v: _color_or_template(v))


class StackItem(TextStyle):
    """One text of a stack; empty text (no subtitle given) takes no room and no gap."""

    text: str = "{{ title }}"
    color: ColorText = "{{ palette.text }}"
    align: Literal["left", "center", "right"] | None = None  # None: the stack's
    grow: bool = False  # takes the height the other items leave (the title)

    _c = field_validator("color")(lambda cls, v: _color_or_template(v))


class StackLayer(Closed):
    """Texts one above the other in a box, like a designer's auto-layout frame: a kicker or badge,
    the title, a subtitle. Items without text drop out and the rest close up; the ``grow`` item
    gets the height the others leave, and the whole column is aligned by ``valign``."""

    kind: Literal["stack"]
    box: Box
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "middle"
    gap_px: Annotated[int, Field(ge=0, le=400)] = 24
    items: Annotated[list[StackItem], Field(min_length=1, max_length=8)]

    @model_validator(mode="after")
    def _one_grows(self) -> "StackLayer":
        growing = [index for index, item in enumerate(self.items) if item.grow]
        if len(growing) > 1:
            raise ValueError(f"at most one item may grow, items {', '.join(map(str, growing))} do")
        return self


class PatternLayer(Closed):
    """A decorated background: dots, grid, stripes, grain, halftone, rays or soft shapes, in one
    colour at an opacity, over the box (default: the canvas), faded where text goes. ``kit``
    draws one of the brand kit's patterns; the title picks which and seeds the variation (offset,
    centre, shapes), so a series varies and each title always renders the same. The unset
    numbers take the pattern's defaults (renderer.patterns.DEFAULTS)."""

    kind: Literal["pattern"]
    pattern: Literal["dots", "grid", "stripes", "grain", "halftone", "rays", "shapes", "kit"] = "kit"
    box: Box | None = None
    color: ColorText = "{{ palette.text }}"
    opacity: Annotated[float, Field(ge=0, le=1)] = 0.08
    spacing_px: Annotated[int, Field(ge=4, le=600)] | None = None  # dots, grid, stripes, halftone: the pitch
    size_px: Annotated[float, Field(gt=0, le=600)] | None = None  # a dot's diameter, a line's width, a shape's size
    angle_deg: Annotated[float, Field(ge=-360, le=360)] | None = None  # the lattice's or stripes' angle
    count: Annotated[int, Field(ge=1, le=64)] | None = None  # rays, shapes
    center: Point | None = None  # rays, halftone: where they start, as a fraction of the box
    fade: Literal["none", "left", "right", "top", "bottom", "center", "edges"] = "none"  # where it vanishes
    on_picture: bool = False  # also drawn over a background picture or video frame
    variant: Annotated[int, Field(ge=0, le=7)] | None = None  # a fixed variation (0-7); None: from the title

    _c = field_validator("color")(lambda cls, v: _color_or_template(v))


class Divider(Closed):
    """The badge on each boundary between two sides ("VS")."""

    text: str = "VS"
    diameter_px: Annotated[int, Field(ge=16, le=600)] = 140
    fill: ColorText = "{{ palette.text }}"
    color: ColorText = "{{ palette.background }}"
    ring_px: Annotated[int, Field(ge=0, le=60)] = 0
    ring_color: ColorText = "{{ palette.background }}"
    font: str = "heading"
    weight: str | None = None
    size_px: Annotated[int, Field(ge=8, le=400)] = 56

    _c = field_validator("fill", "color", "ring_color")(lambda cls, v: _color_or_template(v))


class SidesLayer(Closed):
    """The sides of a match-up ("X vs Y", "X vs Y vs Z"): the box split into one panel per side
    (columns or rows, the boundary slanted by ``slant_px``), each side's text in its panel at one
    shared size, and the divider badge on each boundary."""

    kind: Literal["sides"]
    box: Box
    direction: Literal["columns", "rows"] = "columns"
    slant_px: Annotated[int, Field(ge=-400, le=400)] = 0
    fills: Annotated[list[Fill], Field(min_length=2, max_length=6)]  # side i gets fills[i], cycling
    colors: Annotated[list[ColorText], Field(min_length=1, max_length=6)] = ["{{ palette.text }}"]
    pad_x_px: Annotated[int, Field(ge=0, le=400)] = 48  # the text's distance from a panel's outer edges
    pad_y_px: Annotated[int, Field(ge=0, le=400)] = 48
    align: Literal["left", "center", "right"] = "center"
    valign: Literal["top", "middle", "bottom"] = "middle"
    text: TextStyle
    pattern: PatternLayer | None = None  # drawn over the panels, under the texts
    divider: Divider | None = Divider()

    _f = field_validator("fills")(lambda cls, v: [_check_fill(f) for f in v])
    _c = field_validator("colors")(lambda cls, v: [_color_or_template(c) for c in v])


class PhotoEffects(Closed):
    outline_px: Annotated[int, Field(ge=0, le=40)] = 0
    outline_color: ColorText = "#ffffff"
    shadow: bool = True

    _c = field_validator("outline_color")(lambda cls, v: _color_or_template(v))


class PhotoLayer(Closed):
    kind: Literal["photo"]
    box: Box
    align: Literal["bottom", "center"] = "bottom"
    effects: PhotoEffects = PhotoEffects()


class LogoLayer(Closed):
    """Where the logo may go: the kit chooses the corner of this box, its size and margin."""

    kind: Literal["logo"]
    box: Box


Layer = Annotated[
    Union[BackgroundLayer, PatternLayer, ShapeLayer, TextLayer, StackLayer, SidesLayer, PhotoLayer, LogoLayer],
    Field(discriminator="kind"),
]


class LayoutSpec(Closed):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    format: str
    size: Size
    description: str = ""
    picks: list[Pick] = []
    # Areas no text and no logo may use: the text boxes give way as they do for the photo, the logo
    # takes another corner. For what the platform draws over every thumbnail (YouTube's duration
    # badge, bottom right): never mirrored for a right-to-left title, since the badge does not move.
    keepout: list[Box] = []
    layers: Annotated[list[Layer], Field(min_length=1)]

    @property
    def picture(self) -> PictureBackground | None:
        """The picture block of the first background layer, when the layout takes a picture."""
        for layer in self.layers:
            if isinstance(layer, BackgroundLayer):
                return layer.picture
        return None
