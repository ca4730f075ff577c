"""The closed schema of a layout file (``layouts/*.yaml``).

A layout is a stack of layers drawn in order on a canvas of its format's size: backgrounds,
shapes, text boxes with fit rules, a photo slot and a logo slot. String values may be Jinja
templates filled from the render context (``{{ palette.accent }}``, ``{{ title }}``).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union


from ..colors import COLOR_FORMS, COLOR_PATTERN, parse_color
from ..rect import Rect
from .record import Field, Record, field_validator, model_validator
from .templating import TEMPLATE_PATTERN, is_template

PICKS = ("default", "listicle", "short", "long", "photo")
Pick = Literal["default", "listicle", "short", "long", "photo"]


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
    shape: Literal["rect", "ellipse"] = "rect"
    box: Box
    fill: Fill
    radius_px: Annotated[int, Field(ge=0)] = 0
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0
    track: Track | None = None

    _f = field_validator("fill")(lambda cls, v: _check_fill(v))


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


class TextLayer(Closed):
    kind: Literal["text"]
    text: str = "{{ title }}"
    box: Box
    font: str = "heading"  # a kit role (heading, body) or a bundled family
    weight: str | None = None  # with a family: its weight; with a role: overrides the kit's
    size_px: SizeRange
    max_lines: Annotated[int, Field(ge=1, le=12)] = 3
    line_height: Annotated[float, Field(ge=0.7, le=2.0)] = 1.05
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "middle"
    transform: Literal["kit", "upper", "none"] = "kit"
    color: ColorText = "{{ palette.text }}"
    emphasis: Emphasis = Emphasis()
    stroke: Stroke | None = None
    shadow: Shadow | None = None
    fit: Fit = Fit()
    contrast: Literal["ensure", "keep"] = "ensure"  # ensure: adjust colours to WCAG 4.5:1 over what is behind

    _c = field_validator("color")(lambda cls, v: _color_or_template(v))


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


Layer = Annotated[Union[BackgroundLayer, ShapeLayer, TextLayer, PhotoLayer, LogoLayer], Field(discriminator="kind")]


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
