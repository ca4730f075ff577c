"""The picture behind a title: a request's ``backgroundImage`` (or ``background=``), or one of the
brand kit's ``backgrounds`` chosen by the title; decoded safely, only as large as needed, and
remembered by content so the next title over the same picture does not decode it again.

Light to import: a render without a picture loads nothing of this but its names (the decoder and
its numpy come with the first picture).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct
from PIL import Image

from ..errors import InputError
from ..lru import LruCache
from ..memory import MIB, image_bytes
from ..text.title import normalize_title, strip_marks

if TYPE_CHECKING:
    from ..spec.catalog import Kit

BackgroundData = bytes | str | os.PathLike[str] | Image.Image


class Background(Struct, frozen=True):
    """A picture to put the title over: raw bytes, a data URL, a file path or a decoded PIL image.
    ``field`` is how errors name it (``backgroundImage`` in a request body, ``background`` for
    ``Renderer.render``)."""

    data: BackgroundData
    field: str = "backgroundImage"


class Picture(Struct, frozen=True):
    """A decoded background: upright RGB, at least as large as covering the canvas needs."""

    image: Image.Image
    key: str | None  # the content's hash and decoded size, the analysis is remembered under it (None: not remembered)
    source: str  # for the plan: backgroundImage, background, "kit <id> <file>" or "video ..."


def kit_background(kit: Kit, title: str) -> str | None:
    """The kit background for ``title`` (a file name), or None when the kit lists none: chosen by a
    stable hash of the title, so a channel's thumbnails vary while each stays the same."""
    files = kit.spec.backgrounds
    if not files:
        return None
    text = " ".join(strip_marks(normalize_title(title)).casefold().split())
    return files[zlib.crc32(text.encode("utf-8")) % len(files)]  # CRC-32: the same everywhere, always


class BackgroundResolver:
    """Decodes backgrounds and keeps the last few (a batch or a server often puts many titles
    over the same picture)."""

    _ENTRIES = 6
    _BYTES = 32 * MIB  # two hd canvases' worth, all six at sd

    def __init__(self) -> None:
        self._decoded: LruCache[tuple[str, int, int], Image.Image] = LruCache(
            self._ENTRIES, max_bytes=self._BYTES, size_of=image_bytes)

    def check(self, background: Background) -> None:
        """What decoding checks before any pixel (cap, format, header, size), for refusing early."""
        from .decode import BACKGROUND_MAX_BYTES, check_image

        if not isinstance(background.data, Image.Image):
            check_image(_source(background), field=background.field, max_bytes=BACKGROUND_MAX_BYTES)

    def picture(self, background: Background, width_px: int, height_px: int) -> Picture:
        """The request's picture, decoded to cover ``width_px`` x ``height_px``."""
        from .decode import BACKGROUND_MAX_BYTES, content_hash, read_image_bytes

        label = background.field
        if isinstance(background.data, Image.Image):
            image = background.data
            if image.mode != "RGB":
                image = image.convert("RGB")
            return Picture(image, None, label)  # no content key without hashing every pixel: analysed each time
        raw = read_image_bytes(_source(background), field=background.field, max_bytes=BACKGROUND_MAX_BYTES)
        return self._decode(raw, content_hash(raw), width_px, height_px, field=background.field, label=label)

    def kit_picture(self, kit: Kit, file: str, width_px: int, height_px: int) -> Picture:
        from .decode import content_hash, read_image_bytes

        path = kit.asset(file)
        field = f"brand kit {kit.id} background {file}"
        raw = read_image_bytes(path, field=field, max_bytes=None)
        return self._decode(raw, content_hash(raw), width_px, height_px, field=field, label=f"kit {kit.id} {file}")

    def _decode(self, raw: bytes, digest: str, width_px: int, height_px: int, *, field: str, label: str) -> Picture:
        from .decode import decode_picture

        key = (digest, width_px, height_px)
        image = self._decoded.get(key)
        if image is None:
            image = self._decoded.put(key, decode_picture(raw, field=field, max_bytes=None, cover_px=(width_px, height_px)))
        return Picture(image, f"{digest}:{image.width}x{image.height}", label)


def _source(background: Background) -> bytes | str | Path:
    """Bytes and data URLs as they are; a path as a ``Path`` (a plain string that is no data URL
    is taken for a path only here, where the caller gave it in Python, never from a request)."""
    data = background.data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data if data.lstrip().startswith("data:") or background.field == "backgroundImage" else Path(data)
    if isinstance(data, os.PathLike):
        return Path(data)
    raise InputError(f"{background.field} must be a data URL, bytes, a file path or a PIL image, got {type(data).__name__}",
                     field=background.field)


__all__ = ["Background", "BackgroundData", "BackgroundResolver", "Picture", "kit_background"]
