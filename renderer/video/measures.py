"""Measurements of one small analysis frame: light, sharpness, colour, a histogram and a hash.

Everything here is a plain number on a ~160 px wide RGB frame; turning the numbers into 0..1 scores
is ``scoring``'s job, finding shots is ``shots``'.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct
from PIL import Image
from scipy import ndimage

_LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # BT.601, as the JPEG the frame becomes
_HIST_LEVELS = 8  # per channel: 512 colour bins for shot-cut detection
_HASH_SIDE = 8  # difference hash of 8×8 = 64 bits
_DUPLICATE_HASH_BITS = 12
_DUPLICATE_COLOURS = 0.12
_SIMILAR_COLOURS = 0.2
_SIMILAR_HASH_BITS = 28


class Measures(Struct, frozen=True, eq=False):
    mean_luma: float  # 0..1
    std_luma: float  # 0..1, global contrast
    dark_fraction: float  # share of pixels crushed to black (luma < 0.04)
    bright_fraction: float  # share of pixels blown out (luma > 0.96)
    laplacian_variance: float  # variance of the Laplacian of luma on 0..255: sharpness
    colourfulness: float  # Hasler & Süsstrunk (2003) on 0..255; ~59 "quite", ~82 "highly colourful"
    histogram: np.ndarray  # (512,) float32 summing to 1
    difference_hash: np.ndarray  # (64,) bool


def measure(rgb: np.ndarray) -> Measures:
    """Measure an (h, w, 3) uint8 RGB frame."""
    pixels = rgb.astype(np.float32)
    luma = pixels @ _LUMA_WEIGHTS  # 0..255
    return Measures(
        mean_luma=float(luma.mean()) / 255,
        std_luma=float(luma.std()) / 255,
        dark_fraction=float(np.count_nonzero(luma < 0.04 * 255)) / luma.size,
        bright_fraction=float(np.count_nonzero(luma > 0.96 * 255)) / luma.size,
        laplacian_variance=float(ndimage.laplace(luma).var()),
        colourfulness=_colourfulness(pixels),
        histogram=_histogram(rgb),
        difference_hash=_difference_hash(luma),
    )


def histogram_distance(first: np.ndarray, second: np.ndarray) -> float:
    """Half the L1 distance of two normalised histograms: 0 same colours, 1 nothing in common."""
    return 0.5 * float(np.abs(first - second).sum())


def hash_distance(first: np.ndarray, second: np.ndarray) -> int:
    """Hamming distance of two difference hashes (0..64); under ~12 looks like the same picture."""
    return int(np.count_nonzero(first != second))


def looks_alike(a: Measures, b: Measures) -> bool:
    """Near-duplicates: the same layout (difference hash), or the same colours, e.g. the same scene
    panned or shot again. Measured on pans over photos: the same scene stays within 0.17 of colour
    distance (the hash moves by up to 41 bits), different scenes were 0.4 apart or more."""
    bits = hash_distance(a.difference_hash, b.difference_hash)
    colours = histogram_distance(a.histogram, b.histogram)
    return (
        bits <= _DUPLICATE_HASH_BITS
        or colours <= _DUPLICATE_COLOURS
        or (colours <= _SIMILAR_COLOURS and bits <= _SIMILAR_HASH_BITS)
    )


def _colourfulness(pixels: np.ndarray) -> float:
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    rg = red - green
    yb = 0.5 * (red + green) - blue
    spread = np.hypot(rg.std(), yb.std())
    mean = np.hypot(rg.mean(), yb.mean())
    return float(spread + 0.3 * mean)


def _histogram(rgb: np.ndarray) -> np.ndarray:
    shift = 8 - int(np.log2(_HIST_LEVELS))
    quantised = (rgb >> shift).astype(np.int32)
    bins = (quantised[..., 0] * _HIST_LEVELS + quantised[..., 1]) * _HIST_LEVELS + quantised[..., 2]
    counts = np.bincount(bins.ravel(), minlength=_HIST_LEVELS**3).astype(np.float32)
    shares: np.ndarray = counts / counts.sum()
    return shares


def _difference_hash(luma: np.ndarray) -> np.ndarray:
    small = Image.fromarray(luma.astype(np.uint8)).resize((_HASH_SIDE + 1, _HASH_SIDE), Image.Resampling.BOX)
    cells = np.asarray(small, dtype=np.int16)
    return (cells[:, 1:] > cells[:, :-1]).ravel()
