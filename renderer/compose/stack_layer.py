"""A stack layer: texts one above the other in a box (a badge, the title, a subtitle), like a
designer's auto-layout frame.

Items without text drop out and the rest close up. The items that do not grow are fitted first,
each across the whole box; the growing item (the title) gets the height they leave; the column
is then placed by the stack's vertical alignment, ``gap_px`` between items (more beside large
type: a tenth of its size), measured from ink to ink (or plate to plate). When the growing item would not fit even at its
smallest size, items are left out, the last ones first, each with a warning: never silently.
"""

from __future__ import annotations

from typing import Callable

from ..spec.layout import StackItem, StackLayer, TextLayer
from ..text.title import normalize_title
from ..text.typeset import Typeface
from .canvas import Work
from ..rect import Rect
from .scene import Scene
from ..rect import avoid
from .text_layer import PreparedText, paint_text, prepare_text

GAP_PER_SIZE = 0.1  # the least gap beside an item, as a share of its size
_ITEM_FIELDS = tuple(name for name in StackItem.model_fields if name not in ("grow", "align"))


def item_layer(stack: StackLayer, item: StackItem) -> TextLayer:
    """A stack item as the text layer it is drawn as (the stack's box, its alignment, from the top)."""
    values = {name: getattr(item, name) for name in _ITEM_FIELDS}
    return TextLayer(kind="text", box=stack.box, align=item.align or stack.align, valign="top", **values)


def draw_stack(work: Work, scene: Scene, index: int, stack: StackLayer,
               typeface_for: Callable[[TextLayer], Typeface]) -> Rect | None:
    """Draw stack layer ``index``; the union of its items' ink (None when nothing was drawn)."""
    box = avoid(stack.box.rect(scene.scale), work.obstacles)
    gap = stack.gap_px * scene.scale
    items = [(position, item_layer(stack, item), item.grow) for position, item in enumerate(stack.items)
             if normalize_title(item.text)]
    prepared = _fit_column(work, scene, index, items, box, gap, typeface_for)
    if not prepared:
        return None
    extents = [text.extent() for text in prepared]
    gaps = [_gap(gap, before, after) for before, after in zip(prepared, prepared[1:])] + [0.0]
    total = sum(bottom - top for top, bottom in extents) + sum(gaps)
    if stack.valign == "top":
        y = box.y
    elif stack.valign == "bottom":
        y = box.bottom - total
    else:
        y = box.y + (box.height - total) / 2
    inks = []
    for text, (top, bottom), after in zip(prepared, extents, gaps):
        placed = text.moved(y - top)
        paint_text(work, scene, placed)
        inks.append(placed.ink)
        y += bottom - top + after
    left, top = min(r.x for r in inks), min(r.y for r in inks)
    right, bottom = max(r.right for r in inks), max(r.bottom for r in inks)
    return Rect(left, top, right - left, bottom - top)


def _fit_column(work: Work, scene: Scene, index: int, items: list[tuple[int, TextLayer, bool]], box: Rect,
                gap: float, typeface_for: Callable[[TextLayer], Typeface]) -> list[PreparedText]:
    """Every item fitted, in order; items dropped (last first, the growing one never) while the
    growing one does not fit at its smallest size in what the others leave."""
    typefaces = {position: typeface_for(layer) for position, layer, _ in items}
    while True:
        fixed = {position: prepare_text(work, scene, index, layer, typefaces[position], box=box)
                 for position, layer, grows in items if not grows}
        sizes = [text.size_px for text in fixed.values() if text]
        used = sum(_height(text) for text in fixed.values() if text) + max(gap, GAP_PER_SIZE * max(sizes, default=0)) * (len(items) - 1)
        out: list[PreparedText] = []
        fits = used <= box.height + 0.5
        for position, layer, grows in items:
            if grows:
                room = Rect(box.x, box.y, box.width, max(1.0, box.height - used))
                text = prepare_text(work, scene, index, layer, typefaces[position], box=room)
                fits = fits and (text is None or (box.height - used >= _height(text) - 0.5 and not text.fitted.truncated
                                                  and len(text.fitted.lines) <= layer.max_lines))
            else:
                text = fixed[position]
            if text is not None:
                out.append(text)
        if fits:
            return out
        droppable = [entry for entry in items if not entry[2]]
        if not droppable:
            return out
        dropped = droppable[-1]
        items = [entry for entry in items if entry is not dropped]
        work.warnings.append(f"stack layer {index} has no room for {normalize_title(dropped[1].text)!r} "
                             f"(item {dropped[0]}) beside the rest: it was not drawn")


def _gap(gap: float, before: PreparedText, after: PreparedText) -> float:
    """The space between two items: the stack's gap, or more beside large type (a tenth of the
    larger size), so a huge figure does not crowd the line under it."""
    return max(gap, GAP_PER_SIZE * max(before.size_px, after.size_px))


def _height(text: PreparedText | None) -> float:
    if text is None:
        return 0.0
    top, bottom = text.extent()
    return bottom - top

