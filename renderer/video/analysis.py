"""How ``moments`` looks at a video: one full sampling pass, or two passes that decode far less.

* **full**: decode the whole video once, measuring a small frame every sampling interval
  (``sampling``). Every sample can become a moment.
* **fast**: first the keyframes alone (``keyframes``), plus a sparse grid where they are far apart;
  then only the most promising stretches between them are decoded in full on the same grid
  (``spans``, ``runs``), so their samples are the very ones the full pass takes (on a finer grid for
  long videos, which the full pass samples seconds apart). Only those closely
  looked-at samples can become moments; the others still place cuts, blank runs and shots.
* **anchors**: the full pass over the I- and P-frames alone (``anchors``: every B-frame skipped,
  only where that leaves them exact). Samples are the first anchor frame at or after each grid time,
  a few frames after the full pass's; every sample can become a moment.
* **auto** (what ``moments`` uses): fast when it is expected to decode at most ``FAST_MAX_SHARE``
  of what the full pass decodes, otherwise full: a short video (looking closely at enough of it is
  most of it), a video of long GOPs or of a single keyframe (every sample in it costs decoding from
  its keyframe: the sparse grid would cost nearly as much as the full pass). A full pass long
  enough for its plan to skip frames already (``NONREF``) runs over the anchors when they are exact:
  it then decodes a half to a third as much again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import av
import numpy as np
from msgspec import Struct
from msgspec.structs import replace

from .anchors import ANCHORS_ONLY, anchors_are_exact
from .keyframes import scan_keyframes
from .runs import sample_runs
from .sampling import Sample, SamplingPlan, plan_sampling, sample_video
from .seek import indexed_keyframe_times
from .shots import Timeline, find_shots
from .source import OpenVideo, VideoInput, open_video
from .spans import (
    KEYFRAME_COST_S,
    all_spans,
    choose_spans,
    coarse_step_s,
    fast_cost_s,
    refine_interval_s,
    refine_runs,
    run_cost_s,
    sparse_runs,
)

Strategy = Literal["auto", "fast", "full", "anchors"]
FAST_MAX_SHARE = 0.5


class Analysis(Struct, frozen=True, eq=False):
    samples: list[Sample]  # in time order
    timeline: Timeline
    pickable: np.ndarray  # bool per sample: looked at closely, so it may become a moment
    decoded_frames: int  # frames decoded in all passes: the cost, in a unit that does not depend on load
    strategy: Literal["fast", "full", "anchors"]


def analyse(video: VideoInput, *, looks: int, strategy: Strategy = "auto") -> Analysis:
    """Samples of ``video`` (a path or bytes: it is opened more than once) and their shot structure.

    ``looks``: how many distinct pictures the fast analysis must look at closely (the shortlist's size).
    """
    anchors = strategy == "anchors"
    if strategy in ("auto", "fast"):
        with open_video(video) as opened:
            plan = plan_sampling(opened)
            try:
                fast = _fast(opened, plan, looks=looks, forced=strategy == "fast")
                anchors = fast is None and plan.skip_frame == "NONREF" and anchors_are_exact(
                    opened, keyframes_s=indexed_keyframe_times(opened))
            except av.FFmpegError:
                # Keyframes decoded alone, or seeks, that this file does not stand: the full pass
                # decodes every packet in order, and says what is wrong if the file is damaged.
                fast = None
        if fast is not None:
            return fast
    with open_video(video) as opened:
        plan = plan_sampling(opened)
        if anchors:
            plan = replace(plan, skip_frame=ANCHORS_ONLY)
        sampled = sample_video(opened, plan)
    samples = sampled.samples
    return Analysis(
        samples=samples,
        timeline=_timeline(samples, sampled.interval_s),
        pickable=np.ones(len(samples), dtype=bool),
        decoded_frames=sampled.decoded_frames,
        strategy="anchors" if anchors else "full",
    )


def _fast(opened: OpenVideo, plan: SamplingPlan, *, looks: int, forced: bool) -> Analysis | None:
    """The two-pass analysis, or None when the full pass is the better deal (never when ``forced``).

    The deal is judged from the container's keyframe index before anything is decoded, and again
    from the keyframes the first pass found (the only judgement for a file without an index).
    """
    interval_s = plan.interval_s
    if not forced:
        duration_s = opened.timing.duration_s
        if duration_s is None:
            return None  # a stream that does not say how long it is: the full pass copes with anything
        indexed = indexed_keyframe_times(opened)
        if indexed is not None and not _worth_it(list(indexed), duration_s, interval_s=interval_s, looks=looks):
            return None
    scan = scan_keyframes(opened, plan, min_gap_s=interval_s)
    if not scan.samples or not forced and not _worth_it(scan.keyframes_s, scan.end_s, interval_s=interval_s,
                                                        looks=looks):
        return None
    sparse = sparse_runs([s.pts_s for s in scan.samples], scan.keyframes_s, scan.end_s,
                         step_s=coarse_step_s(interval_s))
    sparse_samples = sample_runs(opened, plan, sparse)
    coarse = _merged(scan.samples, sparse_samples.samples)
    first_cost_s = len(scan.samples) * KEYFRAME_COST_S + run_cost_s(sparse)
    budget_s = float("inf") if forced else FAST_MAX_SHARE * scan.end_s - first_cost_s
    fine_s = refine_interval_s(interval_s)
    spans = all_spans([sample.pts_s for sample in coarse], scan.end_s, interval_s=fine_s)
    chosen = choose_spans(coarse, spans, scan.keyframes_s, looks=looks, budget_s=budget_s)
    refined = sample_runs(opened, plan, refine_runs(chosen, scan.keyframes_s, interval_s=fine_s))
    samples = _merged(coarse, refined.samples)
    times = np.array([sample.pts_s for sample in samples])
    pickable = np.zeros(times.size, dtype=bool)
    for span in chosen:
        pickable |= (times >= span.start_s - 1e-6) & (times < span.end_s - 1e-6)
    return Analysis(
        samples=samples,
        timeline=_timeline(samples, fine_s),
        pickable=pickable,
        decoded_frames=scan.decoded_frames + sparse_samples.decoded_frames + refined.decoded_frames,
        strategy="fast",
    )


def _worth_it(keyframes_s: Sequence[float], end_s: float, *, interval_s: float, looks: int) -> bool:
    return fast_cost_s(keyframes_s, end_s, interval_s=interval_s, looks=looks) <= FAST_MAX_SHARE * end_s


def _merged(first: list[Sample], second: list[Sample]) -> list[Sample]:
    """Both lists in time order, a frame sampled twice kept once."""
    by_pts = {sample.pts_s: sample for sample in first}
    by_pts.update((sample.pts_s, sample) for sample in second if sample.pts_s not in by_pts)
    return [by_pts[pts] for pts in sorted(by_pts)]


def _timeline(samples: list[Sample], interval_s: float) -> Timeline:
    return find_shots([s.pts_s for s in samples], [s.measures for s in samples], interval_s=interval_s)
