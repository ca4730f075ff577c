"""The photo and logo of a request: from ``photoImage``/``logoImage`` or the brand kit, decoded
safely, cut out (photo) and handed to the composer. ThumbAPI's messages when one is missing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from ..spec.catalog import Kit
from ..compose.scene import FramedPhoto, LogoSource
from ..errors import InputError
from ..lru import LruCache
from ..memory import MIB, image_bytes
from .decode import LOGO_MAX_BYTES, PHOTO_MAX_BYTES, content_hash, decode_image, read_image_bytes

if TYPE_CHECKING:
    from ..cutout.engine import CutoutEngine
    from ..cutout.results import Cutout

#: The photo slot's framer: ``(width_px, height_px) -> FramedPhoto``.
Framer = Callable[[int, int], FramedPhoto]

PHOTO_REQUIRED = "Photo asset required: set photoImage or upload a Personal Photo"
LOGO_REQUIRED = "Logo asset required: set logoImage or upload a Logo"


class AssetResolver:
    """Owns the lazily created cutout engine (the faceless path never imports rembg) and keeps
    the last framed photos, so a presenter's next thumbnail neither decodes, cuts out nor frames
    the photo again: it costs about what a faceless render costs."""

    _FRAMED_ENTRIES = 32
    _FRAMED_BYTES = 16 * MIB  # two photo slots at hd, many more at sd
    _CUTOUT_ENTRIES = 8
    _CUTOUT_BYTES = 24 * MIB  # one cutout of a 2048 px photo, all eight of 1024 px ones (the disk cache has the rest)

    def __init__(self, *, cache_dir: Path | None = None, model: str = "u2netp") -> None:
        self._cache_dir = cache_dir
        self._model = model
        self._engine: CutoutEngine | None = None
        self._lock = threading.Lock()
        self._cutouts: LruCache[str, Cutout] = LruCache(  # by content hash
            self._CUTOUT_ENTRIES, max_bytes=self._CUTOUT_BYTES, size_of=lambda cut: image_bytes(cut.image))
        self._framed: LruCache[tuple[str, int, int], FramedPhoto] = LruCache(
            self._FRAMED_ENTRIES, max_bytes=self._FRAMED_BYTES, size_of=lambda framed: image_bytes(framed.image))

    @property
    def engine(self) -> "CutoutEngine":
        with self._lock:
            if self._engine is None:
                from ..cutout.engine import CutoutEngine

                self._engine = CutoutEngine(model=self._model, cache_dir=self._cache_dir)
            return self._engine

    def require_photo(self, photo_image: str | None, kit: Kit) -> None:
        """ThumbAPI's error when a photo is asked for and none is anywhere."""
        if not photo_image and kit.spec.photo is None:
            raise InputError(PHOTO_REQUIRED, field="usePhoto")

    def require_logo(self, logo_image: str | None, kit: Kit) -> None:
        """ThumbAPI's error when a logo is asked for and none is anywhere."""
        if not logo_image and kit.spec.logo is None:
            raise InputError(LOGO_REQUIRED, field="useLogo")

    def photo(self, photo_image: str | None, kit: Kit) -> Framer:
        """A framer for the photo slot: ``(width, height) -> FramedPhoto``."""
        if photo_image:
            raw = read_image_bytes(photo_image, field="photoImage", max_bytes=PHOTO_MAX_BYTES)
            key, field = content_hash(raw), "photoImage"
        elif kit.spec.photo is not None:
            raw, key = _kit_file(kit.asset(kit.spec.photo.file))
            field = f"brand kit {kit.id} photo"
        else:
            raise InputError(PHOTO_REQUIRED, field="usePhoto")
        cutout = self._cutouts.get(key)
        if cutout is None:
            engine = self.engine
            # decoded at the size the cutout works at: a 48 MP photo never becomes 48 MP of RGBA
            image = decode_image(raw, field=field, max_bytes=None, max_side_px=engine.max_side_px)
            cutout = self._cutouts.put(key, engine.cutout(image, image_bytes_hash=key))
        return self._framer(key, cutout)

    def photo_from_image(self, image: Image.Image, key: str) -> Framer:
        """A framer for an already decoded picture (a video frame), cached under ``key``."""
        cutout = self._cutouts.get(key)
        if cutout is None:
            cutout = self._cutouts.put(key, self.engine.cutout(image, image_bytes_hash=key))
        return self._framer(key, cutout)

    def _framer(self, key: str, cutout: Cutout) -> Framer:

        def frame(width_px: int, height_px: int) -> FramedPhoto:
            slot = (key, width_px, height_px)
            cached = self._framed.get(slot)
            if cached is not None:
                return cached
            from ..cutout.framing import frame_subject

            framed = frame_subject(cutout, slot_width_px=width_px, slot_height_px=height_px)
            result = FramedPhoto(framed.image, framed.face_box, tuple(dict.fromkeys(cutout.warnings + framed.warnings)),
                                 framed.cut_edges)
            return self._framed.put(slot, result)

        return frame

    def logo(self, logo_image: str | None, kit: Kit) -> LogoSource:
        settings = kit.spec.logo
        if logo_image:
            from ..kits.logo import LOGO_MAX_SIDE_PX, require_visible_logo  # here: kits.logo loads numpy

            light = decode_image(logo_image, field="logoImage", max_bytes=LOGO_MAX_BYTES, max_side_px=LOGO_MAX_SIDE_PX)
            require_visible_logo(light, "logoImage", field="logoImage")
            dark = None
        elif settings is not None:
            light = _kit_image(kit.asset(settings.file))
            dark = _kit_image(kit.asset(settings.file_dark)) if settings.file_dark else None
        else:
            raise InputError(LOGO_REQUIRED, field="useLogo")
        if settings is None:
            return LogoSource(light, dark, "top-right", 180, 90, 36, True)
        return LogoSource(light, dark, settings.corner, settings.max_width_px, settings.max_height_px, settings.margin_px, settings.shadow)


def _kit_file_bytes(path: Path) -> bytes:
    return read_image_bytes(path, field=f"brand kit file {path.name}", max_bytes=None)


def _kit_file(path: Path) -> tuple[bytes, str]:
    """A kit file's bytes and content hash, read again only when the file changes."""
    try:
        stat = path.stat()
    except OSError:
        return _kit_file_bytes(path), ""  # raises the clear error
    return _kit_file_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _kit_file_cached(path: Path, mtime_ns: int, size: int) -> tuple[bytes, str]:
    raw = _kit_file_bytes(path)
    return raw, content_hash(raw)


def _kit_image(path: Path) -> Image.Image:
    raw, key = _kit_file(path)
    return _kit_image_cached(path, key, raw)


@lru_cache(maxsize=32)
def _kit_image_cached(path: Path, content_key: str, raw: bytes) -> Image.Image:
    return decode_image(raw, field=f"brand kit file {path.name}", max_bytes=None)
