"""One cheap pass over a video: small frames sampled every ``interval_s``, measured on the fly.

Cost is bounded: the interval grows with the duration (at most ``MAX_SAMPLES`` samples), frames that
are not sampled are only decoded, never converted, and long videos let the decoder skip frames
nothing else depends on (``skip_frame``): the non-reference frames (usually B-frames, a third to a
half) for medium-length videos, everything but keyframes for very long ones, and skip deblocking. Each sample keeps its measures and
a small JPEG preview for the face detector, which only runs later on a shortlist.
"""

from __future__ import annotations

import io
from typing import Literal

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from msgspec import Struct
from PIL import Image

from .measures import Measures, measure
from .pixels import small_rgb
from .seek import decode_all
from .source import OpenVideo

SkipFrame = Literal["DEFAULT", "NONREF", "BIDIR", "NONKEY"]
ANALYSIS_WIDTH_PX = 160
PREVIEW_WIDTH_PX = 240  # faces must be ~20 px to be found: 15% of the frame height at 16:9
MAX_SAMPLES = 1500
_MIN_INTERVAL_S = 0.1
_MAX_INTERVAL_S = 0.5  # 2 samples a second up to 12.5 minutes, sparser beyond
_TARGET_SAMPLES = 200
_PREVIEW_JPEG_QUALITY = 90
# Decoding cost in "seconds of 720p30": up to this, decode everything; up to the next, skip
# non-reference frames; beyond, decode keyframes only.
_FULL_DECODE_UNITS = 120.0
_NONREF_DECODE_UNITS = 3600.0
_REFERENCE_PIXEL_RATE = 1280 * 720 * 30


class SamplingPlan(Struct, frozen=True):
    interval_s: float
    skip_frame: SkipFrame  # PyAV's codec_context.skip_frame
    # Skip H.264/HEVC deblocking too (a quarter less decoding): the pictures stay good enough to
    # measure (sharpness moves by a few percent) and extraction decodes afresh, with the filter.
    skip_loop_filter: bool = False


class Sample(Struct, frozen=True, eq=False):
    pts_s: float
    measures: Measures
    preview_jpeg: bytes  # PREVIEW_WIDTH_PX wide, upright

    def preview(self) -> Image.Image:
        return Image.open(io.BytesIO(self.preview_jpeg)).convert("RGB")


def plan_sampling(video: OpenVideo) -> SamplingPlan:
    """How densely to sample and how much the decoder may skip, from duration, size and frame rate."""
    duration_s = video.timing.duration_s
    if duration_s is None:  # a stream that does not say how long it is: sample sparsely, decode all
        return SamplingPlan(interval_s=_MAX_INTERVAL_S, skip_frame="DEFAULT")
    interval_s = min(max(duration_s / _TARGET_SAMPLES, _MIN_INTERVAL_S), _MAX_INTERVAL_S)
    interval_s = max(interval_s, duration_s / MAX_SAMPLES)
    context = video.stream.codec_context
    pixel_rate = (context.width or 1280) * (context.height or 720) * (video.timing.frame_rate or 30.0)
    cost_units = duration_s * pixel_rate / _REFERENCE_PIXEL_RATE
    if cost_units <= _FULL_DECODE_UNITS:
        return SamplingPlan(interval_s=interval_s, skip_frame="DEFAULT")
    skip: SkipFrame = "NONREF" if cost_units <= _NONREF_DECODE_UNITS else "NONKEY"
    return SamplingPlan(interval_s=interval_s, skip_frame=skip, skip_loop_filter=True)


class Sampled(Struct, frozen=True):
    samples: list[Sample]
    interval_s: float  # the plan's, or wider when the video was longer than its header said
    decoded_frames: int  # frames the decoder put out (skipped ones are not counted): the pass's cost


def make_sample(frame: av.VideoFrame, pts_s: float, reformatter: VideoReformatter) -> Sample:
    """Measure a decoded frame and keep its preview; ``reformatter`` is one pass's reused scaler."""
    preview = small_rgb(frame, PREVIEW_WIDTH_PX, reformatter=reformatter)
    analysis = _shrink(preview, ANALYSIS_WIDTH_PX)
    return Sample(pts_s, measure(analysis), _jpeg(preview))


def configure_decoder(video: OpenVideo, plan: SamplingPlan) -> None:
    """Set the plan's frame skipping and deblocking on the stream's decoder (before the first packet)."""
    context = video.stream.codec_context
    context.skip_frame = plan.skip_frame
    if plan.skip_loop_filter:
        context.options = {**context.options, "skip_loop_filter": "all"}


def sample_video(video: OpenVideo, plan: SamplingPlan) -> Sampled:
    """Decode from the start and measure the first frame at or after each multiple of the interval.

    Should there be more than ``MAX_SAMPLES`` (a duration missing or wrong in the header), every
    other sample is dropped and the interval doubled, so memory stays bounded.
    """
    configure_decoder(video, plan)
    reformatter = VideoReformatter()
    samples: list[Sample] = []
    interval_s, next_s, decoded_frames = plan.interval_s, 0.0, 0
    for decoded in decode_all(video):
        decoded_frames += 1
        if decoded.pts_s + 1e-6 < next_s and samples:
            continue
        samples.append(make_sample(decoded.frame, decoded.pts_s, reformatter))
        if len(samples) >= MAX_SAMPLES:
            samples, interval_s = samples[::2], interval_s * 2
        next_s = next_grid_s(decoded.pts_s, interval_s)
    video.stream.codec_context.skip_frame = "DEFAULT"
    return Sampled(samples=samples, interval_s=interval_s, decoded_frames=decoded_frames)


def next_grid_s(pts_s: float, interval_s: float) -> float:
    """The first multiple of ``interval_s`` after a sample at ``pts_s``: when the next sample is due."""
    return float((np.floor(pts_s / interval_s + 1e-6) + 1) * interval_s)


def _shrink(rgb: np.ndarray, width_px: int) -> np.ndarray:
    height_px = max(2, round(rgb.shape[0] * width_px / rgb.shape[1]))
    return np.asarray(Image.fromarray(rgb).resize((width_px, height_px), Image.Resampling.BOX))


def _jpeg(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=_PREVIEW_JPEG_QUALITY)
    return buffer.getvalue()
