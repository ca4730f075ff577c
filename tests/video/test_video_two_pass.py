"""The two-pass moments analysis (keyframes first, then only promising stretches in full) against the
full decode it replaces on long videos: the same picks or as good, far fewer frames decoded.

The reference is the full sampling pass (``strategy="full"``), run on the same generated videos: a
48-second edit of 16 shots (recurring photos, one face close-up in the middle, a fade through black,
blurred stretches) encoded with a keyframe every second, every 8 s, or only at the start. Cost is
counted in decoded frames, never timed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import av
import numpy as np
import pytest

from renderer.video import moments
from renderer.video.analysis import FAST_MAX_SHARE, Analysis, analyse
from renderer.video.measures import measure
from renderer.video.moments import Moment, _moments
from renderer.video.runs import Run
from renderer.video.sampling import Sample
from renderer.video.shots import find_shots
from renderer.video.spans import Span, all_spans, choose_spans, fast_cost_s, refine_runs
from tests import video_fixtures as fx

COUNT = 4
SCORE_SHARE = 0.95  # a pick of another shot must score at least this share of the reference's
KEYFRAMES = {"short GOP": 1.0, "long GOP": 8.0, "one keyframe": None}


@pytest.fixture(scope="module")
def long_edits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("long_edits")
    return {
        name: fx.long_edit_video(folder / f"{name.replace(' ', '_')}.mp4", keyframe_every_s=every_s)
        for name, every_s in KEYFRAMES.items()
    }


@functools.cache
def _spans() -> list[tuple[float, float, fx.Segment]]:
    return fx.segment_spans(fx.long_edit_segments())


def _segment_at(time_s: float) -> tuple[float, float, fx.Segment]:
    return next(span for span in _spans() if span[0] <= time_s < span[1])


def _moments_of(video: Path, strategy: str) -> tuple[list[Moment], Analysis]:
    return _moments(video, count=COUNT, output_format="webp", quality=None, with_frames=False, strategy=strategy)


@pytest.fixture(scope="module")
def run(long_edits):
    """``_moments`` of a long edit with a strategy, computed once per module."""
    return functools.cache(lambda name, strategy: _moments_of(long_edits[name], strategy))


@pytest.mark.parametrize("name", list(KEYFRAMES))
def test_the_two_passes_pick_the_same_shots_or_as_good(run, name: str) -> None:
    full, reference = run(name, "full")
    fast, analysis = run(name, "fast")
    assert (reference.strategy, analysis.strategy) == ("full", "fast")
    assert len(full) == COUNT and len(fast) == len(full)
    full_labels = {_segment_at(m.timestamp_s)[2].label for m in full}
    for rank, (ours, theirs) in enumerate(zip(fast, full, strict=True)):
        same_shot = _segment_at(ours.timestamp_s)[2].label in full_labels
        assert same_shot or ours.score >= SCORE_SHARE * theirs.score, (rank, ours, theirs)
    assert fast[0].timestamp_s == full[0].timestamp_s  # the face close-up, exactly the same frame


@pytest.mark.parametrize("name", list(KEYFRAMES))
def test_two_pass_picks_keep_every_rule(run, name: str) -> None:
    fast, _ = run(name, "fast")
    cuts_s = [start_s for start_s, _, _ in _spans()[1:]]
    for moment in fast:
        segment = _segment_at(moment.timestamp_s)[2]
        assert segment.kind == "shot", (moment.timestamp_s, segment)  # no fade, black or blurred frame
        assert min(abs(moment.timestamp_s - cut_s) for cut_s in cuts_s) > 0.25  # not next to a cut
    assert len({_segment_at(m.timestamp_s)[2].label for m in fast}) == len(fast)  # no look twice
    assert fast[0].scores.faces == 1 and _segment_at(fast[0].timestamp_s)[2].label == "astronaut"


def test_short_gops_decode_far_fewer_frames(run) -> None:
    _, reference = run("short GOP", "full")
    _, analysis = run("short GOP", "fast")
    frame_count = round(_spans()[-1][1] * fx.LONG_EDIT_FPS)
    assert reference.decoded_frames == frame_count  # short: the full pass decodes every frame
    assert analysis.decoded_frames <= 0.4 * reference.decoded_frames


def test_closely_examined_samples_are_the_full_passes_own(long_edits, run) -> None:
    """Stretches are decoded on the full pass's grid: each sample there is the very frame the full
    pass measures (same time, same measures), or a keyframe from the first pass."""
    video = long_edits["short GOP"]
    full = {s.pts_s: s.measures for s in run("short GOP", "full")[1].samples}
    fast = run("short GOP", "fast")[1]
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        keyframes = {float(p.pts * stream.time_base) for p in container.demux(stream) if p.is_keyframe and p.size}
    examined = [s for s, pickable in zip(fast.samples, fast.pickable, strict=True) if pickable]
    assert len(examined) >= 40
    on_grid = [s for s in examined if s.pts_s in full]
    assert {s.pts_s for s in examined} - {s.pts_s for s in on_grid} <= keyframes
    for sample in on_grid:
        theirs = full[sample.pts_s]
        assert sample.measures.laplacian_variance == theirs.laplacian_variance
        assert np.array_equal(sample.measures.histogram, theirs.histogram)


def test_two_passes_are_deterministic(long_edits, run) -> None:
    first, _ = run("short GOP", "fast")
    second, _ = _moments_of(long_edits["short GOP"], "fast")
    assert [(m.timestamp_s, m.score, m.shot_index) for m in first] == [
        (m.timestamp_s, m.score, m.shot_index) for m in second
    ]


def test_auto_takes_two_passes_only_where_they_decode_less(long_edits) -> None:
    # One look (count 1 would still ask for 12): decoding two seconds around it beats the full pass.
    assert analyse(long_edits["short GOP"], looks=1).strategy == "fast"
    # Twelve looks in a 48 s video is most of it; a single keyframe makes every sample cost a decode.
    assert analyse(long_edits["short GOP"], looks=12).strategy == "full"
    assert analyse(long_edits["one keyframe"], looks=1).strategy == "full"
    assert analyse(long_edits["long GOP"], looks=1).strategy == "full"


@pytest.mark.parametrize(
    ("keyframe_every_s", "duration_s", "interval_s", "worth_it"),
    [
        (2.0, 600, 0.5, True),  # a 10-minute upload: a keyframe every 2 s
        (4.0, 600, 0.5, True),
        (10.0, 600, 0.5, False),  # a sparse grid inside every GOP costs most of the video
        (None, 600, 0.5, False),  # one keyframe: every sample decodes from the start
        (2.0, 3600, 2.4, True),  # an hour-long stream
        (10.0, 3600, 2.4, True),  # long GOPs are short against an hour sampled every 2.4 s
    ],
)
def test_the_cost_estimate_decides(keyframe_every_s, duration_s, interval_s, worth_it) -> None:
    keyframes = list(np.arange(0, duration_s, keyframe_every_s)) if keyframe_every_s else [0.0]
    cost_s = fast_cost_s(keyframes, duration_s, interval_s=interval_s, looks=15)
    assert bool(cost_s <= FAST_MAX_SHARE * duration_s) is worth_it, cost_s


def test_moments_api_is_unchanged_on_a_short_video(long_edits, run) -> None:
    found = moments(long_edits["short GOP"], count=COUNT, with_frames=False)
    full, _ = run("short GOP", "full")
    assert [(m.timestamp_s, m.score, m.reason, m.shot_index) for m in found] == [
        (m.timestamp_s, m.score, m.reason, m.shot_index) for m in full
    ]


# ------------------------------------------------------------------------------ uneven timelines
def _measures(name: str, *, dim: float = 1.0):
    return measure((fx.photo(name)[: fx.HEIGHT_PX, : fx.WIDTH_PX] * dim).astype(np.uint8))


def test_cuts_between_far_apart_samples_are_found_and_marked() -> None:
    # Dense samples, then one sample of each of two short shots seconds apart, then dense again:
    # every far-apart step is a different shot, so no step stands out from its neighbours.
    times = [0.0, 0.5, 1.0, 4.0, 8.0, 12.0, 12.5, 13.0]
    names = ["coffee", "coffee", "coffee", "rocket", "chelsea", "astronaut", "astronaut", "astronaut"]
    timeline = find_shots(times, [_measures(n) for n in names], interval_s=0.5)
    assert timeline.shot_ids.tolist() == [0, 0, 0, 1, 2, 3, 3, 3]
    # A cut between samples seconds apart may be anywhere in the gap: both ends are next to it.
    assert timeline.near_cut.tolist() == [False, False, True, True, True, True, False, False]


def test_no_fade_across_far_apart_samples() -> None:
    # Brightness falling sample after sample, but seconds apart: different shots, not a fade.
    times = [0.0, 3.0, 6.0, 9.0]
    measures = [_measures("coffee", dim=level) for level in (1.0, 0.8, 0.6, 0.4)]
    assert not find_shots(times, measures, interval_s=0.5).in_fade.any()
    # The same ramp half a second apart is a fade.
    assert find_shots([0.0, 0.5, 1.0, 1.5], measures, interval_s=0.5).in_fade.all()


# ----------------------------------------------------------------------------------- span choice
def _sample(time_s: float, name: str, *, dim: float = 1.0) -> Sample:
    return Sample(time_s, _measures(name, dim=dim), b"")


def test_spans_are_taken_best_first_two_per_look_within_the_budget() -> None:
    # A recurring look (coffee, six times), two others once each; a black keyframe fading into rocket.
    names = ["coffee", "chelsea", "coffee", "coffee", "astronaut", "coffee", "coffee", "coffee", "black", "rocket"]
    samples = [_sample(2.0 * i, n if n != "black" else "coffee", dim=0.0 if n == "black" else 1.0)
               for i, n in enumerate(names)]
    keyframes = [s.pts_s for s in samples]
    spans = all_spans(keyframes, 20.0, interval_s=0.5)
    assert [(s.start_s, s.end_s) for s in spans] == [(t, t + 2.0) for t in keyframes]
    chosen = choose_spans(samples, spans, keyframes, looks=3, budget_s=100.0)
    looks = [names[round(span.start_s / 2)] for span in chosen]
    # The three best looks (the dark rocket scores lowest), the recurring one twice, not six times.
    assert sorted(looks) == ["astronaut", "chelsea", "coffee", "coffee"]
    # The black keyframe's span fades into rocket: it stands for rocket's look, with rocket's own span.
    everything = choose_spans(samples, spans, keyframes, looks=10, budget_s=100.0)
    assert {16.0, 18.0} <= {span.start_s for span in everything}
    # Two seconds of decoding each: a budget of five takes the best two.
    assert len(choose_spans(samples, spans, keyframes, looks=10, budget_s=5.0)) == 2


def test_runs_sample_spans_on_the_grid_and_seek_only_when_it_saves_decoding() -> None:
    keyframes = [0.0, 1.0, 2.0, 5.0, 9.0]
    runs = refine_runs([Span(1.0, 2.0), Span(2.0, 3.5), Span(9.0, 10.0)], keyframes, interval_s=0.5)
    # 1-2 and 2-3.5 follow each other: one run from keyframe 1; 9-10 seeks to keyframe 9.
    assert runs == [Run(1.0, (1.5, 2.5, 3.0)), Run(9.0, (9.5,))]
    # A span starting between keyframes decodes from the one before it.
    assert refine_runs([Span(6.2, 7.0)], keyframes, interval_s=0.5) == [Run(5.0, (6.5,))]
