"""The font book: bundled families, their metrics (fonttools) and cached Pillow fonts per size.

Fonts come only from thumbkit's ``fonts/`` folder (``fonts.yaml`` lists them, ``fallbacks.yaml``
adds the fallback chain for other scripts and emoji); nothing is read from the system. Metrics are in em units: ``ascent_em`` and ``descent_em`` bound every glyph line,
``cap_height_em`` is used to centre text optically.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path

from msgspec import Struct, field
from PIL import ImageFont

from ..compiled import CompiledCache, digest
from ..errors import AssetError
from ..lru import LruCache
from ..paths import data_dir
from .itemize import Coverage

WEIGHTS = ("regular", "medium", "semibold", "bold", "extrabold", "black")
_REFERENCE_SIZE_PX = 256  # widths are measured once at this size and scaled linearly
SIZES_PER_FACE = 16  # Pillow fonts kept per font file, the last used


class FontMetrics(Struct, frozen=True):
    units_per_em: int
    ascent_em: float
    descent_em: float
    cap_height_em: float
    x_height_em: float


class FaceInfo(Struct, frozen=True):
    """What is read from a font file with fontTools: its metrics and its cmap's code points."""

    metrics: FontMetrics
    codepoints: frozenset[int]


class FontManifest(Struct, frozen=True):
    """``fonts.yaml`` and ``fallbacks.yaml`` read: face files by family and weight (relative to the
    fonts folder), the fallback chain and its families' options."""

    files: dict[str, dict[str, str]]
    chain: tuple[str, ...]
    bitmap_sizes: dict[str, int]
    features: dict[str, tuple[str, ...]]


class FontFace(Struct, eq=False, dict=True):
    """One font file: its metrics and character coverage (read on first use) and Pillow fonts by size."""

    family: str
    weight: str
    path: Path
    read_info: Callable[[], FaceInfo]
    bitmap_size_px: int | None = None  # colour bitmap fonts (CBDT) load at this size only
    features: tuple[str, ...] = ()  # OpenType features switched on when measuring and drawing
    # A render uses one or two sizes a face; every size kept costs FreeType ~0.3 MB (Inter) to 1 MB
    # (CJK): unbounded, titles in every script at every size took a worker from 224 to 487 MB in 300.
    _sizes: LruCache[int, ImageFont.FreeTypeFont] = field(default_factory=lambda: LruCache(SIZES_PER_FACE))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def key(self) -> str:
        return f"{self.family}:{self.weight}"

    @cached_property
    def info(self) -> FaceInfo:
        return self.read_info()

    @property
    def metrics(self) -> FontMetrics:
        return self.info.metrics

    @property
    def codepoints(self) -> frozenset[int]:
        return self.info.codepoints

    @property
    def is_bitmap(self) -> bool:
        return self.bitmap_size_px is not None

    @property
    def strike_px(self) -> int:
        """The one size a colour bitmap font is drawn at (only for ``is_bitmap`` faces)."""
        if self.bitmap_size_px is None:
            raise TypeError(f"{self.family} {self.weight} is not a bitmap font")
        return self.bitmap_size_px

    @property
    def feature_list(self) -> list[str] | None:
        """``features`` as Pillow takes them (None: the font's defaults)."""
        return list(self.features) or None

    @cached_property
    def coverage(self) -> Coverage:
        """What the itemizer needs: the key and the cmap (a bitmap colour font is the emoji font);
        the cmap is read when the itemizer first asks."""
        return Coverage(self.key, lambda: self.codepoints, emoji=self.is_bitmap)

    def at(self, size_px: int) -> ImageFont.FreeTypeFont:
        """The Pillow font at ``size_px``; a bitmap font only at its ``bitmap_size_px``."""
        if self.bitmap_size_px is not None:
            size_px = self.bitmap_size_px
        font = self._sizes.get(size_px)
        if font is None:
            with self._lock:
                font = self._sizes.get(size_px)
                if font is None:
                    font = self._sizes.put(size_px, ImageFont.truetype(str(self.path), size_px,
                                                                      layout_engine=ImageFont.Layout.RAQM))
        return font

    def covers(self, text: str) -> bool:
        """Whether the cmap maps every character of ``text`` that needs a glyph."""
        return self.coverage.covers(text)

    def width_em(self, text: str) -> float:
        return _width_em(self, text)


@lru_cache(maxsize=65536)
def _width_em(face: FontFace, text: str) -> float:
    return face.at(_REFERENCE_SIZE_PX).getlength(text, features=face.feature_list) / _REFERENCE_SIZE_PX


def read_face_info(path: Path) -> FaceInfo:
    """Metrics and code points of the font file at ``path`` (fontTools, imported here only)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True) as tt:
            upem = tt["head"].unitsPerEm
            os2 = tt["OS/2"]
            hhea = tt["hhea"]
            ascent = max(hhea.ascent, getattr(os2, "usWinAscent", 0), os2.sTypoAscender)
            descent = max(-hhea.descent, getattr(os2, "usWinDescent", 0), -os2.sTypoDescender)
            cap = getattr(os2, "sCapHeight", 0) or round(0.7 * upem)
            x_height = getattr(os2, "sxHeight", 0) or round(0.5 * upem)
            codepoints = frozenset(tt.getBestCmap() or {})
    except Exception as exc:  # fontTools raises many kinds for a corrupt file
        raise AssetError(f"font file unreadable: {path}: {exc}") from exc
    return FaceInfo(FontMetrics(upem, ascent / upem, descent / upem, cap / upem, x_height / upem), codepoints)


class FontBook:
    """Every bundled family, loaded lazily: a face's file is read the first time its metrics or
    coverage are asked for. The manifests and each face's metrics and coverage are kept in the
    compiled ``cache`` (default: none kept), so a new process imports neither PyYAML nor fontTools."""

    def __init__(self, fonts_dir: Path | None = None, *, cache: CompiledCache | None = None) -> None:
        self.root = fonts_dir or data_dir("fonts")
        self._cache = cache or CompiledCache(None)
        sources = []
        for name in ("fonts.yaml", "fallbacks.yaml"):
            path = self.root / name
            try:
                sources.append(path.read_bytes())
            except FileNotFoundError as exc:
                kind = "font manifest" if name == "fonts.yaml" else "fallback font manifest"
                raise AssetError(f"{kind} missing: {path}") from exc
        #: identifies the families and weights on offer (what a spec's font names are checked against)
        self.fingerprint = digest([str(self.root), *sources])
        manifest = self._cache.get("fonts", [str(self.root), *sources],
                                   lambda: _read_manifests(self.root, sources[0], sources[1]), FontManifest)
        self._files: dict[str, dict[str, Path]] = {
            family: {weight: self.root / relative for weight, relative in faces.items()}
            for family, faces in manifest.files.items()
        }
        self._bitmap_sizes = manifest.bitmap_sizes
        self._features = manifest.features
        self.fallback_families: tuple[str, ...] = manifest.chain
        self._faces: dict[tuple[str, str], FontFace] = {}
        self._lock = threading.Lock()

    @property
    def families(self) -> dict[str, tuple[str, ...]]:
        return {family: tuple(faces) for family, faces in self._files.items()}

    def describe(self, family: str, weight: str) -> str | None:
        """None when ``family``/``weight`` exists, otherwise what is wrong and what is allowed."""
        if family not in self._files:
            return f"unknown font family {family!r}; bundled: {', '.join(sorted(self._files))}"
        if weight not in self._files[family]:
            return f"font family {family!r} has no weight {weight!r}; it has: {', '.join(self._files[family])}"
        return None

    def face(self, family: str, weight: str) -> FontFace:
        key = (family, weight)
        face = self._faces.get(key)
        if face is None:
            problem = self.describe(family, weight)
            if problem:
                raise AssetError(problem)
            path = self._files[family][weight]
            if not path.is_file():
                raise AssetError(f"font file missing: {path} (family {family!r}, weight {weight!r}); reinstall thumbkit")
            with self._lock:
                face = self._faces.get(key)
                if face is None:
                    face = FontFace(family, weight, path, lambda: self._face_info(path),
                                    self._bitmap_sizes.get(family), self._features.get(family, ()))
                    self._faces[key] = face
        return face

    def _face_info(self, path: Path) -> FaceInfo:
        stat = path.stat()
        return self._cache.get("face", [str(path), f"{stat.st_size}:{stat.st_mtime_ns}"],
                               lambda: read_face_info(path), FaceInfo)

    def fallbacks(self, weight: str) -> tuple[FontFace, ...]:
        """The fallback chain, each family in the weight nearest to ``weight``."""
        return tuple(self.face(family, _nearest_weight(weight, tuple(self._files[family])))
                     for family in self.fallback_families)


def _read_manifests(root: Path, fonts_yaml: bytes, fallbacks_yaml: bytes) -> FontManifest:
    """Parse ``fonts.yaml`` and ``fallbacks.yaml`` (PyYAML, imported here only)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    manifest = yaml.load(fonts_yaml.decode("utf-8"), Loader=loader)
    files: dict[str, dict[str, str]] = {
        family: dict(entry["faces"]) for family, entry in manifest["families"].items()
    }
    fallbacks = yaml.load(fallbacks_yaml.decode("utf-8"), Loader=loader)
    chain: list[str] = []
    bitmap_sizes: dict[str, int] = {}
    features: dict[str, tuple[str, ...]] = {}
    for entry in fallbacks["chain"]:
        family = entry["family"]
        if "faces" in entry:
            files[family] = dict(entry["faces"])
        elif family not in files:
            raise AssetError(f"{root / 'fallbacks.yaml'}: fallback family {family!r} has no faces and is not in fonts.yaml")
        features[family] = tuple(entry.get("features", ()))
        if "bitmap_size_px" in entry:
            bitmap_sizes[family] = int(entry["bitmap_size_px"])
        chain.append(family)
    return FontManifest(files, tuple(chain), bitmap_sizes, features)


def _nearest_weight(weight: str, available: tuple[str, ...]) -> str:
    if weight in available:
        return weight
    wanted = WEIGHTS.index(weight) if weight in WEIGHTS else WEIGHTS.index("bold")
    ranked = [w for w in available if w in WEIGHTS] or list(available)
    return min(ranked, key=lambda w: (abs(WEIGHTS.index(w) - wanted) if w in WEIGHTS else 99, w))
