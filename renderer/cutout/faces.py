"""Offline frontal-face detection for the cutout, with scikit-image's LBP cascade.

The cascade file ships inside scikit-image (OpenCV's ``lbpcascade_frontalface``), so nothing is
downloaded. Detection runs on the subject only (background greyed out by the cutout mask), on a
small copy of the image: a coarse pass first, a finer one only when the coarse pass finds nothing.
scikit-image is imported on the first :func:`find_face`, not with this module.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from ..rect import Rect


# The LBP cascade's window is 24 px, so a face is found once it spans about 24 px in the search
# image. Pass 1 finds faces wider than ~15% of the subject's width; pass 2 (only if pass 1 finds
# nothing) goes down to ~7%.
_PASSES_WIDTH_PX = (160, 320)
_WINDOW_PX = 24
_SCALE_FACTOR = 1.2
_STEP_RATIO = 1.2
_MIN_NEIGHBOURS = 3
#: Faces are looked for in the top part of a tall subject (a standing person): the top 75%, but
#: never less than a square as wide as the subject, so a short crop is searched whole.
_SEARCH_TOP_FRACTION = 0.75
#: A detection counts only if the mask covers at least this much of its central area.
_MIN_MASK_COVER = 0.6


_CASCADE_LOCK = threading.Lock()


def find_face(image: Image.Image, mask: Image.Image, subject_box: Rect) -> Rect | None:
    """The largest frontal face inside ``subject_box`` and on ``mask`` (L), in image pixels."""
    search_height_px = max(
        round(subject_box.height * _SEARCH_TOP_FRACTION), subject_box.width
    )
    region = Rect.from_edges(
        subject_box.x,
        subject_box.y,
        subject_box.right,
        subject_box.y + max(1, min(subject_box.height, search_height_px)),
    )
    grey = _subject_on_grey(image, mask, region)
    mask_array = np.asarray(mask)
    for width_px in _PASSES_WIDTH_PX:
        faces = [
            face
            for face in _detect(grey, region, width_px)
            if _mask_cover(mask_array, face) >= _MIN_MASK_COVER
        ]
        if faces:
            return max(faces, key=lambda face: face.area)
    return None


def _detect(grey: Image.Image, region: Rect, width_px: int) -> list[Rect]:
    scale = min(1.0, width_px / grey.width)
    small = grey.resize(
        (max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
        Image.Resampling.BILINEAR,
    )
    if min(small.size) < _WINDOW_PX:
        return []
    pixels = np.asarray(small)
    found = detect_multi_scale(
        pixels,
        scale_factor=_SCALE_FACTOR,
        step_ratio=_STEP_RATIO,
        min_size=(_WINDOW_PX, _WINDOW_PX),
        max_size=(small.width, small.height),
        min_neighbor_number=_MIN_NEIGHBOURS,
    )
    return [
        Rect.from_edges(
            region.x + round(hit["c"] / scale),
            region.y + round(hit["r"] / scale),
            region.x + round((hit["c"] + hit["width"]) / scale),
            region.y + round((hit["r"] + hit["height"]) / scale),
        )
        for hit in found
    ]


def detect_multi_scale(image: np.ndarray, **options: Any) -> list[dict[str, int]]:
    """Detections of the one shared cascade (the cutout's and the video moments' faces); its
    thread-safety is not documented, so calls are serialised."""
    with _CASCADE_LOCK:
        found: list[dict[str, int]] = face_cascade().detect_multi_scale(image, **options)
        return found


# Faces anywhere in a picture (a video frame, a background photo), not only on a cut-out subject:
# the cascade alone fires on textures (cat fur, cells, a camera), so a detection counts only when
# enough of its box has skin chroma (YCbCr, Chai & Ngan 1999) and it is not a lone neighbour.
# Greyscale pictures therefore never show faces.
_SKIN_MIN_FACE_PX = 20  # the cascade's window is 24x24; smaller finds mostly noise
_SKIN_MIN_NEIGHBOURS = 4
_MIN_SKIN_FRACTION = 0.3
_CR_RANGE = (133, 173)
_CB_RANGE = (77, 127)


def skin_faces(image: Image.Image) -> list[Rect]:
    """Frontal faces with skin-coloured boxes in ``image`` (RGB, about 240 px wide), in its pixels.
    A picture where no square of a face's size holds enough skin (a landscape, a screenshot, any
    greyscale picture) is not searched: no box the cascade could find would pass (15 ms saved)."""
    if min(image.size) < _SKIN_MIN_FACE_PX:
        return []
    ycbcr = np.asarray(image.convert("YCbCr"))
    if not _room_for_skin(ycbcr):
        return []
    grey = np.asarray(image.convert("L"), dtype=np.float64) / 255
    height_px = grey.shape[0]
    detections = detect_multi_scale(
        grey,
        scale_factor=1.25,
        step_ratio=1,
        min_size=(_SKIN_MIN_FACE_PX, _SKIN_MIN_FACE_PX),
        max_size=(height_px, height_px),
        min_neighbor_number=_SKIN_MIN_NEIGHBOURS,
    )
    boxes = [Rect(d["c"], d["r"], d["width"], d["height"]) for d in detections]
    return [box for box in boxes if _skin_fraction(ycbcr, box) >= _MIN_SKIN_FRACTION]


def _skin(ycbcr: np.ndarray) -> np.ndarray:
    cb, cr = ycbcr[..., 1], ycbcr[..., 2]
    mask: np.ndarray = (cr >= _CR_RANGE[0]) & (cr <= _CR_RANGE[1]) & (cb >= _CB_RANGE[0]) & (cb <= _CB_RANGE[1])
    return mask


def _skin_fraction(ycbcr: np.ndarray, box: Rect) -> float:
    left, top, right, bottom = box.edges_px()
    pixels = ycbcr[top:bottom, left:right]
    if pixels.size == 0:
        return 0.0
    return float(_skin(pixels).mean())


def _room_for_skin(ycbcr: np.ndarray) -> bool:
    """Whether some square of at least _SKIN_MIN_FACE_PX a side is skin for _MIN_SKIN_FRACTION of
    its pixels. The cascade's boxes are such squares (its window is square, and a group's box is
    the mean of its windows, inside the picture), so without one no detection passes the skin
    test: this is that test, done for every square the cascade could return, before the cascade."""
    skin = _skin(ycbcr)
    if not skin.any():
        return False
    sums = np.pad(skin.astype(np.int32).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    for side in range(_SKIN_MIN_FACE_PX, min(skin.shape) + 1):
        inside = sums[side:, side:] - sums[:-side, side:] - sums[side:, :-side] + sums[:-side, :-side]
        if int(inside.max()) / (side * side) >= _MIN_SKIN_FRACTION:  # as _skin_fraction reckons it
            return True
    return False


@cache
def face_cascade() -> Any:
    """scikit-image's LBP frontal-face cascade, parsed once per process (about 50 ms)."""
    from skimage.data import lbp_frontal_face_cascade_filename
    from skimage.feature import Cascade

    return Cascade(lbp_frontal_face_cascade_filename())


def _subject_on_grey(image: Image.Image, mask: Image.Image, region: Rect) -> Image.Image:
    """The region of ``image`` in grey levels, with everything off the mask set to mid-grey."""
    box = region.edges_px()
    grey = image.crop(box).convert("L")
    background = Image.new("L", grey.size, 128)
    return Image.composite(grey, background, mask.crop(box))


def _mask_cover(mask: np.ndarray, face: Rect) -> float:
    """Share of the face box's central half (by side) where the mask is solid."""
    quarter_w, quarter_h = face.width // 4, face.height // 4
    centre = mask[
        face.y + quarter_h : face.bottom - quarter_h,
        face.x + quarter_w : face.right - quarter_w,
    ]
    return float((centre >= 128).mean()) if centre.size else 0.0
