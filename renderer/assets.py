"""The photo and logo of a request: from ``photoImage``/``logoImage`` or the brand kit, decoded
safely, cut out (photo) and handed to the composer. ThumbAPI's messages when one is missing."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from .catalog import Kit
from .compose import FramedPhoto, LogoSource
from .errors import InputError
from .images import LOGO_MAX_BYTES, PHOTO_MAX_BYTES, content_hash, decode_image, read_image_bytes
from .plan import Rect

if TYPE_CHECKING:
    from .cutout import CutoutEngine

PHOTO_REQUIRED = "Photo asset required: set photoImage or upload a Personal Photo"
LOGO_REQUIRED = "Logo asset required: set logoImage or upload a Logo"


class AssetResolver:
    """Owns the lazily created cutout engine: the faceless path never imports rembg."""

    def __init__(self, *, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir
        self._engine: CutoutEngine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> "CutoutEngine":
        with self._lock:
            if self._engine is None:
                from .cutout import CutoutEngine

                self._engine = CutoutEngine(cache_dir=self._cache_dir)
            return self._engine

    def photo(self, photo_image: str | None, kit: Kit):
        """A framer for the photo slot: ``(width, height) -> FramedPhoto``."""
        if photo_image:
            raw = read_image_bytes(photo_image, field="photoImage", max_bytes=PHOTO_MAX_BYTES)
            field = "photoImage"
        elif kit.spec.photo is not None:
            raw = _kit_file_bytes(kit.asset(kit.spec.photo.file))
            field = f"brand kit {kit.id} photo"
        else:
            raise InputError(PHOTO_REQUIRED, field="usePhoto")
        image = decode_image(raw, field=field, max_bytes=None)
        return self.photo_from_image(image, content_hash(raw))

    def photo_from_image(self, image: Image.Image, key: str):
        """A framer for an already decoded picture (a video frame), cached under ``key``."""
        cutout = self.engine.cutout(image, image_bytes_hash=key)
        from .cutout import frame_subject

        def frame(width_px: int, height_px: int) -> FramedPhoto:
            framed = frame_subject(cutout, slot_width_px=width_px, slot_height_px=height_px)
            face = framed.face_box
            rect = Rect(face.left, face.top, face.right - face.left, face.bottom - face.top) if face else None
            return FramedPhoto(framed.image, rect, tuple(dict.fromkeys(cutout.warnings + framed.warnings)))

        return frame

    def logo(self, logo_image: str | None, kit: Kit) -> LogoSource:
        settings = kit.spec.logo
        if logo_image:
            light, dark = decode_image(logo_image, field="logoImage", max_bytes=LOGO_MAX_BYTES), None
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


@lru_cache(maxsize=32)
def _kit_image(path: Path) -> Image.Image:
    return decode_image(_kit_file_bytes(path), field=f"brand kit file {path.name}", max_bytes=None)
