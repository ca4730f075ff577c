"""Background patterns as alpha masks: dots, grid, stripes, grain, halftone, rays, soft shapes.

Each pattern is computed with numpy (lattices analytically, with anti-aliased edges; rays and
soft shapes at a fraction of the size and scaled up; grain as a tile repeated) and returned as
an ``L`` image of the box's size holding the final opacity, faded where the layout asks. Masks
are cached per parameters and variant: a series of thumbnails cycles through a few variants of
each pattern, so after the first renders drawing a pattern is one paste.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from ..files import write_atomic
from ..lru import LruCache
from ..memory import MIB, image_bytes
from ..paths import cache_root

if TYPE_CHECKING:
    import numpy as np
else:
    class _Numpy:
        """numpy, imported when a pattern is drawn: a mask found in the disk cache needs none."""

        def __getattr__(self, name: str) -> Any:
            import numpy

            return getattr(numpy, name)

    np = _Numpy()

try:  # the hash without hashlib's import (as renderer.compiled does)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b

#: bump when a pattern's drawing changes: masks cached on disk under another version are not read
_DISK_VERSION = "1"


class PatternDefaults(Struct, frozen=True):
    """A pattern's settings when the layout and the kit leave them unset (at scale 1)."""

    spacing_px: float = 32.0
    size_px: float | None = 4.0  # None: from the canvas (soft shapes: 36% of its longer side)
    angle_deg: float = 0.0
    count: int = 12
    center: tuple[float, float] = (0.5, 0.5)


DEFAULTS: dict[str, PatternDefaults] = {
    "dots": PatternDefaults(spacing_px=30, size_px=5),
    "grid": PatternDefaults(spacing_px=64, size_px=2),
    "stripes": PatternDefaults(spacing_px=34, size_px=10, angle_deg=-45),
    "grain": PatternDefaults(size_px=1.6),
    "halftone": PatternDefaults(spacing_px=22, size_px=18, angle_deg=45, center=(1.0, 0.15)),
    "rays": PatternDefaults(count=20, center=(0.85, 0.2)),
    "shapes": PatternDefaults(count=5, size_px=None),
}
FADES = ("none", "left", "right", "top", "bottom", "center", "edges")
_CACHE_SIZE = 48  # final masks: a few per layout and kit pattern in use
_COVERAGE_CACHE_SIZE = 24  # drawings: one per geometry (shapes and grain: per variant)
#: Bytes for each cache of images here (an hd mask is 3 MB): a server's worker holds at most this,
#: whatever the variety of the traffic (a mask cache by count alone reached 74 MB in a soak).
_MASK_CACHE_BYTES = 32 * MIB
_COVERAGE_CACHE_BYTES = 24 * MIB
_FADE_CACHE_BYTES = 8 * MIB
_LATTICES = ("dots", "grid", "stripes")
_WINDOWED = (*_LATTICES, "halftone", "rays")  # variants cut from one drawing (shapes and grain draw each)
_GRAIN_TILE_PX = 256
SHAPES_SIZE_SHARE = 0.36  # soft shapes' size when unset: this share of the canvas's longer side


class PatternParams(Struct, frozen=True):
    """A pattern fully specified, in canvas pixels (already scaled for an HD render)."""

    kind: str
    width_px: int
    height_px: int
    spacing_px: float
    size_px: float
    angle_deg: float
    count: int
    center: tuple[float, float]
    fade: str
    opacity: float
    variant: int


def params_for(kind: str, width_px: int, height_px: int, *, scale: float = 1.0, opacity: float, fade: str = "none",
               variant: int = 0, spacing_px: float | None = None, size_px: float | None = None,
               angle_deg: float | None = None, count: int | None = None,
               center: tuple[float, float] | None = None) -> PatternParams:
    """Unset settings from ``DEFAULTS``; lengths multiplied by ``scale``."""
    if kind not in DEFAULTS:
        raise ValueError(f"unknown pattern {kind!r}; known: {', '.join(DEFAULTS)}")
    if fade not in FADES:
        raise ValueError(f"unknown fade {fade!r}; known: {', '.join(FADES)}")
    base = DEFAULTS[kind]
    if size_px is not None:
        size = float(size_px) * scale
    elif base.size_px is None:
        size = SHAPES_SIZE_SHARE * max(width_px, height_px)
    else:
        size = base.size_px * scale
    return PatternParams(
        kind=kind, width_px=width_px, height_px=height_px,
        spacing_px=float(spacing_px if spacing_px is not None else base.spacing_px) * scale,
        size_px=size,
        angle_deg=float(angle_deg if angle_deg is not None else base.angle_deg),
        count=int(count if count is not None else base.count),
        center=center if center is not None else base.center,
        fade=fade, opacity=round(float(opacity), 4), variant=int(variant),
    )


_MASKS: LruCache[PatternParams, Image.Image] = LruCache(_CACHE_SIZE, max_bytes=_MASK_CACHE_BYTES, size_of=image_bytes)
_COVERAGES: LruCache[tuple[object, ...], Image.Image] = LruCache(
    _COVERAGE_CACHE_SIZE, max_bytes=_COVERAGE_CACHE_BYTES, size_of=image_bytes)
_FADES: LruCache[tuple[str, int, int], Image.Image] = LruCache(16, max_bytes=_FADE_CACHE_BYTES, size_of=image_bytes)


def pattern_mask(params: PatternParams) -> Image.Image:
    """The pattern's alpha (0-255, opacity and fade applied) as an ``L`` image; cached, shared:
    do not draw on it.

    In three layers, so a series stays cheap: the pattern's coverage (drawn once per geometry;
    the lattices once for all their variants, which are offsets into one larger drawing), the
    fade (once per size), and the mask itself (two Pillow multiplies)."""
    mask = _MASKS.get(params)
    if mask is not None:
        return mask
    mask = _from_disk(params)
    if mask is not None:
        return _MASKS.put(params, mask)
    coverage = _coverage(params)
    if params.fade != "none":
        coverage = ImageChops.multiply(coverage, _fade_mask(params.fade, params.width_px, params.height_px))
    scale = min(1.0, params.opacity)
    mask = coverage.point(lambda value: round(value * scale))
    _to_disk(params, mask)
    return _MASKS.put(params, mask)


def _disk_path(params: PatternParams) -> Any:
    digest = blake2b(f"{_DISK_VERSION}:{params!r}".encode("utf-8"), digest_size=16).hexdigest()
    return cache_root() / "patterns" / f"{digest}.png"


def _from_disk(params: PatternParams) -> Image.Image | None:
    """The mask a previous process drew (a one-shot render then needs no numpy), or None when it
    is missing, unreadable or not the right size (drawn again and written again)."""
    try:
        with Image.open(_disk_path(params)) as image:
            image.load()
            if image.mode == "L" and image.size == (params.width_px, params.height_px):
                return image.copy()
    except (OSError, ValueError, SyntaxError):
        pass
    return None


def _to_disk(params: PatternParams, mask: Image.Image) -> None:
    """Keep the mask for later processes; a cache that cannot be written is only slower."""
    buffer = io.BytesIO()
    mask.save(buffer, "PNG", compress_level=1)
    try:
        write_atomic(_disk_path(params), buffer.getvalue(), durable=False)
    except OSError:
        pass


def clear_cache() -> None:
    """Forget every mask, coverage and fade, in memory and on disk (for measuring the cost of
    drawing one)."""
    for cache in (_MASKS, _COVERAGES, _FADES):
        cache.clear()
    folder = cache_root() / "patterns"
    if folder.is_dir():
        for path in folder.glob("*.png"):
            path.unlink(missing_ok=True)


def _coverage(params: PatternParams) -> Image.Image:
    """The pattern at full strength, unfaded, at the canvas size."""
    geometry = replace(params, fade="none", opacity=1.0)
    if params.kind in _WINDOWED:
        # every variant is a window into one larger drawing: the lattice shifted by up to two
        # steps, the burst's or the rays' centre moved by a tenth of the canvas
        room = math.ceil(2 * params.spacing_px if params.kind in _LATTICES else 0.12 * max(params.width_px, params.height_px))
        base = replace(geometry, variant=0, width_px=params.width_px + room, height_px=params.height_px + room)
        drawing = _COVERAGES.get(_key(base))
        if drawing is None:
            drawing = _COVERAGES.put(_key(base), _as_image(_DRAW[params.kind](base), base.width_px, base.height_px))
        dx = round((params.variant * 0.382) % 1 * room)
        dy = round((params.variant * 0.618) % 1 * room)
        return drawing.crop((dx, dy, dx + params.width_px, dy + params.height_px))
    coverage = _COVERAGES.get(_key(geometry))
    if coverage is None:
        coverage = _COVERAGES.put(_key(geometry), _as_image(_DRAW[params.kind](geometry), params.width_px, params.height_px))
    return coverage


def _key(params: PatternParams) -> tuple[object, ...]:
    return (params.kind, params.width_px, params.height_px, params.spacing_px, params.size_px, params.angle_deg,
            params.count, params.center, params.variant)


def _as_image(coverage: np.ndarray | float, width: int, height: int) -> Image.Image:
    """A coverage (0-1, broadcastable to the size) as an ``L`` image."""
    full = np.broadcast_to(np.asarray(coverage, dtype=np.float32), (height, width))
    return Image.fromarray(np.clip(full * 255 + 0.5, 0, 255).astype(np.uint8), "L")


def _fade_mask(fade: str, width: int, height: int) -> Image.Image:
    mask = _FADES.get((fade, width, height))
    if mask is None:
        mask = _FADES.put((fade, width, height), _as_image(_fade(fade, width, height), width, height))
    return mask


# -- the patterns ------------------------------------------------------------------------------
def _rng(params: PatternParams) -> np.random.Generator:
    return np.random.default_rng(1_000_003 * params.variant + sum(map(ord, params.kind)))


def _lattice(params: PatternParams) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's coordinates in the rotated lattice, shifted by the variant, as offsets from
    the nearest lattice line (-spacing/2 .. spacing/2)."""
    h, w, s = params.height_px, params.width_px, params.spacing_px
    angle = math.radians(params.angle_deg)
    cos, sin = math.cos(angle), math.sin(angle)
    shift_u, shift_v = (params.variant * 0.382) % 1 * s, (params.variant * 0.618) % 1 * s  # halftone; lattices crop
    ys = np.arange(h, dtype=np.float32)[:, None] + 0.5
    xs = np.arange(w, dtype=np.float32)[None, :] + 0.5
    if abs(sin) < 1e-9 or abs(cos) < 1e-9:  # an upright lattice: a row and a column, broadcast (~10x cheaper)
        u = xs * round(cos) + ys * round(sin) + shift_u
        v = ys * round(cos) - xs * round(sin) + shift_v
    else:
        u = xs * cos + ys * sin + shift_u
        v = ys * cos - xs * sin + shift_v
    return np.mod(u, s) - s / 2, np.mod(v, s) - s / 2


def _unit(coverage: np.ndarray) -> np.ndarray:
    """``coverage`` clipped to 0..1, as float32."""
    return np.asarray(np.clip(coverage, 0.0, 1.0), dtype=np.float32)


def _dots(params: PatternParams) -> np.ndarray:
    du, dv = _lattice(params)
    return _unit(params.size_px / 2 + 0.5 - np.sqrt(du * du + dv * dv))


def _line(offset: np.ndarray, spacing: float, width: float) -> np.ndarray:
    """Coverage of lines ``width`` wide through the lattice lines (offset ±spacing/2 from the middle)."""
    distance = spacing / 2 - np.abs(offset)
    return _unit(width / 2 + 0.5 - distance)


def _grid(params: PatternParams) -> np.ndarray:
    du, dv = _lattice(params)
    return np.asarray(np.maximum(_line(du, params.spacing_px, params.size_px), _line(dv, params.spacing_px, params.size_px)),
                      dtype=np.float32)


def _stripes(params: PatternParams) -> np.ndarray:
    du, _ = _lattice(params)
    return _unit(params.size_px / 2 + 0.5 - np.abs(du))


def _halftone(params: PatternParams) -> np.ndarray:
    """Dots growing towards ``center`` (a corner burst), on a lattice at ``angle_deg``."""
    du, dv = _lattice(params)
    h, w = params.height_px, params.width_px
    cx, cy = params.center
    jitter = ((params.variant % 4) - 1.5) * 0.06
    cx, cy = cx * w + jitter * w, cy * h - jitter * h
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    reach = 0.75 * math.hypot(w, h)
    t = np.clip(1.0 - np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / reach, 0.0, 1.0) ** 1.3
    radius = params.size_px / 2 * t
    return _unit((radius + 0.5 - np.sqrt(du * du + dv * dv)) * (radius > 0.35))


def _grain(params: PatternParams) -> np.ndarray:
    """Film grain: a noise tile (per variant) repeated; ``size_px`` the grain's size."""
    tile_px = max(8, round(_GRAIN_TILE_PX / max(1.0, params.size_px)))
    noise: np.ndarray = _rng(params).random((tile_px, tile_px), dtype=np.float32)
    if params.size_px > 1.0:
        side = round(tile_px * params.size_px)
        grains = Image.fromarray((noise * 255).astype(np.uint8)).resize((side, side), Image.Resampling.BILINEAR)
        noise = np.asarray(grains, dtype=np.float32) / np.float32(255)
    reps = (math.ceil(params.height_px / noise.shape[0]), math.ceil(params.width_px / noise.shape[1]))
    tiled = np.tile(noise, reps)[: params.height_px, : params.width_px]
    return _unit((tiled - 0.45) * 1.8)


def _small(params: PatternParams, factor: int) -> tuple[int, int]:
    return max(2, math.ceil(params.width_px / factor)), max(2, math.ceil(params.height_px / factor))


def _upscale(array: np.ndarray, params: PatternParams) -> np.ndarray:
    image = Image.fromarray(np.clip(array * 255 + 0.5, 0, 255).astype(np.uint8), "L")
    image = image.resize((params.width_px, params.height_px), Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=np.float32) / 255


def _rays(params: PatternParams) -> np.ndarray:
    """A sunburst of ``count`` wedges from ``center``, turned by the variant, fading outwards."""
    factor = 2
    sw, sh = _small(params, factor)
    cx, cy = params.center
    jitter = ((params.variant // 2) % 4 - 1.5) * 0.05
    cx, cy = (cx + jitter) * sw, (cy - jitter) * sh
    ys = np.arange(sh, dtype=np.float32)[:, None] - cy
    xs = np.arange(sw, dtype=np.float32)[None, :] - cx
    turn = params.variant / 8 / params.count
    phase = np.mod(np.arctan2(ys, xs) / (2 * math.pi) * params.count + turn * params.count, 1.0)
    radius = np.sqrt(xs * xs + ys * ys)
    edge_px = np.maximum(radius * 2 * math.pi / params.count, 1.0)  # one wedge's width here, in pixels
    wedge = np.clip((0.25 - np.abs(phase - 0.5) + 0.0) * edge_px + 0.5, 0.0, 1.0)
    falloff = np.clip(1.15 - radius / math.hypot(sw, sh), 0.0, 1.0)
    return _upscale(wedge * falloff, params)


def _shapes(params: PatternParams) -> np.ndarray:
    """Soft blurred discs of different sizes and strengths at seeded places, mostly off the middle."""
    factor = 8
    sw, sh = _small(params, factor)
    canvas = Image.new("L", (sw, sh), 0)
    draw = ImageDraw.Draw(canvas)
    rng = _rng(params)
    base = params.size_px / factor
    for i in range(params.count):
        side = i % 2  # alternate sides, so the middle (the text) stays calm
        x = (rng.uniform(-0.1, 0.35) if side == 0 else rng.uniform(0.65, 1.1)) * sw
        y = rng.uniform(-0.15, 1.15) * sh
        r = base * rng.uniform(0.5, 1.1) / 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(255 * rng.uniform(0.45, 1.0)))
    blurred = canvas.filter(ImageFilter.GaussianBlur(base * 0.22))
    return _upscale(np.asarray(blurred, dtype=np.float32) / 255, params)


_DRAW = {"dots": _dots, "grid": _grid, "stripes": _stripes, "grain": _grain, "halftone": _halftone, "rays": _rays,
         "shapes": _shapes}


def _fade(fade: str, width: int, height: int) -> np.ndarray | float:
    """Where the pattern vanishes: towards a side, in the centre (``center``) or at the edges."""
    if fade == "none":
        return 1.0

    def ramp(n: int) -> np.ndarray:
        t = (np.arange(n, dtype=np.float32) + 0.5) / n
        return np.clip((t - 0.12) / 0.7, 0.0, 1.0) ** 1.4

    if fade == "left":
        return ramp(width)[None, :]
    if fade == "right":
        return ramp(width)[::-1][None, :]
    if fade == "top":
        return ramp(height)[:, None]
    if fade == "bottom":
        return ramp(height)[::-1][:, None]
    ys = (np.arange(height, dtype=np.float32)[:, None] + 0.5) / height - 0.5
    xs = (np.arange(width, dtype=np.float32)[None, :] + 0.5) / width - 0.5
    distance = np.sqrt(xs * xs + ys * ys) / math.sqrt(0.5)  # 0 in the middle, 1 in a corner
    if fade == "center":
        return np.clip((distance - 0.25) / 0.55, 0.0, 1.0) ** 1.2
    return np.clip((0.95 - distance) / 0.6, 0.0, 1.0)


__all__ = ["DEFAULTS", "FADES", "PatternDefaults", "PatternParams", "clear_cache", "params_for", "pattern_mask"]
