"""The font book: bundled families, their metrics (fonttools) and cached Pillow fonts per size.

Fonts come only from thumbkit's ``fonts/`` folder (``fonts.yaml`` lists them, ``fallbacks.yaml``
adds the fallback chain for other scripts and emoji); nothing is read from the system. Metrics are in em units: ``ascent_em`` and ``descent_em`` bound every glyph line,
``cap_height_em`` is used to centre text optically.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from PIL import ImageFont

from ..errors import AssetError
from .itemize import Coverage
from ..paths import data_dir

WEIGHTS = ("regular", "medium", "semibold", "bold", "extrabold", "black")
_REFERENCE_SIZE_PX = 256  # widths are measured once at this size and scaled linearly


@dataclass(frozen=True)
class FontMetrics:
    units_per_em: int
    ascent_em: float
    descent_em: float
    cap_height_em: float
    x_height_em: float


@dataclass(eq=False)
class FontFace:
    """One font file: its metrics, its character coverage and Pillow fonts by size."""

    family: str
    weight: str
    path: Path
    metrics: FontMetrics
    codepoints: frozenset[int]
    bitmap_size_px: int | None = None  # colour bitmap fonts (CBDT) load at this size only
    features: tuple[str, ...] = ()  # OpenType features switched on when measuring and drawing
    _sizes: dict[int, ImageFont.FreeTypeFont] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def key(self) -> str:
        return f"{self.family}:{self.weight}"

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
        """What the itemizer needs: the key and the cmap (a bitmap colour font is the emoji font)."""
        return Coverage(self.key, self.codepoints, emoji=self.is_bitmap)

    def at(self, size_px: int) -> ImageFont.FreeTypeFont:
        """The Pillow font at ``size_px``; a bitmap font only at its ``bitmap_size_px``."""
        if self.bitmap_size_px is not None:
            size_px = self.bitmap_size_px
        font = self._sizes.get(size_px)
        if font is None:
            with self._lock:
                font = self._sizes.get(size_px)
                if font is None:
                    font = ImageFont.truetype(str(self.path), size_px, layout_engine=ImageFont.Layout.RAQM)
                    self._sizes[size_px] = font
        return font

    def covers(self, text: str) -> bool:
        """Whether the cmap maps every character of ``text`` that needs a glyph."""
        return self.coverage.covers(text)

    def width_em(self, text: str) -> float:
        return _width_em(self, text)


@lru_cache(maxsize=65536)
def _width_em(face: FontFace, text: str) -> float:
    return face.at(_REFERENCE_SIZE_PX).getlength(text, features=face.feature_list) / _REFERENCE_SIZE_PX


def _read_face(family: str, weight: str, path: Path, bitmap_size_px: int | None = None,
               features: tuple[str, ...] = ()) -> FontFace:
    from fontTools.ttLib import TTFont

    if not path.is_file():
        raise AssetError(f"font file missing: {path} (family {family!r}, weight {weight!r}); reinstall thumbkit")
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
    except AssetError:
        raise
    except Exception as exc:  # fontTools raises many kinds for a corrupt file
        raise AssetError(f"font file unreadable: {path}: {exc}") from exc
    metrics = FontMetrics(upem, ascent / upem, descent / upem, cap / upem, x_height / upem)
    return FontFace(family, weight, path, metrics, codepoints, bitmap_size_px, features)


class FontBook:
    """Every bundled family, loaded lazily: a face's file is read the first time it is asked for."""

    def __init__(self, fonts_dir: Path | None = None) -> None:
        self.root = fonts_dir or data_dir("fonts")
        manifest_path = self.root / "fonts.yaml"
        try:
            manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise AssetError(f"font manifest missing: {manifest_path}") from exc
        self._files: dict[str, dict[str, Path]] = {
            family: {weight: self.root / rel for weight, rel in entry["faces"].items()}
            for family, entry in manifest["families"].items()
        }
        self._bitmap_sizes: dict[str, int] = {}
        self._features: dict[str, tuple[str, ...]] = {}
        self.fallback_families: tuple[str, ...] = self._read_fallbacks(self.root / "fallbacks.yaml")
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
            with self._lock:
                face = self._faces.get(key)
                if face is None:
                    face = _read_face(family, weight, self._files[family][weight],
                                       self._bitmap_sizes.get(family), self._features.get(family, ()))
                    self._faces[key] = face
        return face

    def _read_fallbacks(self, path: Path) -> tuple[str, ...]:
        """The ordered chain of ``fallbacks.yaml``; families with ``faces`` join the book."""
        try:
            manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise AssetError(f"fallback font manifest missing: {path}") from exc
        chain: list[str] = []
        for entry in manifest["chain"]:
            family = entry["family"]
            if "faces" in entry:
                self._files[family] = {weight: self.root / rel for weight, rel in entry["faces"].items()}
            elif family not in self._files:
                raise AssetError(f"{path}: fallback family {family!r} has no faces and is not in fonts.yaml")
            self._features[family] = tuple(entry.get("features", ()))
            if "bitmap_size_px" in entry:
                self._bitmap_sizes[family] = int(entry["bitmap_size_px"])
            chain.append(family)
        return tuple(chain)

    def fallbacks(self, weight: str) -> tuple[FontFace, ...]:
        """The fallback chain, each family in the weight nearest to ``weight``."""
        return tuple(self.face(family, _nearest_weight(weight, tuple(self._files[family])))
                     for family in self.fallback_families)


def _nearest_weight(weight: str, available: tuple[str, ...]) -> str:
    if weight in available:
        return weight
    wanted = WEIGHTS.index(weight) if weight in WEIGHTS else WEIGHTS.index("bold")
    ranked = [w for w in available if w in WEIGHTS] or list(available)
    return min(ranked, key=lambda w: (abs(WEIGHTS.index(w) - wanted) if w in WEIGHTS else 99, w))
