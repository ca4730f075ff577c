"""A picture behind the text, from the layout's point of view: which of its text positions the
picture leaves calm, the crop that covers the canvas, the text moved there, and the calming done
behind each text layer, recorded for the plan.

A layout that takes a picture says so (``picture:`` on its background layer). Any other layout
given a picture (a request's background, a video frame) is treated as offering one position, where
its text already is, with its ``frame`` block as the treatment: the same path, one choice.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct, field
from PIL import Image

from ..colors import RGBA, parse_color, to_hex
from ..lru import LruCache
from ..memory import MIB, image_bytes
from ..rect import Rect
from ..spec.layout import (
    BackgroundLayer,
    Box,
    LayoutSpec,
    PictureBackground,
    PicturePosition,
    PictureTreatment,
    StackLayer,
    TextLayer,
)
from .placement import Placement, analyse, choose, cover, text_at
from .plan import PlanPicture
from .treatment import Treatment, calm_under_text

_FRAME_SIDE: dict[str, Literal["left", "right", "top", "bottom", "center"]] = {
    "left": "left", "right": "right", "bottom": "bottom", "full": "center", "none": "center"}


class Backdrop(Struct):
    """One render's picture: decided before the layers are drawn, treated as each text is drawn."""

    image: Image.Image  # the crop, at the canvas size, darkened as the layout asks (RGB; shared, copy to draw)
    placement: Placement
    treatment: PictureTreatment
    scrim_color: RGBA
    source: str
    picture_size: tuple[int, int]
    treatments: list[Treatment] = field(default_factory=list)

    def calm(self, canvas: Image.Image, ink: Rect, *, size_px: int, text_color: RGBA,
             keep: tuple[tuple[tuple[int, int], Image.Image], ...] = ()) -> RGBA:
        """Blur and scrim ``canvas`` behind ``ink`` as far as ``text_color`` needs to read (or the
        colours trade places, once for the whole render), leaving ``keep`` (what is drawn over the
        picture already, ``(xy, alpha)``) as it is; returns the text colour to draw with."""
        swapped = any(t.swapped for t in self.treatments)
        text, scrim = (self.scrim_color, text_color) if swapped else (text_color, self.scrim_color)
        done = calm_under_text(canvas, ink, at=self.placement.at, size_px=size_px, text_color=text, scrim_color=scrim,
                               blur_max_px=self.treatment.blur_max_px, scrim_max=self.treatment.scrim_max,
                               swap=self.treatment.swap_colors and not self.treatments, keep=keep)
        self.treatments.append(done if not swapped else _swapped(done))
        return done.text_color

    def plan(self) -> PlanPicture:
        first = self.treatments[0] if self.treatments else None
        placement = self.placement
        return PlanPicture(
            source=self.source, width_px=self.picture_size[0], height_px=self.picture_size[1], position=placement.at,
            crop=_rounded(placement.crop), faces=tuple(_rounded(face) for face in placement.detected), busy=placement.busy,
            scores=placement.scores, darken=self.treatment.darken,
            blur_px=max((t.blur_px for t in self.treatments), default=0.0),
            scrim_color=to_hex(first.scrim_color) if first else to_hex(self.scrim_color),
            scrim_opacity=max((t.scrim_opacity for t in self.treatments), default=0.0),
            swapped=bool(first and first.swapped),
            contrast_before=min((t.contrast_before for t in self.treatments), default=0.0),
            contrast_after=min((t.contrast_after for t in self.treatments), default=0.0),
        )


def _swapped(treatment: Treatment) -> Treatment:
    from msgspec.structs import replace

    return replace(treatment, swapped=True)


def _rounded(rect: Rect) -> Rect:
    return Rect(round(float(rect.x), 1), round(float(rect.y), 1), round(float(rect.width), 1), round(float(rect.height), 1))


_COVERED: LruCache[tuple[str, Rect, int, int, float], Image.Image] = LruCache(8, max_bytes=24 * MIB, size_of=image_bytes)


def _covered(picture: Image.Image, key: str | None, crop: Rect, width: int, height: int, darken: float) -> Image.Image:
    """The crop at the canvas size, darkened; remembered by the picture's key (the next title over
    the same picture usually gets the same crop). Shared: drawn on only as a copy."""
    cache_key = (key, crop, width, height, darken) if key is not None else None
    found = _COVERED.get(cache_key) if cache_key is not None else None
    if found is not None:
        return found
    image = cover(picture, crop, width, height)
    if darken > 0:
        image = Image.blend(image, Image.new("RGB", image.size, (0, 0, 0)), darken)
    return _COVERED.put(cache_key, image) if cache_key is not None else image


def picture_block(spec: LayoutSpec) -> PictureBackground:
    """The layout's picture block; for a layout without one, a single position where its text is
    (the union of its text boxes) with its ``frame`` block as the treatment."""
    if spec.picture is not None:
        return spec.picture
    background = next((layer for layer in spec.layers if isinstance(layer, BackgroundLayer)), None)
    texts = [layer.box for layer in spec.layers if isinstance(layer, (TextLayer, StackLayer))]
    if not texts:  # no text to place: the whole canvas
        texts = [Box(x=0, y=0, width=spec.size.width, height=spec.size.height)]
    x0, y0 = min(box.x for box in texts), min(box.y for box in texts)
    x1, y1 = max(box.x + box.width for box in texts), max(box.y + box.height for box in texts)
    frame = background.frame if background is not None else None
    at = _FRAME_SIDE[frame.scrim] if frame is not None else "center"
    treatment = PictureTreatment(
        darken=min(0.6, frame.darken), blur_max_px=min(32.0, frame.blur_px), scrim_max=frame.scrim_opacity if frame.scrim != "none" else 0.0,
        scrim_color=frame.scrim_color, swap_colors=False,
    ) if frame is not None else PictureTreatment()
    return PictureBackground(positions=[PicturePosition(at=at, box=Box(x=x0, y=y0, width=x1 - x0, height=y1 - y0))],
                             treatment=treatment)


def prepare(spec: LayoutSpec, picture: Image.Image, *, key: str | None, source: str, scale: float,
            obstacles: tuple[Rect, ...] = ()) -> tuple[LayoutSpec, Backdrop]:
    """Choose where the text goes over ``picture`` and how it is cropped; ``spec`` with its text
    moved there, and the backdrop to draw. ``obstacles``: canvas rectangles the text stays off."""
    block = picture_block(spec)
    width, height = round(spec.size.width * scale), round(spec.size.height * scale)
    regions = [(position.at, Rect(position.box.x * scale, position.box.y * scale, position.box.width * scale,
                                  position.box.height * scale)) for position in block.positions]
    styled = [text for layer in spec.layers
              for text in (layer.items if isinstance(layer, StackLayer) else [layer] if isinstance(layer, TextLayer) else [])]
    title = max(styled, key=lambda text: len(text.text), default=None)
    placement = choose(analyse(picture, key), width, height, regions, obstacles=obstacles,
                       text_chars=len(title.text) if title else 0, text_lines=title.max_lines if title else 4)
    image = _covered(picture, key, placement.crop, width, height, block.treatment.darken)
    moved = text_at(spec, placement.index) if spec.picture is not None else spec
    backdrop = Backdrop(image=image, placement=placement, treatment=block.treatment,
                        scrim_color=parse_color(block.treatment.scrim_color), source=source, picture_size=picture.size)
    return moved, backdrop


__all__ = ["Backdrop", "picture_block", "prepare"]
