"""From the model's mask to the subject: levels, specks, the presenter's blob kept with its soft
edge, weak background regions dropped; the subject's box; the photo with the mask as its alpha."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ..errors import InputError
from ..rect import Rect
from .results import Cutout

#: Mask levels: at or below the floor is haze from the model's min-max normalisation (made fully
#: transparent), at or above the ceiling is solid subject (made fully opaque; the model tops out
#: at 254); values between are stretched linearly, keeping soft edges soft.
_MASK_FLOOR = 16
_MASK_CEILING = 240
MASK_LEVELS = [
    min(255, max(0, round((value - _MASK_FLOOR) * 255 / (_MASK_CEILING - _MASK_FLOOR))))
    for value in range(256)
]
#: Specks of mask smaller than this share of the largest blob are dropped (before face finding).
_MIN_BLOB_SHARE = 0.05
#: Keeping the subject (:func:`_keep_subject`). The core is where the model is confident (mask at
#: or above ``_CORE_LEVEL``); the main subject is the core blob holding the face and the largest
#: one. Other core blobs stay when they are a second subject (``_SECOND_SUBJECT_SHARE`` of the
#: largest) or a part near the main one (``_MIN_PART_SHARE``, within ``_NEAR_SHARE`` of the
#: photo's longer side): a hand or a held object. Blobs apart from the subject are dropped with
#: everything around them: they would only stretch the framing box and make the subject float.
_CORE_LEVEL = 224
SOLID_LEVEL = 128
_SECOND_SUBJECT_SHARE = 0.25
_MIN_PART_SHARE = 0.005
_NEAR_SHARE = 0.05
#: Semi-transparent pixels within this share of the longer side from the kept core are the
#: subject's soft edge (hair, anti-aliasing) and are kept as they are.
_FRINGE_SHARE = 0.01
#: Beyond that fringe, a semi-transparent region is background the model half believed in (the
#: flag behind a shoulder) when less than this share of it is solid and a disc of ``_THICK_SHARE``
#: of the longer side fits in it. Thin strands (a tripod leg, wisps of hair) and mostly solid
#: parts (a held camera, fur) stay; so does anything around the head.
_WEAK_SOLID_SHARE = 1 / 3
_THICK_SHARE = 0.015
#: Where a weak region was dropped, the core's edge next to it gets this soft falloff.
_FALLOFF_SHARE = 0.003
#: Masks larger than this (with a margin) are judged on a copy of about this size: the model
#: predicts at 320 px, so nothing is lost, and the distance transforms cost a third of 512 px.
_ANALYSIS_SIDE_PX = 320
#: A solid (alpha >= 128) subject smaller than this share of the photo counts as "nothing found".
#: A plain black photo gives 1.2%: rembg stretches the model's near-zero output to 0..255.
_MIN_SUBJECT_SHARE = 0.02

PHOTO_FIELD = "photoImage"


def drop_specks(mask: Image.Image) -> Image.Image:
    """``mask`` without the specks far smaller than its largest blob: the rough mask faces are
    looked for on (the face then tells :func:`clean_mask` which blob is the presenter)."""
    from scipy import ndimage

    alpha = np.array(mask)
    labels, count = ndimage.label(alpha > 0)
    if count > 1:
        sizes = np.bincount(labels.ravel())[1:]
        small = np.flatnonzero(sizes < _MIN_BLOB_SHARE * sizes.max()) + 1
        alpha[np.isin(labels, small)] = 0
    return Image.fromarray(alpha)


def clean_mask(mask: Image.Image, face: Rect | None = None) -> Image.Image:
    """The levelled ``mask`` (L) reduced to the subject: see :func:`_keep_subject`."""
    return Image.fromarray(_keep_subject(np.array(mask), face))


def _keep_subject(alpha: np.ndarray, face: Rect | None) -> np.ndarray:
    """``alpha`` (uint8, levelled) with only the subject left in it.

    Kept: the core blob holding ``face`` and the largest one (a second subject, or a part near
    them, too), their soft fringe as it is, and the semi-transparent regions beyond the fringe
    that are mostly solid, thin, or around the head. Dropped: specks and blobs apart from the
    subject (they would stretch the framing box), and weak regions, mostly semi-transparent and
    thick, that the model half believed in (the flag behind a shoulder: a washed-out strip next
    to the presenter); the core's edge next to a dropped region gets a short soft falloff.

    A large mask is judged at about ``_ANALYSIS_SIDE_PX`` (the model's own output is 320 px, so
    nothing is lost) and what is dropped there is dropped at full size; kept pixels are untouched.
    """
    side_px = max(alpha.shape)
    if side_px <= _ANALYSIS_SIDE_PX * 1.25:
        return _keep_subject_at(alpha, face)
    k = _ANALYSIS_SIDE_PX / side_px
    small_size = (max(1, round(alpha.shape[1] * k)), max(1, round(alpha.shape[0] * k)))
    small = np.asarray(Image.fromarray(alpha).resize(small_size, Image.Resampling.BOX))
    small_face = None
    if face is not None:
        small_face = Rect.from_edges(*(round(v * k) for v in face.edges_px()))
    kept = _keep_subject_at(small, small_face).astype(np.float32)
    # The share of each small pixel that was kept (1 where untouched); where the small mask is
    # empty, 1 next to what is kept (thin details the box filter faded out) and 0 elsewhere.
    from scipy import ndimage

    near_kept = ndimage.binary_dilation(kept > 0, iterations=2)
    factor = np.where(small > 0, kept / np.maximum(small, 1), near_kept).astype(np.float32)
    if factor.min() >= 1.0:
        return alpha
    full = Image.fromarray(factor, "F").resize(
        (alpha.shape[1], alpha.shape[0]), Image.Resampling.BILINEAR
    )
    result: np.ndarray = np.round(alpha * np.clip(np.asarray(full), 0.0, 1.0)).astype(np.uint8)
    return result


def _keep_subject_at(alpha: np.ndarray, face: Rect | None) -> np.ndarray:
    """:func:`_keep_subject` at the mask's own size."""
    from scipy import ndimage

    eight = np.ones((3, 3), dtype=bool)
    core = alpha >= _CORE_LEVEL
    labels, count = ndimage.label(core, structure=eight)
    if count == 0:  # a faint subject (a half-transparent PNG): at least no specks around it
        return np.asarray(drop_specks(Image.fromarray(alpha)))
    side_px = max(alpha.shape)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    largest = int(sizes.max())
    main = np.zeros(count + 1, dtype=bool)
    main[int(np.argmax(sizes))] = True
    if face is not None:
        on_face = labels[face.y : face.bottom, face.x : face.right]
        on_face = on_face[on_face > 0]
        if on_face.size:
            main[int(np.bincount(on_face).argmax())] = True
    kept = main.copy()
    apart = np.zeros(count + 1, dtype=bool)
    others = ~main & (sizes >= _MIN_PART_SHARE * largest)
    others[0] = False
    if others.any():
        near_main = ndimage.distance_transform_edt(~main[labels]) <= _NEAR_SHARE * side_px
        near = np.bincount(labels[near_main & core], minlength=count + 1) > 0
        second = sizes >= _SECOND_SUBJECT_SHARE * largest
        kept |= others & (near | second)
        apart = others & ~near & ~second
    kept_core = kept[labels]
    distance = ndimage.distance_transform_edt(~kept_core)
    fringe_px = max(1.0, _FRINGE_SHARE * side_px)
    visible = alpha > 0
    fringe = visible & ~kept_core & (distance <= fringe_px)
    beyond = visible & ~kept_core & (distance > fringe_px)
    if apart.any():
        # A blob apart from the subject goes with everything closer to it than to the subject.
        _, nearest = ndimage.distance_transform_edt(~core, return_indices=True)
        owned_by_apart = apart[labels[nearest[0], nearest[1]]]
        beyond &= ~owned_by_apart
        fringe &= ~owned_by_apart
    regions, region_count = ndimage.label(beyond, structure=eight)
    keep = np.zeros(region_count + 1, dtype=bool)
    weak = np.zeros(region_count + 1, dtype=bool)
    if region_count:

        def any_in(flags: np.ndarray) -> np.ndarray:
            return np.bincount(regions[flags & beyond], minlength=region_count + 1) > 0

        area = np.bincount(regions.ravel(), minlength=region_count + 1)
        solid = np.bincount(
            regions.ravel(), weights=(alpha >= SOLID_LEVEL).ravel(), minlength=region_count + 1
        ) / np.maximum(area, 1)
        touching = any_in(ndimage.binary_dilation(fringe | kept_core, structure=eight))
        thick = any_in(ndimage.distance_transform_edt(beyond) >= _THICK_SHARE * side_px)
        by_head = any_in(_head_zone(face, alpha.shape)) if face is not None else np.zeros_like(keep)
        is_weak = (solid < _WEAK_SOLID_SHARE) & thick & ~by_head
        keep = touching & ~is_weak
        weak = touching & is_weak
        keep[0] = weak[0] = False
    cleaned = np.where(kept_core | fringe | keep[regions], alpha, 0).astype(np.uint8)
    dropped = weak[regions]
    if dropped.any():
        # The fringe between the core and a dropped region is the region's too: fade it out
        # within a pixel or two of the core instead of leaving a ghostly band along it.
        next_to = ndimage.distance_transform_edt(~dropped) <= fringe_px + 1.5
        falloff_px = max(1.0, _FALLOFF_SHARE * side_px)
        ceiling = np.clip(1.0 - (distance - 0.5) / falloff_px, 0.0, 1.0) * 255
        trim = next_to & fringe
        cleaned[trim] = np.minimum(cleaned[trim], ceiling[trim]).astype(np.uint8)
    return cleaned


def _head_zone(face: Rect, shape: tuple[int, ...]) -> np.ndarray:
    """Where the hair and ears around ``face`` can be: its soft edges are never dropped."""
    zone = np.zeros(shape[:2], dtype=bool)
    top = max(0, round(face.y - 1.2 * face.height))
    left = max(0, round(face.x - 0.8 * face.width))
    right = round(face.right + 0.8 * face.width)
    zone[top : face.bottom, left:right] = True
    return zone


def subject_box(mask: Image.Image) -> tuple[Rect, float]:
    """The box of ``mask`` and the share of the photo that is solid subject; an InputError when
    there is too little subject to call it one."""
    solid_share = float((np.asarray(mask) >= SOLID_LEVEL).mean())
    mask_box = mask_box_of(mask)
    if mask_box is None or solid_share < _MIN_SUBJECT_SHARE:
        raise InputError(
            f"no person or subject found in {PHOTO_FIELD}; use a photo where the presenter "
            "stands out clearly from the background",
            field=PHOTO_FIELD,
        )
    return mask_box, solid_share


def mask_box_of(mask: Image.Image) -> Rect | None:
    box = mask.getbbox()
    return Rect.from_edges(*box) if box else None


def apply_mask(
    image: Image.Image,
    mask: Image.Image,
    *,
    mask_box: Rect,
    face_box: Rect | None,
    warnings: tuple[str, ...],
) -> Cutout:
    """The photo with ``mask`` as its alpha; fully transparent pixels become transparent black."""
    empty = Image.new("RGBA", image.size, (0, 0, 0, 0))
    cut = Image.composite(image, empty, mask.point(lambda value: 255 if value else 0))
    cut.putalpha(mask)
    return Cutout(image=cut, mask_box=mask_box, face_box=face_box, warnings=warnings)
