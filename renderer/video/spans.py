"""Where the two-pass analysis looks closely, and what that costs, from the keyframes' first look.

Costs are in seconds of video decoded, the unit of the full pass (which decodes the whole duration):
a run from a keyframe to a time costs that stretch, a keyframe alone about ``KEYFRAME_COST_S``.

* **Sparse sample.** Where keyframes are further apart than ``SPARSE_GAP_FACTOR`` coarse steps (a
  long GOP), the keyframes alone say too little: a sparse grid of samples is added, each reached by
  decoding forward from the keyframe before it. That costs most of such a GOP, which is why a video
  made only of long GOPs (or of a single keyframe) is analysed by the full pass instead.
* **Spans.** A span is the stretch between two neighbouring coarse samples with a grid time between
  them. It is worth its start's score (without faces or cut penalties): a span shows its start's
  shot for sure, its end's only if that began before the span ended. When both ends look alike it
  is one shot throughout, worth the better end; when it starts blank it fades in, worth a little
  less than its end. Spans are taken best first, at most two per look (a recurring intro, or a long
  shot cut into many keyframes, must not use up the budget), until enough looks are covered; each
  is then decoded in full and sampled on the full pass's grid (so its samples are the full pass's
  own), or a finer one for long videos, grouped into runs that seek once.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from msgspec import Struct

from .faces import NO_FACES
from .keyframes import thin_keyframes
from .measures import looks_alike
from .runs import Run
from .sampling import Sample, next_grid_s
from .scoring import score
from .shots import is_blank

KEYFRAME_COST_S = 0.3  # a 720p keyframe decodes in about the time of 0.3 s of the video around it
COARSE_STEP_INTERVALS = 4  # the coarse grid: this many sampling intervals, and at least
COARSE_STEP_MIN_S = 2.0
SPARSE_GAP_FACTOR = 3.0  # keyframes further apart than this many coarse steps get a sparse sample
SPANS_PER_LOOK = 2
REFINE_INTERVAL_MAX_S = 0.5  # spans are sampled at least this densely, however long the video
END_WEIGHT = 0.9
_SLACK_S = 1e-6


class Span(Struct, frozen=True):
    start_s: float  # a coarse sample's time
    end_s: float  # the next coarse sample's, or the end of the video


def coarse_step_s(interval_s: float) -> float:
    """The sparse grid's step: a whole number of sampling intervals, so its samples are the full pass's."""
    return interval_s * max(COARSE_STEP_INTERVALS, math.ceil(COARSE_STEP_MIN_S / interval_s - _SLACK_S))


def refine_interval_s(interval_s: float) -> float:
    """The grid spans are sampled on: the full pass's, or finer for long videos (whose full pass samples
    seconds apart): decoding a span costs the same either way, only measuring the extra frames is added."""
    return min(interval_s, REFINE_INTERVAL_MAX_S)


def sparse_runs(keyframe_samples_s: Sequence[float], keyframes_s: Sequence[float], end_s: float,
                *, step_s: float) -> list[Run]:
    """Runs reaching a grid of ``step_s`` inside every long gap between decoded keyframes."""
    runs = []
    for start_s, next_s in zip(keyframe_samples_s, [*keyframe_samples_s[1:], end_s], strict=True):
        if next_s - start_s <= SPARSE_GAP_FACTOR * step_s:
            continue
        first = math.floor((start_s + step_s / 2) / step_s) + 1
        last = math.floor((next_s - step_s / 2) / step_s)
        targets = tuple(k * step_s for k in range(first, last + 1))
        if targets:
            runs.append(Run(keyframe_s=keyframe_before(keyframes_s, targets[0]), targets_s=targets))
    return runs


def run_cost_s(runs: Sequence[Run]) -> float:
    return sum(run.targets_s[-1] - run.keyframe_s for run in runs if run.targets_s)


def keyframe_before(keyframes_s: Sequence[float], time_s: float) -> float:
    """The last keyframe at or before ``time_s`` (the first one when none is)."""
    index = bisect.bisect_right(keyframes_s, time_s + _SLACK_S) - 1
    return keyframes_s[max(index, 0)] if keyframes_s else 0.0


def all_spans(times: Sequence[float], end_s: float, *, interval_s: float) -> list[Span]:
    """The gaps between neighbouring sample times (sorted) that hold a grid time nobody sampled."""
    return [
        Span(start_s, next_s)
        for start_s, next_s in zip(times, [*times[1:], end_s], strict=True)
        if next_grid_s(start_s, interval_s) < next_s - _SLACK_S
    ]


def span_cost_s(span: Span, keyframes_s: Sequence[float]) -> float:
    return span.end_s - keyframe_before(keyframes_s, span.start_s)


def choose_spans(samples: Sequence[Sample], spans: Sequence[Span], keyframes_s: Sequence[float],
                 *, looks: int, budget_s: float) -> list[Span]:
    """The spans worth decoding in full, best first, within ``budget_s`` of decoding."""
    by_time = {sample.pts_s: sample for sample in samples}
    times = sorted(by_time)
    ranked = []
    for span in spans:
        start = by_time[span.start_s]
        position = bisect.bisect_right(times, span.start_s)
        value, representative = _value(start, by_time[times[position]] if position < len(times) else None)
        if value > 0:
            ranked.append((-value, span.start_s, span, representative))
    ranked.sort(key=lambda item: item[:2])
    chosen: list[Span] = []
    groups: list[tuple[Sample, list[Span]]] = []
    spent_s = 0.0
    for _, _, span, representative in ranked:
        if len(chosen) == looks * SPANS_PER_LOOK:
            break
        group = next((members for seen, members in groups if looks_alike(seen.measures, representative.measures)),
                     None)
        if group is None and len(groups) == looks or group is not None and len(group) == SPANS_PER_LOOK:
            continue
        cost_s = span_cost_s(span, keyframes_s)
        if spent_s + cost_s > budget_s:
            continue
        if group is None:
            group = []
            groups.append((representative, group))
        group.append(span)
        chosen.append(span)
        spent_s += cost_s
    return chosen


def refine_runs(spans: Sequence[Span], keyframes_s: Sequence[float], *, interval_s: float) -> list[Run]:
    """Runs sampling each span on the grid, continuing from one span to the next rather than seeking
    when the next one's keyframe is not past where the previous one ends."""
    runs: list[Run] = []
    previous_end_s = -math.inf
    for span in sorted(spans, key=lambda span: span.start_s):
        first = math.floor(span.start_s / interval_s + _SLACK_S) + 1
        targets = []
        while first * interval_s < span.end_s - _SLACK_S:
            targets.append(first * interval_s)
            first += 1
        if not targets:
            continue
        keyframe_s = keyframe_before(keyframes_s, span.start_s)
        if runs and keyframe_s <= previous_end_s + _SLACK_S:
            runs[-1] = Run(runs[-1].keyframe_s, (*runs[-1].targets_s, *targets))
        else:
            runs.append(Run(keyframe_s, tuple(targets)))
        previous_end_s = span.end_s
    return runs


def _value(start: Sample, end: Sample | None) -> tuple[float, Sample]:
    """What a span is worth and the picture it stands for: its start's, the better end's when both
    ends look alike (one shot throughout), its end's (a little less) when it starts blank (a fade in)."""
    if is_blank(start.measures):
        return (END_WEIGHT * _quality(end), end) if end is not None else (0.0, start)
    if end is not None and looks_alike(start.measures, end.measures):
        return max(_quality(start), _quality(end)), start
    return _quality(start), start


def _quality(sample: Sample) -> float:
    return 0.0 if is_blank(sample.measures) else score(sample.measures, NO_FACES).quality


def fast_cost_s(keyframes_s: Sequence[float], end_s: float, *, interval_s: float, looks: int) -> float:
    """What the two-pass analysis should decode, from where the keyframes are (sorted)."""
    decoded = thin_keyframes(keyframes_s, min_gap_s=interval_s)
    sparse = sparse_runs(decoded, keyframes_s, end_s, step_s=coarse_step_s(interval_s))
    first_s = len(decoded) * KEYFRAME_COST_S + run_cost_s(sparse)
    return first_s + refine_estimate_s(sorted({*decoded, *(t for run in sparse for t in run.targets_s)}),
                                       keyframes_s, end_s, interval_s=refine_interval_s(interval_s), looks=looks)


def refine_estimate_s(coarse_s: Sequence[float], keyframes_s: Sequence[float], end_s: float,
                      *, interval_s: float, looks: int) -> float:
    """What refining ``looks`` looks should cost: as many average spans between these coarse times."""
    spans = all_spans(coarse_s, end_s, interval_s=interval_s)
    if not spans:
        return 0.0
    mean_s = sum(span_cost_s(span, keyframes_s) for span in spans) / len(spans)
    return mean_s * min(len(spans), SPANS_PER_LOOK * looks)
