"""The presenter cutout engine: background removal (rembg's models and arithmetic), face finding, and the caches.

:class:`CutoutEngine` cuts the subject out of a photo with rembg and a model that ships with
thumbkit (``renderer/cutout/models/u2netp.onnx``, md5-verified, never downloaded: see
:mod:`renderer.cutout.model`) and finds the face. Results are cached by photo content in memory
and on disk (:mod:`renderer.cutout.disk_cache`), so the second thumbnail of the same presenter runs
no inference. The mask is cleaned in :mod:`renderer.cutout.masks`;
:func:`renderer.cutout.framing.frame_subject` fits a cutout into a layout slot as a
head-and-shoulders shot.

rembg, onnxruntime, scikit-image and scipy are imported on first use, not with this module, so a
render without a photo stays light.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops

from ..errors import AssetError
from ..files import write_atomic
from ..assets.decode import fitted_size
from ..lru import LruCache
from ..memory import MIB, image_bytes, release_free_memory
from .disk_cache import CACHE_VERSION, cutout_from_mask_png, default_cache_dir, mask_png
from .faces import find_face
from .framing import photo_cuts
from .masks import MASK_LEVELS, apply_mask, clean_mask, drop_specks, subject_box
from .model import BUNDLED_MODEL, MODEL_MD5, ModelSession, model_path
from .results import CUTOUT_MAX_SIDE_PX, Cutout

_MEMORY_CACHE_ENTRIES = 8
_MEMORY_CACHE_BYTES = 24 * MIB  # one cutout of a 2048 px photo, all eight of 1024 px ones (the disk cache has the rest)
#: A solid subject larger than this share means the background was not told apart.
_MAX_SUBJECT_SHARE = 0.97

NO_FACE_WARNING = "no face found in photoImage: the cutout is framed by the whole subject"
NO_BACKGROUND_WARNING = (
    "photoImage's background could not be told apart: the cutout keeps almost all of it"
)
PHOTO_CUT_TOP_WARNING = (
    "the photo cuts the subject at the top; the cut is put on the top edge of the photo slot "
    "(faded out where the slot ends inside the thumbnail): use a photo with room above the head"
)


class CutoutEngine:
    """Cuts subjects out of photos with one lazily created model session. Thread-safe."""

    def __init__(
        self,
        *,
        model: str = BUNDLED_MODEL,
        cache_dir: Path | None = None,
        max_side_px: int = CUTOUT_MAX_SIDE_PX,
    ) -> None:
        if model not in MODEL_MD5:
            raise AssetError(
                f"unknown cutout model {model!r}; thumbkit can use: {', '.join(MODEL_MD5)}"
            )
        self.model = model
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.max_side_px = max_side_px
        self._session: ModelSession | None = None
        self._session_lock = threading.Lock()
        self._memory: LruCache[str, Cutout] = LruCache(
            _MEMORY_CACHE_ENTRIES, max_bytes=_MEMORY_CACHE_BYTES, size_of=lambda cut: image_bytes(cut.image))

    @property
    def has_session(self) -> bool:
        """Whether the model has been loaded (it is, on the first cutout that misses the cache)."""
        return self._session is not None

    def session(self) -> ModelSession:
        """The model session for this engine's model, created on first use."""
        with self._session_lock:
            if self._session is None:
                self._session = ModelSession(self.model, model_path(self.model))
            return self._session

    def cutout(self, image: Image.Image, *, image_bytes_hash: str | None = None) -> Cutout:
        """Cut the subject out of ``image`` and find its face, from the cache when possible.

        ``image_bytes_hash`` (see :func:`renderer.assets.decode.content_hash`) keys the cache on the
        photo's encoded bytes; without it the decoded pixels are hashed instead.
        Raises :class:`InputError` when the photo holds no subject.
        """
        size_px = fitted_size(image.size, self.max_side_px)
        key = self._cache_key(size_px, image_bytes_hash or _pixels_hash(image))
        found = self._memory.get(key)
        if found is None:
            working = _resized(image if image.mode == "RGBA" else image.convert("RGBA"), size_px)
            found = self._disk_get(key, working)
            if found is None:
                found, mask = self._compute(working)
                self._disk_put(key, found, mask)
                release_free_memory()  # the model's and the masks' buffers, now free
        self._memory.put(key, found)
        return found

    # --- computing a cutout -------------------------------------------------------------------

    def _compute(self, image: Image.Image) -> tuple[Cutout, Image.Image]:
        """The cutout and its mask (what the disk cache keeps).

        The mask is the model's, levelled, times the photo's own alpha (a PNG may bring one), then
        reduced to the subject: the blob holding the face, without weak regions or specks.
        """
        levelled = ImageChops.multiply(
            image.getchannel("A"), self._predict_mask(image).point(MASK_LEVELS)
        )
        rough = drop_specks(levelled)
        face_box = find_face(image, rough, subject_box(rough)[0])
        mask = clean_mask(levelled, face_box)
        mask_box, solid_share = subject_box(mask)
        warnings = [NO_FACE_WARNING] if face_box is None else []
        if solid_share > _MAX_SUBJECT_SHARE:
            warnings.append(NO_BACKGROUND_WARNING)
        elif photo_cuts(mask).top is not None:
            warnings.append(PHOTO_CUT_TOP_WARNING)
        cutout = apply_mask(
            image, mask, mask_box=mask_box, face_box=face_box, warnings=tuple(warnings)
        )
        return cutout, mask

    def _predict_mask(self, image: Image.Image) -> Image.Image:
        with np.errstate(all="ignore"):  # a flat photo gives 0/0 in rembg's normalisation
            mask = self.session().predict(image)[0]  # made RGB there, freed before the inference
        grey: Image.Image = mask.convert("L")
        return grey

    # --- the cache ----------------------------------------------------------------------------

    def _cache_key(self, size_px: tuple[int, int], content_hash: str) -> str:
        settings = f"v{CACHE_VERSION}|{self.model}|{size_px[0]}x{size_px[1]}|{content_hash}"
        return hashlib.sha256(settings.encode()).hexdigest()

    def _disk_path(self, key: str) -> Path:
        return self.cache_dir / f"{key}.png"

    def _disk_get(self, key: str, image: Image.Image) -> Cutout | None:
        """The cached cutout of ``image``, or None when absent or unreadable (then recomputed)."""
        try:
            data = self._disk_path(key).read_bytes()
        except OSError:
            return None
        try:
            return cutout_from_mask_png(data, image)
        except Exception:  # a damaged cache file is a cache miss, not an error
            return None

    def _disk_put(self, key: str, value: Cutout, mask: Image.Image) -> None:
        """Write atomically (temp file + rename). The cache is best-effort: OSError is ignored."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self._disk_path(key), mask_png(value, mask), durable=False)
        except OSError:
            pass


def _resized(image: Image.Image, size_px: tuple[int, int]) -> Image.Image:
    return image if image.size == size_px else image.resize(size_px, Image.Resampling.LANCZOS)


def _pixels_hash(image: Image.Image) -> str:
    return hashlib.sha256(f"{image.mode}{image.size}".encode() + image.tobytes()).hexdigest()
