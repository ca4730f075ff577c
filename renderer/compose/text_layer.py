"""A text layer: the title made into atoms, fitted into its box (around the photo and logo),
placed line by line, coloured to read, and drawn, on its plate when it has one.

In two steps, so that a stack can measure its items before placing them and text layers of one
size group can share a size: :func:`prepare_text` fits and places (nothing is drawn),
:func:`paint_text` draws what was prepared (moved, if the caller moved it) and notes it in the plan.
"""

from __future__ import annotations

from msgspec import Struct
from msgspec.structs import replace
from PIL import Image, ImageDraw

from ..colors import (
    ensure_contrast,
    parse_color,
    relative_luminance,
    to_hex,
    worst_contrast,
)
from ..rect import Rect, avoid
from ..spec.layout import TextLayer
from ..text.fit import FitRules, FittedText
from ..text.hyphenate import title_language
from ..text.legibility import legible_size_px
from ..text.line_layout import line_pieces, title_direction
from ..text.segment import Atom
from ..text.title import atoms_from_text, normalize_title
from ..text.typeset import TextMeasure, Typeface, fit_with_leading
from .canvas import Work, canvas_luminances, luminances_behind
from .contrast import (
    MIN_CONTRAST,
    draw_text_shadow,
    local_scrim,
    readable_accent,
    shadow_shows,
)
from .masks import paint_over, shape_mask
from .plan import PlanLine, PlanSegment, PlanText
from .scene import Scene


class PreparedText(Struct, frozen=True):
    """A text fitted and placed, not yet drawn."""

    index: int
    layer: TextLayer
    typeface: Typeface
    atoms: tuple[Atom, ...]
    box: Rect  # the layout's box
    fit_box: Rect  # after making room for the photo and logo
    fitted: FittedText
    lines: tuple[PlanLine, ...]
    ink: Rect
    emphasis_style: str
    highlight_pad_em: float
    ascent_em: float  # how far this text's real glyphs reach above the baseline (at least the cap height)
    descent_em: float  # how far they reach below it

    @property
    def size_px(self) -> int:
        return self.fitted.size_px

    def extent(self) -> tuple[float, float]:
        """The block's top and bottom: the first line's highest ink to the last line's lowest
        (or the plate's edges, where the plate reaches further)."""
        size = self.size_px
        plate = self.layer.plate
        top = self.lines[0].baseline_px - self.ascent_em * size
        bottom = self.lines[-1].baseline_px + self.descent_em * size
        if plate is not None:
            top = min(top, self.lines[0].baseline_px - (self.typeface.cap_height_em + plate.pad_y_em) * size)
            bottom = max(bottom, self.lines[-1].baseline_px + plate.pad_y_em * size)
        return top, bottom

    def moved(self, dy: float) -> "PreparedText":
        """The same text ``dy`` pixels lower."""
        lines = tuple(replace(line, baseline_px=round(line.baseline_px + dy, 2)) for line in self.lines)
        return replace(self, lines=lines, ink=Rect(self.ink.x, self.ink.y + dy, self.ink.width, self.ink.height))


def draw_text(work: Work, scene: Scene, index: int, layer: TextLayer, typeface: Typeface, *,
              max_size_px: int | None = None) -> PreparedText | None:
    """Fit, place, colour and draw text layer ``index`` in ``typeface``, noting it in the plan."""
    prepared = prepare_text(work, scene, index, layer, typeface, max_size_px=max_size_px)
    if prepared is not None:
        paint_text(work, scene, prepared)
    return prepared


def prepare_text(work: Work, scene: Scene, index: int, layer: TextLayer, typeface: Typeface, *,
                 box: Rect | None = None, max_size_px: int | None = None) -> PreparedText | None:
    """``layer`` fitted into ``box`` (default its own, less the photo and logo) at most at
    ``max_size_px``, lines placed; None when it has no text."""
    text = normalize_title(layer.text)
    if not text:
        return None
    kit, s = scene.kit, scene.scale
    uppercase = (kit.style.transform if layer.transform == "kit" else layer.transform) == "upper"
    emphasis_style = kit.style.emphasis if layer.emphasis.style == "kit" else layer.emphasis.style
    atoms = atoms_from_text(text, auto_emphasis=layer.emphasis.auto and emphasis_style != "none", uppercase=uppercase)
    if not atoms:
        return None
    own = layer.box.rect(s)
    fit_box = box if box is not None else avoid(own, work.obstacles)
    if emphasis_style == "color" and layer.contrast == "ensure" and any(a.emphasis for a in atoms):
        # An accent that cannot read over this backdrop (a bright video frame) becomes a
        # highlight box instead of silently turning into the text colour.
        accent_wanted = parse_color(layer.emphasis.color)
        if worst_contrast(ensure_contrast(accent_wanted, luminances_behind(work, fit_box)), luminances_behind(work, fit_box)) < MIN_CONTRAST or \
                readable_accent(accent_wanted, parse_color(layer.color), luminances_behind(work, fit_box)) == parse_color(layer.color):
            emphasis_style = "highlight"
    stroke_em = layer.stroke.width_em if layer.stroke else 0.0
    pad = 0.12 if emphasis_style == "highlight" else 0.0  # highlight boxes reach past the glyphs
    inset_x = inset_y = stroke_em + pad
    if layer.plate is not None:  # the plate stays inside the box
        inset_x += layer.plate.pad_x_em
        inset_y += layer.plate.pad_y_em
    max_size = round(layer.size_px.max * s) if max_size_px is None else min(max_size_px, round(layer.size_px.max * s))
    rules = FitRules(
        min_size_px=max(8, round(layer.size_px.min * s)), max_size_px=max(8, max_size, round(layer.size_px.min * s)),
        max_lines=layer.max_lines, line_height=layer.line_height, mode=layer.fit.mode,
        # where the format is shown small (a feed), letters under this size are hard to read
        legible_px=legible_size_px(typeface, " ".join(a.text for a in atoms), scene.layout.format,
                                   round(scene.layout.size.width * s)),
    )
    measure = typeface.for_text(" ".join(a.text for a in atoms))
    paragraph = title_direction(atoms)
    fitted = _fit(atoms, fit_box, rules, measure, inset_x, inset_y, paragraph, title_language(text, scene.language))
    align = _MIRRORED_ALIGN[layer.align] if paragraph else layer.align  # alignment follows the direction
    lines, ink = _place_lines(fitted, fit_box, align, layer.valign, measure, inset_x, inset_y, paragraph,
                              pill_pad_px=pad * fitted.size_px if emphasis_style == "highlight" else 0.0)
    return PreparedText(index, layer, typeface, atoms, own, fit_box, fitted, lines, ink, emphasis_style, pad,
                        measure.ascent_em, measure.descent_em)


def paint_text(work: Work, scene: Scene, prepared: PreparedText) -> None:
    """Draw a prepared text: its plate, colours checked against what is behind, shadow, glyphs."""
    layer, typeface, fitted, index = prepared.layer, prepared.typeface, prepared.fitted, prepared.index
    lines, ink, size = prepared.lines, prepared.ink, prepared.size_px
    emphasis_style, pad = prepared.emphasis_style, prepared.highlight_pad_em
    missing = typeface.missing("".join(a.text for a in prepared.atoms))
    if missing:
        work.warnings.append("no bundled font covers " + " ".join(f"U+{cp:04X}" for cp in missing[:12]))
    if fitted.truncated:
        work.warnings.append(f"text of layer {index} truncated with an ellipsis to fit {layer.max_lines} lines at {fitted.size_px}px")
    if len(fitted.lines) > layer.max_lines:
        work.warnings.append(f"text of layer {index} took {len(fitted.lines)} lines (the layout prefers {layer.max_lines}) at {fitted.size_px}px to keep every word")
    if fitted.broke_words:
        work.warnings.append(f"a word of layer {index} is wider than its box and was broken")
    if layer.plate is not None:
        _draw_plates(work, prepared)

    # Colours: adjusted against what is really behind the ink, unless the layout says keep.
    layer_color = parse_color(layer.color)
    if work.backdrop is not None and layer.contrast == "ensure":
        # over a picture: blur and scrim it behind this text only as far as the colour needs to read
        layer_color = work.backdrop.calm(work.canvas, ink, size_px=size, text_color=layer_color,
                                         keep=tuple(work.over_picture))
    behind = luminances_behind(work, ink)
    stroke_em = layer.stroke.width_em if layer.stroke else 0.0
    stroke_color = parse_color(layer.stroke.color) if layer.stroke else None
    stroke_px = round(stroke_em * size)
    reference = (relative_luminance(stroke_color),) if stroke_color and stroke_em >= 0.03 else behind
    color = layer_color
    accent = parse_color(layer.emphasis.color)
    on_accent = parse_color(layer.emphasis.text_color)
    if layer.contrast == "ensure":
        color = ensure_contrast(color, reference, minimum_ratio=MIN_CONTRAST)
        if emphasis_style == "highlight":
            on_accent = ensure_contrast(on_accent, (relative_luminance(accent),), minimum_ratio=MIN_CONTRAST)
        elif emphasis_style == "color":
            accent = readable_accent(accent, color, reference)
    ratio = worst_contrast(color, reference)
    if layer.contrast == "ensure" and ratio < MIN_CONTRAST and reference is behind:
        # No colour reads over this backdrop (a busy photo or video frame): calm the backdrop
        # itself under the text with a feathered scrim, just as strong as needed.
        for _ in range(4):  # the luminance model is approximate: measure again until it reads
            local_scrim(work.canvas, ink.inflate(0.35 * size), color, behind, feather_px=0.3 * size)
            behind = reference = canvas_luminances(work.canvas, ink)
            if worst_contrast(color, reference) >= MIN_CONTRAST:
                break
        if emphasis_style == "color":
            accent = readable_accent(parse_color(layer.emphasis.color), color, reference)
        ratio = worst_contrast(color, reference)

    draw = ImageDraw.Draw(work.canvas)
    if emphasis_style == "highlight":
        for box in highlight_boxes(lines, typeface, size, pad):
            draw.rounded_rectangle(box, radius=round(pad * size * 0.8), fill=accent)
    if layer.shadow is not None and shadow_shows(parse_color(layer.shadow.color), color, behind):
        draw_text_shadow(work.canvas, lines, typeface, size, ink, layer.shadow, stroke_px)
    for line in lines:
        for segment in line.segments:
            if segment.emphasis and emphasis_style == "highlight":
                fill = on_accent
            elif segment.emphasis and emphasis_style == "color":
                fill = accent
            else:
                fill = color
            typeface.draw(work.canvas, segment.x_px, line.baseline_px, segment.text, size, fill=fill,
                          stroke_width_px=stroke_px, stroke_fill=stroke_color, rtl=segment.rtl)
    work.painted.append(ink.inflate(0.5 * size))
    work.texts.append(PlanText(
        layer=index, box=prepared.box, fit_box=prepared.fit_box, ink=ink, font=typeface.key, size_px=size,
        line_height_px=fitted.line_height_px, lines=lines, truncated=fitted.truncated, broke_words=fitted.broke_words,
        color=to_hex(color), emphasis_style=emphasis_style,
        emphasis_color=to_hex(on_accent if emphasis_style == "highlight" else accent), contrast_ratio=round(ratio, 2),
        role=layer.role,
    ))


def highlight_boxes(lines: tuple[PlanLine, ...], typeface: Typeface, size: int,
                    pad_em: float) -> list[tuple[float, float, float, float]]:
    """The highlight box of each emphasised piece, ``(x0, y0, x1, y1)``: from a pad above the cap
    height to a pad below the baseline, reaching down past the piece's own descenders (a letter's
    tail hanging out of the box would be on-accent text over the picture, unreadable) and keeping
    clear of the lines above and below (their descenders and ascenders stay off the accent)."""
    pad_px, gap = pad_em * size, _HIGHLIGHT_GAP_EM * size
    reach = [typeface.ink_extents_em("".join(segment.text for segment in line.segments)) for line in lines]
    boxes = []
    for i, line in enumerate(lines):
        for segment in line.segments:
            if not segment.emphasis or not segment.text.strip():
                continue
            above, below = (value * size for value in typeface.ink_extents_em(segment.text))
            top = line.baseline_px - typeface.cap_height_em * size - pad_px
            bottom = line.baseline_px + max(pad_px * 1.2, below + 0.25 * pad_px)
            if i > 0:  # off the descenders of the line above, but over this piece's own ascenders
                upper = lines[i - 1].baseline_px + reach[i - 1][1] * size + gap
                top = max(top, min(upper, line.baseline_px - above - 0.5 * gap))
            if i + 1 < len(lines):  # off the ascenders of the line below, but under this piece's descenders
                lower = lines[i + 1].baseline_px - reach[i + 1][0] * size - gap
                bottom = min(bottom, max(lower, line.baseline_px + below + 0.5 * gap))
            # the box hugs the glyphs: spaces carried inside the piece stay outside it
            lead = typeface.width_px(segment.text, size) - typeface.width_px(segment.text.lstrip(), size)
            trail = typeface.width_px(segment.text, size) - typeface.width_px(segment.text.rstrip(), size)
            x0, x1 = segment.x_px + lead, segment.x_px + segment.width_px - trail
            boxes.append((x0 - pad_px, top, x1 + pad_px, bottom))
    return boxes


_HIGHLIGHT_GAP_EM = 0.04  # the least room between a highlight box and another line's ink


def _draw_plates(work: Work, prepared: PreparedText) -> None:
    """The plate behind the block, or one per line: from the cap height to the baseline, padded."""
    plate = prepared.layer.plate
    assert plate is not None
    size, cap = prepared.size_px, prepared.typeface.cap_height_em * prepared.size_px
    pad_x, pad_y = plate.pad_x_em * size, plate.pad_y_em * size
    if plate.per == "line":
        rects = [Rect(line.x_px - pad_x, line.baseline_px - cap - pad_y, line.width_px + 2 * pad_x, cap + 2 * pad_y)
                 for line in prepared.lines]
    else:
        left, right = prepared.ink.x, prepared.ink.right
        top = prepared.lines[0].baseline_px - cap - pad_y
        bottom = prepared.lines[-1].baseline_px + pad_y
        rects = [Rect(left - pad_x, top, right - left + 2 * pad_x, bottom - top)]
    color = parse_color(plate.fill)
    alpha = round(color[3] * plate.opacity)
    for rect in rects:
        x0, y0 = round(rect.x), round(rect.y)
        w, h = max(1, round(rect.right) - x0), max(1, round(rect.bottom) - y0)
        mask = shape_mask("rect", w, h, round(min(plate.radius_em * size, h / 2)))
        if alpha < 255:
            mask = mask.point(lambda a: a * alpha // 255)
        paint = Image.new("RGBA", (w, h), color[:3] + (255,))
        paint.putalpha(mask)
        paint_over(work.canvas, paint, (x0, y0))
        work.painted.append(rect)


def _fit(atoms: tuple[Atom, ...], box: Rect, rules: FitRules, measure: TextMeasure, inset_x_em: float, inset_y_em: float,
         paragraph: int, language: str | None) -> FittedText:
    """Fit with em widths, then check the real hinted widths and step down if a line overflows."""
    typeface = measure.typeface
    while True:
        fitted = fit_with_leading(atoms, box_width_px=max(1.0, box.width - 2 * inset_x_em * rules.max_size_px),
                                  box_height_px=max(1.0, box.height - 2 * inset_y_em * rules.max_size_px),
                                  rules=rules, measure=measure, language=language)  # leading: the scripts' floor and ink clearance
        overflow = any(_real_width(line.atoms, typeface, fitted.size_px, paragraph) > box.width - 2 * inset_x_em * fitted.size_px + 0.5 for line in fitted.lines)
        if not overflow or fitted.size_px <= rules.min_size_px or rules.mode == "truncate":
            return fitted
        rules = replace(rules, max_size_px=fitted.size_px - 1)


def _real_width(atoms: tuple[Atom, ...], typeface: Typeface, size: int, paragraph: int) -> float:
    return sum(typeface.width_px(piece.text, size) for piece in line_pieces(atoms, paragraph=paragraph))


_MIRRORED_ALIGN = {"left": "right", "right": "left", "center": "center"}


def _place_lines(fitted: FittedText, box: Rect, align: str, valign: str, measure: TextMeasure, inset_x_em: float,
                 inset_y_em: float, paragraph: int = 0, *, pill_pad_px: float = 0.0) -> tuple[tuple[PlanLine, ...], Rect]:
    """Lines positioned in the box; ``pill_pad_px``: room on both sides of each highlighted piece,
    so a highlight box neither crowds its neighbours nor hangs out of the text column."""
    typeface = measure.typeface
    size = fitted.size_px
    inset_x, inset_y = inset_x_em * size, inset_y_em * size
    inner = Rect(box.x + inset_x, box.y + inset_y, box.width - 2 * inset_x, box.height - 2 * inset_y)
    n = len(fitted.lines)
    ascent, descent, cap = measure.ascent_em * size, measure.descent_em * size, typeface.cap_height_em * size
    span = (n - 1) * fitted.line_height_px  # first baseline to last baseline
    optical = cap + span  # cap top of the first line to the last baseline
    if valign == "top":
        first = inner.y + cap
    elif valign == "bottom":
        first = inner.bottom - span
    else:
        first = inner.y + (inner.height - optical) / 2 + cap
    # keep every ascender and descender inside the box
    first = min(max(first, inner.y + ascent), inner.bottom - descent - span)
    placed: list[PlanLine] = []
    left, right = inner.right, inner.x
    for i, line in enumerate(fitted.lines):
        pieces = line_pieces(line.atoms, paragraph=paragraph)  # visual order, spaces inside
        widths = [typeface.width_px(piece.text, size) for piece in pieces]
        pills = sum(1 for piece in pieces if piece.emphasis) if pill_pad_px else 0
        extra = min(pill_pad_px, max(0.0, (inner.width - sum(widths)) / (2 * pills))) if pills else 0.0
        total = sum(widths) + 2 * extra * pills
        x = inner.x if align == "left" else inner.right - total if align == "right" else inner.x + (inner.width - total) / 2
        baseline = first + i * fitted.line_height_px
        out, cursor = [], x
        for piece, width in zip(pieces, widths):
            pad_here = extra if piece.emphasis else 0.0
            cursor += pad_here
            out.append(PlanSegment(piece.text, round(cursor, 2), round(width, 2), piece.emphasis, piece.rtl))
            cursor += width + pad_here
        placed.append(PlanLine(round(baseline, 2), round(x, 2), round(total, 2), tuple(out)))
        left, right = min(left, x), max(right, x + total)
    top = first - ascent
    bottom = first + span + descent
    return tuple(placed), Rect(left, top, max(1.0, right - left), max(1.0, bottom - top))
