"""The cheap first look at a video: every packet read, only keyframes decoded and measured.

A keyframe decodes on its own, so sending the decoder nothing but keyframe packets costs one frame
per keyframe (typically one every 1-4 s, more at scene cuts an encoder marked), a few percent of
decoding everything. Reading the packets also tells where every keyframe is (needed to seek later,
even in files without an index) and where the frames end. Keyframes closer than ``min_gap_s`` to the
previous decoded one are listed but not decoded: an intra-only video (every frame a keyframe) costs
no more than a sample every ``min_gap_s``.
"""

from __future__ import annotations

from collections.abc import Sequence

from av.video.reformatter import VideoReformatter
from msgspec import Struct
from msgspec.structs import replace

from .sampling import Sample, SamplingPlan, configure_decoder, make_sample
from .source import OpenVideo


class KeyframeScan(Struct, frozen=True):
    samples: list[Sample]  # the decoded keyframes, in time order
    keyframes_s: tuple[float, ...]  # every keyframe packet's time, sorted: where decoding may start
    end_s: float  # the end of the last frame
    decoded_frames: int


def scan_keyframes(video: OpenVideo, plan: SamplingPlan, *, min_gap_s: float) -> KeyframeScan:
    """Demux the whole stream from the start, decoding keyframe packets ``min_gap_s`` or more apart."""
    timing = video.timing
    configure_decoder(video, replace(plan, skip_frame="DEFAULT"))  # only keyframes are sent anyway
    reformatter = VideoReformatter()
    samples: list[Sample] = []
    keyframes_s: list[float] = []
    end_s, last_fed_s, decoded_frames = 0.0, float("-inf"), 0
    for packet in video.container.demux(video.stream):
        if packet.size and packet.pts is not None:
            pts_s = timing.seconds(packet.pts)
            length_s = float(packet.duration * timing.time_base) if packet.duration else 0.0
            end_s = max(end_s, pts_s + length_s)
            if not packet.is_keyframe:
                continue
            keyframes_s.append(pts_s)
            if not _far_enough(pts_s, last_fed_s, min_gap_s):
                continue
            last_fed_s = pts_s
        elif packet.size:
            continue  # a packet without a time cannot be placed
        for frame in packet.decode():  # an empty packet at the end drains the decoder
            if frame.pts is None:
                continue
            decoded_frames += 1
            samples.append(make_sample(frame, timing.seconds(frame.pts), reformatter))
    samples.sort(key=lambda sample: sample.pts_s)
    return KeyframeScan(
        samples=samples,
        keyframes_s=tuple(sorted(keyframes_s)),
        end_s=max([end_s, *(sample.pts_s for sample in samples)]),
        decoded_frames=decoded_frames,
    )


def thin_keyframes(keyframes_s: Sequence[float], *, min_gap_s: float) -> list[float]:
    """The keyframes ``scan_keyframes`` decodes, from a sorted list of all of them."""
    kept: list[float] = []
    for time_s in keyframes_s:
        if _far_enough(time_s, kept[-1] if kept else float("-inf"), min_gap_s):
            kept.append(time_s)
    return kept


def _far_enough(time_s: float, last_s: float, min_gap_s: float) -> bool:
    return time_s + 1e-6 >= last_s + min_gap_s
