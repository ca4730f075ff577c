"""Where the text goes over a picture: a detail map, the faces, and the crop and text position that
keep the subject in frame and put the text on the calm part.

A picture is analysed once (a small copy: 160 px for the detail map, 200 px for faces) and
the analysis is remembered by the picture's content key. A layout offers a few text positions
(left, right, top, bottom band, centre); each is scored with each cover crop of the picture (the
crop slides along the axis the canvas's shape leaves free):

* how busy the picture is under the text: mean and spread of the detail map in the text's box,
  and the share of it the eye goes to first (the subject: a rocket, a cup, a face);
* how much of the picture's detail the crop keeps in frame (its subject), and not under the text;
* how much of the box is left once the text keeps clear of the faces (never under the text), the
  presenter's photo slot and the logo, as compose will make it;
* a head cut by the crop's edge, or left out of it; with no face found, a top edge through the
  subject (a head in profile); a crop away from the middle, a little;
* a long title in a narrow box, which would be set small;
* the layout's order, as a tie-break.

Plain numpy on small arrays with integral images: a few milliseconds however large the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
from msgspec import Struct
from PIL import Image

from ..cutout.faces import skin_faces
from ..lru import LruCache
from ..rect import Rect, avoid
from ..spec.layout import Box, LayoutSpec, ShapeLayer, StackLayer, TextLayer

MAP_LONG_SIDE_PX = 160  # the detail map's size
FACE_LONG_SIDE_PX = 200  # faces down to a tenth of the picture's long side are found (20 px here)
CROP_STEPS = 9  # cover crops tried along the free axis
_ANALYSES = 16  # pictures remembered

# the score's weights (lower is better)
_W_SUBJECT_LOST = 0.8  # share of the picture's detail cropped away
_W_FACE_CUT = 5.0  # per share of a head cut off by the crop
_W_ROOM_LOST = 3.0  # (share of the text box given up to faces, the photo slot, the logo) ** 1.5
_W_ORDER = 0.03  # per place in the layout's list
_W_SMALL = 1.0  # the title set smaller than reads in a feed (see _smallness)
_W_SLICED = 3.0  # with no face found: the subject sliced by the crop's top edge (a head in profile), see choose
_SLICED_MARGIN = 0.1  # subject share at the top edge above the picture's mean that starts to count
_W_OFF_CENTRE = 0.12  # a crop at the picture's edge rather than its middle (photos centre their subject)
_HOT = 0.5  # detail above this is the subject: text over it costs as much again as its share of the box


class PictureMap(Struct, frozen=True, dict=True):
    """What placement needs to know about a picture, in its own pixels."""

    width_px: int
    height_px: int
    detail: np.ndarray  # (h, w) float32 in 0..1, on a copy MAP_LONG_SIDE_PX long
    faces: tuple[Rect, ...]  # as the detector boxes them (brows to mouth), picture pixels

    @property
    def map_scale(self) -> float:
        """Map pixels per picture pixel."""
        return float(self.detail.shape[1]) / self.width_px

    @cached_property
    def sums(self) -> "_Integral":
        """The detail map's integral images (made once per picture, kept with its analysis)."""
        return _Integral(self.detail)

    @cached_property
    def hot_sums(self) -> "_Integral":
        """Integral images of where the detail map is hot (the subject)."""
        return _Integral((self.detail >= _HOT).astype(np.float32))


class Placement(Struct, frozen=True):
    """The text position chosen and the crop of the picture that covers the canvas."""

    index: int  # into the positions offered
    at: str
    crop: Rect  # picture pixels shown on the canvas
    faces: tuple[Rect, ...]  # canvas pixels, with room for hair and chin: what the text keeps clear of
    detected: tuple[Rect, ...]  # the same faces as the detector boxes them, canvas pixels
    busy: float  # how busy the picture is under the text box (0 calm .. 1)
    kept: float  # share of the picture's detail inside the crop
    scores: tuple[tuple[str, float], ...]  # best score of each position, lower is better


_ANALYSED: LruCache[str, PictureMap] = LruCache(_ANALYSES)


def analyse(picture: Image.Image, key: str | None = None) -> PictureMap:
    """The detail map and faces of ``picture``; remembered under ``key`` (its content hash) when given."""
    found = _ANALYSED.get(key) if key is not None else None
    if found is not None:
        return found
    small = _small(picture, FACE_LONG_SIDE_PX)  # one reduction of a large picture serves both
    k = picture.width / small.width
    faces = tuple(Rect(face.x * k, face.y * k, face.width * k, face.height * k)
                  for face in find_picture_faces(small, widened=False))
    result = PictureMap(picture.width, picture.height, detail_map(small), faces)
    return _ANALYSED.put(key, result) if key is not None else result


def _small(picture: Image.Image, long_side_px: int) -> Image.Image:
    k = long_side_px / max(picture.size)
    if k >= 1:
        return _rgb(picture)
    size = (max(1, round(picture.width * k)), max(1, round(picture.height * k)))
    return _rgb(picture).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _rgb(picture: Image.Image) -> Image.Image:
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def find_picture_faces(picture: Image.Image, *, widened: bool = True) -> tuple[Rect, ...]:
    """Faces anywhere in ``picture``, in its pixels: widened for hair and chin (what the text keeps
    clear of), or as the detector boxes them (brows to mouth)."""
    small = _small(picture, FACE_LONG_SIDE_PX)
    k = picture.width / small.width
    boxes = (Rect(box.x * k, box.y * k, box.width * k, box.height * k) for box in skin_faces(small))
    return tuple(widen_face(box) if widened else box for box in boxes)


def widen_face(face: Rect) -> Rect:
    """The detector's box (brows to mouth) grown to the head: hair above, chin below, ears aside."""
    return Rect(face.x - 0.35 * face.width, face.y - 0.5 * face.height, face.width * 1.7, face.height * 1.9)


def detail_map(picture: Image.Image) -> np.ndarray:
    """How much each part of the picture draws the eye, 0..1: local detail (edges, texture) and
    colour that stands out from its surroundings, on a copy MAP_LONG_SIDE_PX long."""
    rgb = np.asarray(_small(picture, MAP_LONG_SIDE_PX), dtype=np.float32) / 255.0
    height, width = rgb.shape[:2]
    luma = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    gradient = np.zeros_like(luma)
    gradient[:, 1:] += np.abs(np.diff(luma, axis=1))
    gradient[1:, :] += np.abs(np.diff(luma, axis=0))
    radius = max(1, round(max(width, height) / 64))
    detail = box_blur(gradient, radius)
    # colour against its surroundings: opponent channels, a small blur against a wide one
    opponent = np.stack([luma, rgb[..., 0] - rgb[..., 1], (rgb[..., 0] + rgb[..., 1]) / 2 - rgb[..., 2]], axis=-1)
    centre = np.stack([box_blur(opponent[..., c], radius) for c in range(3)], axis=-1)
    wide = max(2, round(max(width, height) / 6))
    surround = np.stack([box_blur(opponent[..., c], wide) for c in range(3)], axis=-1)
    colour = np.sqrt((((centre - surround) * np.array([0.5, 1.0, 1.0], dtype=np.float32)) ** 2).sum(axis=-1))
    combined = 0.7 * _normalise(detail) + 0.3 * _normalise(colour)
    result: np.ndarray = np.clip(_normalise(combined), 0.0, 1.0).astype(np.float32)
    return result


def _normalise(values: np.ndarray) -> np.ndarray:
    top = float(np.percentile(values, 98))
    return values / top if top > 1e-6 else np.zeros_like(values)


def box_blur(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2r+1)² window (edges clamped), with integral images."""
    padded = np.pad(values, radius, mode="edge")
    integral = np.pad(padded.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    size = 2 * radius + 1
    total = integral[size:, size:] - integral[:-size, size:] - integral[size:, :-size] + integral[:-size, :-size]
    mean: np.ndarray = (total / (size * size)).astype(values.dtype)
    return mean


class _Integral:
    """Sums of a map and of its square over rectangles, in O(1) each."""

    def __init__(self, values: np.ndarray) -> None:
        self.height, self.width = values.shape
        self.sum = np.pad(values.astype(np.float64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        self.square = np.pad((values.astype(np.float64) ** 2).cumsum(0).cumsum(1), ((1, 0), (1, 0)))

    def _clip(self, rect: Rect) -> tuple[int, int, int, int] | None:
        x0, y0 = max(0, int(round(rect.x))), max(0, int(round(rect.y)))
        x1, y1 = min(self.width, int(round(rect.right))), min(self.height, int(round(rect.bottom)))
        return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None

    def total(self, rect: Rect) -> float:
        box = self._clip(rect)
        return _area_sum(self.sum, box) if box else 0.0

    def mean_std(self, rect: Rect) -> tuple[float, float]:
        box = self._clip(rect)
        if box is None:
            return 0.0, 0.0
        n = (box[2] - box[0]) * (box[3] - box[1])
        mean = _area_sum(self.sum, box) / n
        variance = max(0.0, _area_sum(self.square, box) / n - mean * mean)
        return mean, variance ** 0.5


def _area_sum(integral: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    return float(integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0])


def cover_crops(width_px: int, height_px: int, canvas_width: int, canvas_height: int, steps: int = CROP_STEPS) -> list[Rect]:
    """The largest crops of a picture with the canvas's shape, slid along the free axis."""
    scale = max(canvas_width / width_px, canvas_height / height_px)
    crop_w, crop_h = canvas_width / scale, canvas_height / scale
    crop_w, crop_h = min(crop_w, float(width_px)), min(crop_h, float(height_px))  # no rounding past the edge
    free_x, free_y = width_px - crop_w, height_px - crop_h
    if free_x < 1 and free_y < 1:
        return [Rect(free_x / 2, free_y / 2, crop_w, crop_h)]
    offsets = np.linspace(0.0, 1.0, steps)
    return [Rect(free_x * t, free_y * t, crop_w, crop_h) for t in offsets]


def _to_canvas(rect: Rect, crop: Rect, scale: float) -> Rect:
    return Rect((rect.x - crop.x) * scale, (rect.y - crop.y) * scale, rect.width * scale, rect.height * scale)


def _overlap(a: Rect, b: Rect) -> float:
    width = min(a.right, b.right) - max(a.x, b.x)
    height = min(a.bottom, b.bottom) - max(a.y, b.y)
    return max(0.0, width) * max(0.0, height)


def choose(picture: PictureMap, canvas_width: int, canvas_height: int, regions: Sequence[tuple[str, Rect]],
           *, obstacles: tuple[Rect, ...] = (), text_chars: int = 0, text_lines: int = 4) -> Placement:
    """The best (position, crop) for text in one of ``regions`` (``(at, box)`` in canvas pixels, in
    the layout's order of preference); ``obstacles``: canvas rectangles the text must leave alone
    (the presenter's photo slot, the logo); ``text_chars``: the title's length, in at most
    ``text_lines`` lines (a long title wants a wide box, or it is set small)."""
    if not regions:
        raise ValueError("no text position to choose from")
    integral, hot = picture.sums, picture.hot_sums  # hot: the parts that draw the eye most
    k = picture.map_scale
    whole = integral.total(Rect(0, 0, integral.width, integral.height)) or 1.0
    best: tuple[float, int, Rect, float, float] | None = None
    per_position = [float("inf")] * len(regions)
    heads = [widen_face(face) for face in picture.faces]  # hair to chin
    crops = cover_crops(picture.width_px, picture.height_px, canvas_width, canvas_height)
    usual_hot = hot.mean_std(Rect(0, 0, hot.width, hot.height))[0]
    edge_rows = 0.04 * hot.height  # map rows either side of a crop's top edge
    for step, crop in enumerate(crops):
        off_centre = abs(step / (len(crops) - 1) - 0.5) * 2 if len(crops) > 1 else 0.0
        scale = canvas_width / crop.width  # canvas pixels per picture pixel
        crop_map = Rect(crop.x * k, crop.y * k, crop.width * k, crop.height * k)
        kept = integral.total(crop_map) / whole
        faces = [_to_canvas(face, crop, scale) for face in heads]
        # the share of each head (hair to chin) cut off by the crop's edge, or left out of it
        cut = sum(1 - _overlap(face, crop) / max(1.0, face.width * face.height) for face in heads)
        # no face found (a head in profile, a grey photo): a top edge through clearly more of the
        # subject than the picture has on average (not a texture: stars, grass) is likely a head
        # cut off; found faces have their own term
        sliced = 0.0
        if not heads and crop.y > 0:
            edge = hot.mean_std(Rect(0, crop_map.y - edge_rows, hot.width, 2 * edge_rows))[0]
            sliced = max(0.0, edge - usual_hot - _SLICED_MARGIN)
        for index, (_, box) in enumerate(regions):
            # the text keeps clear of faces and obstacles as compose will make it: what is left
            room = avoid(box, [*faces, *obstacles])
            area = max(1.0, box.width * box.height)
            lost = 1 - max(0.0, room.width) * max(0.0, room.height) / area
            room_map = Rect(crop.x * k + room.x / scale * k, crop.y * k + room.y / scale * k,
                            room.width / scale * k, room.height / scale * k)
            mean, spread = integral.mean_std(room_map)
            hot_share, _ = hot.mean_std(room_map)
            busy = min(1.0, mean + 0.5 * spread + hot_share)
            text_detail = integral.total(room_map) / whole
            small = _smallness(room, text_chars, text_lines, canvas_height)
            score = (busy + _W_SMALL * small + _W_SUBJECT_LOST * (1 - kept + text_detail) + _W_ROOM_LOST * lost ** 1.5
                     + _W_FACE_CUT * cut + _W_SLICED * sliced + _W_OFF_CENTRE * off_centre + _W_ORDER * index)
            per_position[index] = min(per_position[index], score)
            if best is None or score < best[0] - 1e-9:
                best = (score, index, crop, busy, kept)
    assert best is not None
    _, index, crop, busy, kept = best
    scale = canvas_width / crop.width
    canvas = Rect(0, 0, canvas_width, canvas_height)
    shown = [(_to_canvas(head, crop, scale), _to_canvas(face, crop, scale)) for head, face in zip(heads, picture.faces)]
    shown = [(head, face) for head, face in shown if face.intersects(canvas)]
    return Placement(index=index, at=regions[index][0], crop=crop, faces=tuple(head for head, _ in shown),
                     detected=tuple(face for _, face in shown), busy=round(busy, 3), kept=round(kept, 3),
                     scores=tuple((at, round(score, 3)) for (at, _), score in zip(regions, per_position)))


def _smallness(room: Rect, text_chars: int, text_lines: int, canvas_height: int) -> float:
    """0 when ``text_chars`` of text fit ``room`` in ``text_lines`` lines at a size that reads in a
    feed (an eighth of the canvas height), up to 1 as the size the room allows falls to nothing. A
    character is about half the font size wide, and lines are about the font size apart."""
    if text_chars <= 0 or room.width <= 0 or room.height <= 0:
        return 0.0
    size = min((room.width * room.height / (0.55 * text_chars)) ** 0.5,  # as many lines as fill the room
               max(1, text_lines) * room.width / (0.55 * text_chars),  # no more lines than the layout takes
               room.height)  # one line cannot be taller than the room
    return float(max(0.0, 1.0 - size / (canvas_height / 8)))


def cover(picture: Image.Image, crop: Rect, width_px: int, height_px: int) -> Image.Image:
    """The ``crop`` of ``picture`` scaled to the canvas (RGB)."""
    box = (crop.x, crop.y, crop.right, crop.bottom)
    return _rgb(picture).resize((width_px, height_px), Image.Resampling.BILINEAR, box=box, reducing_gap=2.0)


def text_at(spec: LayoutSpec, index: int) -> LayoutSpec:
    """``spec`` with its text moved to picture position ``index``: the text layers (and the shapes)
    drawn inside the first position's box are moved and stretched from it into that position's
    box, and take its alignment when it sets one. A shape that tracks the text keeps its size."""
    picture = spec.picture
    if picture is None:
        return spec
    source, target = picture.positions[0].box, picture.positions[index]
    if index == 0 and target.align is None and target.valign is None:
        return spec
    sx, sy = target.box.width / source.width, target.box.height / source.height

    def mapped(box: Box, *, keep_size: bool) -> Box:
        x = round(target.box.x + (box.x - source.x) * sx)
        y = round(target.box.y + (box.y - source.y) * sy)
        if keep_size:
            return Box(x=x, y=y, width=box.width, height=box.height)
        return Box(x=x, y=y, width=max(1, round(box.width * sx)), height=max(1, round(box.height * sy)))

    layers = []
    for layer in spec.layers:
        if isinstance(layer, (TextLayer, StackLayer, ShapeLayer)) and source.rect().contains(layer.box.rect()):
            update: dict[str, object] = {"box": mapped(layer.box, keep_size=isinstance(layer, ShapeLayer) and layer.track is not None)}
            if isinstance(layer, (TextLayer, StackLayer)):
                update.update({key: value for key, value in (("align", target.align), ("valign", target.valign)) if value})
            layer = layer.model_copy(update=update)
        layers.append(layer)
    return spec.model_copy(update={"layers": layers})


__all__ = ["PictureMap", "Placement", "analyse", "choose", "cover", "cover_crops", "detail_map", "find_picture_faces", "text_at", "widen_face"]
