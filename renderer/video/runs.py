"""Decode stretches of a video from a keyframe and measure the first frame at or after each target.

A run seeks to a keyframe and decodes forward with the sampling plan's frame skipping, so the frame
kept for a target is the one the full sampling pass keeps for it: the first frame the decoder puts
out at or after the target. Demuxers can land after the keyframe asked for (MPEG-TS seeks by
bisection); a run that starts after its first target seeks again earlier, doubling the step, finally
to before the start.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from itertools import chain

from av.video.reformatter import VideoReformatter
from msgspec import Struct
from msgspec.structs import replace

from .sampling import Sample, SamplingPlan, configure_decoder, make_sample
from .seek import DecodedFrame, decode_all
from .source import OpenVideo

_SEEK_BACKOFF_S = 1.0
_BEFORE_START_S = -1.0
_SLACK_S = 1e-6


class Run(Struct, frozen=True):
    keyframe_s: float  # where decoding starts: a keyframe at or before the first target
    targets_s: tuple[float, ...]  # sorted


class RunSamples(Struct, frozen=True):
    samples: list[Sample]  # in time order, each frame once
    decoded_frames: int


def run_plan(plan: SamplingPlan) -> SamplingPlan:
    """The plan's skipping for runs: keyframes-only decoding would leave nothing between keyframes."""
    return replace(plan, skip_frame="NONREF") if plan.skip_frame == "NONKEY" else plan


def sample_runs(video: OpenVideo, plan: SamplingPlan, runs: Sequence[Run]) -> RunSamples:
    configure_decoder(video, run_plan(plan))
    reformatter = VideoReformatter()
    by_pts: dict[float, Sample] = {}
    decoded_frames = 0
    for run in runs:
        if not run.targets_s:
            continue
        frames, decoded_frames = _start(video, run, decoded_frames)
        pending = deque(run.targets_s)
        for decoded in frames:
            decoded_frames += 1
            if decoded.pts_s + _SLACK_S < pending[0]:
                continue
            if decoded.pts_s not in by_pts:
                by_pts[decoded.pts_s] = make_sample(decoded.frame, decoded.pts_s, reformatter)
            while pending and pending[0] <= decoded.pts_s + _SLACK_S:
                pending.popleft()
            if not pending:
                break
    video.stream.codec_context.skip_frame = "DEFAULT"
    return RunSamples(samples=[by_pts[pts] for pts in sorted(by_pts)], decoded_frames=decoded_frames)


def _start(video: OpenVideo, run: Run, decoded_frames: int) -> tuple[Iterator[DecodedFrame], int]:
    """Seek so that the first frame decoded is at or before the run's first target.

    Returns the frames from there on (the first one not yet counted) and the count so far.
    """
    seek_s, backoff_s = run.keyframe_s, _SEEK_BACKOFF_S
    while True:
        video.container.seek(video.timing.ticks(max(seek_s, _BEFORE_START_S)), stream=video.stream, backward=True)
        frames = decode_all(video)
        first = next(frames, None)
        if first is None:
            return iter(()), decoded_frames
        if first.pts_s <= run.targets_s[0] + _SLACK_S or seek_s <= _BEFORE_START_S:
            return chain([first], frames), decoded_frames
        decoded_frames += 1  # a frame decoded for nothing: the seek landed too late
        seek_s = seek_s - backoff_s if seek_s - backoff_s > 0 else _BEFORE_START_S
        backoff_s *= 2
