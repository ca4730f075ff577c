"""The font book: bundled families, their metrics (fonttools) and cached Pillow fonts per size.

Fonts come only from thumbkit's ``fonts/`` folder (``fonts.yaml`` lists them); nothing is read from
the system. Metrics are in em units: ``ascent_em`` and ``descent_em`` bound every glyph line,
``cap_height_em`` is used to centre text optically.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from PIL import ImageFont

from .errors import AssetError
from .paths import data_dir

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
    _sizes: dict[int, ImageFont.FreeTypeFont] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def key(self) -> str:
        return f"{self.family}:{self.weight}"

    def at(self, size_px: int) -> ImageFont.FreeTypeFont:
        font = self._sizes.get(size_px)
        if font is None:
            with self._lock:
                font = self._sizes.get(size_px)
                if font is None:
                    font = ImageFont.truetype(str(self.path), size_px, layout_engine=ImageFont.Layout.RAQM)
                    self._sizes[size_px] = font
        return font

    def covers(self, text: str) -> bool:
        return all(ord(ch) in self.codepoints or not ch.isprintable() or ch.isspace() for ch in text)

    def width_em(self, text: str) -> float:
        return _width_em(self, text)


@lru_cache(maxsize=65536)
def _width_em(face: FontFace, text: str) -> float:
    return face.at(_REFERENCE_SIZE_PX).getlength(text) / _REFERENCE_SIZE_PX


def _read_face(family: str, weight: str, path: Path) -> FontFace:
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
    return FontFace(family, weight, path, metrics, codepoints)


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
        self.fallback_families: tuple[str, ...] = tuple(manifest.get("fallback", ()))
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
                    face = _read_face(family, weight, self._files[family][weight])
                    self._faces[key] = face
        return face

    def fallbacks(self, weight: str) -> tuple[FontFace, ...]:
        faces = []
        for family in self.fallback_families:
            weights = self._files[family]
            chosen = weight if weight in weights else ("bold" if "bold" in weights else next(iter(weights)))
            faces.append(self.face(family, chosen))
        return tuple(faces)
