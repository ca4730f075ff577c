"""Right-to-left titles get a mirrored layout: the design reads from the right, as the text does.

A layout is drawn for left-to-right titles: an accent bar left of a left-aligned title, a photo on
the right. An Arabic or Hebrew title is right-aligned (compose flips the alignment of a
right-to-left paragraph), so the same layout would leave the accent bar at the far left, away
from the text. When the title's paragraph direction is right-to-left, the whole layout is
mirrored horizontally before composing:

* every box (shapes, text, photo and logo slots): ``x -> width - x - w``;
* fills: a linear gradient's angle ``a -> 180 - a``, a radial gradient's centre ``cx -> 1 - cx``,
  a frame scrim ``left <-> right``, a picture's text positions (their boxes, ``left <-> right``);
  images (fills, the photo, the logo) are not flipped: faces
  and lettering must not read backwards;
* the kit's logo corner ``top-left <-> top-right`` (and bottom);
* text alignment ``left <-> right``, for left-to-right text layers only (a listicle's number):
  compose already aligns a right-to-left paragraph to the other side, so a right-to-left layer
  keeps its alignment here and ends up at the right, as mirrored; a stack's items likewise, each
  by its own direction (a Latin badge over an Arabic title);
* polygons' points, and patterns: their box, their fade ``left <-> right``, the centre of rays
  and halftone ``cx -> 1 - cx``, stripes' angle ``a -> 180 - a``.

The title is the longest text (of text layers and stack items); its first strong character
decides (UAX #9 P2-P3).
"""

from __future__ import annotations

from typing import Any, TypeVar

from msgspec.structs import replace

from ..spec.layout import (
    BackgroundLayer,
    Box,
    Gradient,
    LayoutSpec,
    LogoLayer,
    PatternLayer,
    PhotoLayer,
    Point,
    ShapeLayer,
    StackLayer,
    TextLayer,
)
from ..text.bidi import paragraph_level
from .patterns import DEFAULTS as PATTERN_DEFAULTS

_SIDE = {"left": "right", "right": "left"}
SceneT = TypeVar("SceneT")


def title_is_rtl(spec: LayoutSpec) -> bool:
    texts = [layer.text for layer in spec.layers if isinstance(layer, TextLayer)]
    texts += [item.text for layer in spec.layers if isinstance(layer, StackLayer) for item in layer.items]
    return bool(texts) and paragraph_level(max(texts, key=len)) == 1


def mirror_for_rtl(scene: SceneT) -> SceneT:
    """``scene`` (a compose ``Scene``) with its layout and logo corner mirrored when the title
    is right-to-left; the same object otherwise."""
    spec: LayoutSpec = scene.layout  # type: ignore[attr-defined]
    if not title_is_rtl(spec):
        return scene
    logo = scene.logo  # type: ignore[attr-defined]
    if logo is not None:
        logo = replace(logo, corner=mirror_corner(logo.corner))
    return replace(scene, layout=mirror_layout(spec), logo=logo)  # type: ignore[type-var]


def mirror_corner(corner: str) -> str:
    vertical, _, horizontal = corner.partition("-")
    return f"{vertical}-{_SIDE.get(horizontal, horizontal)}"


def mirror_layout(spec: LayoutSpec) -> LayoutSpec:
    """``spec`` mirrored left to right (see the module doc)."""
    width = spec.size.width
    return spec.model_copy(update={"layers": [_mirror_layer(layer, width) for layer in spec.layers]})


def _mirror_layer(layer: Any, width: int) -> Any:
    update: dict[str, Any] = {}
    if isinstance(layer, (ShapeLayer, TextLayer, PhotoLayer, LogoLayer, StackLayer)):
        update["box"] = _mirror_box(layer.box, width)
    if isinstance(layer, PatternLayer) and layer.box is not None:
        update["box"] = _mirror_box(layer.box, width)
    if isinstance(layer, ShapeLayer) and layer.points is not None:
        update["points"] = [(layer.box.width - x, y) for x, y in layer.points]
    if isinstance(layer, PatternLayer):
        update.update(_mirror_pattern(layer))
    if isinstance(layer, StackLayer):
        update["align"] = _SIDE.get(layer.align, layer.align)
        flipped = _SIDE.get(layer.align, layer.align)
        update["items"] = [item.model_copy(update={"align": _item_align(item.align, layer.align, flipped, item.text)})
                           for item in layer.items]
    if isinstance(layer, ShapeLayer) and layer.track is not None and layer.track.edge in ("left", "right"):
        update["track"] = layer.track.model_copy(update={"edge": "right" if layer.track.edge == "left" else "left"})
    if isinstance(layer, (ShapeLayer, BackgroundLayer)):
        update["fill"] = _mirror_fill(layer.fill)
    if isinstance(layer, BackgroundLayer) and layer.frame.scrim in _SIDE:
        update["frame"] = layer.frame.model_copy(update={"scrim": _SIDE[layer.frame.scrim]})
    if isinstance(layer, BackgroundLayer) and layer.picture is not None:
        # a position's alignment is kept: compose turns it for the right-to-left title, as it
        # does a text layer's own
        positions = [position.model_copy(update={"box": _mirror_box(position.box, width), "at": _SIDE.get(position.at, position.at)})
                     for position in layer.picture.positions]
        update["picture"] = layer.picture.model_copy(update={"positions": positions})
    if isinstance(layer, TextLayer) and layer.align in _SIDE and paragraph_level(layer.text) == 0:
        update["align"] = _SIDE[layer.align]
    return layer.model_copy(update=update) if update else layer


def _item_align(own: str | None, stack_align: str, flipped_stack_align: str, text: str) -> str | None:
    """A stack item's alignment in the mirrored stack: flipped for left-to-right text (compose
    flips right-to-left text itself); None (the stack's) where that is what it comes to."""
    align = own or stack_align
    wanted = _SIDE.get(align, align) if paragraph_level(text) == 0 else align
    return None if own is None and wanted == flipped_stack_align else wanted


def _mirror_pattern(layer: PatternLayer) -> dict[str, Any]:
    update: dict[str, Any] = {}
    if layer.fade in _SIDE:
        update["fade"] = _SIDE[layer.fade]
    defaults = PATTERN_DEFAULTS.get(layer.pattern)  # None for "kit": resolved (and mirrored) once chosen
    if defaults is None:
        return update
    center = layer.center or Point(x=defaults.center[0], y=defaults.center[1])
    update["center"] = center.model_copy(update={"x": 1.0 - center.x})
    update["angle_deg"] = 180.0 - (layer.angle_deg if layer.angle_deg is not None else defaults.angle_deg)
    return update


def _mirror_box(box: Box, width: int) -> Box:
    return box.model_copy(update={"x": width - box.x - box.width})


def _mirror_fill(fill: Any) -> Any:
    if not isinstance(fill, Gradient):
        return fill
    if fill.type == "linear":
        return fill.model_copy(update={"angle_deg": 180.0 - fill.angle_deg})
    return fill.model_copy(update={"center": fill.center.model_copy(update={"x": 1.0 - fill.center.x})})
