"""Compose a filled layout into pixels and a Plan: fills, shapes, photo, logo, fitted text.

Layers are drawn in the layout's order. Text boxes make room for the photo and the logo, text
colours are adjusted to reach WCAG 4.5:1 against what is actually behind them, and the static
prefix of a layout (backgrounds and shapes before any text) is cached between renders.
"""

from __future__ import annotations

import threading
from typing import cast

from msgspec.structs import replace
from PIL import Image, ImageChops, ImageDraw

from ..lru import LruCache
from ..memory import MIB, image_bytes
from ..rect import Rect
from ..spec.kit import KitSpec
from ..spec.layout import (
    BackgroundLayer,
    ImageFill,
    Layer,
    LogoLayer,
    PatternLayer,
    PhotoLayer,
    ShapeLayer,
    StackLayer,
    TextLayer,
)
from ..text.fonts import FontBook
from ..text.typeset import Typeface
from . import prefix_store
from .canvas import GRID_STEP_PX, LuminanceGrid, Work
from .fills import fill_image
from .logo import draw_logo, place_logo, small_panels
from .masks import paint_over, shape_mask
from .mirror import mirror_for_rtl
from .pattern_layer import draw_pattern
from .photo import photo_sprite
from .plan import Plan, PlanImage
from .scene import FramedPhoto, LogoSource, Scene, keepouts
from .stack_layer import draw_stack
from .text_layer import draw_text, prepare_text

__all__ = ["Composer", "FramedPhoto", "LogoSource", "Scene"]

_STATIC_CACHE_SIZE = 48
_SHAPE_CACHE_SIZE = 96  # a layout's glows, panels and bands: about two each
_SHAPE_CACHE_BYTES = 32 * MIB  # by count alone it held 41 MB for 11 hd shapes in a soak
_STATIC_CACHE_BYTES = 64 * MIB  # every format of a kit at sd (17 backgrounds), or 4 at hd
_WITH_PHOTO_ENTRIES = 8
_WITH_PHOTO_BYTES = 16 * MIB  # a worker under unique photos fills it with images never asked for again
_FLOAT_BYTES = 32  # a luminance grid is a tuple of Python floats: a pointer and a float object each


class Composer:
    def __init__(self, fonts: FontBook) -> None:
        self.fonts = fonts
        self._static: LruCache[str, tuple[Image.Image, LuminanceGrid]] = LruCache(
            _STATIC_CACHE_SIZE, max_bytes=_STATIC_CACHE_BYTES,
            size_of=lambda cached: image_bytes(cached[0]) + len(cached[1].values) * _FLOAT_BYTES)
        self._typefaces: dict[tuple[str, str], Typeface] = {}
        self._shapes: LruCache[tuple[str, float, str], Image.Image] = LruCache(
            _SHAPE_CACHE_SIZE, max_bytes=_SHAPE_CACHE_BYTES, size_of=image_bytes)  # painted shapes
        self._with_photo: LruCache[tuple[str, int, tuple[int, int]], tuple[Image.Image, Image.Image]] = LruCache(
            _WITH_PHOTO_ENTRIES, max_bytes=_WITH_PHOTO_BYTES, size_of=lambda cached: image_bytes(cached[0]) + image_bytes(cached[1]))
        self._lock = threading.Lock()

    # -- the whole picture -------------------------------------------------------------------
    def compose(self, scene: Scene) -> tuple[Image.Image, Plan]:
        scene = mirror_for_rtl(scene)  # a right-to-left title gets the layout mirrored
        backdrop = None
        if scene.background_image is not None:  # the text goes where the picture leaves room
            slots = tuple(layer.box.rect(scene.scale) for layer in scene.layout.layers
                          if isinstance(layer, PhotoLayer) and scene.photo is not None) + tuple(keepouts(scene))
            from .backdrop import (
                prepare as prepare_backdrop,  # numpy's work: only with a picture
            )

            moved, backdrop = prepare_backdrop(scene.layout, scene.background_image, key=scene.background_key,
                                               source=scene.background_source, scale=scene.scale, obstacles=slots)
            scene = replace(scene, layout=moved)
        spec, s = scene.layout, scene.scale
        width, height = round(spec.size.width * s), round(spec.size.height * s)
        layers = spec.layers
        prefix = 0
        while prefix < len(layers) and _is_static(layers[prefix], scene):
            prefix += 1
        canvas, grid, key = self._static_prefix(scene, prefix, width, height)
        work = Work(canvas, grid, untouched_key=key, backdrop=backdrop)
        work.obstacles = self._reserved(scene, work)
        group_sizes = self._group_sizes(work, scene)
        tracking: list[ShapeLayer] = []  # shapes waiting for the next text layer's ink
        for index in range(prefix, len(layers)):
            layer = layers[index]
            if not isinstance(layer, PhotoLayer):
                work.untouched_key = None
            if isinstance(layer, BackgroundLayer):
                self._background(work, scene, index, layer)
            elif isinstance(layer, PatternLayer):
                draw_pattern(work.canvas, layer, scene.scale)
            elif isinstance(layer, ShapeLayer) and layer.track is not None:
                tracking.append(layer)
            elif isinstance(layer, ShapeLayer):
                drawn_at = self._shape(work.canvas, scene, layer)
                work.painted.append(layer.box.rect(scene.scale))
                if backdrop is not None:
                    work.over_picture.append(drawn_at)
            elif isinstance(layer, PhotoLayer):
                self._photo(work, scene, index, layer)
                work.untouched_key = None
            elif isinstance(layer, LogoLayer):
                draw_logo(work, scene, index)
            elif isinstance(layer, (TextLayer, StackLayer)):
                if isinstance(layer, StackLayer):
                    ink = draw_stack(work, scene, index, layer, lambda text: self._typeface(text, scene.kit))
                else:
                    drawn = draw_text(work, scene, index, layer, self._typeface(layer, scene.kit),
                                      max_size_px=group_sizes.get(layer.size_group))
                    ink = drawn.ink if drawn is not None else None
                for shape in tracking:
                    self._shape(work.canvas, scene, shape, box=_tracked_box(shape, ink, scene.scale))
                tracking.clear()
        for shape in tracking:  # no text followed: the shape stays where its box says
            self._shape(work.canvas, scene, shape)
        if scene.logo is not None and not any(isinstance(layer, LogoLayer) for layer in layers):
            draw_logo(work, scene, -1)
        if scene.debug:
            self._debug_overlay(work, scene)
        plan = Plan(
            format=spec.format, layout=spec.name, kit=scene.kit_id, width_px=width, height_px=height,
            texts=tuple(work.texts), images=tuple(work.images), warnings=tuple(dict.fromkeys(work.warnings)),
            picture=backdrop.plan() if backdrop is not None else None,
        )
        canvas = work.canvas if work.canvas.mode == "RGB" else work.canvas.convert("RGB")
        return canvas, plan

    def _static_prefix(self, scene: Scene, prefix: int, width: int, height: int) -> tuple[Image.Image, LuminanceGrid, str]:
        """The background and shapes every render of this layout starts from, cached: the picture
        returned is shared and must not be drawn on (``Work`` copies it on first use)."""
        key = f"{width}x{height}|{scene.layout_folder}|" + "|".join(
            layer.model_dump_json() for layer in scene.layout.layers[:prefix]
        )
        cached = self._static.get(key)
        if cached is not None:
            return cached[0], cached[1], key
        keep = not _paints_files(scene.layout.layers[:prefix])
        stored = prefix_store.load(key, (width, height)) if keep else None
        if stored is not None:
            self._static.put(key, stored)
            return stored[0], stored[1], key
        canvas = Image.new("RGBA", (width, height), (0, 0, 0, 255))
        for layer in scene.layout.layers[:prefix]:
            if isinstance(layer, BackgroundLayer):
                canvas = fill_image(layer.fill, width, height, images_root=scene.layout_folder)
            elif isinstance(layer, PatternLayer):
                draw_pattern(canvas, layer, scene.scale)
            elif isinstance(layer, ShapeLayer):
                self._shape(canvas, scene, layer)
        canvas = canvas.convert("RGB")  # the canvas is opaque from here on: RGB is cheaper to draw and encode
        grid = LuminanceGrid.of(canvas.reduce(GRID_STEP_PX))
        self._static.put(key, (canvas, grid))
        if keep:
            prefix_store.save(key, canvas, grid)
        return canvas, grid, key

    def _group_sizes(self, work: Work, scene: Scene) -> dict[str | None, int]:
        """For each size group, the size its smallest member fits at: every member is drawn at it."""
        sizes: dict[str | None, int] = {}
        for index, layer in enumerate(scene.layout.layers):
            if isinstance(layer, TextLayer) and layer.size_group is not None:
                prepared = prepare_text(work, scene, index, layer, self._typeface(layer, scene.kit))
                if prepared is not None:
                    sizes[layer.size_group] = min(sizes.get(layer.size_group, prepared.size_px), prepared.size_px)
        return sizes

    # -- reserved space ----------------------------------------------------------------------
    def _reserved(self, scene: Scene, work: Work) -> list[Rect]:
        """What text gives way to: the layout's keep-out areas, the photo slot, the logo (placed
        here, away from the keep-out areas, the photo and small panels)."""
        rects = keepouts(scene)
        for layer in scene.layout.layers:
            if isinstance(layer, PhotoLayer) and scene.photo is not None:
                rects.append(layer.box.rect(scene.scale))
        if scene.logo is not None:
            work.logo_rect, work.logo_note = place_logo(scene, avoid=list(rects) + small_panels(scene))
            rects.append(work.logo_rect.inflate(12 * scene.scale))
        return rects

    # -- layers ------------------------------------------------------------------------------
    def _background(self, work: Work, scene: Scene, index: int, layer: BackgroundLayer) -> None:
        width, height = work.size
        if scene.background_image is None:
            work.canvas = fill_image(layer.fill, width, height, images_root=scene.layout_folder).convert("RGB")
            work.luminance_grid = None
            return
        assert work.backdrop is not None  # made in compose() whenever there is a picture
        work.canvas = work.backdrop.image.copy()
        work.luminance_grid = None
        work.obstacles.extend(work.backdrop.placement.faces)  # the text goes around faces, hair and chin
        found = work.backdrop.placement.detected
        face = max(found, key=lambda rect: rect.area) if found else None
        work.images.append(PlanImage(index, "background", Rect(0, 0, width, height), "picture", face=face))

    def _shape(self, canvas: Image.Image, scene: Scene, layer: ShapeLayer, *,
               box: Rect | None = None) -> tuple[tuple[int, int], Image.Image]:
        """Paint a shape at its box (or ``box``, for a tracking shape); a shape at its own box is
        remembered as a sprite, so a background made again (another pattern variant) pastes it.
        Returns where it was drawn, and the alpha it was drawn with."""
        key = None if box is not None else (layer.model_dump_json(), scene.scale, str(scene.layout_folder))
        box = box or layer.box.rect(scene.scale)
        paint = self._shapes.get(key) if key is not None else None
        if paint is None:
            w, h = round(box.width), round(box.height)
            paint = fill_image(layer.fill, w, h, images_root=scene.layout_folder)
            points = None
            if layer.points is not None:  # polygon points scale with the box it is drawn in (a tracked shape's too)
                kx, ky = w / (layer.box.width or 1), h / (layer.box.height or 1)
                points = [(x * kx, y * ky) for x, y in layer.points]
            mask = shape_mask(layer.shape, w, h, round(layer.radius_px * scene.scale), points)
            paint.putalpha(_masked_alpha(paint.getchannel("A"), mask, layer.opacity))
            if key is not None:
                self._shapes.put(key, paint)
        xy = (round(box.x), round(box.y))
        paint_over(canvas, paint, xy)
        return xy, paint.getchannel("A")

    def _photo(self, work: Work, scene: Scene, index: int, layer: PhotoLayer) -> None:
        if scene.photo is None:
            return
        box = layer.box.rect(scene.scale)
        framed = scene.photo(round(box.width), round(box.height))
        work.warnings.extend(framed.warnings)
        width, height = work.size
        inner_edges = (box.x > 1, box.y > 1, box.right < width - 1, box.bottom < height - 1)
        effects = layer.effects
        kit_photo = scene.kit.photo
        if kit_photo is not None and kit_photo.outline_px is not None:  # the brand's outline wins
            effects = effects.model_copy(update={
                "outline_px": kit_photo.outline_px, "outline_color": kit_photo.outline_color or effects.outline_color})
        sprite = photo_sprite(framed.image, effects, scene.scale, inner_edges, framed.cut_edges, framed.face)
        xy = (round(box.x), round(box.y))
        if work.untouched_key is not None:
            # Nothing but the cached background is on the canvas yet: the background with this
            # presenter's sprite is itself worth caching (a channel renders many thumbnails of it).
            key = (work.untouched_key, id(sprite), xy)
            cached = self._with_photo.get(key)
            if cached is not None and cached[0] is sprite:
                work.share(cached[1])
            else:
                paint_over(work.canvas, sprite, xy)
                self._with_photo.put(key, (sprite, work.canvas.copy()))
        else:
            paint_over(work.canvas, sprite, xy)
        if work.backdrop is not None:
            work.over_picture.append((xy, sprite.getchannel("A")))
        work.painted.append(box.inflate(24 * scene.scale))
        face = framed.face
        detail = f"face at {face.x:.0f},{face.y:.0f} {face.width:.0f}x{face.height:.0f}" if face else "no face detected"
        on_canvas = Rect(box.x + face.x, box.y + face.y, face.width, face.height) if face else None
        work.images.append(PlanImage(index, "photo", box, detail, face=on_canvas))

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

    def _debug_overlay(self, work: Work, scene: Scene) -> None:
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
                draw.rectangle(_xyxy(layer.box.rect(scene.scale)), outline=(255, 200, 0, 255), width=1)


# -- helpers ---------------------------------------------------------------------------------
def _is_static(layer: Layer, scene: Scene) -> bool:
    """Drawn the same in every render of the layout (cached): a background fill (not a video frame),
    a pattern (resolved for the title before composing: one of a few variants) or a shape that does
    not follow the text."""
    if isinstance(layer, BackgroundLayer):
        return scene.background_image is None
    return isinstance(layer, PatternLayer) or (isinstance(layer, ShapeLayer) and layer.track is None)


def _paints_files(layers: list[Layer]) -> bool:
    """Whether any of ``layers`` paints an image file (its bytes are not in the prefix's key)."""
    return any(isinstance(getattr(layer, "fill", None), ImageFill) for layer in layers)


def _masked_alpha(alpha: Image.Image, mask: Image.Image, opacity: float) -> Image.Image:
    """``alpha * mask * opacity / 255`` per pixel, rounded down: Pillow's multiply when the opacity
    is full, a table on the mask when the alpha is even (a solid fill), else pixel by pixel."""
    if opacity == 1.0:
        return ImageChops.multiply(alpha, mask)  # (a * m) // 255
    low, high = cast(tuple[int, int], alpha.getextrema())  # an "L" band: (min, max)
    if low == high:
        return mask.point([int(low * m * opacity / 255) for m in range(256)])
    return Image.frombytes("L", alpha.size, bytes(int(a * m * opacity / 255) for a, m in zip(alpha.tobytes(), mask.tobytes())))


def _xyxy(rect: Rect) -> tuple[float, float, float, float]:
    return (rect.x, rect.y, rect.right, rect.bottom)


def _tracked_box(shape: ShapeLayer, ink: Rect | None, scale: float) -> Rect:
    """Where a tracking shape goes against the text's ink (its own box when there is no text)."""
    own = shape.box.rect(scale)
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

