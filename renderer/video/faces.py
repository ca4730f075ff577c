"""Frontal faces in a small frame: scikit-image's LBP cascade (bundled, offline), checked for skin.

The cascade alone fires on textures (cat fur, cells, a camera); a detection counts only when enough
of its box has skin chroma (YCbCr, Chai & Ngan 1999) and it is not a lone neighbour. Greyscale
frames therefore never show faces: a miss costs a little score, a false face costs a wrong reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..cutout.faces import detect_multi_scale

_MIN_FACE_PX = 20  # the cascade's window is 24×24; smaller finds mostly noise
_MIN_NEIGHBOURS = 4
_MIN_SKIN_FRACTION = 0.3
_CR_RANGE = (133, 173)
_CB_RANGE = (77, 127)


@dataclass(frozen=True)
class Faces:
    count: int
    largest_height_fraction: float  # the tallest face's height over the frame height; 0 without faces


NO_FACES = Faces(count=0, largest_height_fraction=0.0)


def find_faces(image: Image.Image) -> Faces:
    """Faces in ``image`` (RGB, ~240 px wide)."""
    gray = np.asarray(image.convert("L"), dtype=np.float64) / 255
    height_px = gray.shape[0]
    if min(gray.shape) < _MIN_FACE_PX:
        return NO_FACES
    detections = detect_multi_scale(
        gray,
        scale_factor=1.25,
        step_ratio=1,
        min_size=(_MIN_FACE_PX, _MIN_FACE_PX),
        max_size=(height_px, height_px),
        min_neighbor_number=_MIN_NEIGHBOURS,
    )
    ycbcr = np.asarray(image.convert("YCbCr"))
    heights = [d["height"] for d in detections if _skin_fraction(ycbcr, d) >= _MIN_SKIN_FRACTION]
    if not heights:
        return NO_FACES
    return Faces(count=len(heights), largest_height_fraction=max(heights) / height_px)


def _skin_fraction(ycbcr: np.ndarray, detection: dict[str, int]) -> float:
    top, left = detection["r"], detection["c"]
    box = ycbcr[top : top + detection["height"], left : left + detection["width"]]
    if box.size == 0:
        return 0.0
    cb, cr = box[..., 1], box[..., 2]
    skin = (cr >= _CR_RANGE[0]) & (cr <= _CR_RANGE[1]) & (cb >= _CB_RANGE[0]) & (cb <= _CB_RANGE[1])
    return float(skin.mean())


