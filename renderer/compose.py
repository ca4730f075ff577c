"""Compose a filled layout into pixels and a Plan: fills, shapes, photo, logo, fitted text.

Layers are drawn in the layout's order. Text boxes make room for the photo and the logo, text
colours are adjusted to reach WCAG 4.5:1 against what is actually behind them, and the static
prefix of a layout (backgrounds and shapes before any text) is cached between renders.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .colors import RGBA, contrast_ratio, luminance_array, ensure_contrast, parse_color, relative_luminance, to_hex, worst_contrast
from .fills import fill_image, image_cover
from .fonts import FontBook
from .kit_spec import KitSpec
from .layout_spec import BackgroundLayer, LayoutSpec, LogoLayer, PhotoLayer, ShapeLayer, TextLayer
from .plan import Plan, PlanImage, PlanLine, PlanSegment, PlanText, Rect
from .textfit import FitRules, FittedText
from .title import Atom, atoms_from_text, normalize_title
from .linelayout import line_pieces, title_direction
from .memory import MIB, BoundedCache, image_bytes
from .mirror import mirror_for_rtl
from .typeset import TextMeasure, Typeface, fit_with_leading

MIN_CONTRAST = 4.5
_STATIC_CACHE_SIZE = 48
_STATIC_CACHE_BYTES = 64 * MIB  # every format of a kit at sd (17 backgrounds), or 4 at hd
_WITH_PHOTO_ENTRIES = 8
_WITH_PHOTO_BYTES = 32 * MIB


@dataclass(frozen=True)
class FramedPhoto:
    image: Image.Image  # RGBA, exactly the slot size
    face: Rect | None  # in slot coordinates
    warnings: tuple[str, ...] = ()
    # Where the photo's own edge cuts the subject inside the slot (left, top, right, bottom), in
    # slot pixels, or None: faded out from there, with no outline or shadow along it.
    cut_edges: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)


@dataclass(frozen=True)
class LogoSource:
    light: Image.Image  # RGBA; drawn on dark backgrounds (or always when there is no dark variant)
    dark: Image.Image | None  # RGBA; drawn on light backgrounds
    corner: str
    max_width_px: int
    max_height_px: int
    margin_px: int
    shadow: bool


@dataclass(frozen=True)
class Scene:
    """Everything compose needs besides the font book: filled layout, kit and assets."""

    layout: LayoutSpec
    layout_folder: Path
    kit: KitSpec
    kit_id: str
    scale: float = 1.0
    photo: Callable[[int, int], FramedPhoto] | None = None
    logo: LogoSource | None = None
    background_image: Image.Image | None = None
    debug: bool = False


_GRID_STEP_PX = 8  # the luminance grid of a cached background: one sample per 8x8 pixels


@dataclass
class _Work:
    """One render's state. The canvas starts as a cached picture shared with other renders and is
    copied the first time anything reads it for drawing (copy on write): a render that swaps the
    cached background for another cached picture (the background with the presenter) copies once."""

    shared_canvas: Image.Image
    luminance_grid: np.ndarray | None = None  # of the untouched static background
    logo_rect: Rect | None = None
    logo_note: str = ""  # why the logo is not in the kit's corner, for the plan
    untouched_key: str | None = None  # the static prefix's cache key while nothing else is drawn
    painted: list[Rect] = field(default_factory=list)  # drawn on since the grid was made
    obstacles: list[Rect] = field(default_factory=list)
    texts: list[PlanText] = field(default_factory=list)
    images: list[PlanImage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _own_canvas: Image.Image | None = None

    @property
    def canvas(self) -> Image.Image:
        if self._own_canvas is None:
            self._own_canvas = self.shared_canvas.copy()
        return self._own_canvas

    @canvas.setter
    def canvas(self, image: Image.Image) -> None:
        self._own_canvas = image

    def share(self, image: Image.Image) -> None:
        """Start again from a cached picture, without copying it until it is drawn on."""
        self.shared_canvas, self._own_canvas = image, None

    @property
    def size(self) -> tuple[int, int]:
        return (self._own_canvas or self.shared_canvas).size


class Composer:
    def __init__(self, fonts: FontBook) -> None:
        self.fonts = fonts
        self._static: BoundedCache[str, tuple[Image.Image, np.ndarray]] = BoundedCache(
            max_entries=_STATIC_CACHE_SIZE, max_bytes=_STATIC_CACHE_BYTES,
            size_of=lambda cached: image_bytes(cached[0]) + cached[1].nbytes)
        self._typefaces: dict[tuple[str, str], Typeface] = {}
        self._with_photo: BoundedCache[tuple, tuple[Image.Image, Image.Image]] = BoundedCache(
            max_entries=_WITH_PHOTO_ENTRIES, max_bytes=_WITH_PHOTO_BYTES,
            size_of=lambda cached: image_bytes(cached[0]) + image_bytes(cached[1]))
        self._lock = threading.Lock()

    # -- the whole picture -------------------------------------------------------------------
    def compose(self, scene: Scene) -> tuple[Image.Image, Plan]:
        scene = mirror_for_rtl(scene)  # a right-to-left title gets the layout mirrored
        spec, s = scene.layout, scene.scale
        width, height = round(spec.size.width * s), round(spec.size.height * s)
        layers = spec.layers
        prefix = 0
        while prefix < len(layers) and isinstance(layers[prefix], (BackgroundLayer, ShapeLayer)) and not (
            scene.background_image is not None and isinstance(layers[prefix], BackgroundLayer)
        ) and not (isinstance(layers[prefix], ShapeLayer) and layers[prefix].track is not None):
            prefix += 1
        canvas, grid, key = self._static_prefix(scene, prefix, width, height)
        work = _Work(canvas, grid, untouched_key=key)
        work.obstacles = self._reserved(scene, work)
        tracking: list[ShapeLayer] = []  # shapes waiting for the next text layer's ink
        for index in range(prefix, len(layers)):
            layer = layers[index]
            if not isinstance(layer, PhotoLayer):
                work.untouched_key = None
            if isinstance(layer, BackgroundLayer):
                self._background(work, scene, layer)
            elif isinstance(layer, ShapeLayer) and layer.track is not None:
                tracking.append(layer)
            elif isinstance(layer, ShapeLayer):
                self._shape(work.canvas, scene, layer)
                work.painted.append(_rect(layer.box, scene.scale))
            elif isinstance(layer, PhotoLayer):
                self._photo(work, scene, index, layer)
                work.untouched_key = None
            elif isinstance(layer, LogoLayer):
                self._logo(work, scene, index, layer)
            elif isinstance(layer, TextLayer):
                drawn = len(work.texts)
                self._text(work, scene, index, layer)
                ink = work.texts[-1].ink if len(work.texts) > drawn else None
                for shape in tracking:
                    self._shape(work.canvas, scene, shape, box=_tracked_box(shape, ink, scene.scale))
                tracking.clear()
        for shape in tracking:  # no text followed: the shape stays where its box says
            self._shape(work.canvas, scene, shape)
        if scene.logo is not None and not any(isinstance(layer, LogoLayer) for layer in layers):
            self._logo(work, scene, -1, None)
        if scene.debug:
            self._debug_overlay(work, scene)
        plan = Plan(
            format=spec.format, layout=spec.name, kit=scene.kit_id, width_px=width, height_px=height,
            texts=tuple(work.texts), images=tuple(work.images), warnings=tuple(dict.fromkeys(work.warnings)),
        )
        canvas = work.canvas if work.canvas.mode == "RGB" else work.canvas.convert("RGB")
        return canvas, plan

    def _static_prefix(self, scene: Scene, prefix: int, width: int, height: int) -> tuple[Image.Image, np.ndarray, str]:
        """The background and shapes every render of this layout starts from, cached: the picture
        returned is shared and must not be drawn on (``_Work`` copies it on first use)."""
        key = f"{width}x{height}|{scene.layout_folder}|" + "|".join(
            layer.model_dump_json() for layer in scene.layout.layers[:prefix]
        )
        cached = self._static.get(key)
        if cached is not None:
            return cached[0], cached[1], key
        canvas = Image.new("RGBA", (width, height), (0, 0, 0, 255))
        for layer in scene.layout.layers[:prefix]:
            if isinstance(layer, BackgroundLayer):
                canvas = fill_image(layer.fill, width, height, images_root=scene.layout_folder)
            else:
                self._shape(canvas, scene, layer)
        canvas = canvas.convert("RGB")  # the canvas is opaque from here on: RGB is cheaper to draw and encode
        grid = _luminance_array(canvas.reduce(_GRID_STEP_PX))
        self._static.put(key, (canvas, grid))
        return canvas, grid, key

    # -- reserved space ----------------------------------------------------------------------
    def _reserved(self, scene: Scene, work: _Work) -> list[Rect]:
        rects = []
        for layer in scene.layout.layers:
            if isinstance(layer, PhotoLayer) and scene.photo is not None:
                rects.append(_rect(layer.box, scene.scale))
        if scene.logo is not None:
            work.logo_rect, work.logo_note = self._place_logo(scene, avoid=list(rects) + _panels(scene))
            rects.append(work.logo_rect.inflate(12 * scene.scale))
        return rects

    def _place_logo(self, scene: Scene, *, avoid: list[Rect]) -> tuple[Rect, str]:
        """The kit's corner, or the nearest other corner when the photo or a panel is there (and
        a note saying so for the plan)."""
        logo = scene.logo
        assert logo is not None
        region = _logo_region(scene)
        vertical, horizontal = logo.corner.split("-")
        flip_h = {"left": "right", "right": "left"}
        flip_v = {"top": "bottom", "bottom": "top"}
        corners = [logo.corner, f"{vertical}-{flip_h[horizontal]}", f"{flip_v[vertical]}-{horizontal}",
                   f"{flip_v[vertical]}-{flip_h[horizontal]}"]
        for corner in corners:
            rect = self._logo_rect(scene, region, corner)
            if not any(rect.inflate(8 * scene.scale).intersects(other) for other in avoid):
                note = "" if corner == logo.corner else f"{corner}, not {logo.corner}: the photo or a panel is there"
                return rect, note
        return self._logo_rect(scene, region, logo.corner), ""

    # -- layers ------------------------------------------------------------------------------
    def _background(self, work: _Work, scene: Scene, layer: BackgroundLayer) -> None:
        width, height = work.size
        if scene.background_image is None:
            work.canvas = fill_image(layer.fill, width, height, images_root=scene.layout_folder).convert("RGB")
            work.luminance_grid = None
            return
        treatment = layer.frame
        image = image_cover(scene.background_image, width, height, darken=treatment.darken, blur_px=treatment.blur_px * scene.scale)
        if treatment.scrim != "none":
            image = Image.alpha_composite(image, _scrim(treatment.scrim, parse_color(treatment.scrim_color), treatment.scrim_opacity, width, height))
        work.canvas = image.convert("RGB")
        work.luminance_grid = None
        work.obstacles.extend(_faces_in(scene.background_image, width, height))

    def _shape(self, canvas: Image.Image, scene: Scene, layer: ShapeLayer, *, box: Rect | None = None) -> None:
        box = box or _rect(layer.box, scene.scale)
        w, h = round(box.width), round(box.height)
        paint = fill_image(layer.fill, w, h, images_root=scene.layout_folder)
        mask = _shape_mask(layer.shape, w, h, round(layer.radius_px * scene.scale))
        alpha = paint.getchannel("A")
        alpha = Image.fromarray((np.asarray(alpha, np.uint16) * np.asarray(mask, np.uint16) * layer.opacity / 255).astype(np.uint8))
        paint.putalpha(alpha)
        _over(canvas, paint, (round(box.x), round(box.y)))

    def _photo(self, work: _Work, scene: Scene, index: int, layer: PhotoLayer) -> None:
        if scene.photo is None:
            return
        box = _rect(layer.box, scene.scale)
        framed = scene.photo(round(box.width), round(box.height))
        work.warnings.extend(framed.warnings)
        width, height = work.size
        inner_edges = (box.x > 1, box.y > 1, box.right < width - 1, box.bottom < height - 1)
        effects = layer.effects
        kit_photo = scene.kit.photo
        if kit_photo is not None and kit_photo.outline_px is not None:  # the brand's outline wins
            effects = effects.model_copy(update={
                "outline_px": kit_photo.outline_px, "outline_color": kit_photo.outline_color or effects.outline_color})
        sprite = _photo_sprite(framed.image, effects, scene.scale, inner_edges, framed.cut_edges, framed.face)
        xy = (round(box.x), round(box.y))
        if work.untouched_key is not None:
            # Nothing but the cached background is on the canvas yet: the background with this
            # presenter's sprite is itself worth caching (a channel renders many thumbnails of it).
            key = (work.untouched_key, id(sprite), xy)
            cached = self._with_photo.get(key)
            if cached is not None and cached[0] is sprite:
                work.share(cached[1])
            else:
                _over(work.canvas, sprite, xy)
                self._with_photo.put(key, (sprite, work.canvas.copy()))
        else:
            _over(work.canvas, sprite, xy)
        work.painted.append(box.inflate(24 * scene.scale))
        face = framed.face
        detail = f"face at {face.x:.0f},{face.y:.0f} {face.width:.0f}x{face.height:.0f}" if face else "no face detected"
        work.images.append(PlanImage(index, "photo", box, detail))

    def _logo_rect(self, scene: Scene, region: Rect, corner: str) -> Rect:
        logo = scene.logo
        assert logo is not None
        s = scene.scale
        w, h = logo.light.size
        k = min(logo.max_width_px * s / w, logo.max_height_px * s / h, LOGO_MAX_UPSCALE * s)
        lw, lh = w * k, h * k
        margin = logo.margin_px * s
        x = region.x + margin if corner.endswith("left") else region.right - margin - lw
        y = region.y + margin if corner.startswith("top") else region.bottom - margin - lh
        return Rect(round(x), round(y), round(lw), round(lh))

    def _logo(self, work: _Work, scene: Scene, index: int, layer: LogoLayer | None) -> None:
        logo = scene.logo
        if logo is None:
            return
        if work.logo_rect is None:
            work.logo_rect, work.logo_note = self._place_logo(scene, avoid=_panels(scene))
        rect = work.logo_rect
        variant = logo.light
        behind = _behind(work, rect)
        if logo.dark is not None and sorted(behind)[len(behind) // 2] > 0.4:
            variant = logo.dark
        image = variant.resize((max(1, round(rect.width)), max(1, round(rect.height))), Image.Resampling.LANCZOS)
        if min(rect.width, rect.height) < LOGO_MIN_SIDE_PX * scene.scale:
            w, h = variant.size
            work.warnings.append(f"the logo ({w}x{h} pixels) is drawn {round(rect.width)}x{round(rect.height)} to fit "
                                 f"its {logo.max_width_px}x{logo.max_height_px} box: too thin to read; use a logo "
                                 "nearer 2:1")
        detail = "dark variant" if variant is logo.dark else ("light variant" if logo.dark is not None else "logo")
        plate = _logo_plate(image, sorted(behind)[len(behind) // 2], scene.kit)
        if plate is not None:
            # A single logo that does not stand out from what is behind it (a dark logo on a dark
            # kit) goes on a plate of the kit colour that contrasts most with it.
            color, before, after = plate
            pad = round(8 * scene.scale)
            box = rect.inflate(pad)
            w, h = round(box.width), round(box.height)
            paint = Image.new("RGBA", (w, h), color[:3] + (255,))
            paint.putalpha(_shape_mask("rect", w, h, round(10 * scene.scale)))
            _over(work.canvas, paint, (round(box.x), round(box.y)))
            detail += f" on a {to_hex(color)} plate (contrast {before:.1f}:1 -> {after:.1f}:1)"
        elif logo.shadow:
            shadow = Image.new("RGBA", image.size, (0, 0, 0, 0))
            shadow.putalpha(image.getchannel("A").point(lambda a: a * 0.5).filter(ImageFilter.GaussianBlur(6 * scene.scale)))
            _over(work.canvas, shadow, (round(rect.x + 2 * scene.scale), round(rect.y + 4 * scene.scale)))
        _over(work.canvas, image, (round(rect.x), round(rect.y)))
        work.painted.append(rect.inflate(12 * scene.scale))
        if work.logo_note:
            detail += f"; {work.logo_note}"
        work.images.append(PlanImage(index, "logo", rect, detail))

    def _typeface(self, layer: TextLayer, kit: KitSpec) -> Typeface:
        if layer.font in ("heading", "body"):
            chosen = getattr(kit.fonts, layer.font)
            family, weight = chosen.family, layer.weight or chosen.weight
        else:
            family, weight = layer.font, layer.weight or "bold"
        key = (family, weight)
        with self._lock:
            typeface = self._typefaces.get(key)
        if typeface is None:
            typeface = Typeface(self.fonts.face(family, weight), self.fonts.fallbacks(weight))
            with self._lock:
                typeface = self._typefaces.setdefault(key, typeface)
        return typeface

    def _text(self, work: _Work, scene: Scene, index: int, layer: TextLayer) -> None:
        text = normalize_title(layer.text)
        if not text:
            return
        kit, s = scene.kit, scene.scale
        uppercase = (kit.style.transform if layer.transform == "kit" else layer.transform) == "upper"
        emphasis_style = kit.style.emphasis if layer.emphasis.style == "kit" else layer.emphasis.style
        atoms = atoms_from_text(text, auto_emphasis=layer.emphasis.auto and emphasis_style != "none", uppercase=uppercase)
        if not atoms:
            return
        typeface = self._typeface(layer, kit)
        missing = typeface.missing("".join(a.text for a in atoms))
        if missing:
            work.warnings.append("no bundled font covers " + " ".join(f"U+{cp:04X}" for cp in missing[:12]))
        box = _rect(layer.box, s)
        fit_box = _avoid(box, work.obstacles)
        if emphasis_style == "color" and layer.contrast == "ensure" and any(a.emphasis for a in atoms):
            # An accent that cannot read over this backdrop (a bright video frame) becomes a
            # highlight box instead of silently turning into the text colour.
            accent_wanted = parse_color(layer.emphasis.color)
            if worst_contrast(ensure_contrast(accent_wanted, _behind(work, fit_box)), _behind(work, fit_box)) < MIN_CONTRAST or \
                    _readable_accent(accent_wanted, parse_color(layer.color), _behind(work, fit_box)) == parse_color(layer.color):
                emphasis_style = "highlight"
        stroke_em = layer.stroke.width_em if layer.stroke else 0.0
        pad = 0.12 if emphasis_style == "highlight" else 0.0  # highlight boxes reach past the glyphs
        inset_em = stroke_em + pad
        rules = FitRules(
            min_size_px=max(8, round(layer.size_px.min * s)), max_size_px=max(8, round(layer.size_px.max * s)),
            max_lines=layer.max_lines, line_height=layer.line_height, mode=layer.fit.mode,
        )
        measure = typeface.for_text(" ".join(a.text for a in atoms))
        paragraph = title_direction(atoms)
        fitted = self._fit(atoms, fit_box, rules, measure, inset_em, paragraph)
        if fitted.truncated:
            work.warnings.append(f"text of layer {index} truncated with an ellipsis to fit {layer.max_lines} lines at {fitted.size_px}px")
        if len(fitted.lines) > layer.max_lines:
            work.warnings.append(f"text of layer {index} took {len(fitted.lines)} lines (the layout prefers {layer.max_lines}) at {fitted.size_px}px to keep every word")
        if fitted.broke_words:
            work.warnings.append(f"a word of layer {index} is wider than its box and was broken")
        size = fitted.size_px
        align = _MIRRORED_ALIGN[layer.align] if paragraph else layer.align  # alignment follows the direction
        lines, ink = _place_lines(fitted, fit_box, align, layer.valign, measure, inset_em, paragraph,
                                  pill_pad_px=pad * fitted.size_px if emphasis_style == "highlight" else 0.0)

        # Colours: adjusted against what is really behind the ink, unless the layout says keep.
        behind = _behind(work, ink)
        stroke_color = parse_color(layer.stroke.color) if layer.stroke else None
        stroke_px = round(stroke_em * size)
        reference = (relative_luminance(stroke_color),) if stroke_color and stroke_em >= 0.03 else behind
        color = parse_color(layer.color)
        accent = parse_color(layer.emphasis.color)
        on_accent = parse_color(layer.emphasis.text_color)
        if layer.contrast == "ensure":
            color = ensure_contrast(color, reference, minimum_ratio=MIN_CONTRAST)
            if emphasis_style == "highlight":
                on_accent = ensure_contrast(on_accent, (relative_luminance(accent),), minimum_ratio=MIN_CONTRAST)
            elif emphasis_style == "color":
                accent = _readable_accent(accent, color, reference)
        ratio = worst_contrast(color, reference)
        if layer.contrast == "ensure" and ratio < MIN_CONTRAST and reference is behind:
            # No colour reads over this backdrop (a busy photo or video frame): calm the backdrop
            # itself under the text with a feathered scrim, just as strong as needed.
            for _ in range(4):  # the luminance model is approximate: measure again until it reads
                _local_scrim(work.canvas, ink.inflate(0.35 * size), color, behind, feather_px=0.3 * size)
                behind = reference = _luminances(work.canvas, ink)
                if worst_contrast(color, reference) >= MIN_CONTRAST:
                    break
            if emphasis_style == "color":
                accent = _readable_accent(parse_color(layer.emphasis.color), color, reference)
            ratio = worst_contrast(color, reference)

        draw = ImageDraw.Draw(work.canvas)
        if emphasis_style == "highlight":
            for line in lines:
                for segment in line.segments:
                    if segment.emphasis:
                        pad_px = pad * size
                        top = line.baseline_px - typeface.cap_height_em * size - pad_px
                        # the box hugs the glyphs: spaces carried inside the piece stay outside it
                        lead = typeface.width_px(segment.text, size) - typeface.width_px(segment.text.lstrip(), size)
                        trail = typeface.width_px(segment.text, size) - typeface.width_px(segment.text.rstrip(), size)
                        x0 = segment.x_px + lead
                        x1 = segment.x_px + segment.width_px - trail
                        draw.rounded_rectangle((x0 - pad_px, top, x1 + pad_px, line.baseline_px + pad_px * 1.2),
                                               radius=round(pad_px * 0.8), fill=accent)
        if layer.shadow is not None and _shadow_shows(parse_color(layer.shadow.color), color, behind):
            _shadow(work.canvas, lines, typeface, size, ink, layer.shadow, stroke_px)
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
            layer=index, box=box, fit_box=fit_box, ink=ink, font=typeface.key, size_px=size,
            line_height_px=fitted.line_height_px, lines=lines, truncated=fitted.truncated, broke_words=fitted.broke_words,
            color=to_hex(color), emphasis_style=emphasis_style,
            emphasis_color=to_hex(on_accent if emphasis_style == "highlight" else accent), contrast_ratio=round(ratio, 2),
        ))

    def _fit(self, atoms: tuple[Atom, ...], box: Rect, rules: FitRules, measure: TextMeasure, inset_em: float, paragraph: int) -> FittedText:
        """Fit with em widths, then check the real hinted widths and step down if a line overflows."""
        typeface = measure.typeface
        while True:
            inset = 2 * inset_em * rules.max_size_px
            fitted = fit_with_leading(atoms, box_width_px=max(1.0, box.width - inset), box_height_px=max(1.0, box.height - inset),
                                      rules=rules, measure=measure)  # leading: the scripts' floor and ink clearance
            overflow = any(_real_width(line.atoms, typeface, fitted.size_px, paragraph) > box.width - 2 * inset_em * fitted.size_px + 0.5 for line in fitted.lines)
            if not overflow or fitted.size_px <= rules.min_size_px or rules.mode == "truncate":
                return fitted
            rules = FitRules(rules.min_size_px, fitted.size_px - 1, rules.max_lines, rules.line_height, rules.mode)

    def _debug_overlay(self, work: _Work, scene: Scene) -> None:
        draw = ImageDraw.Draw(work.canvas)
        for text in work.texts:
            draw.rectangle(_xyxy(text.box), outline=(255, 0, 255, 255), width=2)
            draw.rectangle(_xyxy(text.fit_box), outline=(255, 128, 255, 255), width=1)
            for line in text.lines:
                draw.line((line.x_px, line.baseline_px, line.x_px + line.width_px, line.baseline_px), fill=(0, 255, 255, 255), width=1)
            draw.rectangle(_xyxy(text.ink), outline=(0, 255, 0, 255), width=1)
        for image in work.images:
            draw.rectangle(_xyxy(image.box), outline=(255, 255, 0, 255), width=2)
        for layer in scene.layout.layers:
            if isinstance(layer, (PhotoLayer, LogoLayer)):
                draw.rectangle(_xyxy(_rect(layer.box, scene.scale)), outline=(255, 200, 0, 255), width=1)


# -- helpers ---------------------------------------------------------------------------------
def _rect(box, scale: float) -> Rect:
    return Rect(box.x * scale, box.y * scale, box.width * scale, box.height * scale)


def _xyxy(rect: Rect) -> tuple[float, float, float, float]:
    return (rect.x, rect.y, rect.right, rect.bottom)


def _tracked_box(shape: ShapeLayer, ink: Rect | None, scale: float) -> Rect:
    """Where a tracking shape goes against the text's ink (its own box when there is no text)."""
    own = _rect(shape.box, scale)
    if ink is None or shape.track is None:
        return own
    gap = shape.track.gap_px * scale
    if shape.track.edge == "left":
        return Rect(ink.x - gap - own.width, ink.y, own.width, ink.height)
    if shape.track.edge == "right":
        return Rect(ink.right + gap, ink.y, own.width, ink.height)
    centre = ink.x + ink.width / 2 if own.width < ink.width else own.x + own.width / 2
    x = centre - own.width / 2
    if shape.track.edge == "below":
        return Rect(x, ink.bottom + gap, own.width, own.height)
    return Rect(x, ink.y - gap - own.height, own.width, own.height)


def _faces_in(picture: Image.Image, width: int, height: int) -> list[Rect]:
    """Faces of a cover-fitted background picture, in canvas pixels, with room for the hair and
    chin: the title makes way for them as it does for the photo slot."""
    from PIL import ImageOps

    from .faces import Box, find_face

    fitted = ImageOps.fit(picture.convert("RGB"), (width, height), Image.Resampling.BILINEAR)
    small_width = 480
    k = width / small_width
    small = fitted.resize((small_width, max(1, round(height / k))), Image.Resampling.BILINEAR)
    mask = Image.new("L", small.size, 255)
    face = find_face(small, mask, Box(0, 0, small.width, small.height))
    if face is None:
        return []
    fw, fh = (face.right - face.left) * k, (face.bottom - face.top) * k
    return [Rect(face.left * k - 0.35 * fw, face.top * k - 0.5 * fh, fw * 1.7, fh * 1.9)]


def _panels(scene: Scene) -> list[Rect]:
    """Rectangular shapes smaller than half the canvas (badges, bars): a logo stays off them."""
    canvas_area = scene.layout.size.width * scene.layout.size.height
    return [
        _rect(layer.box, scene.scale)
        for layer in scene.layout.layers
        if isinstance(layer, ShapeLayer) and layer.shape == "rect" and layer.box.width * layer.box.height < canvas_area / 2
    ]


def _logo_region(scene: Scene) -> Rect:
    for layer in scene.layout.layers:
        if isinstance(layer, LogoLayer):
            return _rect(layer.box, scene.scale)
    return Rect(0, 0, scene.layout.size.width * scene.scale, scene.layout.size.height * scene.scale)


def _avoid(box: Rect, obstacles: list[Rect]) -> Rect:
    """The largest part of ``box`` left of, right of, above or below each obstacle it meets."""
    for obstacle in obstacles:
        if not box.intersects(obstacle):
            continue
        candidates = [
            Rect(box.x, box.y, obstacle.x - box.x, box.height),
            Rect(obstacle.right, box.y, box.right - obstacle.right, box.height),
            Rect(box.x, box.y, box.width, obstacle.y - box.y),
            Rect(box.x, obstacle.bottom, box.width, box.bottom - obstacle.bottom),
        ]
        candidates = [c for c in candidates if c.width > 0 and c.height > 0]
        if candidates:
            box = max(candidates, key=lambda c: (min(c.width / 4, c.height), c.width * c.height))
    return box


def _real_width(atoms: tuple[Atom, ...], typeface: Typeface, size: int, paragraph: int) -> float:
    return sum(typeface.width_px(piece.text, size) for piece in line_pieces(atoms, paragraph=paragraph))


_MIRRORED_ALIGN = {"left": "right", "right": "left", "center": "center"}


def _place_lines(fitted: FittedText, box: Rect, align: str, valign: str, measure: TextMeasure, inset_em: float,
                 paragraph: int = 0, *, pill_pad_px: float = 0.0) -> tuple[tuple[PlanLine, ...], Rect]:
    """Lines positioned in the box; ``pill_pad_px``: room on both sides of each highlighted piece,
    so a highlight box neither crowds its neighbours nor hangs out of the text column."""
    typeface = measure.typeface
    size = fitted.size_px
    inset = inset_em * size
    inner = Rect(box.x + inset, box.y + inset, box.width - 2 * inset, box.height - 2 * inset)
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


LOGO_MAX_UPSCALE = 2.0  # a small logo is enlarged at most this much (more is visibly blurred)
LOGO_MIN_SIDE_PX = 16  # a logo drawn thinner than this cannot be made out: warned
LOGO_MIN_CONTRAST = 3.0  # WCAG 2.1's minimum for graphical objects (1.4.11)


def _logo_plate(image: Image.Image, behind_luminance: float, kit: KitSpec) -> tuple[RGBA, float, float] | None:
    """``(colour, contrast before, contrast after)`` when a logo needs a plate to be seen, else None.

    The logo's luminance is the alpha-weighted mean of its visible pixels; the plate takes the
    first kit colour (surface, background, text, on-accent) with 4.5:1 against it, else white or
    black, whichever reads better."""
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    alpha = pixels[..., 3]
    if alpha.sum() < 1.0:
        return None
    logo_luminance = float((luminance_array(pixels[..., :3]) * alpha).sum() / alpha.sum())
    before = contrast_ratio(logo_luminance, behind_luminance)
    if before >= LOGO_MIN_CONTRAST:
        return None
    palette = kit.palette
    candidates = [parse_color(c) for c in (palette.surface, palette.background, palette.text, palette.on_accent)]
    candidates += [(255, 255, 255, 255), (0, 0, 0, 255)]
    against = [contrast_ratio(logo_luminance, relative_luminance(c)) for c in candidates]
    # the kit's own colours first, when one reads well; else whichever reads best
    index = next((i for i, ratio in enumerate(against) if ratio >= 4.5), max(range(len(against)), key=against.__getitem__))
    return candidates[index], before, against[index]


def _behind(work: _Work, rect: Rect) -> tuple[float, ...]:
    """What lies behind ``rect``: from the cached background's luminance grid when nothing has
    been drawn there since, else from the canvas's pixels."""
    grid = work.luminance_grid
    if grid is not None and not any(rect.intersects(other) for other in work.painted):
        x0, y0 = max(0, int(rect.x // _GRID_STEP_PX)), max(0, int(rect.y // _GRID_STEP_PX))
        x1, y1 = min(grid.shape[1], int(rect.right // _GRID_STEP_PX) + 1), min(grid.shape[0], int(rect.bottom // _GRID_STEP_PX) + 1)
        if x1 > x0 and y1 > y0:
            low, mid, high = np.percentile(grid[y0:y1, x0:x1], [3, 50, 97])
            return (float(low), float(mid), float(high))
    return _luminances(work.canvas, rect)


def _luminance_array(image: Image.Image) -> np.ndarray:
    return luminance_array(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0)


def _luminances(canvas: Image.Image, rect: Rect) -> tuple[float, ...]:
    """Low, middle and high WCAG luminance of the pixels under ``rect``."""
    x0, y0 = max(0, int(rect.x)), max(0, int(rect.y))
    x1, y1 = min(canvas.width, int(rect.right) + 1), min(canvas.height, int(rect.bottom) + 1)
    if x1 <= x0 or y1 <= y0:
        return (0.0,)
    region = canvas.crop((x0, y0, x1, y1)).convert("RGB")
    factor = max(1, min(region.width, region.height) // 16)
    if factor > 1:
        region = region.reduce(factor)
    lum = _luminance_array(region)
    low, mid, high = np.percentile(lum, [3, 50, 97])
    return (float(low), float(mid), float(high))


def _readable_accent(accent: RGBA, text_color: RGBA, behind: tuple[float, ...]) -> RGBA:
    """The accent, nudged to 4.5:1 against the background; if it cannot get there without
    turning into the text colour, the text colour's contrast is what matters."""
    adjusted = ensure_contrast(accent, behind, minimum_ratio=MIN_CONTRAST)
    if contrast_ratio(relative_luminance(adjusted), relative_luminance(text_color)) < 1.15:
        return text_color
    return adjusted


def _shadow(canvas: Image.Image, lines: tuple[PlanLine, ...], typeface: Typeface, size: int, ink: Rect, shadow, stroke_px: int) -> None:
    """A soft drop shadow: the glyphs drawn into a mask at a quarter of the size, blurred there
    (16x fewer pixels than at full size) and scaled back up, then painted through that mask."""
    blur = shadow.blur_em * size
    dx, dy = shadow.offset_x_em * size, shadow.offset_y_em * size
    margin = int(blur * 2.5 + stroke_px + size * 0.3) + 4
    x0 = max(0, int(ink.x + min(dx, 0)) - margin)
    y0 = max(0, int(ink.y + min(dy, 0)) - margin)
    x1 = min(canvas.width, int(ink.right + max(dx, 0)) + margin)
    y1 = min(canvas.height, int(ink.bottom + max(dy, 0)) + margin + int(size * 0.3))
    if x1 <= x0 or y1 <= y0:
        return
    k = 4 if blur >= 4 else 1
    color = parse_color(shadow.color)
    mask = Image.new("L", ((x1 - x0 + k - 1) // k, (y1 - y0 + k - 1) // k), 0)
    small = max(1, round(size / k))
    for line in lines:
        for segment in line.segments:
            typeface.draw(mask, (segment.x_px - x0 + dx) / k, (line.baseline_px - y0 + dy) / k, segment.text, small,
                          fill=color[3], stroke_width_px=round(stroke_px / k), stroke_fill=color[3], rtl=segment.rtl)
    if blur > 0:
        mask = mask.filter(ImageFilter.GaussianBlur(blur / k))
    if k > 1:
        mask = mask.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
    # pasting an image through a mask is ~2x faster in Pillow than pasting a colour tuple
    canvas.paste(Image.new("RGB", mask.size, color[:3]), (x0, y0), mask)


#: framed photo -> (it, its sprite); the photo is kept alive, so its id is not reused
_SPRITES: BoundedCache[tuple, tuple[Image.Image, Image.Image]] = BoundedCache(
    max_entries=16, max_bytes=32 * MIB, size_of=lambda cached: image_bytes(cached[0]) + image_bytes(cached[1]))


def _photo_sprite(image: Image.Image, effects, scale: float, inner_edges: tuple[bool, bool, bool, bool],
                  cut_edges: tuple[int | None, ...] = (None, None, None, None), face: Rect | None = None) -> Image.Image:
    """The framed photo with its drop shadow and outline composed into one RGBA image of the slot's
    size, remembered per framed image: a presenter's next thumbnail pastes it once, nothing more.

    Where the slot ends inside the canvas (left, top, right, bottom), the body fades out instead of
    stopping on a hard straight line; so it does from a line where the photo's own edge cuts the
    subject inside the slot (``cut_edges``), and no outline or shadow is drawn beyond that line.
    (Where the slot and a cut end on the canvas's edge, the cut coincides with the thumbnail's.)
    The whole sprite fades, outline and shadow with the body, so no outline shows through it."""
    key = (id(image), effects.shadow, effects.outline_px, effects.outline_color, scale, inner_edges, cut_edges, face)
    cached = _SPRITES.get(key)
    if cached is not None and cached[0] is image:
        return cached[1]
    sprite = Image.new("RGBA", image.size, (0, 0, 0, 0))
    if effects.shadow:
        alpha = image.getchannel("A").point(lambda a: a * 0.55).reduce(4)
        blurred = alpha.filter(ImageFilter.GaussianBlur(14 * scale / 4)).resize(image.size, Image.Resampling.BILINEAR)
        shadow = Image.new("RGBA", image.size, (0, 0, 0, 0))
        shadow.putalpha(blurred)
        sprite.alpha_composite(shadow, (round(8 * scale), round(10 * scale)))
    if effects.outline_px:
        sprite.alpha_composite(_outline(image, round(effects.outline_px * scale), parse_color(effects.outline_color)))
    sprite.alpha_composite(image)
    sprite = _feather_edges(sprite, _fade_starts(image.size, inner_edges, cut_edges), fraction=0.12, face=face)
    _SPRITES.put(key, (image, sprite))
    return sprite


def _fade_starts(size: tuple[int, int], inner_edges: tuple[bool, bool, bool, bool],
                 cut_edges: tuple[int | None, ...]) -> tuple[float | None, ...]:
    """For each side (left, top, right, bottom): how far in from the slot's edge the fade starts
    (everything before is cleared), or None for no fade: 0 at a slot edge inside the canvas, the
    cut's line where the photo cuts the subject inside the slot."""
    width, height = size
    starts: list[float | None] = [0.0 if inner else None for inner in inner_edges]
    for side, cut in enumerate(cut_edges):
        if cut is not None:
            starts[side] = float(cut if side < 2 else (width, height)[side - 2] - cut)
    return tuple(starts)


def _feather_edges(image: Image.Image, starts: tuple[float | None, ...], *, fraction: float,
                   face: Rect | None = None) -> Image.Image:
    """``image`` with its alpha faded to zero over ``fraction`` of its width/height at each side
    (left, top, right, bottom) whose start is not None, from that far in (cleared before it).
    The top fade ends before ``face`` (a head cut by the photo's top keeps its face)."""
    if all(start is None for start in starts):
        return image
    width, height = image.size
    ramp_x = np.ones(width, dtype=np.float32)
    ramp_y = np.ones(height, dtype=np.float32)
    span_x, span_y = max(2, int(width * fraction)), max(2, int(height * fraction))
    for side, start in enumerate(starts):
        if start is None:
            continue
        ramp, span = (ramp_x, span_x) if side % 2 == 0 else (ramp_y, span_y)
        if side == 1 and face is not None:
            span = max(2, min(span, int(0.8 * (face.y - start))))
        fade = np.clip((np.arange(len(ramp), dtype=np.float32) - start) / span, 0.0, 1.0) ** 1.5
        ramp *= fade if side < 2 else fade[::-1]
    alpha = np.asarray(image.getchannel("A"), dtype=np.float32) * ramp_y[:, None] * ramp_x[None, :]
    feathered = image.copy()
    feathered.putalpha(Image.fromarray(alpha.astype(np.uint8), "L"))
    return feathered


def _shadow_shows(shadow: RGBA, text: RGBA, behind: tuple[float, ...]) -> bool:
    """A shadow is drawn where it can be seen and helps: it must stand out from the backdrop
    (a black shadow on navy is invisible and costs a blur) and sit under text lighter than the
    backdrop (under dark text on a light theme it is only a grey halo)."""
    middle = sorted(behind)[len(behind) // 2]
    return contrast_ratio(relative_luminance(shadow), middle) >= 1.6 and relative_luminance(text) > middle


def _local_scrim(canvas: Image.Image, rect: Rect, text_color: RGBA, behind: tuple[float, ...], *, feather_px: float) -> None:
    """Darken (under light text) or lighten (under dark text) the canvas inside ``rect`` so that
    the brightest (darkest) part behind the text reaches 4.5:1, with soft edges."""
    light_text = relative_luminance(text_color) >= 0.5
    text_lum = relative_luminance(text_color)
    if light_text:
        target = (text_lum + 0.05) / MIN_CONTRAST - 0.05  # the background luminance allowed at most
        worst = max(behind)
        keep = min(1.0, max(0.0, target / max(worst, 1e-6))) ** (1 / 2.2) * 0.97
        amount, paint = 1 - keep, (0, 0, 0)
    else:
        target = MIN_CONTRAST * (text_lum + 0.05) - 0.05  # the background luminance needed at least
        worst = min(behind)
        gap = (target - worst) / max(1 - worst, 1e-6)
        amount, paint = min(1.0, max(0.0, gap) ** (1 / 2.2) * 1.03), (255, 255, 255)
    if amount <= 0:
        return
    x0, y0 = max(0, int(rect.x)), max(0, int(rect.y))
    x1, y1 = min(canvas.width, int(rect.right)), min(canvas.height, int(rect.bottom))
    if x1 <= x0 or y1 <= y0:
        return
    k = 4
    small = Image.new("L", (max(1, (x1 - x0) // k), max(1, (y1 - y0) // k)), 0)
    feather = max(1, int(feather_px / k))
    ImageDraw.Draw(small).rounded_rectangle((feather, feather, small.width - feather, small.height - feather),
                                           radius=feather * 2, fill=round(255 * amount))
    mask = small.filter(ImageFilter.GaussianBlur(feather / 2)).resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
    canvas.paste(Image.new("RGB", mask.size, paint), (x0, y0), mask)


def _over(canvas: Image.Image, image: Image.Image, xy: tuple[int, int]) -> None:
    """Paint an RGBA ``image`` over the opaque canvas at ``xy`` (its alpha as the mask)."""
    canvas.paste(image, xy, image)


def _shape_mask(shape: str, width: int, height: int, radius: int) -> Image.Image:
    """An anti-aliased mask (drawn at 3x and reduced)."""
    if shape == "rect" and radius == 0:
        return Image.new("L", (width, height), 255)
    k = 3
    big = Image.new("L", (width * k, height * k), 0)
    draw = ImageDraw.Draw(big)
    if shape == "ellipse":
        draw.ellipse((0, 0, width * k - 1, height * k - 1), fill=255)
    else:
        draw.rounded_rectangle((0, 0, width * k - 1, height * k - 1), radius=radius * k, fill=255)
    return big.reduce(k)


def _scrim(kind: str, color: RGBA, opacity: float, width: int, height: int) -> Image.Image:
    """A gradient of ``color`` to transparent, so text reads over a photo or video frame."""
    if kind == "full":
        ramp = np.full((height, width), opacity * 255, dtype=np.float32)
    elif kind == "bottom":
        t = np.clip((np.arange(height, dtype=np.float32) / height - 0.25) / 0.75, 0, 1) ** 1.2
        ramp = np.repeat((t * opacity * 255)[:, None], width, axis=1)
    else:  # left, or right (mirrored for a right-to-left title)
        t = np.clip(1 - np.arange(width, dtype=np.float32) / (width * 0.7), 0, 1) ** 1.2
        ramp = np.repeat((t * opacity * 255)[None, :], height, axis=0)
        ramp = ramp[:, ::-1] if kind == "right" else ramp
    layer = Image.new("RGBA", (width, height), color[:3] + (0,))
    layer.putalpha(Image.fromarray(ramp.astype(np.uint8), "L"))
    return layer


def _outline(image: Image.Image, width_px: int, color: RGBA) -> Image.Image:
    alpha = image.getchannel("A").filter(ImageFilter.MaxFilter(width_px * 2 + 1))
    outline = Image.new("RGBA", image.size, color[:3] + (0,))
    outline.putalpha(alpha)
    return outline
