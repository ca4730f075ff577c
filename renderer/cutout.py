"""The presenter cutout: background removal with rembg, face finding, caching and framing.

:class:`CutoutEngine` cuts the subject out of a photo with rembg and a model that ships with
thumbkit (``renderer/models/u2netp.onnx``, md5-verified, never downloaded) and finds the face.
Results are cached by photo content in memory and on disk, so the second thumbnail of the same
presenter runs no inference. :func:`frame_subject` fits a cutout into a layout slot as a
head-and-shoulders shot; :func:`add_outline`, :func:`add_glow` and :func:`add_drop_shadow` decorate
the framed result.

rembg, onnxruntime, scikit-image and scipy are imported on first use, not with this module, so a
render without a photo stays light.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageColor, ImageFilter, PngImagePlugin

from .errors import AssetError, InputError
from .files import write_atomic
from .faces import Box, find_face
from .images import fitted_size
from .memory import MIB, BoundedCache, heavy_step, image_bytes, release_free_memory

BUNDLED_MODELS_DIR = Path(__file__).resolve().parent / "models"
BUNDLED_MODEL = "u2netp"

#: md5 of every model thumbkit accepts: the bundled u2netp, and better ones a user may already
#: have in rembg's model folder (rembg pins these same sums). None is ever downloaded.
MODEL_MD5: dict[str, str] = {
    "u2netp": "8e83ca70e441ab06c318d82300c84806",
    "u2net": "60024c5c889badc19c04ad937298a77b",
    "u2net_human_seg": "c09ddc2e0104f800e3e1bb4652583d1f",
    "silueta": "55e59e0d8062d2f5d013f4725ee84782",
    "isnet-general-use": "fc16ebd8b0c10d971d3513d564d01e29",
}

#: Photos are cut out at most this many pixels on their longer side (larger ones are reduced first).
CUTOUT_MAX_SIDE_PX = 2048
#: Bump when the cutout algorithm changes, so old cache entries are not reused.
CACHE_VERSION = 3
_CACHE_META_KEY = "thumbkit-cutout"
_MEMORY_CACHE_ENTRIES = 8
_MEMORY_CACHE_BYTES = 48 * MIB  # three cutouts of 2048 px photos, all eight of smaller ones
#: Mask levels: at or below the floor is haze from the model's min-max normalisation (made fully
#: transparent), at or above the ceiling is solid subject (made fully opaque; the model tops out
#: at 254); values between are stretched linearly, keeping soft edges soft.
_MASK_FLOOR = 16
_MASK_CEILING = 240
_MASK_LEVELS = [
    min(255, max(0, round((value - _MASK_FLOOR) * 255 / (_MASK_CEILING - _MASK_FLOOR))))
    for value in range(256)
]
#: Specks of mask smaller than this share of the largest blob are dropped (before face finding).
_MIN_BLOB_SHARE = 0.05
#: Keeping the subject (:func:`_keep_subject`). The core is where the model is confident (mask at
#: or above ``_CORE_LEVEL``); the main subject is the core blob holding the face and the largest
#: one. Other core blobs stay when they are a second subject (``_SECOND_SUBJECT_SHARE`` of the
#: largest) or a part near the main one (``_MIN_PART_SHARE``, within ``_NEAR_SHARE`` of the
#: photo's longer side): a hand or a held object. Blobs apart from the subject are dropped with
#: everything around them: they would only stretch the framing box and make the subject float.
_CORE_LEVEL = 224
_SOLID_LEVEL = 128
_SECOND_SUBJECT_SHARE = 0.25
_MIN_PART_SHARE = 0.005
_NEAR_SHARE = 0.05
#: Semi-transparent pixels within this share of the longer side from the kept core are the
#: subject's soft edge (hair, anti-aliasing) and are kept as they are.
_FRINGE_SHARE = 0.01
#: Beyond that fringe, a semi-transparent region is background the model half believed in (the
#: flag behind a shoulder) when less than this share of it is solid and a disc of ``_THICK_SHARE``
#: of the longer side fits in it. Thin strands (a tripod leg, wisps of hair) and mostly solid
#: parts (a held camera, fur) stay; so does anything around the head.
_WEAK_SOLID_SHARE = 1 / 3
_THICK_SHARE = 0.015
#: Where a weak region was dropped, the core's edge next to it gets this soft falloff.
_FALLOFF_SHARE = 0.003
#: Masks larger than this (with a margin) are judged on a copy of about this size: the model
#: predicts at 320 px, so nothing is lost, and the distance transforms cost a third of 512 px.
_ANALYSIS_SIDE_PX = 320
#: The subject runs into an edge of the photo when at least this share of that edge is solid.
_CUT_MIN_SHARE = 0.01
#: A solid (alpha >= 128) subject smaller than this share of the photo counts as "nothing found".
#: A plain black photo gives 1.2%: rembg stretches the model's near-zero output to 0..255.
_MIN_SUBJECT_SHARE = 0.02
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
PHOTO_FIELD = "photoImage"


@dataclass(frozen=True)
class Cutout:
    """A subject cut out of a photo. All boxes are in ``image`` pixels.

    ``image`` is RGBA at the photo's size (or downscaled to the engine's ``max_side_px``) and its
    alpha is the subject mask. It may be shared through the cache: treat it as read-only.
    """

    image: Image.Image
    mask_box: Box
    face_box: Box | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framed:
    """A cutout fitted to a slot: ``image`` is RGBA of exactly the slot's size."""

    image: Image.Image
    face_box: Box | None
    scale: float
    warnings: tuple[str, ...] = ()
    #: Where the photo's own edge cuts the subject inside the slot, per side (left, top, right,
    #: bottom) in slot pixels, or None: the subject goes on beyond it, so whoever draws ``image``
    #: fades it out from there and draws no outline or shadow along it.
    cut_edges: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)


def default_cache_dir() -> Path:
    """Where cutouts are cached when no ``cache_dir`` is given.

    ``$THUMBKIT_CACHE_DIR/cutouts``, else ``$XDG_CACHE_HOME/thumbkit/cutouts``, else
    ``~/.cache/thumbkit/cutouts``.
    """
    root = os.environ.get("THUMBKIT_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "cutouts"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(xdg) / "thumbkit" / "cutouts"


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
        self._memory: BoundedCache[str, Cutout] = BoundedCache(
            max_entries=_MEMORY_CACHE_ENTRIES, max_bytes=_MEMORY_CACHE_BYTES, size_of=lambda cut: image_bytes(cut.image))

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

        ``image_bytes_hash`` (see :func:`renderer.images.content_hash`) keys the cache on the
        photo's encoded bytes; without it the decoded pixels are hashed instead.
        Raises :class:`InputError` when the photo holds no subject.
        """
        size_px = fitted_size(image.size, self.max_side_px)
        key = self._cache_key(size_px, image_bytes_hash or _pixels_hash(image))
        found = self._memory_get(key)
        if found is None:
            working = _resized(image.convert("RGBA"), size_px)
            found = self._disk_get(key, working)
            if found is None:
                found, mask = self._compute(working)
                self._disk_put(key, found, mask)
                release_free_memory()  # the model's and the masks' buffers, now free
        self._memory_put(key, found)
        return found

    # --- computing a cutout -------------------------------------------------------------------

    def _compute(self, image: Image.Image) -> tuple[Cutout, Image.Image]:
        """The cutout and its mask (what the disk cache keeps).

        The mask is the model's, levelled, times the photo's own alpha (a PNG may bring one), then
        reduced to the subject: the blob holding the face, without weak regions or specks.
        """
        levelled = ImageChops.multiply(
            image.getchannel("A"), self._predict_mask(image).point(_MASK_LEVELS)
        )
        rough = _drop_specks(levelled)
        face_box = find_face(image, rough, _subject_box(rough)[0])
        mask = _clean_mask(levelled, face_box)
        mask_box, solid_share = _subject_box(mask)
        warnings = [NO_FACE_WARNING] if face_box is None else []
        if solid_share > _MAX_SUBJECT_SHARE:
            warnings.append(NO_BACKGROUND_WARNING)
        elif photo_cuts(mask).top is not None:
            warnings.append(PHOTO_CUT_TOP_WARNING)
        cutout = _apply_mask(
            image, mask, mask_box=mask_box, face_box=face_box, warnings=tuple(warnings)
        )
        return cutout, mask

    def _predict_mask(self, image: Image.Image) -> Image.Image:
        with np.errstate(all="ignore"):  # a flat photo gives 0/0 in rembg's normalisation
            mask = self.session().predict(image.convert("RGB"))[0]
        return mask.convert("L")

    # --- the cache ----------------------------------------------------------------------------

    def _cache_key(self, size_px: tuple[int, int], content_hash: str) -> str:
        settings = f"v{CACHE_VERSION}|{self.model}|{size_px[0]}x{size_px[1]}|{content_hash}"
        return hashlib.sha256(settings.encode()).hexdigest()

    def _memory_get(self, key: str) -> Cutout | None:
        return self._memory.get(key)

    def _memory_put(self, key: str, value: Cutout) -> None:
        self._memory.put(key, value)

    def _disk_path(self, key: str) -> Path:
        return self.cache_dir / f"{key}.png"

    def _disk_get(self, key: str, image: Image.Image) -> Cutout | None:
        """The cached cutout of ``image``, or None when absent or unreadable (then recomputed)."""
        try:
            data = self._disk_path(key).read_bytes()
        except OSError:
            return None
        try:
            return _cutout_from_mask_png(data, image)
        except Exception:  # a damaged cache file is a cache miss, not an error
            return None

    def _disk_put(self, key: str, value: Cutout, mask: Image.Image) -> None:
        """Write atomically (temp file + rename). The cache is best-effort: OSError is ignored."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self._disk_path(key), _mask_png(value, mask), durable=False)
        except OSError:
            pass


# --- the model --------------------------------------------------------------------------------


def model_path(model: str) -> Path:
    """The verified ONNX file of ``model``: bundled for u2netp, else from rembg's model folder."""
    if model not in MODEL_MD5:
        raise AssetError(
            f"unknown cutout model {model!r}; thumbkit can use: {', '.join(MODEL_MD5)}"
        )
    if model == BUNDLED_MODEL:
        path = BUNDLED_MODELS_DIR / f"{model}.onnx"
        remedy = "reinstall thumbkit"
    else:
        path = _rembg_model_file(model)
        remedy = f"delete it and fetch it again with `rembg d {model}`"
    return _verified(str(path), MODEL_MD5[model], remedy)


def _rembg_sessions() -> dict[str, Any]:
    """rembg's session classes by model name (to find a model in rembg's folder); an AssetError
    if rembg can't be imported.

    onnxruntime is checked first: without it, importing rembg prints and calls ``sys.exit``.
    """
    _onnxruntime()
    try:
        from rembg.sessions import sessions
    except ImportError as exc:
        raise _missing_runtime(exc) from exc
    return sessions


def _onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise _missing_runtime(exc) from exc
    return onnxruntime


def _missing_runtime(exc: ImportError) -> AssetError:
    return AssetError(
        f"the face cutout needs rembg and onnxruntime, which are not installed ({exc}); "
        "install them with thumbkit's cutout dependencies"
    )


def _rembg_model_file(model: str) -> Path:
    session_class = _rembg_sessions()[model]
    found = session_class.resolve_existing(f"{model}.onnx")
    if found is None:
        raise AssetError(
            f"cutout model {model!r} is not in rembg's model folder ({session_class.model_dir()}); "
            f"thumbkit never downloads models: fetch it once with `rembg d {model}`, or use the "
            f"bundled {BUNDLED_MODEL!r}"
        )
    return Path(found)


@cache
def _verified(path: str, md5: str, remedy: str) -> Path:
    """``path`` once its md5 matched: checked once a process per file (failures aren't cached)."""
    try:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "md5").hexdigest()
    except OSError as exc:
        raise AssetError(
            f"cutout model file {path} is missing or unreadable ({exc.strerror}); {remedy}"
        ) from exc
    if digest != md5:
        raise AssetError(
            f"cutout model file {path} is corrupt (md5 {digest}, expected {md5}); {remedy}"
        )
    return Path(path)


#: What each model takes (rembg's values, from its session classes): a square of this side,
#: normalised with this mean and standard deviation per channel.
_IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
_MODEL_INPUT: dict[str, tuple[int, tuple[tuple[float, float, float], tuple[float, float, float]]]] = {
    "u2netp": (320, _IMAGENET),
    "u2net": (320, _IMAGENET),
    "u2net_human_seg": (320, _IMAGENET),
    "silueta": (320, _IMAGENET),
    "isnet-general-use": (1024, ((0.5, 0.5, 0.5), (1.0, 1.0, 1.0))),
}


class ModelSession:
    """rembg's ``predict`` for thumbkit's models, with rembg's arithmetic step for step (so the
    masks are the same to the bit), on an onnxruntime session of the verified model file.

    Not rembg's own session, for memory: importing the ``rembg`` package costs ~150 MB a process
    (pymatting, numba) that a cutout never uses, and onnxruntime's CPU memory arena kept the
    ~250 MB an inference needs for good, growing on the second run. Without the arena the
    inference's buffers go back when it ends, for the same speed.
    """

    def __init__(self, model: str, path: Path) -> None:
        ort = _onnxruntime()
        options = ort.SessionOptions()
        options.enable_cpu_mem_arena = False
        self.model = model
        self.side_px, (self._mean, self._std) = _MODEL_INPUT[model]
        try:
            self._session = ort.InferenceSession(str(path), options, providers=_providers(ort))
        except Exception as exc:  # onnxruntime rejects the file: treat like a corrupt asset
            raise AssetError(f"cutout model {model!r} ({path}) could not be loaded: {exc}") from exc
        self._input_name = self._session.get_inputs()[0].name

    def predict(self, image: Image.Image) -> list[Image.Image]:
        """The model's mask of ``image`` (mode L, ``image``'s size), as ``rembg``'s sessions give it."""
        small = np.array(image.convert("RGB").resize((self.side_px,) * 2, Image.Resampling.LANCZOS))
        scaled = small / max(np.max(small), 1e-6)
        normalised = (scaled - np.array(self._mean)) / np.array(self._std)
        batch = np.expand_dims(normalised.transpose((2, 0, 1)), 0).astype(np.float32)
        with heavy_step:  # ~270 MB for u2netp: one inference at a time per process
            release_free_memory()  # start it from the least memory held
            prediction = self._session.run(None, {self._input_name: batch})[0][:, 0, :, :]
        release_free_memory()
        low, high = np.min(prediction), np.max(prediction)
        prediction = np.squeeze((prediction - low) / (high - low))
        mask = Image.fromarray((prediction * 255).astype("uint8"), mode="L")
        return [mask.resize(image.size, Image.Resampling.LANCZOS)]


def _providers(ort: Any) -> list[str]:
    """rembg's choice: CUDA or ROCm on a GPU build, else OpenVINO when installed, else the CPU."""
    available = ort.get_available_providers()
    gpu = ort.get_device().startswith("GPU")
    for provider, needs_gpu in (("CUDAExecutionProvider", True), ("ROCMExecutionProvider", True),
                                ("OpenVINOExecutionProvider", False)):
        if provider in available and (gpu or not needs_gpu):
            return [provider, "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


# --- masks ------------------------------------------------------------------------------------


def _resized(image: Image.Image, size_px: tuple[int, int]) -> Image.Image:
    return image if image.size == size_px else image.resize(size_px, Image.Resampling.LANCZOS)


def _pixels_hash(image: Image.Image) -> str:
    return hashlib.sha256(f"{image.mode}{image.size}".encode() + image.tobytes()).hexdigest()


def _drop_specks(mask: Image.Image) -> Image.Image:
    """``mask`` without the specks far smaller than its largest blob: the rough mask faces are
    looked for on (the face then tells :func:`_clean_mask` which blob is the presenter)."""
    from scipy import ndimage

    alpha = np.array(mask)
    labels, count = ndimage.label(alpha > 0)
    if count > 1:
        sizes = np.bincount(labels.ravel())[1:]
        small = np.flatnonzero(sizes < _MIN_BLOB_SHARE * sizes.max()) + 1
        alpha[np.isin(labels, small)] = 0
    return Image.fromarray(alpha)


def _clean_mask(mask: Image.Image, face: Box | None = None) -> Image.Image:
    """The levelled ``mask`` (L) reduced to the subject: see :func:`_keep_subject`."""
    return Image.fromarray(_keep_subject(np.array(mask), face))


def _keep_subject(alpha: np.ndarray, face: Box | None) -> np.ndarray:
    """``alpha`` (uint8, levelled) with only the subject left in it.

    Kept: the core blob holding ``face`` and the largest one (a second subject, or a part near
    them, too), their soft fringe as it is, and the semi-transparent regions beyond the fringe
    that are mostly solid, thin, or around the head. Dropped: specks and blobs apart from the
    subject (they would stretch the framing box), and weak regions, mostly semi-transparent and
    thick, that the model half believed in (the flag behind a shoulder: a washed-out strip next
    to the presenter); the core's edge next to a dropped region gets a short soft falloff.

    A large mask is judged at about ``_ANALYSIS_SIDE_PX`` (the model's own output is 320 px, so
    nothing is lost) and what is dropped there is dropped at full size; kept pixels are untouched.
    """
    side_px = max(alpha.shape)
    if side_px <= _ANALYSIS_SIDE_PX * 1.25:
        return _keep_subject_at(alpha, face)
    k = _ANALYSIS_SIDE_PX / side_px
    small_size = (max(1, round(alpha.shape[1] * k)), max(1, round(alpha.shape[0] * k)))
    small = np.asarray(Image.fromarray(alpha).resize(small_size, Image.Resampling.BOX))
    small_face = None
    if face is not None:
        small_face = Box(*(round(v * k) for v in face.as_tuple()))
    kept = _keep_subject_at(small, small_face).astype(np.float32)
    # The share of each small pixel that was kept (1 where untouched); where the small mask is
    # empty, 1 next to what is kept (thin details the box filter faded out) and 0 elsewhere.
    from scipy import ndimage

    near_kept = ndimage.binary_dilation(kept > 0, iterations=2)
    factor = np.where(small > 0, kept / np.maximum(small, 1), near_kept).astype(np.float32)
    if factor.min() >= 1.0:
        return alpha
    full = Image.fromarray(factor, "F").resize(
        (alpha.shape[1], alpha.shape[0]), Image.Resampling.BILINEAR
    )
    return np.round(alpha * np.clip(np.asarray(full), 0.0, 1.0)).astype(np.uint8)


def _keep_subject_at(alpha: np.ndarray, face: Box | None) -> np.ndarray:
    """:func:`_keep_subject` at the mask's own size."""
    from scipy import ndimage

    eight = np.ones((3, 3), dtype=bool)
    core = alpha >= _CORE_LEVEL
    labels, count = ndimage.label(core, structure=eight)
    if count == 0:  # a faint subject (a half-transparent PNG): at least no specks around it
        return np.asarray(_drop_specks(Image.fromarray(alpha)))
    side_px = max(alpha.shape)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    largest = int(sizes.max())
    main = np.zeros(count + 1, dtype=bool)
    main[int(np.argmax(sizes))] = True
    if face is not None:
        on_face = labels[face.top : face.bottom, face.left : face.right]
        on_face = on_face[on_face > 0]
        if on_face.size:
            main[int(np.bincount(on_face).argmax())] = True
    kept = main.copy()
    apart = np.zeros(count + 1, dtype=bool)
    others = ~main & (sizes >= _MIN_PART_SHARE * largest)
    others[0] = False
    if others.any():
        near_main = ndimage.distance_transform_edt(~main[labels]) <= _NEAR_SHARE * side_px
        near = np.bincount(labels[near_main & core], minlength=count + 1) > 0
        second = sizes >= _SECOND_SUBJECT_SHARE * largest
        kept |= others & (near | second)
        apart = others & ~near & ~second
    kept_core = kept[labels]
    distance = ndimage.distance_transform_edt(~kept_core)
    fringe_px = max(1.0, _FRINGE_SHARE * side_px)
    visible = alpha > 0
    fringe = visible & ~kept_core & (distance <= fringe_px)
    beyond = visible & ~kept_core & (distance > fringe_px)
    if apart.any():
        # A blob apart from the subject goes with everything closer to it than to the subject.
        _, nearest = ndimage.distance_transform_edt(~core, return_indices=True)
        owned_by_apart = apart[labels[nearest[0], nearest[1]]]
        beyond &= ~owned_by_apart
        fringe &= ~owned_by_apart
    regions, region_count = ndimage.label(beyond, structure=eight)
    keep = np.zeros(region_count + 1, dtype=bool)
    weak = np.zeros(region_count + 1, dtype=bool)
    if region_count:

        def any_in(flags: np.ndarray) -> np.ndarray:
            return np.bincount(regions[flags & beyond], minlength=region_count + 1) > 0

        area = np.bincount(regions.ravel(), minlength=region_count + 1)
        solid = np.bincount(
            regions.ravel(), weights=(alpha >= _SOLID_LEVEL).ravel(), minlength=region_count + 1
        ) / np.maximum(area, 1)
        touching = any_in(ndimage.binary_dilation(fringe | kept_core, structure=eight))
        thick = any_in(ndimage.distance_transform_edt(beyond) >= _THICK_SHARE * side_px)
        by_head = any_in(_head_zone(face, alpha.shape)) if face is not None else np.zeros_like(keep)
        is_weak = (solid < _WEAK_SOLID_SHARE) & thick & ~by_head
        keep = touching & ~is_weak
        weak = touching & is_weak
        keep[0] = weak[0] = False
    cleaned = np.where(kept_core | fringe | keep[regions], alpha, 0).astype(np.uint8)
    dropped = weak[regions]
    if dropped.any():
        # The fringe between the core and a dropped region is the region's too: fade it out
        # within a pixel or two of the core instead of leaving a ghostly band along it.
        next_to = ndimage.distance_transform_edt(~dropped) <= fringe_px + 1.5
        falloff_px = max(1.0, _FALLOFF_SHARE * side_px)
        ceiling = np.clip(1.0 - (distance - 0.5) / falloff_px, 0.0, 1.0) * 255
        trim = next_to & fringe
        cleaned[trim] = np.minimum(cleaned[trim], ceiling[trim]).astype(np.uint8)
    return cleaned


def _head_zone(face: Box, shape: tuple[int, ...]) -> np.ndarray:
    """Where the hair and ears around ``face`` can be: its soft edges are never dropped."""
    zone = np.zeros(shape[:2], dtype=bool)
    top = max(0, round(face.top - 1.2 * face.height_px))
    left = max(0, round(face.left - 0.8 * face.width_px))
    right = round(face.right + 0.8 * face.width_px)
    zone[top : face.bottom, left:right] = True
    return zone


def _subject_box(mask: Image.Image) -> tuple[Box, float]:
    """The box of ``mask`` and the share of the photo that is solid subject; an InputError when
    there is too little subject to call it one."""
    solid_share = float((np.asarray(mask) >= _SOLID_LEVEL).mean())
    mask_box = _mask_box(mask)
    if mask_box is None or solid_share < _MIN_SUBJECT_SHARE:
        raise InputError(
            f"no person or subject found in {PHOTO_FIELD}; use a photo where the presenter "
            "stands out clearly from the background",
            field=PHOTO_FIELD,
        )
    return mask_box, solid_share


def _mask_box(mask: Image.Image) -> Box | None:
    box = mask.getbbox()
    return Box(*box) if box else None


def _apply_mask(
    image: Image.Image,
    mask: Image.Image,
    *,
    mask_box: Box,
    face_box: Box | None,
    warnings: tuple[str, ...],
) -> Cutout:
    """The photo with ``mask`` as its alpha; fully transparent pixels become transparent black."""
    empty = Image.new("RGBA", image.size, (0, 0, 0, 0))
    cut = Image.composite(image, empty, mask.point(lambda value: 255 if value else 0))
    cut.putalpha(mask)
    return Cutout(image=cut, mask_box=mask_box, face_box=face_box, warnings=warnings)


# --- the disk cache: the mask as a greyscale PNG, the boxes in a text chunk ---------------------
# The photo itself is not stored: every caller passes it again, and the mask is what cost the
# inference. A 512x512 mask is ~20 kB and ~4 ms to write.


def _mask_png(value: Cutout, mask: Image.Image) -> bytes:
    meta = {
        "version": CACHE_VERSION,
        "size": list(mask.size),
        "mask_box": list(value.mask_box.as_tuple()),
        "face_box": list(value.face_box.as_tuple()) if value.face_box else None,
        "warnings": list(value.warnings),
    }
    info = PngImagePlugin.PngInfo()
    info.add_text(_CACHE_META_KEY, json.dumps(meta))
    buffer = io.BytesIO()
    mask.save(buffer, "PNG", pnginfo=info, compress_level=1)
    return buffer.getvalue()


def _cutout_from_mask_png(data: bytes, image: Image.Image) -> Cutout | None:
    with Image.open(io.BytesIO(data), formats=["PNG"]) as stored:
        meta = json.loads(stored.text[_CACHE_META_KEY])
        mask = stored.convert("L")
    if meta["version"] != CACHE_VERSION or tuple(meta["size"]) != image.size:
        return None
    return _apply_mask(
        image,
        mask,
        mask_box=Box(*meta["mask_box"]),
        face_box=Box(*meta["face_box"]) if meta["face_box"] else None,
        warnings=tuple(meta["warnings"]),
    )


# --- framing ----------------------------------------------------------------------------------

#: Head-and-shoulders proportions, as shares of the slot height.
HEAD_SHARE = 0.42  # the head (hair top to chin) aims at this share of the slot height
HEAD_SHARE_MAX = 0.70  # and never exceeds this, however little body the photo has
TOP_MARGIN_SHARE = 0.10  # free space above the hair
CHIN_CLEARANCE_SHARE = 0.08  # at least this much below the chin, even when aligning
SIDE_MARGIN_SHARE = 0.10  # of the head's width, on each side of the head
NO_FACE_SIDE_MARGIN_SHARE = 0.05  # of the subject's width, without a face
NO_FACE_LEAST_SHARE = 0.6  # without a face, zooming in shows at least this much of the height
_ALIGNS = ("bottom", "center", "top")


@dataclass(frozen=True)
class _Head:
    """The whole head, estimated from the face box and the mask (hair, ears, chin)."""

    left: float
    top: float
    right: float
    chin: float

    @property
    def height(self) -> float:
        return self.chin - self.top

    @property
    def width(self) -> float:
        return self.right - self.left


SOFT_UPSCALE = 2.5  # a photo enlarged more than this looks soft: warned


def frame_subject(
    cutout: Cutout, *, slot_width_px: int, slot_height_px: int, align: str = "bottom"
) -> Framed:
    """Fit ``cutout`` into a slot as a head-and-shoulders shot.

    The whole head, with space above the hair and below the chin, is always inside the slot; the
    body may run off the bottom and sides. When the photo ends before the slot's bottom edge,
    ``align`` (``bottom``, ``center`` or ``top``) says where the subject sits. Without a face the
    whole subject is fitted in.

    Where the photo itself cuts the subject (the mask runs into the photo's edge: the subject
    goes on beyond the picture), that edge is put on the slot's edge, as a photographer crops:
    a head cut by the top of the photo starts at the top of the slot instead of floating under
    headroom, zooming in when the sides of the photo would show. When the face's room or the
    photo's shape leaves a cut inside the slot, :attr:`Framed.cut_edges` says where, so it can be
    faded out and drawn without an outline.
    """
    if align not in _ALIGNS:
        raise InputError(f"align must be one of: {', '.join(_ALIGNS)}", field="align")
    if slot_width_px < 1 or slot_height_px < 1:
        raise InputError(
            f"the photo slot must be at least 1x1 pixels, not {slot_width_px}x{slot_height_px}"
        )
    aspect = slot_width_px / slot_height_px
    mask = cutout.image.getchannel("A")
    cuts = photo_cuts(mask)
    if cutout.face_box is not None:
        head = _estimate_head(cutout.image, cutout.face_box)
        crop = _head_and_shoulders_crop(
            head, cutout.mask_box.bottom, aspect, align, cuts, cutout.image.width
        )
    else:
        crop = _whole_subject_crop(cutout.mask_box, aspect, align, cuts, mask)
    return _render_crop(cutout, crop, slot_width_px, slot_height_px, cuts)


@dataclass(frozen=True)
class PhotoCuts:
    """Where the subject runs into the photo's own edges (it goes on beyond the picture): per
    side, the span along that edge (``start``, ``end``: rows for left and right, columns for top
    and bottom) where the mask is solid on it, or None."""

    left: tuple[int, int] | None = None
    top: tuple[int, int] | None = None
    right: tuple[int, int] | None = None
    bottom: tuple[int, int] | None = None


def photo_cuts(mask: Image.Image) -> PhotoCuts:
    """The edges of the photo that cut the subject of ``mask`` (L), see :class:`PhotoCuts`.

    An edge cuts the subject when at least ``_CUT_MIN_SHARE`` of it (and 2 pixels) is solid: a
    little haze touching it does not count.
    """
    alpha = np.asarray(mask)

    def span(line: np.ndarray) -> tuple[int, int] | None:
        solid = np.flatnonzero(line >= _SOLID_LEVEL)
        if solid.size < max(2, _CUT_MIN_SHARE * line.size):
            return None
        return (int(solid[0]), int(solid[-1]) + 1)

    return PhotoCuts(
        left=span(alpha[:, 0]), top=span(alpha[0]), right=span(alpha[:, -1]), bottom=span(alpha[-1])
    )


def _overlaps(span: tuple[int, int] | None, start: float, end: float) -> bool:
    return span is not None and span[0] < end and span[1] > start


def _estimate_head(image: Image.Image, face: Box) -> _Head:
    height = face.height_px
    hair_top = _hair_top(np.asarray(image.getchannel("A")), face)
    return _Head(
        left=face.left - 0.25 * face.width_px,
        top=min(hair_top, face.top - 0.3 * height),
        right=face.right + 0.25 * face.width_px,
        chin=face.bottom + 0.15 * height,
    )


def _hair_top(alpha: np.ndarray, face: Box) -> float:
    """The top of the solid mask run above the face's middle columns, at most 1.2 faces up."""
    band = alpha[:, face.left + face.width_px // 4 : face.right - face.width_px // 4]
    highest = max(0, round(face.top - 1.2 * face.height_px))
    rows_solid = band[highest : face.top].max(axis=1, initial=0) >= 128
    top = face.top
    while top > highest and rows_solid[top - 1 - highest]:
        top -= 1
    return float(top)


Crop = tuple[float, float, float, float]


def _head_and_shoulders_crop(
    head: _Head, subject_bottom: int, aspect: float, align: str, cuts: PhotoCuts, photo_width: int
) -> Crop:
    # The least height that holds the whole head: never crop into it, whatever else is wanted.
    least = max(head.height / HEAD_SHARE_MAX, head.width * (1 + 2 * SIDE_MARGIN_SHARE) / aspect)

    def cut_at_top(height: float) -> bool:  # the photo's top edge cuts what the slot shows
        return _overlaps(cuts.top, *_columns(head, height, aspect))

    fills_to_bottom = (subject_bottom - head.top) / (1 - TOP_MARGIN_SHARE)
    if cut_at_top(fills_to_bottom) and head.top - TOP_MARGIN_SHARE * fills_to_bottom < 0:
        fills_to_bottom = subject_bottom  # from the photo's top edge, on the slot's top edge
    # Zoom in so a short photo still reaches the bottom, but never crop into the head.
    height = max(min(head.height / HEAD_SHARE, fills_to_bottom), least)

    def top_for(height: float) -> float:
        top = head.top - TOP_MARGIN_SHARE * height
        cut = cut_at_top(height)
        if cut and top < 0:
            top = 0.0  # the photo cuts the subject: its cut goes on the slot's top edge
        gap = top + height - subject_bottom
        if gap > 0:  # the photo ends above the slot's bottom edge
            room = top + (1 - CHIN_CLEARANCE_SHARE) * height - head.chin
            shift = min(_align_shift(gap, align), room)
            if cut:
                shift = min(shift, max(top, 0.0))  # without pulling the cut into the slot
            top -= shift
        return top

    top = top_for(height)
    if (
        _overlaps(cuts.left, top, top + height)
        and _overlaps(cuts.right, top, top + height)
        and height * aspect > photo_width
    ):
        height = max(least, min(height, photo_width / aspect))  # keep the photo's sides out
        top = top_for(height)
    width = height * aspect
    left = _fit_horizontally(
        (head.left + head.right) / 2 - width / 2,
        width,
        photo_width,
        cut_left=_overlaps(cuts.left, top, top + height),
        cut_right=_overlaps(cuts.right, top, top + height),
        keep=(
            head.left - SIDE_MARGIN_SHARE * head.width,
            head.right + SIDE_MARGIN_SHARE * head.width,
        ),
    )
    return (left, top, left + width, top + height)


def _columns(head: _Head, height: float, aspect: float) -> tuple[float, float]:
    centre = (head.left + head.right) / 2
    return (centre - height * aspect / 2, centre + height * aspect / 2)


def _fit_horizontally(
    left: float,
    width: float,
    photo_width: int,
    *,
    cut_left: bool,
    cut_right: bool,
    keep: tuple[float, float],
) -> float:
    """``left`` moved so that the photo's cut sides are on or beyond the slot's sides, as far as
    ``keep`` (the span that must stay in view) allows."""
    lowest = 0.0 if cut_left else -np.inf
    highest = photo_width - width if cut_right else np.inf
    if lowest <= highest:
        left = min(max(left, lowest), highest)
    return min(max(left, keep[1] - width), keep[0])


def _whole_subject_crop(
    box: Box, aspect: float, align: str, cuts: PhotoCuts, mask: Image.Image
) -> Crop:
    cut_top, cut_left, cut_right, cut_bottom = (
        side is not None for side in (cuts.top, cuts.left, cuts.right, cuts.bottom)
    )
    top_margin = 0.0 if cut_top else TOP_MARGIN_SHARE
    margin = NO_FACE_SIDE_MARGIN_SHARE * box.width_px  # a side the photo cuts needs none
    keep = (box.left - (0 if cut_left else margin), box.right + (0 if cut_right else margin))
    height = max(box.height_px / (1 - top_margin), (keep[1] - keep[0]) / aspect)
    if cut_left and cut_right and height * aspect > box.width_px:
        # Cut on both sides: zoom in so the photo's sides stay out of view.
        height = max(box.width_px / aspect, NO_FACE_LEAST_SHARE * box.height_px)
    if cut_top and cut_bottom:
        height = min(height, box.height_px)  # both cuts on the slot's edges, before the width
    top = box.top - top_margin * height
    # Only room left below the subject is shared out by ``align``; a zoomed-in crop keeps its top.
    shift = _align_shift(max(0.0, top + height - box.bottom), align)
    if cut_top:
        shift = min(shift, max(0.0, top))  # the photo's top edge stays on the slot's top edge
    top -= shift
    width = height * aspect
    centre_x = (box.left + box.right) / 2
    if width < keep[1] - keep[0]:  # zoomed in: centred on the subject's top, a head mostly
        centre_x = _top_centre(mask, box)
        keep = (centre_x, centre_x)
    left = _fit_horizontally(
        centre_x - width / 2, width, mask.width, cut_left=cut_left, cut_right=cut_right, keep=keep
    )
    return (left, top, left + width, top + height)


def _top_centre(mask: Image.Image, box: Box) -> float:
    """The middle of the solid subject in the top fifth of ``box``."""
    rows = np.asarray(mask)[box.top : box.top + max(1, box.height_px // 5), box.left : box.right]
    columns = np.flatnonzero((rows >= _SOLID_LEVEL).any(axis=0))
    if columns.size == 0:
        return (box.left + box.right) / 2
    weights = (rows >= _SOLID_LEVEL).sum(axis=0)[columns]
    return box.left + float(np.average(columns, weights=weights)) + 0.5


def _align_shift(gap: float, align: str) -> float:
    return {"bottom": gap, "center": gap / 2, "top": 0.0}[align]


def _render_crop(
    cutout: Cutout, crop: Crop, width_px: int, height_px: int, cuts: PhotoCuts
) -> Framed:
    left, top, right, bottom = crop
    scale = height_px / (bottom - top)
    source = cutout.image
    visible = (max(left, 0.0), max(top, 0.0), min(right, source.width), min(bottom, source.height))
    canvas = Image.new("RGBA", (width_px, height_px), (0, 0, 0, 0))
    if visible[2] > visible[0] and visible[3] > visible[1]:
        dest_left, dest_top = round((visible[0] - left) * scale), round((visible[1] - top) * scale)
        dest_right, dest_bottom = (
            round((visible[2] - left) * scale),
            round((visible[3] - top) * scale),
        )
        if dest_right > dest_left and dest_bottom > dest_top:
            part = source.resize(
                (dest_right - dest_left, dest_bottom - dest_top),
                Image.Resampling.LANCZOS,
                box=visible,
            )
            canvas.paste(part, (dest_left, dest_top))
    face_box = None
    if cutout.face_box is not None:
        face = cutout.face_box
        face_box = Box(
            round((face.left - left) * scale),
            round((face.top - top) * scale),
            round((face.right - left) * scale),
            round((face.bottom - top) * scale),
        )
    warnings = cutout.warnings
    if scale > SOFT_UPSCALE:
        if max(source.size) >= CUTOUT_MAX_SIDE_PX:  # a large photo with a small subject in it
            advice = "the subject is small in the photo; a photo framed closer on it would be sharp"
        else:
            advice = f"a photo about {round(source.height * scale / SOFT_UPSCALE)} pixels tall would be sharp"
        warnings = (*warnings, f"the photo's subject is enlarged {scale:.1f}x to fill its {width_px}x{height_px} "
                               f"slot and looks soft; {advice}")
    return Framed(
        image=canvas,
        face_box=face_box,
        scale=scale,
        warnings=warnings,
        cut_edges=_cut_edges(crop, visible, scale, source.size, (width_px, height_px), cuts),
    )


def _cut_edges(
    crop: Crop,
    visible: Crop,
    scale: float,
    photo_size: tuple[int, int],
    slot_size: tuple[int, int],
    cuts: PhotoCuts,
) -> tuple[int | None, int | None, int | None, int | None]:
    """Where, in the slot, the photo's edges that cut the subject show (inside the slot)."""
    left, top, right, bottom = crop
    width_px, height_px = slot_size

    def inside(position: float, size: int) -> int | None:
        position = round(position)
        return position if 0 < position < size else None

    edges: list[int | None] = [None, None, None, None]
    if left < 0 and _overlaps(cuts.left, visible[1], visible[3]):
        edges[0] = inside(-left * scale, width_px)
    if top < 0 and _overlaps(cuts.top, visible[0], visible[2]):
        edges[1] = inside(-top * scale, height_px)
    if right > photo_size[0] and _overlaps(cuts.right, visible[1], visible[3]):
        edges[2] = inside((photo_size[0] - left) * scale, width_px)
    if bottom > photo_size[1] and _overlaps(cuts.bottom, visible[0], visible[2]):
        edges[3] = inside((photo_size[1] - top) * scale, height_px)
    return (edges[0], edges[1], edges[2], edges[3])


# --- effects: small pure functions on an RGBA image, returning a new one of the same size -------

Colour = str | tuple[int, int, int] | tuple[int, int, int, int]


def add_outline(image: Image.Image, *, colour: Colour, width_px: int) -> Image.Image:
    """A solid, anti-aliased stroke of ``width_px`` around the image's opaque shape."""
    if width_px <= 0:
        return image.copy()
    from scipy import ndimage

    solid = np.asarray(image.getchannel("A")) >= 128
    distance = ndimage.distance_transform_edt(~solid)
    coverage = np.clip(width_px + 0.5 - distance, 0.0, 1.0)
    return _under(image, _tinted(colour, coverage))


def add_glow(
    image: Image.Image, *, colour: Colour, radius_px: int, strength: float = 1.0
) -> Image.Image:
    """A soft halo of ``colour`` spreading about ``radius_px`` around the shape."""
    if radius_px <= 0 or strength <= 0:
        return image.copy()
    alpha = image.getchannel("A").filter(ImageFilter.MaxFilter(_odd(radius_px // 2)))
    halo = np.asarray(alpha.filter(ImageFilter.GaussianBlur(radius_px / 2)), dtype=np.float64) / 255
    return _under(image, _tinted(colour, np.clip(halo * 2 * strength, 0.0, 1.0)))


def add_drop_shadow(
    image: Image.Image,
    *,
    colour: Colour = (0, 0, 0),
    opacity: float = 0.5,
    offset_px: tuple[int, int] = (8, 8),
    blur_px: int = 12,
) -> Image.Image:
    """A blurred copy of the shape in ``colour``, shifted by ``offset_px``, under the image."""
    alpha = Image.new("L", image.size, 0)
    alpha.paste(image.getchannel("A"), offset_px)
    if blur_px > 0:
        alpha = alpha.filter(ImageFilter.GaussianBlur(blur_px / 2))
    coverage = np.asarray(alpha, dtype=np.float64) / 255 * opacity
    return _under(image, _tinted(colour, coverage))


def _tinted(colour: Colour, coverage: np.ndarray) -> Image.Image:
    """An RGBA layer of ``colour`` whose alpha is ``coverage`` (0..1) times the colour's alpha."""
    rgba = ImageColor.getrgb(colour) if isinstance(colour, str) else tuple(colour)
    red, green, blue = rgba[:3]
    opacity = rgba[3] / 255 if len(rgba) == 4 else 1.0
    height, width = coverage.shape
    layer = np.empty((height, width, 4), dtype=np.uint8)
    layer[..., 0], layer[..., 1], layer[..., 2] = red, green, blue
    layer[..., 3] = np.round(coverage * opacity * 255).astype(np.uint8)
    return Image.fromarray(layer)


def _under(image: Image.Image, layer: Image.Image) -> Image.Image:
    return Image.alpha_composite(layer, image.convert("RGBA"))


def _odd(size: int) -> int:
    return max(1, size) | 1
