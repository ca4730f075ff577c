"""Where the pictures change: hard cuts, fades and blank frames along the sampled timeline.

* A **cut** is a spike in the colour-histogram distance between neighbouring samples: large in
  itself and several times the distances around it (a pan or a fade changes colours steadily).
* A **fade** is a brightness ramp: mean luma and contrast moving the same way by a large share for
  at least two sample steps in a row (a fade scales every pixel, a pan does not scale contrast).
* A **blank** frame is flat (almost no contrast) or almost black: fade-through-black, slates.

Shots are the stretches between cuts and blank runs. Samples inside fades and next to cuts keep
their shot but are marked, so moments can avoid them. Samples need not be evenly spaced: where two
are far apart (the two-pass analysis looked closely only at some stretches), a large colour change
between them is a cut, which may lie anywhere in the gap, so both count as next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from msgspec import Struct

from .measures import Measures, histogram_distance

CUT_MIN_DISTANCE = 0.3
CUT_SPIKE_RATIO = 3.0
_CUT_WINDOW = 3  # samples on each side for the local baseline
_CUT_BASELINE_FLOOR = 0.04
FADE_STEP = 0.08  # relative change of mean luma per step
FADE_CONTRAST_STEP = 0.04  # relative change of contrast per step, same direction
FADE_MIN_STEPS = 2
BLANK_CONTRAST = 0.03
BLANK_DARK_LUMA = 0.05
NEAR_CUT_MIN_S = 0.3
COARSE_GAP_FACTOR = 2.0  # samples further apart than this many intervals: a stretch nobody looked at


class Timeline(Struct, frozen=True, eq=False):
    """Per-sample shot structure; arrays are aligned with the samples."""

    shot_ids: np.ndarray  # int; -1 for blank samples, which belong to no shot
    blank: np.ndarray  # bool
    in_fade: np.ndarray  # bool
    near_cut: np.ndarray  # bool
    cut_times_s: tuple[float, ...]

    @property
    def shot_count(self) -> int:
        return int(self.shot_ids.max()) + 1 if self.shot_ids.size and self.shot_ids.max() >= 0 else 0


def find_shots(times_s: Sequence[float], measures: Sequence[Measures], *, interval_s: float) -> Timeline:
    times = np.asarray(times_s, dtype=float)
    luma = np.array([m.mean_luma for m in measures])
    contrast = np.array([m.std_luma for m in measures])
    blank = np.array([is_blank(m) for m in measures], dtype=bool)
    distances = np.array([0.0] + [histogram_distance(a.histogram, b.histogram) for a, b in pairwise(measures)])
    far_apart = np.concatenate([[False], np.diff(times) > COARSE_GAP_FACTOR * interval_s])
    in_fade = _fades(luma, contrast, far_apart)
    cuts = _cuts(distances, far_apart)
    # Steps into, out of and along a fade or blank run change colours a lot but are not cuts.
    previous_blank = np.concatenate([[False], blank[:-1]])
    previous_fade = np.concatenate([[False], in_fade[:-1]])
    cuts &= ~(blank | previous_blank) & ~(in_fade & previous_fade)
    cut_times = tuple(float((times[i - 1] + times[i]) / 2) for i in np.flatnonzero(cuts))
    near_cut = np.zeros(times.size, dtype=bool)
    reach_s = max(NEAR_CUT_MIN_S, 0.75 * interval_s)
    for i in np.flatnonzero(cuts):
        before_s, after_s = times[i - 1], times[i]
        if far_apart[i]:  # the cut may be anywhere in between
            near_cut |= (times >= before_s - reach_s) & (times <= after_s + reach_s)
        else:
            near_cut |= np.abs(times - (before_s + after_s) / 2) <= reach_s
    return Timeline(
        shot_ids=_shot_ids(cuts, blank),
        blank=blank,
        in_fade=in_fade,
        near_cut=near_cut,
        cut_times_s=cut_times,
    )


def is_blank(measures: Measures) -> bool:
    """Flat or almost black: no picture worth a thumbnail and no shot of its own."""
    return measures.std_luma < BLANK_CONTRAST or measures.mean_luma < BLANK_DARK_LUMA


def _cuts(distances: np.ndarray, far_apart: np.ndarray) -> np.ndarray:
    """cuts[i]: a hard cut between sample i-1 and sample i.

    Between samples far apart (``far_apart[i]``) colours are compared with no steady baseline around
    them (their neighbours may be far apart too, each step a different shot): a large change is a cut.
    Such steps are left out of the baseline of the others.
    """
    cuts = np.zeros(distances.size, dtype=bool)
    steady = ~far_apart
    for i in range(1, distances.size):
        if distances[i] < CUT_MIN_DISTANCE:
            continue
        if far_apart[i]:
            cuts[i] = True
            continue
        before = slice(max(1, i - _CUT_WINDOW), i)
        after = slice(i + 1, i + 1 + _CUT_WINDOW)
        around = np.concatenate([distances[before][steady[before]], distances[after][steady[after]]])
        baseline = max(float(np.median(around)) if around.size else 0.0, _CUT_BASELINE_FLOOR)
        cuts[i] = distances[i] >= CUT_SPIKE_RATIO * baseline
    return cuts


def _fades(luma: np.ndarray, contrast: np.ndarray, far_apart: np.ndarray) -> np.ndarray:
    """Samples on a brightness ramp of at least FADE_MIN_STEPS steps, the ramp's ends included.

    A step between samples far apart is no ramp step: over seconds, shots change brightness anyhow.
    """
    steps = np.zeros(luma.size, dtype=int)  # steps[i]: direction of the ramp step from i-1 to i
    for i in range(1, luma.size):
        if far_apart[i]:
            continue
        luma_change = _relative_change(luma[i - 1], luma[i])
        contrast_change = _relative_change(contrast[i - 1], contrast[i])
        big_enough = abs(luma_change) >= FADE_STEP and abs(contrast_change) >= FADE_CONTRAST_STEP
        if big_enough and np.sign(luma_change) == np.sign(contrast_change):
            steps[i] = int(np.sign(luma_change))
    in_fade = np.zeros(luma.size, dtype=bool)
    i = 1
    while i < luma.size:
        if steps[i] == 0:
            i += 1
            continue
        end = i
        while end + 1 < luma.size and steps[end + 1] == steps[i]:
            end += 1
        if end - i + 1 >= FADE_MIN_STEPS:
            in_fade[i - 1 : end + 1] = True
        i = end + 1
    return in_fade


def _relative_change(before: float, after: float) -> float:
    return (after - before) / max(before, after, 1e-3)


def _shot_ids(cuts: np.ndarray, blank: np.ndarray) -> np.ndarray:
    ids = np.full(cuts.size, -1, dtype=int)
    current, previous_blank = -1, True
    for i in range(cuts.size):
        if blank[i]:
            previous_blank = True
            continue
        if previous_blank or cuts[i]:
            current += 1
        ids[i] = current
        previous_blank = False
    return ids
