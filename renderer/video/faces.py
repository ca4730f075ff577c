"""Frontal faces in a small frame, for scoring a video's moments: how many, and how large.

The detection itself (scikit-image's LBP cascade, checked for skin) is the renderer's
:func:`renderer.cutout.faces.skin_faces`; greyscale frames never show faces.
"""

from __future__ import annotations

from msgspec import Struct
from PIL import Image

from ..cutout.faces import skin_faces


class Faces(Struct, frozen=True):
    count: int
    largest_height_fraction: float  # the tallest face's height over the frame height; 0 without faces


NO_FACES = Faces(count=0, largest_height_fraction=0.0)


def find_faces(image: Image.Image) -> Faces:
    """Faces in ``image`` (RGB, ~240 px wide)."""
    heights = [box.height for box in skin_faces(image)]
    if not heights:
        return NO_FACES
    return Faces(count=len(heights), largest_height_fraction=max(heights) / image.height)
