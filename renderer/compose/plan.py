"""The render plan: every box, line, font size and colour decided, before and beside the pixels.

Plain frozen data; ``Plan.to_json()`` makes layout bugs visible without looking at an image.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import Struct

if TYPE_CHECKING:
    from ..judge.report import Quality

from ..rect import Rect


class PlanSegment(Struct, frozen=True):
    text: str  # logical order; segments are in visual order, left to right
    x_px: float
    width_px: float
    emphasis: bool
    rtl: bool = False  # drawn right to left (a right-to-left bidi run)


class PlanLine(Struct, frozen=True):
    baseline_px: float
    x_px: float
    width_px: float
    segments: tuple[PlanSegment, ...]


class PlanText(Struct, frozen=True):
    layer: int
    box: Rect  # the layout's box
    fit_box: Rect  # after making room for the photo and logo
    ink: Rect  # where the lines are drawn
    font: str
    size_px: int
    line_height_px: float
    lines: tuple[PlanLine, ...]
    truncated: bool
    broke_words: bool
    color: str
    emphasis_style: str
    emphasis_color: str
    contrast_ratio: float  # worst WCAG ratio of the text colour against what lies behind it
    role: str = "title"  # title (read at a glance, even in a feed) | secondary (a badge, subtitle, speaker, note)


class PlanImage(Struct, frozen=True):
    layer: int
    kind: str  # photo | logo | background (a picture behind everything: a video frame)
    box: Rect
    detail: str = ""
    face: Rect | None = None  # a face found in the picture, in canvas pixels (photo, background)


class PlanPicture(Struct, frozen=True):
    """A picture behind the title: where the text went, how the picture was cropped and calmed,
    and the contrast the text reached (measured on the pixels behind it)."""

    source: str  # backgroundImage, a kit background's file, or a video frame
    width_px: int  # the picture as decoded
    height_px: int
    position: str  # the layout's text position chosen: left, right, top, bottom or center
    crop: Rect  # the part of the picture shown, in its pixels
    faces: tuple[Rect, ...]  # faces found, in canvas pixels (the text keeps clear of them, with room for hair and chin)
    busy: float  # how busy the picture is under the text's position, 0..1
    scores: tuple[tuple[str, float], ...]  # each position's best score (lower is better)
    darken: float = 0.0  # the whole picture, as the layout asks
    blur_px: float = 0.0  # behind the text
    scrim_color: str = ""
    scrim_opacity: float = 0.0
    swapped: bool = False  # the text took the scrim's colour (and the scrim the text's)
    contrast_before: float = 0.0  # the layout's text colour over the untouched picture
    contrast_after: float = 0.0  # the text colour used, over the treated picture


class PlanCandidate(Struct, frozen=True):
    """A candidate render scored to choose this one (``layout="auto"``, variants)."""

    layout: str
    treatment: str  # how the kit was arranged (renderer.choose.candidates)
    score: int


class Plan(Struct, frozen=True):
    format: str
    layout: str
    kit: str
    width_px: int
    height_px: int
    texts: tuple[PlanText, ...]
    images: tuple[PlanImage, ...]
    warnings: tuple[str, ...]
    picture: PlanPicture | None = None  # a picture behind the text (backgroundImage, kit background, video frame)
    quality: "Quality | None" = None  # the judge's report on the pixels drawn from this plan
    # with layout="auto" or variants: every candidate scored, in the order tried (else empty)
    candidates: tuple[PlanCandidate, ...] = ()
    treatment: str = "kit"  # the arrangement of the kit this was drawn with
    # a shorter headline to draw, suggested when the title is unreadable at feed size (else empty)
    headline_suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = msgspec.to_builtins(self, enc_hook=_plain_number)
        data["quality"] = self.quality.to_dict() if self.quality is not None else None
        if not self.candidates:  # a fixed layout: nothing was chosen
            del data["candidates"]
        if self.treatment == "kit":
            del data["treatment"]
        if not self.headline_suggestion:
            del data["headline_suggestion"]
        if self.picture is None:  # no picture behind the text
            del data["picture"]
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _plain_number(value: Any) -> Any:
    """A numpy number a measurement left in the plan, as the Python number it stands for."""
    if isinstance(value, float):  # numpy.float64
        return float(value)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):  # numpy's other scalars
        return value.item()
    raise NotImplementedError(f"{type(value).__name__} does not belong in a plan")


