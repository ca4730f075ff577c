"""Decode only what some target times need: skip the non-reference frames nobody will be shown.

To show the frame at ``T`` the decoder must decode every reference frame from the keyframe on, but
a non-reference frame (a B-frame, usually a third to a half of them) matters only if it is the one
shown at a target. A packet is skipped (``skip_frame=NONREF`` for that packet; the decoder itself
decides whether the frame is a reference) only when a later packet is *known* to have a
presentation time between its own and the next target, so it cannot be the frame shown there. The
proof needs a few packets of lookahead (B-frame reordering); without a proof, the packet is decoded.
Skipping a frame nothing references cannot change any other frame: results stay exact.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator, Sequence
from fractions import Fraction

import av

from .seek_types import PTS_TOLERANCE_S, DecodedFrame
from .source import OpenVideo

LOOKAHEAD_PACKETS = 32  # far more than any codec's reordering depth (H.264 allows 16)


def decode_for_targets(video: OpenVideo, targets_s: Sequence[float]) -> Iterator[DecodedFrame]:
    """Frames from the current position on; ones provably not shown at any target may be left out."""
    timing = video.timing
    context = video.stream.codec_context
    # The last pts (in stream ticks) that is still shown at each target, as in seconds ± tolerance.
    limits = sorted(
        int((Fraction(t + PTS_TOLERANCE_S) + Fraction(timing.start_s)) / timing.time_base) for t in targets_s
    )
    packets = video.container.demux(video.stream)
    lookahead: deque[av.Packet] = deque()
    try:
        while True:
            packet = lookahead.popleft() if lookahead else next(packets, None)
            if packet is None:
                return
            skippable = _provably_not_shown(packet, limits, lookahead, packets)
            context.skip_frame = "NONREF" if skippable else "DEFAULT"
            for frame in packet.decode():
                if frame.pts is not None:
                    yield DecodedFrame(frame=frame, pts_s=timing.seconds(frame.pts))
    finally:
        context.skip_frame = "DEFAULT"


def _provably_not_shown(
    packet: av.Packet, limits: list[int], lookahead: deque[av.Packet], packets: Iterator[av.Packet]
) -> bool:
    if packet.pts is None or not packet.size or packet.is_keyframe:
        return False
    index = bisect.bisect_left(limits, packet.pts)
    if index == len(limits):
        return False  # past every target: decoded, it tells the caller the last target is passed
    limit = limits[index]
    for position in range(LOOKAHEAD_PACKETS):
        if position == len(lookahead):
            following = next(packets, None)
            if following is None:
                return False
            lookahead.append(following)
        later = lookahead[position]
        if later.pts is not None and later.size and packet.pts < later.pts <= limit:
            return True
    return False
