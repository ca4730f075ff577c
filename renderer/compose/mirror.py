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
  keeps its alignment here and ends up at the right, as mirrored.

The title is the longest text layer; its first strong character decides (UAX #9 P2-P3).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from ..text.bidi import paragraph_level
from ..spec.layout import BackgroundLayer, Box, Gradient, LayoutSpec, LogoLayer, PhotoLayer, ShapeLayer, TextLayer

_SIDE = {"left": "right", "right": "left"}
SceneT = TypeVar("SceneT")


def title_is_rtl(spec: LayoutSpec) -> bool:
    texts = [layer.text for layer in spec.layers if isinstance(layer, TextLayer)]
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
    if isinstance(layer, (ShapeLayer, TextLayer, PhotoLayer, LogoLayer)):
        update["box"] = _mirror_box(layer.box, width)
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


def _mirror_box(box: Box, width: int) -> Box:
    return box.model_copy(update={"x": width - box.x - box.width})


def _mirror_fill(fill: Any) -> Any:
    if not isinstance(fill, Gradient):
        return fill
    if fill.type == "linear":
        return fill.model_copy(update={"angle_deg": 180.0 - fill.angle_deg})
    return fill.model_copy(update={"center": fill.center.model_copy(update={"x": 1.0 - fill.center.x})})
