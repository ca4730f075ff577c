"""Framing: a cutout fitted into a layout slot as a head-and-shoulders shot, with the photo's own
cuts put on the slot's edges."""

from __future__ import annotations

import numpy as np
from msgspec import Struct
from PIL import Image

from ..errors import InputError
from ..rect import Rect
from .masks import SOLID_LEVEL
from .results import CUTOUT_MAX_SIDE_PX, Cutout, Framed

#: The subject runs into an edge of the photo when at least this share of that edge is solid.
_CUT_MIN_SHARE = 0.01

#: Head-and-shoulders proportions, as shares of the slot height.
HEAD_SHARE = 0.42  # the head (hair top to chin) aims at this share of the slot height
HEAD_SHARE_MAX = 0.70  # and never exceeds this, however little body the photo has
TOP_MARGIN_SHARE = 0.10  # free space above the hair
CHIN_CLEARANCE_SHARE = 0.08  # at least this much below the chin, even when aligning
SIDE_MARGIN_SHARE = 0.10  # of the head's width, on each side of the head
NO_FACE_SIDE_MARGIN_SHARE = 0.05  # of the subject's width, without a face
NO_FACE_LEAST_SHARE = 0.6  # without a face, zooming in shows at least this much of the height
_ALIGNS = ("bottom", "center", "top")


class _Head(Struct, frozen=True):
    """The whole head, estimated from the face box and the mask (hair, ears, chin)."""

    left: float
    top: float
    right: float
    chin: float

    @property
    def height(self) -> float:
        return self.chin - self.top

    @property
    def width(self) -> float:
        return self.right - self.left


SOFT_UPSCALE = 2.5  # a photo enlarged more than this looks soft: warned


def frame_subject(
    cutout: Cutout, *, slot_width_px: int, slot_height_px: int, align: str = "bottom"
) -> Framed:
    """Fit ``cutout`` into a slot as a head-and-shoulders shot.

    The whole head, with space above the hair and below the chin, is always inside the slot; the
    body may run off the bottom and sides. When the photo ends before the slot's bottom edge,
    ``align`` (``bottom``, ``center`` or ``top``) says where the subject sits. Without a face the
    whole subject is fitted in.

    Where the photo itself cuts the subject (the mask runs into the photo's edge: the subject
    goes on beyond the picture), that edge is put on the slot's edge, as a photographer crops:
    a head cut by the top of the photo starts at the top of the slot instead of floating under
    headroom, zooming in when the sides of the photo would show. When the face's room or the
    photo's shape leaves a cut inside the slot, :attr:`Framed.cut_edges` says where, so it can be
    faded out and drawn without an outline.
    """
    if align not in _ALIGNS:
        raise InputError(f"align must be one of: {', '.join(_ALIGNS)}", field="align")
    if slot_width_px < 1 or slot_height_px < 1:
        raise InputError(
            f"the photo slot must be at least 1x1 pixels, not {slot_width_px}x{slot_height_px}"
        )
    aspect = slot_width_px / slot_height_px
    mask = cutout.image.getchannel("A")
    cuts = photo_cuts(mask)
    if cutout.face_box is not None:
        head = _estimate_head(cutout.image, cutout.face_box)
        crop = _head_and_shoulders_crop(
            head, cutout.mask_box.bottom, aspect, align, cuts, cutout.image.width
        )
    else:
        crop = _whole_subject_crop(cutout.mask_box, aspect, align, cuts, mask)
    return _render_crop(cutout, crop, slot_width_px, slot_height_px, cuts)


class PhotoCuts(Struct, frozen=True):
    """Where the subject runs into the photo's own edges (it goes on beyond the picture): per
    side, the span along that edge (``start``, ``end``: rows for left and right, columns for top
    and bottom) where the mask is solid on it, or None."""

    left: tuple[int, int] | None = None
    top: tuple[int, int] | None = None
    right: tuple[int, int] | None = None
    bottom: tuple[int, int] | None = None


def photo_cuts(mask: Image.Image) -> PhotoCuts:
    """The edges of the photo that cut the subject of ``mask`` (L), see :class:`PhotoCuts`.

    An edge cuts the subject when at least ``_CUT_MIN_SHARE`` of it (and 2 pixels) is solid: a
    little haze touching it does not count.
    """
    alpha = np.asarray(mask)

    def span(line: np.ndarray) -> tuple[int, int] | None:
        solid = np.flatnonzero(line >= SOLID_LEVEL)
        if solid.size < max(2, _CUT_MIN_SHARE * line.size):
            return None
        return (int(solid[0]), int(solid[-1]) + 1)

    return PhotoCuts(
        left=span(alpha[:, 0]), top=span(alpha[0]), right=span(alpha[:, -1]), bottom=span(alpha[-1])
    )


def _overlaps(span: tuple[int, int] | None, start: float, end: float) -> bool:
    return span is not None and span[0] < end and span[1] > start


def _estimate_head(image: Image.Image, face: Rect) -> _Head:
    height = face.height
    hair_top = _hair_top(np.asarray(image.getchannel("A")), face)
    return _Head(
        left=face.x - 0.25 * face.width,
        top=min(hair_top, face.y - 0.3 * height),
        right=face.right + 0.25 * face.width,
        chin=face.bottom + 0.15 * height,
    )


def _hair_top(alpha: np.ndarray, face: Rect) -> float:
    """The top of the solid mask run above the face's middle columns, at most 1.2 faces up."""
    band = alpha[:, face.x + face.width // 4 : face.right - face.width // 4]
    highest = max(0, round(face.y - 1.2 * face.height))
    rows_solid = band[highest : face.y].max(axis=1, initial=0) >= 128
    top = face.y
    while top > highest and rows_solid[top - 1 - highest]:
        top -= 1
    return float(top)


Crop = tuple[float, float, float, float]


def _head_and_shoulders_crop(
    head: _Head, subject_bottom: float, aspect: float, align: str, cuts: PhotoCuts, photo_width: int
) -> Crop:
    # The least height that holds the whole head: never crop into it, whatever else is wanted.
    least = max(head.height / HEAD_SHARE_MAX, head.width * (1 + 2 * SIDE_MARGIN_SHARE) / aspect)

    def cut_at_top(height: float) -> bool:  # the photo's top edge cuts what the slot shows
        return _overlaps(cuts.top, *_columns(head, height, aspect))

    fills_to_bottom = (subject_bottom - head.top) / (1 - TOP_MARGIN_SHARE)
    if cut_at_top(fills_to_bottom) and head.top - TOP_MARGIN_SHARE * fills_to_bottom < 0:
        fills_to_bottom = subject_bottom  # from the photo's top edge, on the slot's top edge
    # Zoom in so a short photo still reaches the bottom, but never crop into the head.
    height = max(min(head.height / HEAD_SHARE, fills_to_bottom), least)

    def top_for(height: float) -> float:
        top = head.top - TOP_MARGIN_SHARE * height
        cut = cut_at_top(height)
        if cut and top < 0:
            top = 0.0  # the photo cuts the subject: its cut goes on the slot's top edge
        gap = top + height - subject_bottom
        if gap > 0:  # the photo ends above the slot's bottom edge
            room = top + (1 - CHIN_CLEARANCE_SHARE) * height - head.chin
            shift = min(_align_shift(gap, align), room)
            if cut:
                shift = min(shift, max(top, 0.0))  # without pulling the cut into the slot
            top -= shift
        return top

    top = top_for(height)
    if (
        _overlaps(cuts.left, top, top + height)
        and _overlaps(cuts.right, top, top + height)
        and height * aspect > photo_width
    ):
        height = max(least, min(height, photo_width / aspect))  # keep the photo's sides out
        top = top_for(height)
    width = height * aspect
    left = _fit_horizontally(
        (head.left + head.right) / 2 - width / 2,
        width,
        photo_width,
        cut_left=_overlaps(cuts.left, top, top + height),
        cut_right=_overlaps(cuts.right, top, top + height),
        keep=(
            head.left - SIDE_MARGIN_SHARE * head.width,
            head.right + SIDE_MARGIN_SHARE * head.width,
        ),
    )
    return (left, top, left + width, top + height)


def _columns(head: _Head, height: float, aspect: float) -> tuple[float, float]:
    centre = (head.left + head.right) / 2
    return (centre - height * aspect / 2, centre + height * aspect / 2)


def _fit_horizontally(
    left: float,
    width: float,
    photo_width: int,
    *,
    cut_left: bool,
    cut_right: bool,
    keep: tuple[float, float],
) -> float:
    """``left`` moved so that the photo's cut sides are on or beyond the slot's sides, as far as
    ``keep`` (the span that must stay in view) allows."""
    lowest = 0.0 if cut_left else -np.inf
    highest = photo_width - width if cut_right else np.inf
    if lowest <= highest:
        left = min(max(left, lowest), highest)
    return min(max(left, keep[1] - width), keep[0])


def _whole_subject_crop(
    box: Rect, aspect: float, align: str, cuts: PhotoCuts, mask: Image.Image
) -> Crop:
    cut_top, cut_left, cut_right, cut_bottom = (
        side is not None for side in (cuts.top, cuts.left, cuts.right, cuts.bottom)
    )
    top_margin = 0.0 if cut_top else TOP_MARGIN_SHARE
    margin = NO_FACE_SIDE_MARGIN_SHARE * box.width  # a side the photo cuts needs none
    keep = (box.x - (0 if cut_left else margin), box.right + (0 if cut_right else margin))
    height = max(box.height / (1 - top_margin), (keep[1] - keep[0]) / aspect)
    if cut_left and cut_right and height * aspect > box.width:
        # Cut on both sides: zoom in so the photo's sides stay out of view.
        height = max(box.width / aspect, NO_FACE_LEAST_SHARE * box.height)
    if cut_top and cut_bottom:
        height = min(height, box.height)  # both cuts on the slot's edges, before the width
    top = box.y - top_margin * height
    # Only room left below the subject is shared out by ``align``; a zoomed-in crop keeps its top.
    shift = _align_shift(max(0.0, top + height - box.bottom), align)
    if cut_top:
        shift = min(shift, max(0.0, top))  # the photo's top edge stays on the slot's top edge
    top -= shift
    width = height * aspect
    centre_x = (box.x + box.right) / 2
    if width < keep[1] - keep[0]:  # zoomed in: centred on the subject's top, a head mostly
        centre_x = _top_centre(mask, box)
        keep = (centre_x, centre_x)
    left = _fit_horizontally(
        centre_x - width / 2, width, mask.width, cut_left=cut_left, cut_right=cut_right, keep=keep
    )
    return (left, top, left + width, top + height)


def _top_centre(mask: Image.Image, box: Rect) -> float:
    """The middle of the solid subject in the top fifth of ``box``."""
    rows = np.asarray(mask)[box.y : box.y + max(1, box.height // 5), box.x : box.right]
    columns = np.flatnonzero((rows >= SOLID_LEVEL).any(axis=0))
    if columns.size == 0:
        return (box.x + box.right) / 2
    weights = (rows >= SOLID_LEVEL).sum(axis=0)[columns]
    return box.x + float(np.average(columns, weights=weights)) + 0.5


def _align_shift(gap: float, align: str) -> float:
    return {"bottom": gap, "center": gap / 2, "top": 0.0}[align]


def _render_crop(
    cutout: Cutout, crop: Crop, width_px: int, height_px: int, cuts: PhotoCuts
) -> Framed:
    left, top, right, bottom = crop
    scale = height_px / (bottom - top)
    source = cutout.image
    visible = (max(left, 0.0), max(top, 0.0), min(right, source.width), min(bottom, source.height))
    canvas = Image.new("RGBA", (width_px, height_px), (0, 0, 0, 0))
    if visible[2] > visible[0] and visible[3] > visible[1]:
        dest_left, dest_top = round((visible[0] - left) * scale), round((visible[1] - top) * scale)
        dest_right, dest_bottom = (
            round((visible[2] - left) * scale),
            round((visible[3] - top) * scale),
        )
        if dest_right > dest_left and dest_bottom > dest_top:
            part = source.resize(
                (dest_right - dest_left, dest_bottom - dest_top),
                Image.Resampling.LANCZOS,
                box=visible,
            )
            canvas.paste(part, (dest_left, dest_top))
    face_box = None
    if cutout.face_box is not None:
        face = cutout.face_box
        face_box = Rect.from_edges(
            round((face.x - left) * scale),
            round((face.y - top) * scale),
            round((face.right - left) * scale),
            round((face.bottom - top) * scale),
        )
    warnings = cutout.warnings
    if scale > SOFT_UPSCALE:
        if max(source.size) >= CUTOUT_MAX_SIDE_PX:  # a large photo with a small subject in it
            advice = "the subject is small in the photo; a photo framed closer on it would be sharp"
        else:
            advice = f"a photo about {round(source.height * scale / SOFT_UPSCALE)} pixels tall would be sharp"
        warnings = (*warnings, f"the photo's subject is enlarged {scale:.1f}x to fill its {width_px}x{height_px} "
                               f"slot and looks soft; {advice}")
    return Framed(
        image=canvas,
        face_box=face_box,
        scale=scale,
        warnings=warnings,
        cut_edges=_cut_edges(crop, visible, scale, source.size, (width_px, height_px), cuts),
    )


def _cut_edges(
    crop: Crop,
    visible: Crop,
    scale: float,
    photo_size: tuple[int, int],
    slot_size: tuple[int, int],
    cuts: PhotoCuts,
) -> tuple[int | None, int | None, int | None, int | None]:
    """Where, in the slot, the photo's edges that cut the subject show (inside the slot)."""
    left, top, right, bottom = crop
    width_px, height_px = slot_size

    def inside(position: float, size: int) -> int | None:
        position = round(position)
        return position if 0 < position < size else None

    edges: list[int | None] = [None, None, None, None]
    if left < 0 and _overlaps(cuts.left, visible[1], visible[3]):
        edges[0] = inside(-left * scale, width_px)
    if top < 0 and _overlaps(cuts.top, visible[0], visible[2]):
        edges[1] = inside(-top * scale, height_px)
    if right > photo_size[0] and _overlaps(cuts.right, visible[1], visible[3]):
        edges[2] = inside((photo_size[0] - left) * scale, width_px)
    if bottom > photo_size[1] and _overlaps(cuts.bottom, visible[0], visible[2]):
        edges[3] = inside((photo_size[1] - top) * scale, height_px)
    return (edges[0], edges[1], edges[2], edges[3])
