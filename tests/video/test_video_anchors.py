"""The anchors-only pass (I- and P-frames, every B-frame skipped) that ``moments`` uses for long-GOP
videos too long to decode everything and too sparse in keyframes for the two passes.

The reference is the full sampling pass on the same video: the 48-second edit of 16 shots with a
keyframe every 8 s (B-frames on, as x264's ``veryfast`` writes them), and a few seconds encoded so
that P-frames reference B-frames (x264 with three reference frames), where skipping B-frames breaks
the P-frames and must not be done.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from renderer.video import analysis as analysis_module
from renderer.video.analysis import analyse
from renderer.video.anchors import anchors_are_exact
from renderer.video.moments import Moment, _moments
from renderer.video.sampling import SamplingPlan
from renderer.video.seek import decode_at, indexed_keyframe_times
from renderer.video.source import open_video
from tests import video_fixtures as fx

COUNT = 4
SCORE_SHARE = 0.95  # a pick of another shot must score at least this share of the reference's
_B_PICTURE = 3


@pytest.fixture(scope="module")
def long_gop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fx.long_edit_video(tmp_path_factory.mktemp("anchors") / "long_gop.mp4", keyframe_every_s=8.0)


@pytest.fixture(scope="module")
def p_refers_to_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four seconds of a fast pan, one keyframe, B-pyramids that later P-frames reference."""
    base = fx.photo("rocket")
    return fx.write_video(
        tmp_path_factory.mktemp("anchors") / "p_refers_to_b.mp4",
        ((i, fx.panned(base, 3 * i)) for i in range(100)),
        time_base=Fraction(1, 25), frame_rate=25, gop_frames=250, x264_params="scenecut=0:ref=3",
    )


@functools.cache
def _segment_label(time_s: float) -> str:
    return next(segment.label for start_s, end_s, segment in fx.segment_spans(fx.long_edit_segments())
                if start_s <= time_s < end_s)


def _moments_of(video: Path, strategy: str) -> tuple[list[Moment], analysis_module.Analysis]:
    return _moments(video, count=COUNT, output_format="png", quality=None, with_frames=True, strategy=strategy)


def test_the_anchors_pass_picks_what_the_full_decode_picks(long_gop: Path) -> None:
    full, reference = _moments_of(long_gop, "full")
    found, analysis = _moments_of(long_gop, "anchors")
    assert analysis.strategy == "anchors" and len(found) == len(full) == COUNT
    full_labels = {_segment_label(m.timestamp_s) for m in full}
    for rank, (ours, theirs) in enumerate(zip(found, full, strict=True)):
        assert _segment_label(ours.timestamp_s) in full_labels or ours.score >= SCORE_SHARE * theirs.score, (
            rank, ours, theirs)
    # The face close-up first, within a few frames of the full decode's pick (anchors are 4 frames apart).
    assert _segment_label(found[0].timestamp_s) == _segment_label(full[0].timestamp_s) == "astronaut"
    assert full[0].scores.faces >= 1 and found[0].scores.faces >= 1
    assert abs(found[0].timestamp_s - full[0].timestamp_s) <= 0.5
    assert found[0].score >= SCORE_SHARE * full[0].score
    # Only I- and P-frames were decoded: about a quarter of the frames with three B-frames in a row.
    assert analysis.decoded_frames <= 0.4 * reference.decoded_frames


def test_every_anchors_sample_and_pick_is_an_i_or_p_frame_extracted_exactly(long_gop: Path) -> None:
    found, analysis = _moments_of(long_gop, "anchors")
    with av.open(str(long_gop)) as container:
        stream = container.streams.video[0]
        by_pts_s = {float(frame.pts * stream.time_base): frame for frame in container.decode(stream)}
    assert {int(by_pts_s[s.pts_s].pict_type) for s in analysis.samples} <= {1, 2}  # I and P, no B
    for moment in found:
        assert moment.frame is not None and moment.frame.pts_s == moment.timestamp_s
        expected = by_pts_s[moment.timestamp_s].to_ndarray(format="rgb24")
        assert np.array_equal(np.asarray(moment.frame.image), expected), moment.timestamp_s


def test_the_probe_tells_whether_skipping_b_frames_is_exact(long_gop: Path, p_refers_to_b: Path) -> None:
    for video, exact in ((long_gop, True), (p_refers_to_b, False)):
        with open_video(video) as opened:
            assert anchors_are_exact(opened, keyframes_s=indexed_keyframe_times(opened)) is exact, video
    # The probe is right: skipping every B-frame there really changes a P-frame.
    with open_video(p_refers_to_b) as opened:
        times_s = [t for t, kind in _frame_kinds(p_refers_to_b) if kind != _B_PICTURE][4:]
        exact = [d.frame.to_ndarray(format="gray") for d in decode_at(opened, times_s)]
        skipped = [d.frame.to_ndarray(format="gray") for d in decode_at(opened, times_s, anchors_only=True)]
    assert any(not np.array_equal(a, b) for a, b in zip(exact, skipped, strict=True))


def _frame_kinds(video: Path) -> list[tuple[float, int]]:
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        return [(float(f.pts * stream.time_base), int(f.pict_type)) for f in container.decode(stream)]


@pytest.mark.parametrize(("name", "expected"), [("long_gop", "anchors"), ("p_refers_to_b", "full")])
def test_auto_runs_over_the_anchors_where_the_plan_skips_and_they_are_exact(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, name: str, expected: str
) -> None:
    """A plan that skips non-reference frames is what a 10-minute 720p video gets; these clips are
    too small for it, so the plan is made so."""
    video = request.getfixturevalue(name)
    monkeypatch.setattr(
        analysis_module, "plan_sampling", lambda opened: SamplingPlan(interval_s=0.25, skip_frame="NONREF")
    )
    assert analyse(video, looks=12).strategy == expected
    # Without that plan (a short video: every frame decoded), the full pass stays as it was.
    monkeypatch.undo()
    assert analyse(video, looks=12).strategy == "full"
