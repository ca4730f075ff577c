"""A layout's static prefix (its background, patterns and shapes before any text) kept in the
cache folder, so that a new process (a one-shot ``thumbkit render``, a batch or server worker)
does not paint it again: a gradient, a pattern and a glow take ~25 ms, reading them back ~5 ms.

An entry holds the painted canvas (its RGB bytes, zlib-compressed: lossless, smaller than the PNG
it used to be and read back in half the time, as PNG's row filters cost more to undo than zlib to
inflate) and its luminance grid (the floats themselves,
so a render from the cache measures contrast exactly as the render that painted it). It is keyed
by the prefix's own key (canvas size, layout folder, each layer as JSON) and a digest of the
modules that paint it, so changed drawing code never reads an old entry. A prefix that paints
a file (an image fill) is not kept: the file could change under the same key. An entry that
cannot be read, or does not match, is a miss; a cache that cannot be written is only slower.
The folder keeps the ``MAX_ENTRIES`` most recently written entries (~60-300 KB each).
"""

from __future__ import annotations

import struct
import zlib
from array import array
from pathlib import Path

from PIL import Image

from ..compiled import digest, source_fingerprint
from ..files import keep_newest, write_atomic
from ..paths import cache_root
from .canvas import LuminanceGrid

MAX_ENTRIES = 256
_MAGIC = b"thumbkit-prefix-2\n"
_HEADER = struct.Struct("<IIII")  # canvas width and height, grid width and height
_SUFFIX = ".prefix"
#: What paints a prefix: a change to any of these files is a new key.
_CODE = ("compose/composer.py", "compose/fills.py", "compose/masks.py", "compose/patterns.py",
         "compose/pattern_layer.py", "compose/canvas.py", "colors.py")


def _path(key: str) -> Path:
    return cache_root() / "prefixes" / f"{digest([source_fingerprint(_CODE), key])}{_SUFFIX}"


def load(key: str, size: tuple[int, int]) -> tuple[Image.Image, LuminanceGrid] | None:
    """The canvas and grid stored for ``key``, or None (missing, damaged, or not of ``size``)."""
    try:
        data = _path(key).read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + _HEADER.size:
        return None
    width, height, grid_width, grid_height = _HEADER.unpack_from(data, len(_MAGIC))
    start = len(_MAGIC) + _HEADER.size
    grid_bytes = grid_width * grid_height * 8
    if (width, height) != size or len(data) < start + grid_bytes:
        return None
    values = array("d")
    values.frombytes(data[start:start + grid_bytes])
    try:
        pixels = zlib.decompress(data[start + grid_bytes:], bufsize=width * height * 3)
    except zlib.error:
        return None
    if len(pixels) != width * height * 3:
        return None
    return Image.frombytes("RGB", size, pixels), LuminanceGrid(grid_width, grid_height, tuple(values))


def save(key: str, canvas: Image.Image, grid: LuminanceGrid) -> None:
    """Keep ``canvas`` (RGB) and its ``grid`` for later processes."""
    if len(grid.values) != grid.width * grid.height:
        return  # not a whole grid: keep nothing rather than something wrong
    pixels = (canvas if canvas.mode == "RGB" else canvas.convert("RGB")).tobytes()
    data = (_MAGIC + _HEADER.pack(canvas.width, canvas.height, grid.width, grid.height)
            + array("d", grid.values).tobytes() + zlib.compress(pixels, 6))
    path = _path(key)
    try:
        write_atomic(path, data, durable=False)
    except OSError:
        return
    keep_newest(path.parent, _SUFFIX, MAX_ENTRIES)


__all__ = ["MAX_ENTRIES", "load", "save"]
