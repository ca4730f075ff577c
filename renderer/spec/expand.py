"""Resolve a filled layout for one title into the layers compose draws.

Two layer kinds depend on the title beyond its text and are turned into plain layers here, before
composing (and before mirroring for a right-to-left title):

* ``sides``: one polygon panel, one text layer (sharing one size) per side of the match-up, and
  the divider badge (a ring, a disc and its text) on each boundary;
* ``pattern`` with ``pattern: kit``: one of the kit's patterns, chosen by the title's seed, with
  the kit's colour role and strength; every pattern gets its variant from the seed. A pattern not
  meant for pictures is dropped when a picture or video frame is the background.

The result is plain frozen data: the same title, kit and layout give the same layers, so compose
can cache what they draw.
"""

from __future__ import annotations

from typing import Any

from .kit import KitSpec
from .layout import Box, Divider, Emphasis, LayoutSpec, PatternLayer, ShapeLayer, SidesLayer, SizeRange, TextLayer

#: how many variants of a pattern a series cycles through (each one cached once drawn)
PATTERN_VARIANTS = 8
DIVIDER_TEXT_SHARE = 0.62  # the divider's text box: this share of its diameter
THREE_SIDES_DIVIDER_SCALE = 0.85  # three sides leave narrower panels: smaller badges
DIVIDER_GAP_PX = 28  # between a divider and the text beside it
SIDES_SIZE_GROUP = "sides"


def expand_layout(spec: LayoutSpec, *, sides: tuple[str, ...], kit: KitSpec, seed: int,
                  picture: bool = False) -> tuple[LayoutSpec, tuple[str, ...]]:
    """``spec`` with its ``sides`` and ``kit`` patterns resolved, and warnings for the plan."""
    layers: list[Any] = []
    warnings: list[str] = []
    for index, layer in enumerate(spec.layers):
        if isinstance(layer, SidesLayer):
            if len(sides) < 2:
                warnings.append(f"the title has no 'X vs Y': layer {index} shows it as one side")
            pattern = resolve_pattern(layer.pattern, kit, seed) if layer.pattern is not None else None
            layers.extend(side_layers(layer, sides, group=f"{SIDES_SIZE_GROUP}-{index}", pattern=pattern))
        elif isinstance(layer, PatternLayer):
            resolved = resolve_pattern(layer, kit, seed)
            if resolved is not None and (layer.on_picture or not picture):
                layers.append(resolved)
        else:
            layers.append(layer)
    if layers == list(spec.layers):
        return spec, tuple(warnings)
    return spec.model_copy(update={"layers": layers}), tuple(warnings)


def resolve_pattern(layer: PatternLayer, kit: KitSpec, seed: int) -> PatternLayer | None:
    """The pattern to draw: a ``kit`` pattern replaced by one of the kit's (None when the kit
    has none), the variant taken from the seed unless the layout fixes it."""
    update: dict[str, Any] = {}
    if layer.variant is None:
        update["variant"] = (seed >> 8) % PATTERN_VARIANTS
    if layer.pattern == "kit":
        choices = kit.kit_patterns()
        if not choices:
            return None
        entry = choices[(seed >> 24) % len(choices)]
        update["pattern"] = entry.type
        update["opacity"] = min(1.0, layer.opacity * entry.strength)
        if entry.color is not None:
            update["color"] = getattr(kit.palette, entry.color)
        for name in ("spacing_px", "size_px", "angle_deg", "count"):
            if getattr(entry, name) is not None:
                update[name] = getattr(entry, name)
    return layer.model_copy(update=update) if update else layer


def side_layers(layer: SidesLayer, sides: tuple[str, ...], *, group: str, pattern: PatternLayer | None = None) -> list[Any]:
    """The panels, the pattern over them, the texts and the dividers of a ``sides`` layer for
    these sides (one side: one panel)."""
    box = layer.box
    count = max(1, len(sides))
    columns = layer.direction == "columns"
    length = box.width if columns else box.height
    slant = layer.slant_px if count > 1 else 0
    # boundary k (1..count-1) runs from (start, 0) to (end, across) along the split axis
    bounds = [(length * k / count + slant / 2, length * k / count - slant / 2) for k in range(1, count)]
    edges = [(0.0, 0.0), *bounds, (float(length), float(length))]
    across = box.height if columns else box.width
    divider = layer.divider
    if divider is not None and count > 2:
        k = THREE_SIDES_DIVIDER_SCALE
        divider = divider.model_copy(update={"diameter_px": round(divider.diameter_px * k), "ring_px": round(divider.ring_px * k),
                                             "size_px": max(8, round(divider.size_px * k))})
    radius = (divider.diameter_px / 2 + divider.ring_px) if divider and count > 1 else 0.0
    out: list[Any] = []
    for i in range(count):
        (a0, a1), (b0, b1) = edges[i], edges[i + 1]
        if columns:
            points = [(a0, 0.0), (b0, 0.0), (b1, float(across)), (a1, float(across))]
        else:
            points = [(0.0, a0), (float(across), a1), (float(across), b1), (0.0, b0)]
        out.append(ShapeLayer(kind="shape", shape="polygon", box=box, points=points, fill=layer.fills[i % len(layer.fills)]))
    if pattern is not None:
        out.append(pattern.model_copy(update={"box": pattern.box or box}))
    for i, side in enumerate(sides or ("",)):
        (a0, a1), (b0, b1) = edges[i], edges[i + 1]
        outer = layer.pad_x_px if columns else layer.pad_y_px
        side_pad = layer.pad_y_px if columns else layer.pad_x_px
        lean = abs(slant) / 2 * (1 - 2 * side_pad / across)  # how far the slanted boundary strays beside the text
        inner = max(outer / 2 + lean, radius + DIVIDER_GAP_PX)
        low = (a0 + a1) / 2 + (inner if i > 0 else outer)  # from the boundary's middle: inner allows for its lean
        high = (b0 + b1) / 2 - (inner if i < count - 1 else outer)
        if columns:
            text_box = _box(box.x + low, box.y + side_pad, high - low, box.height - 2 * side_pad)
        else:
            text_box = _box(box.x + side_pad, box.y + low, box.width - 2 * side_pad, high - low)
        style = {name: getattr(layer.text, name) for name in layer.text.model_fields}  # records as they are (model_dump gives dicts)
        out.append(TextLayer(kind="text", text=side, box=text_box, align=layer.align, valign=layer.valign,
                             color=layer.colors[i % len(layer.colors)], size_group=group, **style))
    if divider is not None:
        for start, end in bounds:
            middle = (start + end) / 2
            centre = (box.x + middle, box.y + box.height / 2) if columns else (box.x + box.width / 2, box.y + middle)
            out.extend(divider_layers(divider, centre))
    return out


def divider_layers(divider: Divider, centre: tuple[float, float]) -> list[Any]:
    """A ring, a disc and the divider's text, centred on ``centre``."""
    cx, cy = centre
    out: list[Any] = []
    outer = divider.diameter_px + 2 * divider.ring_px
    if divider.ring_px:
        out.append(ShapeLayer(kind="shape", shape="ellipse", box=_box(cx - outer / 2, cy - outer / 2, outer, outer),
                              fill=divider.ring_color))
    d = divider.diameter_px
    out.append(ShapeLayer(kind="shape", shape="ellipse", box=_box(cx - d / 2, cy - d / 2, d, d), fill=divider.fill))
    side = d * DIVIDER_TEXT_SHARE
    out.append(TextLayer(
        kind="text", text=divider.text, box=_box(cx - side / 2, cy - side / 2, side, side), font=divider.font,
        weight=divider.weight, size_px=SizeRange(min=8, max=divider.size_px), max_lines=1, align="center",
        transform="none", color=divider.color, role="secondary",
        emphasis=Emphasis(style="none", auto=False, color=divider.color, text_color=divider.fill),
    ))
    return out


def _box(x: float, y: float, width: float, height: float) -> Box:
    return Box(x=round(x), y=round(y), width=max(1, round(width)), height=max(1, round(height)))


__all__ = ["PATTERN_VARIANTS", "divider_layers", "expand_layout", "resolve_pattern", "side_layers"]
