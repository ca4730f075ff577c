"""Decode only what some target times need: skip the non-reference frames nobody will be shown.

To show the frame at ``T`` the decoder must decode every reference frame from the keyframe on, but
a non-reference frame (a B-frame, usually a third to a half of them) matters only if it is the one
shown at a target: the first frame whose pts is at or after the target's first tick, or the last
frame of the stream (shown at a time past every frame). A packet is skipped (``skip_frame=NONREF``
for that packet; the decoder itself decides whether the frame is a reference) only when other
packets *known* to exist prove it is neither: one with a pts from the latest first tick at or before
its own up to its own (that frame comes first there), and one with a later pts (so it is not the
last) when some target lies after it. The proof looks at the packets around it (B-frame
reordering); without a proof, the packet is decoded. Skipping a frame nothing references cannot
change any other frame: results stay exact.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

import av

from .seek_types import DecodedFrame
from .source import OpenVideo

LOOKAHEAD_PACKETS = 32  # far more than any codec's reordering depth (H.264 allows 16)


def decode_for_targets(video: OpenVideo, targets_s: Sequence[float]) -> Iterator[DecodedFrame]:
    """Frames from the current position on; ones provably not shown at any target may be left out."""
    timing = video.timing
    context = video.stream.codec_context
    first_ticks = sorted(timing.first_shown_ticks(t) for t in targets_s)
    packets = video.container.demux(video.stream)
    lookahead: deque[av.Packet[Any]] = deque()
    behind: deque[int] = deque(maxlen=LOOKAHEAD_PACKETS)  # pts of the packets just before
    try:
        while True:
            packet = lookahead.popleft() if lookahead else next(packets, None)
            if packet is None:
                return
            skippable = _provably_not_shown(packet, first_ticks, behind, lookahead, packets)
            context.skip_frame = "NONREF" if skippable else "DEFAULT"
            if packet.pts is not None and packet.size:
                behind.append(packet.pts)
            for frame in packet.decode():
                if frame.pts is not None:
                    yield DecodedFrame(frame=frame, pts=frame.pts, pts_s=timing.seconds(frame.pts))
    finally:
        context.skip_frame = "DEFAULT"


def _provably_not_shown(
    packet: av.Packet[Any], first_ticks: list[int], behind: deque[int], lookahead: deque[av.Packet[Any]],
    packets: Iterator[av.Packet[Any]],
) -> bool:
    if packet.pts is None or not packet.size or packet.is_keyframe:
        return False
    pts = packet.pts
    after = bisect.bisect_right(first_ticks, pts)  # first_ticks[:after] are at or before this frame
    needs_earlier = first_ticks[after - 1] if after > 0 else None  # a frame in [this, pts) hides it
    needs_later = after < len(first_ticks)  # a target after it: it must not be the last frame
    if needs_earlier is not None and any(needs_earlier <= seen < pts for seen in behind):
        needs_earlier = None
    for position in range(LOOKAHEAD_PACKETS):
        if needs_earlier is None and not needs_later:
            return True
        if position == len(lookahead):
            following = next(packets, None)
            if following is None:
                return False
            lookahead.append(following)
        later = lookahead[position]
        if later.pts is None or not later.size:
            continue
        if needs_earlier is not None and needs_earlier <= later.pts < pts:
            needs_earlier = None
        if later.pts > pts:
            needs_later = False
    return needs_earlier is None and not needs_later
