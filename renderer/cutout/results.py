"""What the cutout hands on: a subject cut out of a photo, and that cutout framed for a slot."""

from __future__ import annotations

from msgspec import Struct
from PIL import Image

from ..rect import Rect

#: Photos are cut out at most this many pixels on their longer side (larger ones are reduced first).
CUTOUT_MAX_SIDE_PX = 2048


class Cutout(Struct, frozen=True):
    """A subject cut out of a photo. All boxes are in ``image`` pixels.

    ``image`` is RGBA at the photo's size (or downscaled to the engine's ``max_side_px``) and its
    alpha is the subject mask. It may be shared through the cache: treat it as read-only.
    """

    image: Image.Image
    mask_box: Rect
    face_box: Rect | None
    warnings: tuple[str, ...] = ()


class Framed(Struct, frozen=True):
    """A cutout fitted to a slot: ``image`` is RGBA of exactly the slot's size."""

    image: Image.Image
    face_box: Rect | None
    scale: float
    warnings: tuple[str, ...] = ()
    #: Where the photo's own edge cuts the subject inside the slot, per side (left, top, right,
    #: bottom) in slot pixels, or None: the subject goes on beyond it, so whoever draws ``image``
    #: fades it out from there and draws no outline or shadow along it.
    cut_edges: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)
