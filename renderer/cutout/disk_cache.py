"""The cutout's disk cache: the mask as a greyscale PNG, the boxes in a text chunk.

The photo itself is not stored: every caller passes it again, and the mask is what cost the
inference. A 512x512 mask is ~20 kB and ~4 ms to write."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image, PngImagePlugin

from ..paths import cache_root
from ..rect import Rect
from .masks import apply_mask
from .results import Cutout

#: Bump when the cutout algorithm changes, so old cache entries are not reused.
CACHE_VERSION = 3
_CACHE_META_KEY = "thumbkit-cutout"


def default_cache_dir() -> Path:
    """Where cutouts are cached when no ``cache_dir`` is given.

    ``$THUMBKIT_CACHE_DIR/cutouts``, else ``$XDG_CACHE_HOME/thumbkit/cutouts``, else
    ``~/.cache/thumbkit/cutouts``.
    """
    return cache_root() / "cutouts"


def mask_png(value: Cutout, mask: Image.Image) -> bytes:
    meta = {
        "version": CACHE_VERSION,
        "size": list(mask.size),
        "mask_box": list(value.mask_box.edges_px()),
        "face_box": list(value.face_box.edges_px()) if value.face_box else None,
        "warnings": list(value.warnings),
    }
    info = PngImagePlugin.PngInfo()
    info.add_text(_CACHE_META_KEY, json.dumps(meta))
    buffer = io.BytesIO()
    mask.save(buffer, "PNG", pnginfo=info, compress_level=1)
    return buffer.getvalue()


def cutout_from_mask_png(data: bytes, image: Image.Image) -> Cutout | None:
    with Image.open(io.BytesIO(data), formats=["PNG"]) as stored:
        assert isinstance(stored, PngImagePlugin.PngImageFile)
        meta = json.loads(stored.text[_CACHE_META_KEY])
        mask = stored.convert("L")
    if meta["version"] != CACHE_VERSION or tuple(meta["size"]) != image.size:
        return None
    return apply_mask(
        image,
        mask,
        mask_box=Rect.from_edges(*meta["mask_box"]),
        face_box=Rect.from_edges(*meta["face_box"]) if meta["face_box"] else None,
        warnings=tuple(meta["warnings"]),
    )
