"""Decode only the anchor frames (I and P) of a video: every B-frame skipped, when that is exact.

In a video of long GOPs every sample costs decoding from its keyframe, so the two-pass analysis is no
deal and the sampling pass decodes the whole video. Most of that is B-frames (typically three of
every four frames): the non-reference ones are skipped already (``NONREF``), the reference ones
(x264's B-pyramid) only serve other B-frames, unless the encoder lets P-frames reference them too
(x264 with a B-pyramid and more than one reference frame, its default from the ``medium`` preset on).
Skipping every B-frame (``BIDIR``) then decodes the P-frames silently wrong: FFmpeg neither fails
nor flags them. So it is used only when ``anchors_are_exact`` showed, on a stretch at the start and
one in the middle, that the I- and P-frames decode bit for bit the same with and without the
B-frames. The anchor frames of a 30 fps video with three B-frames in a row come every 0.13 s,
denser than the sampling grid, so a pass over them sees the whole video.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Literal

import numpy as np

from .seek_types import DecodedFrame
from .source import OpenVideo

ANCHORS_ONLY: Literal["BIDIR"] = "BIDIR"  # PyAV's codec_context.skip_frame for I- and P-frames only
PROBE_PACKETS = 48  # per stretch: a dozen B-pyramids and the P-frames after them
_B_PICTURE = 3  # AVPictureType's B


def anchors_are_exact(video: OpenVideo, *, keyframes_s: np.ndarray | None) -> bool:
    """Whether skipping every B-frame leaves the I- and P-frames as they are, on two stretches.

    Decodes up to ``PROBE_PACKETS`` packets from the start, and from the middle one of ``keyframes_s``
    (the container's index, when it has one), twice: skipping only non-reference frames (exact by
    definition), then all B-frames; every anchor frame both put out must be identical. Leaves the
    decoder skipping nothing, positioned anywhere.
    """
    starts: list[float | None] = [None]
    if keyframes_s is not None and keyframes_s.size > 2:
        starts.append(float(keyframes_s[keyframes_s.size // 2]))
    try:
        for start_s in starts:
            reference = _anchor_digests(video, start_s, skip="NONREF")
            anchors = _anchor_digests(video, start_s, skip=ANCHORS_ONLY)
            common = reference.keys() & anchors.keys()
            if not common or any(reference[pts] != anchors[pts] for pts in common):
                return False
    finally:
        video.stream.codec_context.skip_frame = "DEFAULT"
    return True


def decode_anchors(video: OpenVideo) -> Iterator[DecodedFrame]:
    """The I- and P-frames from the current position on (only where ``anchors_are_exact``)."""
    context = video.stream.codec_context
    try:
        for packet in video.container.demux(video.stream):
            context.skip_frame = ANCHORS_ONLY  # each time: a generator closed late may have reset it
            for frame in packet.decode():
                if frame.pts is not None:
                    yield DecodedFrame(frame=frame, pts=frame.pts, pts_s=video.timing.seconds(frame.pts))
    finally:
        context.skip_frame = "DEFAULT"


def _anchor_digests(video: OpenVideo, start_s: float | None, *, skip: Literal["NONREF", "BIDIR"]) -> dict[int, bytes]:
    """pts -> digest of the luma of each I- and P-frame decoded from the keyframe at or before ``start_s``."""
    timing = video.timing
    video.container.seek(timing.ticks(start_s) if start_s is not None else timing.ticks(-1.0),
                         stream=video.stream, backward=True)
    video.stream.codec_context.skip_frame = skip
    digests: dict[int, bytes] = {}
    for count, packet in enumerate(video.container.demux(video.stream)):
        if count == PROBE_PACKETS:
            break
        for frame in packet.decode():
            if frame.pts is None or int(frame.pict_type) == _B_PICTURE:
                continue
            plane = frame.planes[0]
            luma = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
            digests[frame.pts] = hashlib.blake2b(np.ascontiguousarray(luma).tobytes(), digest_size=16).digest()
    return digests
